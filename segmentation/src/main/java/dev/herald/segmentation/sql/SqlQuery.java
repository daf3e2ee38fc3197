package dev.herald.segmentation.sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A statement with {@code ?} placeholders and the values bound to them, in order: what
 * {@link SqlAudience} runs, and what {@code herald segment --sql} prints.
 *
 * <p>Parameter values are {@link String}, {@link Double}, {@link Boolean}, {@link Integer},
 * {@link OffsetDateTime} (UTC), {@code String[]} (bound as {@code text[]}) and {@code Double[]}
 * (bound as {@code float8[]}).
 *
 * <p><b>Beta:</b> may change before 1.0.
 *
 * @param sql the statement
 * @param parameters the values, one per placeholder
 */
public record SqlQuery(String sql, List<Object> parameters) {
  /**
   * Checks and copies.
   *
   * @param sql the statement
   * @param parameters the values
   */
  public SqlQuery {
    Objects.requireNonNull(sql, "sql");
    parameters = List.copyOf(parameters);
  }

  /**
   * Prepares the statement on a connection and binds the parameters, arrays with
   * {@link Connection#createArrayOf}: for running a query yourself, for example under
   * {@code EXPLAIN}.
   *
   * @param connection the connection
   * @return the bound statement, for the caller to close
   * @throws SQLException from the driver
   */
  public PreparedStatement prepare(Connection connection) throws SQLException {
    PreparedStatement s = connection.prepareStatement(sql);
    try {
      int i = 1;
      for (Object p : parameters) {
        if (p instanceof String[] texts) {
          s.setArray(i, connection.createArrayOf("text", texts));
        } else if (p instanceof Double[] numbers) {
          s.setArray(i, connection.createArrayOf("float8", numbers));
        } else {
          s.setObject(i, p);
        }
        i++;
      }
      return s;
    } catch (SQLException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The parameters one a line, numbered as PostgreSQL numbers them: {@code $1 = 3.0 (double)}.
   *
   * @return the listing, empty when there are none
   */
  public String describeParameters() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < parameters.size(); i++) {
      Object p = parameters.get(i);
      b.append('$').append(i + 1).append(" = ").append(show(p)).append(" (").append(kind(p))
          .append(")\n");
    }
    return b.toString();
  }

  private static String show(Object p) {
    if (p instanceof String s) {
      return quote(s);
    }
    if (p instanceof String[] list) {
      return Arrays.stream(list).map(SqlQuery::quote).toList().toString();
    }
    if (p instanceof Object[] list) {
      return Arrays.toString(list);
    }
    return String.valueOf(p);
  }

  private static String quote(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  private static String kind(Object p) {
    if (p instanceof String) {
      return "text";
    }
    if (p instanceof Double) {
      return "double precision";
    }
    if (p instanceof Integer) {
      return "integer";
    }
    if (p instanceof Boolean) {
      return "boolean";
    }
    if (p instanceof OffsetDateTime) {
      return "timestamptz";
    }
    return p instanceof String[] ? "text[]" : "double precision[]";
  }

  @Override
  public String toString() {
    return sql + "\n" + describeParameters();
  }
}
