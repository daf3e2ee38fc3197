package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.embedded.LocalLeases;
import dev.herald.spi.Lease;
import dev.herald.spi.Leases;
import dev.herald.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which node runs which dispatch step: takes a step's lease through the host's {@link Leases}
 * before a run starts, and keeps it by heartbeat on the {@link Scheduler} while the run goes on.
 * A lease that never expires (the single-node {@link LocalLeases}) needs no heartbeat.
 */
public final class Ownership {
  private static final Logger log = LoggerFactory.getLogger(Ownership.class);

  private final Leases leases;
  private final String nodeId;
  private final Duration heartbeatInterval;
  private final Duration expiry;
  private final Clock clock;
  private final Scheduler scheduler;

  /**
   * @param leases where leases are kept
   * @param nodeId this node's name, unique among the nodes sharing the database
   * @param heartbeatInterval how often a held lease is renewed
   * @param expiry how long a lease lasts without a renewal
   * @param clock the time source
   * @param scheduler runs the heartbeats (contained)
   */
  public Ownership(Leases leases, String nodeId, Duration heartbeatInterval, Duration expiry,
      Clock clock, Scheduler scheduler) {
    this.leases = leases;
    this.nodeId = nodeId;
    this.heartbeatInterval = heartbeatInterval;
    this.expiry = expiry;
    this.clock = clock;
    this.scheduler = scheduler;
  }

  /**
   * The ownership of a single node: every lease granted, no heartbeat.
   *
   * @param clock the time source
   * @param scheduler the scheduler
   * @return the ownership
   */
  public static Ownership local(Clock clock, Scheduler scheduler) {
    return new Ownership(new LocalLeases(), "local", Duration.ofSeconds(10),
        Duration.ofSeconds(30), clock, scheduler);
  }

  /** @return this node's name */
  public String nodeId() {
    return nodeId;
  }

  /** @return how often a held lease is renewed */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /** @return how long a lease lasts without a renewal */
  public Duration expiry() {
    return expiry;
  }

  /** @return whether leases come from somewhere other than the single-node default */
  public boolean clustered() {
    return !(leases instanceof LocalLeases);
  }

  /**
   * The name of a dispatch step's lease.
   *
   * @param sourceId the source
   * @param step the step
   * @return the name
   */
  public static String leaseName(String sourceId, String step) {
    return "dispatch:" + DeliveryRecord.key(sourceId, step, "", "");
  }

  /**
   * Takes a step's lease for this node.
   *
   * @return the lease, or empty when a live node holds it
   */
  Optional<Lease> acquire(String sourceId, String step) {
    return acquire(leaseName(sourceId, step));
  }

  /**
   * Takes a lease for this node by its full name: work that is not a dispatch step, such as the
   * inactivity scan.
   *
   * @param name the lease's name
   * @return the lease, or empty when a live node holds it
   */
  public Optional<Lease> acquire(String name) {
    return leases.acquire(name, nodeId, clock.instant(), expiry);
  }

  /**
   * Renews a held lease now, for {@code expiry} from now. Called inside a decision's
   * transaction (under a player lock of a store over the same database), it is that decision's
   * fence: the renewal locks the lease row until the decision commits, so a takeover waits for
   * it, and a lease taken over already is not renewed.
   *
   * @param lease the lease as granted
   * @param expiry how long from now the lease lasts
   * @return whether the lease is still this node's
   */
  public boolean renew(Lease lease, Duration expiry) {
    return !lease.expires() || leases.renew(lease, clock.instant(), expiry).isPresent();
  }

  /**
   * Starts renewing a lease every heartbeat interval.
   *
   * @param lease the lease
   * @param onLost told (once, on the scheduler's thread) when the lease was taken over, or
   *     could not be renewed before it expired
   * @return the heartbeat, to stop when the run ends
   */
  public Heartbeat keep(Lease lease, Runnable onLost) {
    Heartbeat h = new Heartbeat(lease, onLost);
    if (lease.expires()) {
      h.next();
    }
    return h;
  }

  /** The renewals of one lease. */
  public final class Heartbeat {
    private volatile Lease lease;
    private final Runnable onLost;
    private volatile boolean stopped;
    private volatile Scheduler.ScheduledTask task;

    private Heartbeat(Lease lease, Runnable onLost) {
      this.lease = lease;
      this.onLost = onLost;
    }

    private void next() {
      if (stopped) {
        return;
      }
      try {
        task = scheduler.schedule(clock.instant().plus(heartbeatInterval), this::beat);
      } catch (RejectedExecutionException e) {
        log.warn("could not schedule the heartbeat of lease {}; it will expire", lease.name(), e);
      }
      if (stopped && task != null) {
        task.cancel(); // stopped meanwhile
      }
    }

    private void beat() {
      if (stopped) {
        return;
      }
      Instant now = clock.instant();
      Optional<Lease> renewed;
      try {
        renewed = leases.renew(lease, now, expiry);
      } catch (RuntimeException e) {
        if (!now.isBefore(lease.expiresAt())) {
          log.warn("lease {} expired while it could not be renewed", lease.name(), e);
          lost();
        } else {
          log.warn("renewing lease {} failed; trying again at the next heartbeat", lease.name(),
              e);
          next();
        }
        return;
      }
      if (renewed.isEmpty()) {
        lost();
        return;
      }
      lease = renewed.get();
      next();
    }

    private void lost() {
      stopped = true;
      onLost.run();
    }

    /**
     * Stops renewing, and gives the lease back when asked.
     *
     * @param release whether another node may take the lease at once
     */
    public void stop(boolean release) {
      stopped = true;
      Scheduler.ScheduledTask t = task;
      if (t != null) {
        t.cancel();
      }
      if (release && lease.expires()) {
        try {
          leases.release(lease);
        } catch (RuntimeException e) {
          log.warn("giving back lease {} failed; it expires by itself", lease.name(), e);
        }
      }
    }
  }
}
