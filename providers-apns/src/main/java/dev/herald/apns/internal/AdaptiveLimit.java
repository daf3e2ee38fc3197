package dev.herald.apns.internal;

/**
 * How many requests one APNs connection carries at once, found by watching latency (the TCP
 * Vegas idea, as in Netflix's concurrency-limits library).
 *
 * <p>Why adapt: each OkHttp call holds a thread while in flight, and the best number of streams
 * depends on the round trip. Across the internet (tens of milliseconds to Apple) hundreds of
 * streams are needed to keep a connection busy; on a fast link, or when the CPU is the bottleneck,
 * extra streams only queue inside the process, and measured throughput falls by half or more past
 * a few dozen. So the limit grows while latency stays at its no-load level and shrinks when
 * latency shows queueing, never above the server's advertised stream limit or the configured cap.
 *
 * <p>Each sample compares the round trip with the lowest seen (the no-load round trip) to
 * estimate how many requests are queued: {@code queue = limit × (1 − rttNoLoad / rtt)}. A small
 * queue raises the limit; a large one, or a timeout, lowers it. The no-load round trip is
 * re-measured now and then so a slower path is noticed. Not thread-safe: the owning pool calls
 * it under its lock.
 */
final class AdaptiveLimit {
  /** The limit a new connection starts from once it has answered its first request. */
  static final int INITIAL = 20;

  private final int max;
  private final boolean adaptive;
  private double limit;
  private long rttNoLoad;
  private long samplesUntilProbe;
  private long probes;

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
    this.samplesUntilProbe = probeInterval();
  }

  /** A limit that never moves, for {@code adaptiveConcurrency(false)}. */
  static AdaptiveLimit fixed(int value) {
    return new AdaptiveLimit(value, false, value);
  }

  /** @return the current limit, at least 1 */
  int limit() {
    return (int) limit;
  }

  /**
   * Records one finished request.
   *
   * @param rttNanos how long it took from dispatch to response
   * @param inFlight how many requests were in flight on the connection when it finished
   * @param dropped true when it timed out or the transport failed
   */
  void onSample(long rttNanos, int inFlight, boolean dropped) {
    if (!adaptive) {
      return;
    }
    if (dropped) {
      limit = Math.max(1, limit - Math.max(1, Math.log10(limit)));
      return;
    }
    if (rttNanos <= 0) {
      return;
    }
    if (--samplesUntilProbe <= 0) {
      // Forget the old baseline so a path that became slower raises it; the next lower sample
      // brings it down again at once.
      probes++;
      rttNoLoad = rttNanos;
      samplesUntilProbe = probeInterval();
      return;
    }
    if (rttNoLoad == 0 || rttNanos < rttNoLoad) {
      rttNoLoad = rttNanos;
      return;
    }
    if (inFlight * 2 < limit) {
      return; // The limit is not being used, so latency says nothing about it.
    }
    double log = Math.max(1, Math.log10(limit));
    double queue = limit * (1 - (double) rttNoLoad / rttNanos);
    double next;
    if (queue <= log) {
      next = limit + 6 * log; // No queueing: grow quickly.
    } else if (queue < 3 * log) {
      next = limit + log;
    } else if (queue > 6 * log) {
      next = limit - log;
    } else {
      return; // In the sweet spot.
    }
    limit = Math.max(1, Math.min(max, next));
  }

  /** @return how many times the no-load round trip was re-measured (for tests) */
  long probes() {
    return probes;
  }

  /** @return the lowest recent round trip in nanoseconds, 0 before any sample */
  long rttNoLoad() {
    return rttNoLoad;
  }

  private long probeInterval() {
    // Re-measure after roughly 30 rounds of the current limit, with jitter so connections do not
    // probe in step.
    return (long) ((30 + 10 * Math.random()) * Math.max(limit, INITIAL));
  }
}
