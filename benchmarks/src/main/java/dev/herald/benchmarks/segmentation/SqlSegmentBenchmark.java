package dev.herald.benchmarks.segmentation;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.PlayerIndex;
import dev.herald.segmentation.RuleParser;
import dev.herald.segmentation.sql.PlayerTable;
import dev.herald.segmentation.sql.PlayerTableWriter;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.segmentation.sql.SqlQuery;
import dev.herald.segmentation.sql.SqlSegment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The six-condition segment of {@link SegmentationBenchmark} over the same 1,000,000 players,
 * counted and streamed inside an embedded PostgreSQL by {@link SqlAudience}, with and without
 * indexes on the segment's columns. Setup prints the plan of the count query ({@code EXPLAIN
 * ANALYZE}) and fails the run unless PostgreSQL and the in-memory index select the same players.
 * Scores are milliseconds per count or per full stream of the members.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar SqlSegmentBenchmark -f 1 -wi 2 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SqlSegmentBenchmark {
  /** With B-tree indexes on the selective columns and GIN on the categories, or none. */
  @Param({"true", "false"})
  public boolean indexed;

  private EmbeddedPostgres postgres;
  private SqlAudience audience;
  private SqlSegment sql;

  /** Loads the players, indexes them, checks the audience against the in-memory index. */
  @Setup(Level.Trial)
  public void setUp() throws IOException, SQLException {
    AttributeCatalogue catalogue = AttributeCatalogue.casino();
    CasinoPlayers data = new CasinoPlayers(SegmentationBenchmark.PLAYERS, 20260315L);
    CompiledSegment segment = CompiledSegment.compile(
        RuleParser.of(catalogue).parse(SegmentationBenchmark.RULE), catalogue);
    PlayerIndex index = data.index(catalogue);
    List<String> expected = segment.members(index, CasinoPlayers.NOW).collect(Collectors.toList());
    index = null;

    postgres = EmbeddedPostgres.builder().start();
    DataSource dataSource = postgres.getPostgresDatabase();
    PlayerTable table = PlayerTable.builder("players", "id").columnsNamedAfter(catalogue).build();
    long started = System.nanoTime();
    PlayerTableWriter.of(dataSource, table, catalogue).createTable().insert(
        IntStream.range(0, data.size).mapToObj(i -> Map.entry(CasinoPlayers.id(i),
            PlayerAttributes.of(data.player(i)))).iterator());
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      if (indexed) {
        s.execute("CREATE INDEX ON players (last_deposit_at)");
        s.execute("CREATE INDEX ON players (vip_level)");
        s.execute("CREATE INDEX ON players (country)");
        s.execute("CREATE INDEX ON players USING gin (push_categories)");
      }
      s.execute("VACUUM ANALYZE players");
    }
    System.out.printf("%nloaded %d players%s in %.1f s%n", data.size,
        indexed ? " and indexed them" : "", (System.nanoTime() - started) / 1e9);

    audience = SqlAudience.of(dataSource, table);
    sql = audience.compile(segment);
    SqlQuery count = sql.countQuery(CasinoPlayers.NOW);
    SqlQuery explain = new SqlQuery("EXPLAIN (ANALYZE, COSTS OFF) " + count.sql(),
        count.parameters());
    try (Connection c = dataSource.getConnection(); PreparedStatement s = explain.prepare(c)) {
      try (ResultSet rs = s.executeQuery()) {
        System.out.println("EXPLAIN ANALYZE " + count.sql());
        while (rs.next()) {
          System.out.println("  " + rs.getString(1));
        }
      }
    }
    List<String> actual = audience.members(sql, CasinoPlayers.NOW).collect(Collectors.toList());
    if (!actual.equals(expected) || audience.count(sql, CasinoPlayers.NOW) != expected.size()) {
      throw new IllegalStateException("PostgreSQL selected " + actual.size()
          + " players, the in-memory index " + expected.size());
    }
    System.out.printf("%d members, the same in PostgreSQL and in memory%n", expected.size());
  }

  /** Stops PostgreSQL. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    postgres.close();
  }

  /**
   * The audience size, one query.
   *
   * @return the count
   */
  @Benchmark
  public long count() {
    return audience.count(sql, CasinoPlayers.NOW);
  }

  /**
   * Every member id, page after page (5,000 a page).
   *
   * @param sink consumes the ids
   */
  @Benchmark
  public void stream(Blackhole sink) {
    audience.members(sql, CasinoPlayers.NOW).forEach(sink::consume);
  }
}
