package dev.herald.analytics;

/** The kinds of {@link DeliveryEvent} Herald records. */
public enum EventType {
  /** A campaign (or another dispatch source) was created. */
  CAMPAIGN_CREATED,
  /** A send was scheduled for later: a scheduled campaign, or a delivery postponed by quiet hours. */
  PUSH_SCHEDULED,
  /** The message was handed to the push service (first attempt). */
  PUSH_SENT,
  /** The push service accepted the message. */
  PUSH_DELIVERED,
  /** The message failed: invalid address, rejected, retries exhausted, or unknown after a crash. */
  PUSH_FAILED,
  /** A gate held the message back; the event carries the reason. */
  PUSH_SUPPRESSED,
  /** The player clicked the notification (or one of its actions). */
  PUSH_CLICKED,
  /** The player reached a goal (a deposit, say) credited to their last click. */
  CONVERSION,
  /** A dispatch finished: every delivery is settled. */
  CAMPAIGN_COMPLETED
}
