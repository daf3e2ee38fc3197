package dev.herald.apns.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/**
 * The adaptive limit against simulated connections kept busy by a backlog: time advances by one
 * completion at the throughput the current limit yields.
 */
class AdaptiveLimitTest {
  private static final double PER_MS = 1e-6; // completions per nanosecond → per millisecond

  private long now = 1_000_000_000L;

  /** Runs for a simulated duration and returns the average limit over its second half. */
  private double run(AdaptiveLimit limit, IntToDoubleFunction throughputPerNs, long nanos,
      boolean backlog, int cap) {
    long end = now + nanos;
    long half = now + nanos / 2;
    double sum = 0;
    long count = 0;
    while (now < end) {
      now += (long) (1 / throughputPerNs.applyAsDouble(limit.limit()));
      limit.onCompletion(now, backlog, false, cap);
      if (now > half) {
        sum += limit.limit();
        count++;
      }
    }
    return sum / count;
  }

  /** Across the internet: each stream waits 60 ms for Apple, so throughput grows with streams. */
  private static double wan(int streams) {
    return streams / 60e6;
  }

  /**
   * CPU-bound on loopback: throughput peaks near 57 streams at ~11,500 a second and falls beyond
   * (threads and locks contend), as measured with OkHttp against the mock.
   */
  private static double cpuBound(int streams) {
    return 15 * PER_MS * streams / (streams + 8.0) / (1 + streams / 400.0);
  }

  @Test
  void climbsToTheCapWhenThroughputFollowsTheStreams() {
    // It stays at the ceiling, stepping down one window in four to check fewer would not do.
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    double average = run(limit, AdaptiveLimitTest::wan, 20_000_000_000L, true, Integer.MAX_VALUE);
    assertThat(average).isBetween(900.0, 1000.0);
  }

  @Test
  void stopsAtTheServersStreamLimit() {
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    double average = run(limit, s -> wan(Math.min(s, 300)), 20_000_000_000L, true, 300);
    assertThat(average).isBetween(270.0, 300.0);
    assertThat(limit.limit()).isLessThanOrEqualTo(300);
  }

  @Test
  void settlesNearThePeakWhenTheCpuIsTheBottleneck() {
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    double average = run(limit, AdaptiveLimitTest::cpuBound, 30_000_000_000L, true,
        Integer.MAX_VALUE);
    assertThat(average).isBetween(20.0, 120.0);
    assertThat(cpuBound((int) average)).isGreaterThan(0.9 * cpuBound(57));
  }

  @Test
  void comesBackDownWhenTheBottleneckMovesToTheCpu() {
    // First a distant server: the limit climbs to the ceiling. Then the CPU becomes the
    // bottleneck (or the JIT finished warming up and the climb was for nothing): it must descend.
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    assertThat(run(limit, AdaptiveLimitTest::wan, 20_000_000_000L, true, Integer.MAX_VALUE))
        .isGreaterThan(900.0);

    double average = run(limit, AdaptiveLimitTest::cpuBound, 30_000_000_000L, true,
        Integer.MAX_VALUE);
    assertThat(average).isBetween(20.0, 120.0);
  }

  @Test
  void staysNearThePeakWithNoisyMeasurements() {
    Random noise = new Random(42);
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    double average = run(limit, s -> cpuBound(s) * (0.85 + 0.3 * noise.nextDouble()),
        60_000_000_000L, true, Integer.MAX_VALUE);
    assertThat(average).isBetween(10.0, 250.0);
  }

  @Test
  void leavesTheLimitAloneWithoutABacklog() {
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    run(limit, AdaptiveLimitTest::wan, 10_000_000_000L, false, Integer.MAX_VALUE);
    assertThat(limit.limit()).isEqualTo(AdaptiveLimit.INITIAL);
    assertThat(limit.adjustments()).isZero();
  }

  @Test
  void timeoutsLowerTheLimitButNeverBelowOne() {
    AdaptiveLimit limit = new AdaptiveLimit(1000);
    limit.onCompletion(now, true, true, Integer.MAX_VALUE);
    assertThat(limit.limit()).isLessThan(AdaptiveLimit.INITIAL);
    for (int i = 0; i < 100; i++) {
      limit.onCompletion(now, true, true, Integer.MAX_VALUE);
    }
    assertThat(limit.limit()).isEqualTo(1);
  }

  @Test
  void aFixedLimitNeverMoves() {
    AdaptiveLimit limit = AdaptiveLimit.fixed(64);
    run(limit, AdaptiveLimitTest::cpuBound, 5_000_000_000L, true, Integer.MAX_VALUE);
    limit.onCompletion(now, true, true, Integer.MAX_VALUE);
    assertThat(limit.limit()).isEqualTo(64);
  }
}
