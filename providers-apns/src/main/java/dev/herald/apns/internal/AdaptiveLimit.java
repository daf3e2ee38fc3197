package dev.herald.apns.internal;

/**
 * How many requests the connections to one APNs host carry at once, found by hill climbing on
 * measured throughput (as the .NET thread pool tunes its thread count).
 *
 * <p>Why adapt: each OkHttp call holds a thread while in flight, and the best number of streams
 * depends on where the bottleneck is. Across the internet, a connection needs hundreds of streams
 * to cover the round trip to Apple; where the CPU is the bottleneck (a local mock, a busy host),
 * streams past a few dozen only queue inside the process, and measured throughput falls by half
 * or more at a thousand. No fixed number suits both.
 *
 * <p>The limit only moves while notifications are waiting for a stream, so that the limit, not
 * the load, decides throughput. After each change it lets one limit's worth of requests pass (the
 * ramp to the new limit), then measures a window of at least twice the limit in completions and
 * 50 ms. It starts by doubling while each step raises throughput by more than 25% (slow start,
 * which reaches a distant server's hundreds of streams in a few round trips; it ends at the
 * first step that does not pay, or at the ceiling), then moves in steps
 * of 25%: up while throughput still rises by more than 5%; down when throughput is as good as the
 * best seen (within 5%) but no longer rising, to hold fewer threads and less latency for the same
 * work (at the ceiling only every fourth such window, so a link that wants the ceiling keeps it);
 * and back towards the limit that gave the best, one step at a time, when throughput is clearly
 * lower. Successive free steps the same way (rising, or flat and going down) grow (25%, 56%,
 * 95%), so a limit that overshot, say while the JIT was still warming up, comes back in a few
 * windows. The best is re-measured whenever the search returns to
 * its limit, so a link that got slower is re-learned. A timeout lowers the limit at once and
 * starts over. The server's stream limits and the configured maximum cap it. Not thread-safe: the
 * owning pool calls it under its lock.
 */
final class AdaptiveLimit {
  /** The limit a new channel starts from. */
  static final int INITIAL = 32;
  static final double STEP = 1.25;
  static final double NOISE = 0.05;
  static final double SLOW_START_GAIN = 1.25;
  static final long MIN_WINDOW_NANOS = 50_000_000;

  private final int max;
  private final boolean adaptive;
  private int limit;

  private int rampLeft;
  private long windowStartNanos = Long.MIN_VALUE;
  private int windowCompletions;
  private boolean windowSaturated = true;
  private boolean slowStart = true;
  private double lastThroughput = -1;
  private int lastLimit;
  private double bestThroughput = -1;
  private int bestLimit;
  private int lastDirection;
  private int momentum;
  private int flatAtCeiling;
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
      slowStart = true;
      lastThroughput = -1;
      bestThroughput = -1;
      momentum = 0;
      lastDirection = 0;
      restart(nowNanos);
      return;
    }
    if (windowStartNanos == Long.MIN_VALUE || rampLeft > 0) {
      if (rampLeft > 0) {
        rampLeft--;
      }
      windowStartNanos = nowNanos;
      return;
    }
    windowCompletions++;
    windowSaturated &= backlog;
    long elapsed = nowNanos - windowStartNanos;
    if (windowCompletions < 2 * limit || elapsed < MIN_WINDOW_NANOS) {
      return;
    }
    if (!windowSaturated) {
      // The load, not the limit, decided this window's throughput: learn nothing from it.
      lastThroughput = -1;
      startWindow(nowNanos);
      return;
    }
    // From here on, every window was busy throughout.
    double throughput = windowCompletions / (double) elapsed;
    boolean rising = lastThroughput > 0 && limit > lastLimit
        && throughput > lastThroughput * (1 + NOISE);
    // Doubling the streams on a link bound by its round trip nearly doubles throughput; a smaller
    // gain is more likely the JIT warming up or noise, so slow start asks for more than 25%.
    boolean doublingPays = rising && throughput > lastThroughput * SLOW_START_GAIN;
    int direction;
    boolean free; // the move costs nothing measured so far, so it may accelerate
    if (slowStart && limit < ceiling && (bestThroughput < 0 || doublingPays)) {
      direction = 1;
      free = true;
    } else {
      slowStart = false; // Doubling stopped paying: search in smaller steps from here.
      if (rising) {
        direction = 1;
        free = true;
      } else if (bestThroughput < 0 || throughput >= bestThroughput * (1 - NOISE)) {
        direction = limit >= ceiling && ++flatAtCeiling % 4 != 0 ? 0 : -1;
        free = true;
      } else {
        direction = limit < bestLimit ? 1 : -1;
        free = false;
      }
    }
    momentum = free && direction != 0 && direction == lastDirection
        ? Math.min(momentum + 1, 2) : 0;
    lastDirection = free ? direction : 0;
    double factor = slowStart ? 2 : Math.pow(STEP, 1 + momentum);
    int next = direction > 0 ? Math.max(limit + 1, (int) Math.round(limit * factor))
        : direction < 0 ? Math.min(limit - 1, (int) Math.round(limit / factor))
        : limit;
    if (throughput > bestThroughput || limit == bestLimit) {
      bestThroughput = throughput;
      bestLimit = limit;
    }
    lastThroughput = throughput;
    lastLimit = limit;
    next = Math.max(1, Math.min(ceiling, next));
    if (next != limit) {
      limit = next;
      adjustments++;
      restart(nowNanos);
    } else {
      startWindow(nowNanos);
    }
  }

  private static int down(int value) {
    return Math.min(value - 1, (int) Math.round(value / STEP));
  }

  /** A new limit: let its ramp pass, then measure. */
  private void restart(long nowNanos) {
    rampLeft = limit;
    startWindow(nowNanos);
  }

  private void startWindow(long nowNanos) {
    windowStartNanos = nowNanos;
    windowCompletions = 0;
    windowSaturated = true;
  }
}
