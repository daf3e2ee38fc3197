package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.Lease;
import dev.herald.spi.Leases;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@link Leases} of a single node, the default: every lease is granted, for ever (so there
 * is no heartbeat) and with token 1. Use {@code dev.herald.jdbc.JdbcLeases} when several nodes
 * share a database.
 */
public final class LocalLeases implements Leases {

  /** Creates the leases of one node. */
  public LocalLeases() {}

  @Override
  public Optional<Lease> acquire(String name, String owner, Instant now, Duration expiry) {
    return Optional.of(new Lease(Checks.nonBlank(name, "name"), Checks.nonBlank(owner, "owner"),
        1, Instant.MAX));
  }

  @Override
  public Optional<Lease> renew(Lease lease, Instant now, Duration expiry) {
    return Optional.of(Checks.required(lease, "lease"));
  }

  @Override
  public void release(Lease lease) {
    // nothing is held
  }
}
