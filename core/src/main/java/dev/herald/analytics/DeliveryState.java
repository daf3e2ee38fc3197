package dev.herald.analytics;

/**
 * Where one delivery (one message for one device, or for a player without a device) stands.
 *
 * <pre>
 *   SUPPRESSED                      decided not to send (a gate said no)
 *   CLAIMED ──▶ DELIVERED | FAILED  claimed for sending, then the provider's final answer
 *   CLAIMED ──▶ SUPPRESSED          claimed, but the device or the dispatch changed before the call
 * </pre>
 * A CLAIMED delivery found when a dispatch resumes after a crash is settled as FAILED with reason
 * {@link Suppression#UNKNOWN}: it may or may not have reached the push service, and Herald never
 * sends twice.
 */
public enum DeliveryState {
  /** A gate held it back; see the record's reason. */
  SUPPRESSED,
  /** Claimed for sending; the provider call is pending or in flight. */
  CLAIMED,
  /** The push service accepted it. */
  DELIVERED,
  /** Sent (or possibly sent) but not accepted: invalid address, rejected, retries exhausted. */
  FAILED;

  /** @return true when the delivery will not change any more (clicks aside) */
  public boolean isFinal() {
    return this != CLAIMED;
  }
}
