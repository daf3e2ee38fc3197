package dev.herald.apns.internal;

/**
 * How many requests one APNs connection carries at once, found by hill climbing on measured
 * throughput (as the .NET thread pool tunes its thread count).
 *
 * <p>Why adapt: each OkHttp call holds a thread while in flight, and the best number of streams
 * depends on where the bottleneck is. Across the internet, a connection needs hundreds of streams
 * to cover the round trip to Apple; where the CPU is the bottleneck (a local mock, a busy host),
 * streams past a few dozen only queue inside the process, and measured throughput falls by half
 * or more at a thousand. No fixed number suits both.
 *
 * <p>While notifications are waiting for a stream (so the limit, not the load, decides
 * throughput), the limit moves by 25% after each measurement window (at least three times the
 * limit in completions, and 50 ms). It looks for the fewest streams that give the best
 * throughput, within 5%: it keeps climbing while throughput rises by more than 5% a step; when
 * throughput is as good as the best recently seen but no longer rising, it steps down, to hold
 * fewer threads and less latency for the same work; when throughput is clearly below the best,
 * it steps back towards the limit that gave the best. The best is re-measured whenever the search
 * returns to its limit, so a link that got slower is re-learned. Windows without a backlog leave
 * the limit alone and end the search. A timeout lowers the limit at once. The server's stream
 * limit and the configured maximum cap it. Not thread-safe: the owning pool calls it under its
 * lock.
 */
final class AdaptiveLimit {
  /** The limit a new channel starts from. */
  static final int INITIAL = 32;
  static final double STEP = 1.25;
  static final double NOISE = 0.05;
  static final long MIN_WINDOW_NANOS = 50_000_000;

  private final int max;
  private final boolean adaptive;
  private int limit;

  private long windowStartNanos = Long.MIN_VALUE;
  private int windowCompletions;
  private boolean windowSaturated = true;
  private double lastThroughput = -1;
  private double bestThroughput = -1;
  private int bestLimit;
  private int lastLimitSeen;
  private long adjustments;


  /**
   * @param max the most streams ever allowed
   */
  AdaptiveLimit(int max) {
    this(max, true, Math.min(INITIAL, max));
  }

  private AdaptiveLimit(int max, boolean adaptive, int initial) {
    this.max = max;
    this.adaptive = adaptive;
    this.limit = initial;
  }

  /** A limit that never moves, for {@code adaptiveConcurrency(false)}. */
  static AdaptiveLimit fixed(int value) {
    return new AdaptiveLimit(value, false, value);
  }

  /** @return the current limit, at least 1 */
  int limit() {
    return limit;
  }

  /** @return how many times the limit was moved after a window (for tests) */
  long adjustments() {
    return adjustments;
  }

  /**
   * Records one finished request.
   *
   * @param nowNanos the time, from {@link System#nanoTime()}
   * @param backlog whether notifications were still waiting for a stream afterwards
   * @param timedOut whether the request timed out
   * @param cap the server's stream limit, so climbing stops there
   */
  void onCompletion(long nowNanos, boolean backlog, boolean timedOut, int cap) {
    if (!adaptive) {
      return;
    }
    int ceiling = Math.max(1, Math.min(max, cap));
    if (timedOut) {
      limit = Math.max(1, Math.min(ceiling, down(limit)));
      startWindow(nowNanos);
      lastThroughput = -1;
      bestThroughput = -1;
      return;
    }
    if (windowStartNanos == Long.MIN_VALUE) {
      startWindow(nowNanos);
      return;
    }
    windowCompletions++;
    windowSaturated &= backlog;
    long elapsed = nowNanos - windowStartNanos;
    if (windowCompletions < 3 * limit || elapsed < MIN_WINDOW_NANOS) {
      return;
    }
    if (!windowSaturated) {
      // The load, not the limit, decided this window's throughput: the search is over.
      lastThroughput = -1;
      bestThroughput = -1;
    } else {
      double throughput = windowCompletions / (double) elapsed;
      int direction;
      if (lastThroughput < 0) {
        direction = 1; // A new busy period: explore upwards from where we are.
      } else if (throughput >= bestThroughput * (1 - NOISE)) {
        boolean rising = throughput > lastThroughput * (1 + NOISE) && limit > lastLimitSeen;
        direction = rising ? 1 : limit >= ceiling ? 0 : -1;
      } else {
        direction = limit < bestLimit ? 1 : -1;
      }
      if (throughput > bestThroughput || limit == bestLimit) {
        bestThroughput = throughput;
        bestLimit = limit;
      }
      lastThroughput = throughput;
      lastLimitSeen = limit;
      if (direction != 0) {
        limit = Math.max(1, Math.min(ceiling, direction > 0 ? up(limit) : down(limit)));
        adjustments++;
      }
    }
    startWindow(nowNanos);
  }

  private static int up(int value) {
    return Math.max(value + 1, (int) Math.round(value * STEP));
  }

  private static int down(int value) {
    return Math.min(value - 1, (int) Math.round(value / STEP));
  }

  private void startWindow(long nowNanos) {
    windowStartNanos = nowNanos;
    windowCompletions = 0;
    windowSaturated = true;
  }
}
