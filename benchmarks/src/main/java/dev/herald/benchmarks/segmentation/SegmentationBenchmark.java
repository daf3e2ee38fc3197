package dev.herald.benchmarks.segmentation;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.PlayerIndex;
import dev.herald.segmentation.RuleParser;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * A six-condition casino segment over 1,000,000 players, counted and streamed: Herald's columnar
 * index against a hand-tuned RoaringBitmap plan over the same data. Scores are player
 * evaluations per second (each invocation evaluates all 1,000,000 players), single-threaded.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SegmentationBenchmark -f 1 -wi 3 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g"})
public class SegmentationBenchmark {
  static final int PLAYERS = 1_000_000;
  static final String RULE = "push.enabled and vip_level >= 3 and country in (\"DE\", \"AT\")"
      + " and last_deposit_at before now - 7d and categories contains \"tournaments\""
      + " and not rg.self_excluded";

  private CasinoPlayers data;
  private PlayerIndex index;
  private CompiledSegment segment;
  private RoaringSegmentIndex roaring;
  private PlayerAttributes[] sample;
  private int next;

  /** Builds both indexes from one population and checks that they agree. */
  @Setup(Level.Trial)
  public void setUp() {
    AttributeCatalogue catalogue = AttributeCatalogue.casino();
    data = new CasinoPlayers(PLAYERS, 20260315L);
    index = data.index(catalogue);
    segment = CompiledSegment.compile(RuleParser.of(catalogue).parse(RULE), catalogue);
    roaring = new RoaringSegmentIndex(data);
    long columnar = segment.count(index, CasinoPlayers.NOW);
    long bitmaps = roaring.count();
    List<String> a = segment.members(index, CasinoPlayers.NOW).collect(Collectors.toList());
    RoaringBitmap rows = roaring.members();
    if (columnar != bitmaps || a.size() != rows.getCardinality()
        || !a.get(0).equals(CasinoPlayers.id(rows.first()))
        || !a.get(a.size() - 1).equals(CasinoPlayers.id(rows.last()))) {
      throw new IllegalStateException("the two indexes disagree: " + columnar + " vs " + bitmaps);
    }
    sample = new PlayerAttributes[1024];
    for (int i = 0; i < sample.length; i++) {
      sample[i] = PlayerAttributes.of(data.player(i * 977));
    }
    System.out.printf("%n%d players, %d members; columnar index ~%d MiB (all 24 attributes),"
        + " roaring bitmaps for the segment's columns ~%d MiB%n", PLAYERS, columnar,
        index.estimatedBytes() >> 20, roaring.bytes() >> 20);
  }

  /** Herald: count the audience over the columnar index. */
  @Benchmark
  @OperationsPerInvocation(PLAYERS)
  public long columnarCount() {
    return segment.count(index, CasinoPlayers.NOW);
  }

  /** Herald: stream the members' ids in ascending order. */
  @Benchmark
  @OperationsPerInvocation(PLAYERS)
  public void columnarStream(Blackhole bh) {
    segment.members(index, CasinoPlayers.NOW).forEach(bh::consume);
  }

  /** RoaringBitmap, hand-tuned for this segment: count. */
  @Benchmark
  @OperationsPerInvocation(PLAYERS)
  public long roaringCount() {
    return roaring.count();
  }

  /** RoaringBitmap, hand-tuned for this segment: stream the members' ids in ascending order. */
  @Benchmark
  @OperationsPerInvocation(PLAYERS)
  public void roaringStream(Blackhole bh) {
    IntIterator rows = roaring.members().getIntIterator();
    while (rows.hasNext()) {
      bh.consume(roaring.id(rows.next()));
    }
  }

  /** Herald: one player at a time, as a trigger asks (a map of 14 attributes per player). */
  @Benchmark
  public boolean oneByOne() {
    PlayerAttributes p = sample[next++ & 1023];
    return segment.matches(p, CasinoPlayers.NOW);
  }
}
