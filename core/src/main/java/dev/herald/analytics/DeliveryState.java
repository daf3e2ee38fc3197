package dev.herald.analytics;

/**
 * Where one delivery (one message for one device, or for a player without a device) stands.
 *
 * <pre>
 *   SUPPRESSED                                  decided not to send (a gate said no)
 *   CLAIMED ──▶ SENDING ──▶ DELIVERED | FAILED  claimed, handed to the provider, final answer
 *   CLAIMED ──▶ SUPPRESSED                      the device or the dispatch changed before the call
 * </pre>
 * When a dispatch resumes after a crash, a CLAIMED delivery (never handed to a provider) is sent
 * as usual, while a SENDING one is settled as FAILED with reason {@link Suppression#UNKNOWN}: it
 * may or may not have reached the push service, and Herald never sends twice.
 */
public enum DeliveryState {
  /** A gate held it back; see the record's reason. */
  SUPPRESSED,
  /** Claimed for sending; not yet handed to a provider (waiting for its throttle slot). */
  CLAIMED,
  /** Handed to a provider; the answer (or the last retry) is pending. */
  SENDING,
  /** The push service accepted it. */
  DELIVERED,
  /** Sent (or possibly sent) but not accepted: invalid address, rejected, retries exhausted. */
  FAILED;

  /** @return true when the delivery will not change any more (clicks aside) */
  public boolean isFinal() {
    return this != CLAIMED && this != SENDING;
  }
}
