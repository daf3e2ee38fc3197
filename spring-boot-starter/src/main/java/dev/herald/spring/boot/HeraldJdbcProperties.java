package dev.herald.spring.boot;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code herald.jdbc.*} properties: herald-jdbc's PostgreSQL stores over the application's
 * {@code DataSource}, used when {@code herald-jdbc} is on the class path and a single
 * {@code DataSource} bean exists.
 *
 * <pre>{@code
 * herald:
 *   jdbc:
 *     schema: herald      # the default; Herald's tables live apart from the application's
 * }</pre>
 *
 * @param enabled whether the herald-jdbc stores replace the in-memory ones when herald-jdbc and
 *     a {@code DataSource} are present
 * @param schema the PostgreSQL schema holding Herald's tables (lower-case letters, digits and
 *     underscores); empty for the connections' {@code search_path}, as when the application's own
 *     Flyway runs Herald's migrations
 * @param migrate whether Herald's migrations ({@code HeraldSchema.migrate}, with their own history
 *     table) run on start, before the stores are built; {@code false} when the application runs
 *     them itself, e.g. with {@code classpath:db/herald/migration} in
 *     {@code spring.flyway.locations}
 */
@ConfigurationProperties("herald.jdbc")
public record HeraldJdbcProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("herald") String schema,
    @DefaultValue("true") boolean migrate) {

  /**
   * @return the schema name, or null for the connections' search path
   */
  String schemaOrSearchPath() {
    return schema == null || schema.isBlank() ? null : schema;
  }
}
