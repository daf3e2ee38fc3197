package dev.herald.jdbc;

import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Herald's database schema: versioned Flyway migrations shipped in this jar at {@link #LOCATION}
 * ({@code V1__herald.sql}, …), for PostgreSQL 13 or later.
 *
 * <p>Either call {@link #migrate(DataSource)} once on start (Flyway runs underneath, keeping its
 * history in the table {@value #HISTORY_TABLE}), or add {@link #LOCATION} to the host's own
 * Flyway locations (or include the scripts in a Liquibase changelog). Every store checks the
 * schema version when it is built and fails with a message saying what to run.
 */
public final class HeraldSchema {
  /** The Flyway location of the migrations inside this jar. */
  public static final String LOCATION = HeraldMigrations.LOCATION;
  /** Flyway's history table for Herald's migrations, apart from the host's own. */
  public static final String HISTORY_TABLE = "herald_schema_history";
  /** The schema version this version of herald-jdbc reads and writes. */
  public static final int VERSION = HeraldMigrations.VERSION;

  private HeraldSchema() {}

  /**
   * Brings the connection's default schema (its {@code search_path}, usually {@code public}) up
   * to {@link #VERSION}; does nothing when it is there already. Safe to call from several nodes
   * at once: Flyway serialises them with an advisory lock.
   *
   * @param dataSource the database
   * @return the number of migrations applied
   */
  public static int migrate(DataSource dataSource) {
    return migrate(Flyway.configure(), dataSource, null);
  }

  /**
   * Brings a named schema up to {@link #VERSION}, creating the schema when it does not exist.
   * Build the stores with the same schema name.
   *
   * @param dataSource the database
   * @param schema the schema: lower-case letters, digits and underscores
   * @return the number of migrations applied
   */
  public static int migrate(DataSource dataSource, String schema) {
    return migrate(Flyway.configure(), dataSource, HeraldMigrations.checkSchemaName(schema));
  }

  private static int migrate(
      org.flywaydb.core.api.configuration.FluentConfiguration config, DataSource dataSource,
      String schema) {
    Checks.required(dataSource, "dataSource");
    config.dataSource(dataSource)
        .locations(LOCATION)
        .table(HISTORY_TABLE)
        .baselineOnMigrate(false)
        .validateMigrationNaming(true);
    if (schema != null) {
      config.schemas(schema).defaultSchema(schema).createSchemas(true);
    }
    try {
      MigrateResult result = config.load().migrate();
      return result.migrationsExecuted;
    } catch (org.flywaydb.core.api.FlywayException e) {
      throw new HeraldStorageException("migrating Herald's schema"
          + (schema == null ? "" : " " + schema) + " failed: " + e.getMessage(), e);
    }
  }
}
