package dev.herald.jdbc.internal;

import dev.herald.jdbc.HeraldStorageException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where the migrations live, which version the stores need, and the check each store runs when
 * it is built: the version table exists, holds the version this jar was written for, and every
 * table the store uses is there.
 */
public final class HeraldMigrations {
  /** The Flyway location of the migrations in this jar. */
  public static final String LOCATION = "classpath:db/herald/migration";
  /** The schema version this jar's stores read and write. */
  public static final int VERSION = 6;

  private static final Pattern SCHEMA_NAME = Pattern.compile("[a-z_][a-z0-9_$]{0,62}");

  private HeraldMigrations() {}

  /**
   * Checks a schema name and makes it a prefix for table names.
   *
   * @param schema a schema name, or null for the connection's search path
   * @return {@code "schema".} or the empty string
   */
  public static String prefix(String schema) {
    if (schema == null) {
      return "";
    }
    return checkSchemaName(schema) + ".";
  }

  /**
   * Checks a schema name: lower-case letters, digits and underscores, as PostgreSQL folds
   * unquoted names, so it needs no quoting anywhere.
   *
   * @param schema the name
   * @return the name
   */
  public static String checkSchemaName(String schema) {
    if (schema == null || !SCHEMA_NAME.matcher(schema).matches()) {
      throw new dev.herald.InvalidInputException("schema",
          "must be 1 to 63 lower-case letters, digits, _ or $, starting with a letter or _, got "
              + (schema == null ? "null" : "'" + schema + "'"));
    }
    return schema;
  }

  /**
   * Fails with a clear message unless the schema is at {@link #VERSION} and has these tables.
   *
   * @param jdbc the store's connections
   * @param schema the schema, or null for the search path
   * @param tables the tables the store uses
   */
  public static void check(Jdbc jdbc, String schema, String... tables) {
    String where = schema == null ? "the connection's search_path" : "schema " + schema;
    jdbc.read("checking the schema", c -> {
      List<String> missing = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
        for (String table : tables) {
          ps.setString(1, prefix(schema) + table);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
              missing.add(table);
            }
          }
        }
        ps.setString(1, prefix(schema) + "herald_schema_version");
        boolean versioned;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          versioned = rs.getBoolean(1);
        }
        if (!versioned) {
          throw new HeraldStorageException("Herald's schema is missing from " + where
              + " (no table herald_schema_version" + (missing.isEmpty() ? "" : ", nor "
              + String.join(", ", missing)) + "): run HeraldSchema.migrate(dataSource"
              + (schema == null ? "" : ", \"" + schema + "\"") + ") or add " + LOCATION
              + " to your Flyway locations");
        }
      }
      int version;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT max(version) FROM " + prefix(schema) + "herald_schema_version");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        version = rs.getInt(1);
      }
      if (version != VERSION) {
        throw new HeraldStorageException(String.format(Locale.ROOT,
            "Herald's schema in %s is at version %d, but this herald-jdbc needs version %d: %s",
            where, version, VERSION, version < VERSION
                ? "run HeraldSchema.migrate(dataSource) (or your Flyway with " + LOCATION
                    + ") to upgrade it"
                : "the database was migrated by a newer Herald; upgrade herald-jdbc"));
      }
      if (!missing.isEmpty()) {
        throw new HeraldStorageException("Herald's schema in " + where + " is at version "
            + version + " but lacks table(s) " + String.join(", ", missing)
            + ": was one dropped? Restore it, or migrate a fresh schema");
      }
      return null;
    });
  }
}
