package dev.herald.spring.boot;

import dev.herald.jdbc.HeraldSchema;
import javax.sql.DataSource;

/**
 * Herald's schema, brought up to {@link HeraldSchema#VERSION} by {@link HeraldSchema#migrate} when
 * this bean is created: the herald-jdbc store beans depend on it, so they are built (and check the
 * schema) only after the migrations ran. Flyway keeps Herald's history in
 * {@value HeraldSchema#HISTORY_TABLE}, apart from the application's own Flyway history.
 */
public final class HeraldJdbcSchemaMigration {
  private final String schema;
  private final int migrationsApplied;

  /**
   * Migrates now.
   *
   * @param dataSource the database
   * @param schema the schema, or null for the connections' search path
   */
  public HeraldJdbcSchemaMigration(DataSource dataSource, String schema) {
    this.schema = schema;
    this.migrationsApplied = schema == null
        ? HeraldSchema.migrate(dataSource)
        : HeraldSchema.migrate(dataSource, schema);
  }

  /**
   * @return the schema migrated, or null for the connections' search path
   */
  public String schema() {
    return schema;
  }

  /**
   * @return how many migrations this start applied (0 when the schema was up to date)
   */
  public int migrationsApplied() {
    return migrationsApplied;
  }

  @Override
  public String toString() {
    return "HeraldJdbcSchemaMigration[schema=" + (schema == null ? "(search_path)" : schema)
        + ", migrationsApplied=" + migrationsApplied + "]";
  }
}
