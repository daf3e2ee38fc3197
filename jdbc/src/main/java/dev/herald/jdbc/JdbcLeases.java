package dev.herald.jdbc;

import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.spi.Lease;
import dev.herald.spi.Leases;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link Leases} on PostgreSQL 13+: one row per lease in {@code herald_lease} (name, owner,
 * token, expiry), so that several Herald nodes on one database run each dispatch step on one
 * node at a time. Register it on every node together with a {@link JdbcDeliveryStore} over the
 * same schema, whose fenced writes check the tokens kept here:
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *     .deliveryStore(new JdbcDeliveryStore(dataSource))
 *     .leases(new JdbcLeases(dataSource))
 *     .leaseTimes(Duration.ofSeconds(10), Duration.ofSeconds(30))
 *     // ... the other JDBC stores, the providers
 *     .build();
 * herald.recover();
 * }</pre>
 *
 * <p>Taking a lease is one upsert that succeeds only when the row is absent, expired, or
 * already this owner's, and raises the token; a renewal and a release succeed only while the
 * token is still the caller's. Rows are never deleted, so tokens only grow. Expiry is compared
 * with the caller's clock: keep the nodes' clocks in step (NTP) to well within the expiry.
 * Thread-safe; holds no connection between calls.
 */
public final class JdbcLeases implements Leases {
  private final Jdbc jdbc;
  private final String acquire;
  private final String renew;
  private final String release;

  /**
   * Leases in the connections' default schema ({@code search_path}).
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcLeases(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * Leases in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema {@link HeraldSchema#migrate(DataSource, String)} migrated, or null
   *     for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcLeases(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcLeases");
    String t = HeraldMigrations.prefix(schema) + "herald_lease";
    this.acquire = "INSERT INTO " + t + " AS l (name, owner, token, expires_at)"
        + " VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner,"
        + " token = l.token + 1, expires_at = excluded.expires_at"
        + " WHERE l.expires_at <= ? OR l.owner = excluded.owner RETURNING token";
    this.renew = "UPDATE " + t + " SET expires_at = ? WHERE name = ? AND token = ? AND owner = ?";
    this.release = "UPDATE " + t + " SET expires_at = '-infinity' WHERE name = ? AND token = ?"
        + " AND owner = ?";
    HeraldMigrations.check(jdbc, schema, "herald_lease");
  }

  @Override
  public Optional<Lease> acquire(String name, String owner, Instant now, Duration expiry) {
    Checks.nonBlank(name, "name");
    Checks.nonBlank(owner, "owner");
    Checks.required(now, "now");
    Checks.required(expiry, "expiry");
    return jdbc.read("taking lease " + name, c -> acquire(c, name, owner, now, expiry));
  }

  /** Takes a lease on a given connection: in the transaction of a chunk's claim, say. */
  Optional<Lease> acquire(Connection c, String name, String owner, Instant now,
      Duration expiry) throws SQLException {
    Instant expiresAt = Jdbc.micros(now.plus(expiry));
    try (PreparedStatement ps = c.prepareStatement(acquire)) {
      ps.setString(1, name);
      ps.setString(2, owner);
      Jdbc.setInstant(ps, 3, expiresAt);
      Jdbc.setInstant(ps, 4, now);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new Lease(name, owner, rs.getLong(1), expiresAt))
            : Optional.empty();
      }
    }
  }

  @Override
  public Optional<Lease> renew(Lease lease, Instant now, Duration expiry) {
    Checks.required(lease, "lease");
    Checks.required(now, "now");
    Checks.required(expiry, "expiry");
    Instant expiresAt = Jdbc.micros(now.plus(expiry));
    int rows = jdbc.read("renewing lease " + lease.name(), c -> {
      try (PreparedStatement ps = c.prepareStatement(renew)) {
        Jdbc.setInstant(ps, 1, expiresAt);
        ps.setString(2, lease.name());
        ps.setLong(3, lease.token());
        ps.setString(4, lease.owner());
        return ps.executeUpdate();
      }
    });
    return rows == 1 ? Optional.of(new Lease(lease.name(), lease.owner(), lease.token(),
        expiresAt)) : Optional.empty();
  }

  @Override
  public void release(Lease lease) {
    Checks.required(lease, "lease");
    jdbc.read("giving back lease " + lease.name(), c -> {
      try (PreparedStatement ps = c.prepareStatement(release)) {
        ps.setString(1, lease.name());
        ps.setLong(2, lease.token());
        ps.setString(3, lease.owner());
        return ps.executeUpdate();
      }
    });
  }
}
