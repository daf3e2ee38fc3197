package dev.herald.segmentation.sql;

import dev.herald.HeraldException;
import dev.herald.internal.Checks;
import dev.herald.segmentation.CompiledSegment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;

/**
 * Counts and streams a segment's members inside PostgreSQL, over the host's {@link DataSource}
 * and {@link PlayerTable}: the database does the filtering and Herald holds at most one page of
 * ids at a time.
 *
 * <pre>{@code
 * SqlAudience audience = SqlAudience.of(dataSource, players);
 * CompiledSegment vip = segmentation.compile("dormant-vip");
 * long size = audience.count(vip, Instant.now());
 * try (Stream<String> ids = audience.members(vip, Instant.now())) {
 *   ids.forEach(campaign::enqueue);
 * }
 * }</pre>
 *
 * <p>Each query takes a connection, runs one statement in auto-commit mode (a short transaction)
 * and gives the connection back; the member stream reads page by page with keyset pagination
 * ({@code id > last id ORDER BY id LIMIT n}), so a page costs the same at the start and at the
 * end of ten million players and no transaction stays open while the stream is consumed. Pages
 * are read as the stream is consumed; a player added or changed meanwhile is seen by the later
 * pages, as with any live table. {@code now} is fixed for the whole stream.
 *
 * <p>A failing query throws {@link HeraldException} with the SQL state. Immutable and
 * thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class SqlAudience {
  /** The default number of ids a member page reads. */
  public static final int DEFAULT_PAGE_SIZE = 5_000;

  private final DataSource dataSource;
  private final PlayerTable table;
  private final int pageSize;

  private SqlAudience(DataSource dataSource, PlayerTable table, int pageSize) {
    this.dataSource = dataSource;
    this.table = table;
    this.pageSize = pageSize;
  }

  /**
   * An audience reader with pages of {@link #DEFAULT_PAGE_SIZE} ids.
   *
   * @param dataSource the host's pool
   * @param table where the players are
   * @return the reader
   */
  public static SqlAudience of(DataSource dataSource, PlayerTable table) {
    return new SqlAudience(Checks.required(dataSource, "dataSource"),
        Checks.required(table, "table"), DEFAULT_PAGE_SIZE);
  }

  /**
   * The same reader with another page size.
   *
   * @param ids ids a page reads, 1 to 100,000
   * @return a new reader
   */
  public SqlAudience withPageSize(int ids) {
    return new SqlAudience(dataSource, table, Checks.range(ids, "pageSize", 1, 100_000));
  }

  /** @return the table it reads */
  public PlayerTable table() {
    return table;
  }

  /**
   * Compiles a segment for this reader's table.
   *
   * @param segment the rule
   * @return its SQL form
   * @throws dev.herald.segmentation.SegmentRuleException naming a condition without SQL form
   */
  public SqlSegment compile(CompiledSegment segment) {
    return SqlSegment.compile(segment, table);
  }

  /**
   * Counts the members in one query.
   *
   * @param segment the rule
   * @param now the evaluation time
   * @return the audience size
   * @throws dev.herald.segmentation.SegmentRuleException naming a condition without SQL form
   * @throws HeraldException when the query fails
   */
  public long count(CompiledSegment segment, Instant now) {
    return count(compile(segment), now);
  }

  /**
   * Counts the members of an already compiled segment in one query.
   *
   * @param segment the SQL form, compiled for this reader's table
   * @param now the evaluation time
   * @return the audience size
   * @throws HeraldException when the query fails
   */
  public long count(SqlSegment segment, Instant now) {
    SqlQuery query = checked(segment).countQuery(Checks.required(now, "now"));
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = query.prepare(c);
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw failed("counting the audience", e);
    }
  }

  /**
   * Streams the members' ids in ascending order (the {@code "C"} collation: code point order),
   * one page query at a time as the stream is consumed.
   *
   * @param segment the rule
   * @param now the evaluation time
   * @return the ids; sequential, ordered
   * @throws dev.herald.segmentation.SegmentRuleException naming a condition without SQL form
   */
  public Stream<String> members(CompiledSegment segment, Instant now) {
    return members(compile(segment), now);
  }

  /**
   * Streams the members whose id comes after a given one, in ascending order: the first page
   * query starts there, as every later one does after its previous page.
   *
   * @param segment the rule
   * @param now the evaluation time
   * @param afterPlayerId the last id not wanted; null for every member
   * @return the ids; sequential, ordered
   * @throws dev.herald.segmentation.SegmentRuleException naming a condition without SQL form
   */
  public Stream<String> members(CompiledSegment segment, Instant now, String afterPlayerId) {
    return members(compile(segment), now, afterPlayerId);
  }

  /**
   * Streams the members of an already compiled segment.
   *
   * @param segment the SQL form, compiled for this reader's table
   * @param now the evaluation time
   * @return the ids; sequential, ordered
   */
  public Stream<String> members(SqlSegment segment, Instant now) {
    return members(segment, now, null);
  }

  /**
   * Streams the members of an already compiled segment whose id comes after a given one.
   *
   * @param segment the SQL form, compiled for this reader's table
   * @param now the evaluation time
   * @param afterPlayerId the last id not wanted; null for every member
   * @return the ids; sequential, ordered
   */
  public Stream<String> members(SqlSegment segment, Instant now, String afterPlayerId) {
    SqlSegment sql = checked(segment);
    Checks.required(now, "now");
    sql.parameters(now); // fails here, not on the first read, for a time out of range
    Iterator<String> pages = new Iterator<>() {
      private List<String> page = List.of();
      private int next;
      private String last = afterPlayerId;
      private boolean exhausted;

      @Override
      public boolean hasNext() {
        if (next < page.size()) {
          return true;
        }
        if (exhausted) {
          return false;
        }
        page = read(sql.pageQuery(last, pageSize, now));
        next = 0;
        exhausted = page.size() < pageSize;
        if (!page.isEmpty()) {
          last = page.get(page.size() - 1);
        }
        return !page.isEmpty();
      }

      @Override
      public String next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return page.get(next++);
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(pages,
        Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.NONNULL), false);
  }

  private List<String> read(SqlQuery query) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = query.prepare(c)) {
      s.setFetchSize(pageSize);
      List<String> ids = new ArrayList<>(Math.min(pageSize, 1024));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids.add(rs.getString(1));
        }
      }
      return ids;
    } catch (SQLException e) {
      throw failed("reading a page of the audience", e);
    }
  }

  private SqlSegment checked(SqlSegment segment) {
    Checks.required(segment, "segment");
    if (segment.table() != table) {
      throw new IllegalArgumentException("the segment was compiled for another player table ("
          + segment.table().table() + ") than this reader's (" + table.table() + ")");
    }
    return segment;
  }

  private HeraldException failed(String what, SQLException e) {
    return new HeraldException(what + " from " + table.table() + " failed (SQL state "
        + e.getSQLState() + "): " + e.getMessage(), e);
  }

  @Override
  public String toString() {
    return "SqlAudience{" + table + ", pages of " + pageSize + "}";
  }
}
