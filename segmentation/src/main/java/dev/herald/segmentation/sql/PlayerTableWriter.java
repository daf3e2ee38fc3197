package dev.herald.segmentation.sql;

import dev.herald.HeraldException;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.internal.Values;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Writes players into a table laid out by {@link PlayerTable#createTableSql}: for tests, the
 * command-line tool and benchmarks that load an export, or a host that mirrors its player
 * directory into a table. Values are converted by the catalogue's types exactly as the in-memory
 * index reads them: a value of the wrong Java type, and a NaN number, are written as
 * {@code NULL} (missing); a set keeps its string elements; a time is cut to the microsecond
 * PostgreSQL keeps.
 *
 * <p>Rows go in batches of {@value #BATCH} players, one {@code INSERT ... SELECT FROM unnest(...)}
 * statement and one transaction per batch, every value a bound parameter.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public final class PlayerTableWriter {
  /** Players written per statement. */
  public static final int BATCH = 5_000;

  private final DataSource dataSource;
  private final PlayerTable table;
  private final AttributeCatalogue catalogue;
  private final List<Attribute> attributes = new ArrayList<>();
  private final String insert;

  private PlayerTableWriter(DataSource dataSource, PlayerTable table, AttributeCatalogue catalogue) {
    this.dataSource = dataSource;
    this.table = table;
    this.catalogue = catalogue;
    StringBuilder columns = new StringBuilder(table.quotedId());
    StringBuilder select = new StringBuilder("c0");
    StringBuilder arrays = new StringBuilder("?::text[]");
    StringBuilder names = new StringBuilder("c0");
    int i = 1;
    for (Map.Entry<String, String> e : table.quotedColumns().entrySet()) {
      Attribute a = PlayerTable.attributeOf(catalogue, e.getKey());
      attributes.add(a);
      columns.append(", ").append(e.getValue());
      select.append(", c").append(i).append("::").append(PlayerTable.sqlType(a));
      arrays.append(", ?::text[]");
      names.append(", c").append(i);
      i++;
    }
    this.insert = "INSERT INTO " + table.quotedTable() + " (" + columns + ") SELECT " + select
        + " FROM unnest(" + arrays + ") AS u(" + names + ")";
  }

  /**
   * A writer.
   *
   * @param dataSource where the table is
   * @param table the mapping
   * @param catalogue the types of the mapped attributes
   * @return the writer
   * @throws InvalidInputException when a mapped attribute is not in the catalogue
   */
  public static PlayerTableWriter of(DataSource dataSource, PlayerTable table,
      AttributeCatalogue catalogue) {
    return new PlayerTableWriter(Checks.required(dataSource, "dataSource"),
        Checks.required(table, "table"), Checks.required(catalogue, "catalogue"));
  }

  /**
   * Creates the table with {@link PlayerTable#createTableSql}.
   *
   * @return this writer
   * @throws HeraldException when the statement fails (for example the table exists)
   */
  public PlayerTableWriter createTable() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(table.createTableSql(catalogue));
    } catch (SQLException e) {
      throw new HeraldException("creating " + table.table() + " failed (SQL state "
          + e.getSQLState() + "): " + e.getMessage(), e);
    }
    return this;
  }

  /**
   * Inserts players.
   *
   * @param players player id to values; ids must be new to the table
   * @return how many players were written
   * @throws HeraldException when a statement fails
   */
  public long insert(Iterator<? extends Map.Entry<String, ? extends PlayerAttributes>> players) {
    long written = 0;
    List<String> ids = new ArrayList<>(BATCH);
    List<List<String>> values = new ArrayList<>();
    for (int i = 0; i < attributes.size(); i++) {
      values.add(new ArrayList<>(BATCH));
    }
    while (players.hasNext()) {
      Map.Entry<String, ? extends PlayerAttributes> p = players.next();
      ids.add(Checks.nonBlank(p.getKey(), "playerId"));
      for (int i = 0; i < attributes.size(); i++) {
        Attribute a = attributes.get(i);
        values.get(i).add(text(a, p.getValue().value(a.name())));
      }
      if (ids.size() == BATCH) {
        written += flush(ids, values);
      }
    }
    return written + flush(ids, values);
  }

  private int flush(List<String> ids, List<List<String>> values) {
    if (ids.isEmpty()) {
      return 0;
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(insert)) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      for (int i = 0; i < values.size(); i++) {
        s.setArray(i + 2, c.createArrayOf("text", values.get(i).toArray()));
      }
      int n = s.executeUpdate();
      ids.clear();
      values.forEach(List::clear);
      return n;
    } catch (SQLException e) {
      throw new HeraldException("writing players into " + table.table() + " failed (SQL state "
          + e.getSQLState() + "): " + e.getMessage(), e);
    }
  }

  /** A value in PostgreSQL's text input form for its column type, or null when missing. */
  static String text(Attribute a, Object raw) {
    switch (a.type()) {
      case NUMBER: {
        double d = Values.number(raw);
        return Double.isNaN(d) ? null : Double.toString(d + 0.0);
      }
      case STRING:
        return raw instanceof String s ? s : null;
      case BOOLEAN:
        return raw instanceof Boolean b ? b.toString() : null;
      case TIMESTAMP:
        // PostgreSQL keeps microseconds; truncating (not rounding) keeps the millisecond the
        // in-memory index compares
        return Values.isTime(raw) ? ((Instant) raw).truncatedTo(ChronoUnit.MICROS).toString() : null;
      default: {
        if (!(raw instanceof Collection<?> set)) {
          return null;
        }
        StringBuilder b = new StringBuilder("{");
        for (Object element : set) {
          if (element instanceof String s) {
            b.append(b.length() == 1 ? "" : ",").append('"')
                .append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
          }
        }
        return b.append('}').toString();
      }
    }
  }

  @Override
  public String toString() {
    return "PlayerTableWriter{" + table + "}";
  }
}
