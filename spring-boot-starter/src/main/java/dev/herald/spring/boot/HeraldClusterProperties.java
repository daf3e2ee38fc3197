package dev.herald.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code herald.cluster.*} properties: several instances of the application on one
 * PostgreSQL (see docs/scaling.md). Off by default. When enabled, with herald-jdbc and a single
 * {@code DataSource}, the starter registers {@code JdbcLeases} and a {@code JdbcScheduler} and
 * builds Herald with them; without them the application fails to start.
 *
 * <pre>{@code
 * herald:
 *   cluster:
 *     enabled: true
 *     node-id: ${POD_NAME}     # unique per running instance
 *     lease-heartbeat: 10s
 *     lease-expiry: 30s
 *     players-per-chunk: 5000   # 0: each campaign run on one node
 * }</pre>
 *
 * @param enabled whether this instance shares Herald's work with other instances on the same
 *     database: leases with fencing tokens for campaign runs and inactivity scans, timers that
 *     fire once across the instances, caps and rate budgets decided across them
 * @param nodeId this instance's name in the lease table and the scheduler's tables, unique among
 *     the running instances (at most 100 characters); by default one made of the host name, the
 *     process id and a random suffix
 * @param leaseHeartbeat how often a node renews the leases it holds (100 ms to 10 minutes)
 * @param leaseExpiry how long a lease lasts without a renewal: a dead node's work is taken over
 *     about this long after its last heartbeat (at least twice {@code lease-heartbeat}, at most 1
 *     hour)
 * @param schedulerPollingInterval how often a node looks for due timers in the database (50 ms to
 *     10 minutes)
 * @param playersPerChunk how many players a chunk of a campaign run holds: the nodes share each
 *     run by claiming its chunks ({@code JdbcAudienceChunks}); 0 sends each run on one node at a
 *     time (1 to 10,000,000, or 0; 5,000 by default)
 */
@ConfigurationProperties("herald.cluster")
public record HeraldClusterProperties(
    @DefaultValue("false") boolean enabled,
    String nodeId,
    @DefaultValue("10s") Duration leaseHeartbeat,
    @DefaultValue("30s") Duration leaseExpiry,
    @DefaultValue("5s") Duration schedulerPollingInterval,
    @DefaultValue("5000") int playersPerChunk) {

  /**
   * @return the node id, or null when unset (blank)
   */
  String nodeIdIfSet() {
    return nodeId == null || nodeId.isBlank() ? null : nodeId;
  }
}
