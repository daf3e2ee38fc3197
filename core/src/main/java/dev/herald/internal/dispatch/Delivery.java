package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.content.Notification;
import dev.herald.spi.SendResult;
import dev.herald.subscription.DeviceAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * One claimed delivery on its way to a provider: the claimed record, what the call needs, which
 * attempt is next, and {@link #done}, which completes with true once the delivery is settled, or
 * false when its run stopped and left it claimed for the run that resumes the step.
 */
final class Delivery implements ProviderLane.Call {
  final DeliveryRecord record;
  /** {@code record.key()}, built once: the ledger looks the delivery up by it several times. */
  final String key;
  final String addressKey;
  /**
   * The claimed device's address as the player's state read gave it, the subscription change
   * count read before that read, and its time: the claim batch's address check trusts them while
   * the count holds ({@link Attempts#prepare}).
   */
  final DeviceAddress claimedAddress;
  final long stateChanges;
  final Instant stateReadAt;
  final Notification notification;
  final CompletableFuture<Boolean> done = new CompletableFuture<>();
  private final Attempts attempts;
  /** The attempt to make next; written before the delivery is handed on, so it is published. */
  int attempt = 1;
  /** The address of the call in flight, for an INVALID_ADDRESS answer. */
  DeviceAddress address;
  long startedNanos;
  /** Whether the store has this delivery SENDING (marked with its claim batch, or as it started). */
  volatile boolean markedSending;
  /**
   * The address a bulk check found sendable just before the mark, the subscription change count
   * and the time of that check; null once used or when not checked in bulk.
   */
  volatile DeviceAddress checkedAddress;
  volatile long checkedChanges;
  volatile Instant checkedAt;

  Delivery(DeliveryRecord record, DeviceAddress claimedAddress, long stateChanges,
      Instant stateReadAt, Notification notification, Attempts attempts) {
    this.record = record;
    this.key = record.key();
    this.addressKey = claimedAddress.key();
    this.claimedAddress = claimedAddress;
    this.stateChanges = stateChanges;
    this.stateReadAt = stateReadAt;
    this.notification = notification;
    this.attempts = attempts;
  }

  @Override
  public Object owner() {
    return attempts;
  }

  @Override
  public CompletableFuture<SendResult> start() {
    return attempts.start(this);
  }

  @Override
  public void finished(SendResult result, Throwable error) {
    attempts.finished(this, result, error);
  }
}
