package dev.herald.spi;

import dev.herald.internal.Checks;
import java.time.Instant;

/**
 * The right of one node to run one dispatch step until {@code expiresAt}, granted by
 * {@link Leases}. The {@code token} is a fencing token: it grows every time the lease changes
 * hands, and every write the owner makes is conditional on it still being the current one
 * ({@link DeliveryStore#fencedBy}), so a node that lost the lease (a long GC pause, a network
 * split) cannot write over its successor.
 *
 * @param name what the lease is for (a dispatch step)
 * @param owner the node that holds it
 * @param token the fencing token, increasing with every new owner
 * @param expiresAt when the lease lapses unless renewed; {@link Instant#MAX} for a lease that
 *     never needs renewing (a single node)
 */
public record Lease(String name, String owner, long token, Instant expiresAt) {

  /**
   * Validates the fields.
   *
   * @param name what the lease is for (a dispatch step)
   * @param owner the node that holds it
   * @param token the fencing token, increasing with every new owner
   * @param expiresAt when the lease lapses unless renewed; {@link Instant#MAX} for a lease that
   *     never needs renewing (a single node)
   */
  public Lease {
    Checks.nonBlank(name, "lease.name");
    Checks.nonBlank(owner, "lease.owner");
    Checks.required(expiresAt, "lease.expiresAt");
  }

  /** @return whether the lease must be renewed by heartbeat to stay this owner's */
  public boolean expires() {
    return !expiresAt.equals(Instant.MAX);
  }
}
