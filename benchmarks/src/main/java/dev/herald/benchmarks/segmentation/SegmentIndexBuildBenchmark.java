package dev.herald.benchmarks.segmentation;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.PlayerIndex;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long building a {@link PlayerIndex} of 1,000,000 players takes, from one attribute map per
 * player (what {@code Segmentation} does with directory profiles, minus the host's own I/O). This
 * bounds how often a host can afford to refresh the snapshot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SegmentIndexBuildBenchmark {
  private CasinoPlayers data;

  /** Generates the population once. */
  @Setup(Level.Trial)
  public void setUp() {
    data = new CasinoPlayers(SegmentationBenchmark.PLAYERS, 20260315L);
  }

  /** Builds the index of every player. */
  @Benchmark
  public PlayerIndex build() {
    return data.index(AttributeCatalogue.casino());
  }
}
