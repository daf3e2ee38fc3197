package dev.herald.cli;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.sql.PlayerTable;
import dev.herald.segmentation.sql.PlayerTableWriter;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.segmentation.sql.SqlSegment;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Stream;

/**
 * {@code herald segment --postgres} and {@code --sql}: the rule compiled to SQL over a table
 * {@code players} with one column per catalogue attribute ({@link
 * PlayerTable.Builder#columnsNamedAfter}), evaluated in an embedded PostgreSQL.
 */
final class PostgresSegment {
  private PostgresSegment() {}

  /** The mapping the command uses: table {@code players}, id column {@code id}. */
  static PlayerTable table(AttributeCatalogue catalogue) {
    return PlayerTable.builder("players", "id").columnsNamedAfter(catalogue).build();
  }

  /**
   * Prints the table, the WHERE clause, and the count and first-page queries with their
   * parameters.
   *
   * @throws SegmentRuleException naming a condition that has no SQL form
   */
  static void printSql(PrintWriter out, CompiledSegment segment, AttributeCatalogue catalogue,
      Instant at) {
    PlayerTable table = table(catalogue);
    SqlSegment sql = SqlSegment.compile(segment, table);
    out.println("-- table (herald segment --postgres creates it; map your own with PlayerTable)");
    out.println(table.createTableSql(catalogue) + ";");
    out.println("-- where");
    out.println(sql.where());
    out.println("-- count, now = " + at);
    out.print(sql.countQuery(at));
    out.println("-- members, page after page: the first, then \"id\" COLLATE \"C\" > the last id");
    out.print(sql.pageQuery(null, SqlAudience.DEFAULT_PAGE_SIZE, at));
  }

  /**
   * Starts an embedded PostgreSQL, loads the players, and prints the count or the member ids
   * exactly as the in-memory evaluation does.
   *
   * @throws SegmentRuleException naming a condition that has no SQL form
   * @throws UncheckedIOException when PostgreSQL cannot start
   */
  static void evaluate(PrintWriter out, CompiledSegment segment, AttributeCatalogue catalogue,
      SortedMap<String, Map<String, Object>> players, Instant at, boolean count) {
    PlayerTable table = table(catalogue);
    SqlSegment sql = SqlSegment.compile(segment, table); // refused before starting anything
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      var dataSource = postgres.getPostgresDatabase();
      PlayerTableWriter.of(dataSource, table, catalogue).createTable().insert(
          players.entrySet().stream()
              .map(e -> Map.entry(e.getKey(), PlayerAttributes.of(e.getValue())))
              .iterator());
      SqlAudience audience = SqlAudience.of(dataSource, table);
      if (count) {
        out.println(audience.count(sql, at));
      } else {
        try (Stream<String> ids = audience.members(sql, at)) {
          ids.forEach(out::println);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL failed: " + e.getMessage(), e);
    }
  }
}
