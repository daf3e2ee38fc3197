package dev.herald.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.function.IntSupplier;

/**
 * A smooth rate limit by reservation: each call books the next free slot, spaced
 * {@code 1 / rate} apart, and learns when it may go. Deterministic with Herald's clock, so
 * throttling can be tested on a fake clock. A cluster budget is split evenly across the live
 * nodes: with {@code n} of them, this node's slots are spaced {@code n / rate} apart.
 */
public final class RateLimiter {
  private final double perSecond;
  private final IntSupplier nodes;
  private Instant nextFree = Instant.MIN;

  /**
   * Creates a limiter for one node.
   *
   * @param perSecond permitted calls per second
   */
  public RateLimiter(double perSecond) {
    this(perSecond, () -> 1);
  }

  /**
   * Creates a limiter for this node's share of a cluster budget.
   *
   * @param perSecond permitted calls per second across the cluster
   * @param nodes how many nodes share it now (at least 1; read on every reservation)
   */
  public RateLimiter(double perSecond, IntSupplier nodes) {
    this.perSecond = perSecond;
    this.nodes = nodes;
  }

  /**
   * Books a slot.
   *
   * @param now the current instant
   * @return when the call may be made, {@code now} or later
   */
  public synchronized Instant reserve(Instant now) {
    Instant at = nextFree.isAfter(now) ? nextFree : now;
    long intervalNanos = Math.max(1, (long) (1_000_000_000L * Math.max(1, nodes.getAsInt())
        / perSecond));
    nextFree = at.plus(Duration.ofNanos(intervalNanos));
    return at;
  }
}
