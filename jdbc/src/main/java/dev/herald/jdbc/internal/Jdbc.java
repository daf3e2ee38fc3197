package dev.herald.jdbc.internal;

import dev.herald.jdbc.HeraldStorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Short transactions over a {@link DataSource}: each call takes a connection, does its work and
 * gives the connection back, so no store holds one between calls.
 */
public final class Jdbc {
  private final DataSource dataSource;
  private final String store;

  /**
   * @param dataSource where connections come from
   * @param store the store's name, for error messages
   */
  public Jdbc(DataSource dataSource, String store) {
    this.dataSource = dataSource;
    this.store = store;
  }

  /** Work on one connection. */
  @FunctionalInterface
  public interface Work<T> {
    /**
     * @param connection the connection
     * @return the result
     * @throws SQLException from the driver
     */
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} on a connection in autocommit mode (one statement, one transaction).
   *
   * @param what what the work does, for the error message
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   */
  public <T> T read(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      if (!c.getAutoCommit()) {
        c.setAutoCommit(true);
      }
      return work.run(c);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   *
   * @param what what the work does, for the error message
   * @param work the work
   * @param <T> the result type
   * @return the work's result
   */
  public <T> T inTransaction(String what, Work<T> work) {
    try (Connection c = dataSource.getConnection()) {
      boolean autoCommit = c.getAutoCommit();
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        try {
          c.rollback();
        } catch (SQLException rollback) {
          e.addSuppressed(rollback);
        }
        throw e;
      } finally {
        if (autoCommit) {
          try {
            c.setAutoCommit(true);
          } catch (SQLException ignored) {
            // the connection is broken; the pool will notice
          }
        }
      }
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /**
   * An exception naming the store and the operation, with the driver's message and SQL state
   * (never parameter values, which may be tokens).
   *
   * @param what the operation
   * @param e the driver's exception
   * @return the exception to throw
   */
  public HeraldStorageException failure(String what, SQLException e) {
    String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
    String hint = "";
    if ("42P01".equals(e.getSQLState())) {
      hint = "; a table is missing: run HeraldSchema.migrate(dataSource) or add "
          + HeraldMigrations.LOCATION + " to your Flyway locations";
    } else if (e.getSQLState() != null
        && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P0"))) {
      // 08: connection exceptions; 57P01-57P03: the server shut down or terminated the session
      hint = "; the connection to the database failed";
    }
    return new HeraldStorageException(
        store + ": " + what + " failed" + state + hint + ": " + firstLine(e.getMessage()), e);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /**
   * The precision every store keeps: PostgreSQL's {@code timestamptz} holds microseconds, and an
   * instant is truncated (never rounded) to them, so what is read back is predictable.
   *
   * @param instant an instant
   * @return it, truncated to microseconds
   */
  public static Instant micros(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * Binds an instant, or SQL NULL.
   *
   * @param ps the statement
   * @param index the parameter index
   * @param instant the instant, or null
   * @throws SQLException from the driver
   */
  public static void setInstant(PreparedStatement ps, int index, Instant instant)
      throws SQLException {
    if (instant == null) {
      ps.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
    } else {
      ps.setObject(index, OffsetDateTime.ofInstant(micros(instant), ZoneOffset.UTC));
    }
  }

  /**
   * Reads an instant.
   *
   * @param rs the row
   * @param column the column
   * @return the instant, or null for SQL NULL
   * @throws SQLException from the driver
   */
  public static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  /**
   * Reads an optional instant.
   *
   * @param rs the row
   * @param column the column
   * @return the instant, or empty for SQL NULL
   * @throws SQLException from the driver
   */
  public static Optional<Instant> optionalInstant(ResultSet rs, String column)
      throws SQLException {
    return Optional.ofNullable(instant(rs, column));
  }

  /**
   * Binds a string or SQL NULL.
   *
   * @param ps the statement
   * @param index the parameter index
   * @param value the text, or null
   * @throws SQLException from the driver
   */
  public static void setText(PreparedStatement ps, int index, String value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.VARCHAR);
    } else {
      ps.setString(index, value);
    }
  }
}
