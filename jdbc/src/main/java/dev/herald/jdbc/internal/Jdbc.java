package dev.herald.jdbc.internal;

import dev.herald.jdbc.HeraldStorageException;
import dev.herald.spi.PlayerLocks;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 *
 * <p>The exception is a {@link #lockPlayer player lock}: while a thread holds one, the calls on
 * that thread of every store over the same {@code DataSource} run on the lock's connection, in
 * its transaction, committed (or rolled back after a failure) when the lock is released. That is
 * how a decision made under the lock is one transaction, and why it needs no second connection.
 */
public final class Jdbc {
  /** The advisory lock space of player locks (two-int form: apart from one-bigint locks). */
  private static final int PLAYER_LOCK_SPACE = 0x48524c44; // "HRLD"
  private static final ThreadLocal<Bound> BOUND = new ThreadLocal<>();

  private final DataSource dataSource;
  private final String store;

  /** The connection of the player lock held on a thread, and whether a call under it failed. */
  private static final class Bound {
    final DataSource dataSource;
    final Connection connection;
    boolean failed;

    Bound(DataSource dataSource, Connection connection) {
      this.dataSource = dataSource;
      this.connection = connection;
    }
  }

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
    Bound bound = bound();
    if (bound != null) {
      return underLock(bound, what, work);
    }
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
    Bound bound = bound();
    if (bound != null) {
      return underLock(bound, what, work);
    }
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

  private Bound bound() {
    Bound bound = BOUND.get();
    return bound != null && bound.dataSource == dataSource ? bound : null;
  }

  private <T> T underLock(Bound bound, String what, Work<T> work) {
    try {
      return work.run(bound.connection);
    } catch (SQLException e) {
      bound.failed = true;
      throw failure(what, e);
    } catch (RuntimeException | Error e) {
      bound.failed = true;
      throw e;
    }
  }

  /**
   * Takes a player's lock across every node: a transaction holding a PostgreSQL advisory lock
   * ({@code pg_advisory_xact_lock}) on a hash of the player id, on a connection bound to this
   * thread until {@link PlayerLocks.Held#close()} commits it (or rolls it back when a call under
   * it failed), which releases the lock. Waits while another session holds it.
   *
   * @param playerId the player
   * @return the held lock
   * @throws IllegalStateException when this thread holds a player lock already
   */
  public PlayerLocks.Held lockPlayer(String playerId) {
    if (BOUND.get() != null) {
      throw new IllegalStateException("this thread holds a player lock already; Herald takes one"
          + " at a time");
    }
    Connection c;
    try {
      c = dataSource.getConnection();
    } catch (SQLException e) {
      throw failure("locking a player", e);
    }
    try {
      c.setAutoCommit(false);
      try (PreparedStatement ps =
          c.prepareStatement("SELECT pg_advisory_xact_lock(?, hashtext(?))")) {
        ps.setInt(1, PLAYER_LOCK_SPACE);
        ps.setString(2, playerId);
        ps.execute();
      }
    } catch (SQLException e) {
      closeQuietly(c, e);
      throw failure("locking a player", e);
    }
    Bound bound = new Bound(dataSource, c);
    BOUND.set(bound);
    return () -> release(bound);
  }

  private void release(Bound bound) {
    if (BOUND.get() != bound) {
      return; // released already
    }
    BOUND.remove();
    Connection c = bound.connection;
    try {
      if (bound.failed) {
        c.rollback();
      } else {
        c.commit();
      }
      c.setAutoCommit(true);
    } catch (SQLException e) {
      closeQuietly(c, e);
      throw failure("committing a player's decisions", e);
    }
    try {
      c.close();
    } catch (SQLException e) {
      throw failure("releasing a player lock's connection", e);
    }
  }

  private static void closeQuietly(Connection c, Exception cause) {
    try {
      c.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
    try {
      c.close();
    } catch (SQLException e) {
      cause.addSuppressed(e);
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
   * Binds columns of a batch as array parameters, from the first on, for a statement that joins
   * or inserts them with {@code unnest}: one parameter for the whole batch per column rather than
   * one per value. A {@code String[]} is bound as {@code text[]}, an {@code Integer[]} as
   * {@code int4[]}, a {@code Boolean[]} as {@code bool[]}; the statement casts a text array to its
   * column's type where that is another ({@code ?::timestamptz[]}, {@code ?::numeric[]}).
   *
   * @param c the statement's connection
   * @param ps the statement
   * @param columns the columns, each an array of one value per row (null for SQL NULL)
   * @return the arrays, to {@link #free} once the statement ran
   * @throws SQLException from the driver
   */
  public static Array[] setArrays(Connection c, PreparedStatement ps, Object[]... columns)
      throws SQLException {
    Array[] arrays = new Array[columns.length];
    try {
      for (int i = 0; i < columns.length; i++) {
        Object[] column = columns[i];
        String type = column instanceof Integer[] ? "int4"
            : column instanceof Boolean[] ? "bool" : "text";
        arrays[i] = c.createArrayOf(type, column);
        ps.setArray(i + 1, arrays[i]);
      }
      return arrays;
    } catch (SQLException | RuntimeException e) {
      free(arrays);
      throw e;
    }
  }

  /**
   * Frees arrays made by {@link #setArrays} (a null entry is skipped).
   *
   * @param arrays the arrays
   * @throws SQLException from the driver
   */
  public static void free(Array[] arrays) throws SQLException {
    for (Array a : arrays) {
      if (a != null) {
        a.free();
      }
    }
  }

  /**
   * An instant as PostgreSQL reads a {@code timestamptz} from text (ISO 8601, UTC), truncated to
   * microseconds: for array parameters.
   *
   * @param instant an instant
   * @return its text
   */
  public static String text(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < FIRST_YEAR_1000 || seconds >= FIRST_YEAR_10000) {
      return micros(instant).toString();
    }
    // By hand: Instant.toString runs a DateTimeFormatter, a few times slower, for every
    // timestamp of every row of a batch.
    long days = Math.floorDiv(seconds, 86_400L);
    int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(days);
    char[] c = "0000-00-00T00:00:00.000000Z".toCharArray();
    digits(c, 0, 4, date.getYear());
    digits(c, 5, 2, date.getMonthValue());
    digits(c, 8, 2, date.getDayOfMonth());
    digits(c, 11, 2, secondOfDay / 3600);
    digits(c, 14, 2, secondOfDay / 60 % 60);
    digits(c, 17, 2, secondOfDay % 60);
    digits(c, 20, 6, instant.getNano() / 1000);
    return new String(c);
  }

  /** 1000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years of four digits. */
  private static final long FIRST_YEAR_1000 = -30_610_224_000L;
  private static final long FIRST_YEAR_10000 = 253_402_300_800L;

  private static void digits(char[] c, int at, int width, int value) {
    for (int i = at + width - 1; i >= at; i--) {
      c[i] = (char) ('0' + value % 10);
      value /= 10;
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
    return instant(rs, rs.findColumn(column));
  }

  /**
   * Reads an instant by column position.
   *
   * @param rs the row
   * @param column the column's position, from 1
   * @return the instant, or null for SQL NULL
   * @throws SQLException from the driver
   */
  public static Instant instant(ResultSet rs, int column) throws SQLException {
    // A Timestamp read of a timestamptz is the instant itself; cheaper than an OffsetDateTime,
    // whose zone rules the driver builds for every value.
    Timestamp value = rs.getTimestamp(column);
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
