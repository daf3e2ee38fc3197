package dev.herald.internal.dispatch;

import java.time.Duration;
import java.time.Instant;

/**
 * A smooth rate limit by reservation: each call books the next free slot, spaced
 * {@code 1 / rate} apart, and learns when it may go. Deterministic with Herald's clock, so
 * throttling can be tested on a fake clock.
 */
public final class RateLimiter {
  private final long intervalNanos;
  private Instant nextFree = Instant.MIN;

  /**
   * Creates a limiter.
   *
   * @param perSecond permitted calls per second
   */
  public RateLimiter(double perSecond) {
    this.intervalNanos = Math.max(1, (long) (1_000_000_000L / perSecond));
  }

  /**
   * Books a slot.
   *
   * @param now the current instant
   * @return when the call may be made, {@code now} or later
   */
  public synchronized Instant reserve(Instant now) {
    Instant at = nextFree.isAfter(now) ? nextFree : now;
    nextFree = at.plus(Duration.ofNanos(intervalNanos));
    return at;
  }
}
