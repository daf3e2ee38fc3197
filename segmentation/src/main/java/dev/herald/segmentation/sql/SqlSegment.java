package dev.herald.segmentation.sql;

import dev.herald.internal.Checks;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.internal.SqlCompiler;
import dev.herald.segmentation.internal.Values;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A segment rule compiled into a parameterised SQL {@code WHERE} clause over a
 * {@link PlayerTable}, with the count and page queries built on it.
 *
 * <pre>{@code
 * SqlSegment sql = SqlSegment.compile(segmentation.compile("dormant-vip"), players);
 * sql.where();        // ("vip_tier" >= ? AND "last_deposit_at" < ? AND ("push_enabled" = ?))
 * sql.countQuery(now);
 * }</pre>
 *
 * <h2>Same members as in memory</h2>
 * A player is selected exactly when the in-memory evaluation of the same values selects it: SQL's
 * {@code AND}, {@code OR} and {@code NOT} are the same three-valued logic as
 * {@link dev.herald.segmentation.Truth}, every test is {@code NULL} exactly when its attribute is
 * missing (except {@code exists} and {@code is missing}), and {@code WHERE} keeps only TRUE. So
 * {@code not vip_level >= 3} selects no player without a VIP level, in SQL as in memory.
 * Timestamps compare at whole milliseconds as in memory, rewritten so that an index still serves.
 *
 * <h2>What is refused</h2>
 * {@link #compile} throws {@link SegmentRuleException} naming the condition when a rule has no
 * SQL form: an attribute the table does not map, text holding the NUL character, a timestamp
 * outside the years 1 to 9999.
 *
 * <h2>Injection</h2>
 * Every value of a rule is a bound parameter; the only names in the SQL text are the
 * {@link PlayerTable}'s checked and quoted identifiers.
 *
 * <p>Immutable and thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class SqlSegment {
  private final CompiledSegment segment;
  private final PlayerTable table;
  private final SqlCompiler.Result compiled;

  private SqlSegment(CompiledSegment segment, PlayerTable table, SqlCompiler.Result compiled) {
    this.segment = segment;
    this.table = table;
    this.compiled = compiled;
  }

  /**
   * Compiles a segment (its references to saved segments already inlined) for a table.
   *
   * @param segment the compiled rule
   * @param table the mapping of its attributes to columns
   * @return the SQL form
   * @throws SegmentRuleException naming the first condition that has no SQL form
   */
  public static SqlSegment compile(CompiledSegment segment, PlayerTable table) {
    Checks.required(segment, "segment");
    Checks.required(table, "table");
    return new SqlSegment(segment, table, SqlCompiler.compile(segment.expanded(),
        segment.catalogue(), table.quotedColumns()));
  }

  /** @return the rule this was compiled from */
  public CompiledSegment segment() {
    return segment;
  }

  /** @return the table it reads */
  public PlayerTable table() {
    return table;
  }

  /**
   * The boolean expression of the rule, with a {@code ?} for each of {@link #parameters}.
   *
   * @return for example {@code ("vip_level" >= ? AND "push_enabled" = ?)}
   */
  public String where() {
    return compiled.where();
  }

  /**
   * The values of the {@code ?}s of {@link #where()}; times relative to {@code now} are
   * computed from {@code now}.
   *
   * @param now the evaluation time
   * @return the values, in order
   * @throws SegmentRuleException when a relative time falls outside the years 1 to 9999
   */
  public List<Object> parameters(Instant now) {
    Objects.requireNonNull(now, "now");
    long millis = Values.millis(now);
    List<Object> values = new ArrayList<>(compiled.params().size());
    for (SqlCompiler.Param p : compiled.params()) {
      values.add(p.value(millis));
    }
    return values;
  }

  /**
   * Counts the members.
   *
   * @param now the evaluation time
   * @return {@code SELECT count(*) FROM table WHERE rule}
   */
  public SqlQuery countQuery(Instant now) {
    return new SqlQuery("SELECT count(*) FROM " + table.quotedTable() + " WHERE " + where(),
        parameters(now));
  }

  /**
   * One page of member ids in ascending order (the {@code "C"} collation), after a given id:
   * keyset pagination, so every page is one short indexed query however deep it is.
   *
   * @param afterId the last id of the previous page, or null for the first page
   * @param limit the most ids to return, 1 to 100,000
   * @param now the evaluation time
   * @return the page query
   */
  public SqlQuery pageQuery(String afterId, int limit, Instant now) {
    Checks.range(limit, "limit", 1, 100_000);
    String id = table.quotedId() + " COLLATE \"C\"";
    List<Object> values = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT ").append(table.quotedId()).append(" FROM ")
        .append(table.quotedTable()).append(" WHERE ");
    if (afterId != null) {
      sql.append(id).append(" > ? AND ");
      values.add(afterId);
    }
    sql.append(where()).append(" ORDER BY ").append(id).append(" LIMIT ?");
    values.addAll(parameters(now));
    values.add(limit);
    return new SqlQuery(sql.toString(), values);
  }

  @Override
  public String toString() {
    return "SqlSegment{" + where() + "}";
  }
}
