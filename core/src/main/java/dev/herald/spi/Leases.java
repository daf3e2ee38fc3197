package dev.herald.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who runs which dispatch step when several Herald nodes share one database. A node takes a
 * step's lease before it runs the step, renews it by heartbeat while it runs, and gives it back
 * when the run ends; another node takes the step over only once the lease has expired (its
 * owner died or stopped renewing), and the takeover raises the lease's fencing token.
 *
 * <p>The default, {@code dev.herald.embedded.LocalLeases}, grants every lease for ever: one
 * node needs no coordination. {@code dev.herald.jdbc.JdbcLeases} keeps leases in PostgreSQL.
 * Times come from the caller's clock: nodes must keep their clocks in step (NTP) to well within
 * the lease expiry. Implementations must be thread-safe.
 */
public interface Leases {

  /**
   * Takes the lease when nobody holds it, its holder let it expire, or {@code owner} holds it
   * already; each grant raises the token.
   *
   * @param name what the lease is for
   * @param owner the node asking
   * @param now the caller's time
   * @param expiry how long the lease lasts without a renewal
   * @return the lease, or empty when another node holds it and it has not expired
   */
  Optional<Lease> acquire(String name, String owner, Instant now, Duration expiry);

  /**
   * Extends a held lease (a heartbeat).
   *
   * @param lease the lease as granted
   * @param now the caller's time
   * @param expiry how long from {@code now} the lease lasts
   * @return the renewed lease, or empty when the lease was taken over (its token is no longer
   *     the current one): the caller must stop writing
   */
  Optional<Lease> renew(Lease lease, Instant now, Duration expiry);

  /**
   * Gives the lease back so that another node may take it at once; does nothing when it was
   * taken over meanwhile.
   *
   * @param lease the lease as granted
   */
  void release(Lease lease);
}
