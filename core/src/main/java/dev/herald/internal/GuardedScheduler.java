package dev.herald.internal;

import dev.herald.spi.Scheduler;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contains a host's {@link Scheduler}, wrapped once when Herald is built: whatever the host's
 * {@code schedule} throws becomes a {@link RejectedExecutionException} (Herald's callers end the
 * work they could not schedule instead of waiting for it), and whatever a task throws is logged
 * here rather than left to the host's scheduler thread.
 */
public final class GuardedScheduler implements Scheduler {
  private static final Logger log = LoggerFactory.getLogger(GuardedScheduler.class);

  private final Scheduler host;

  private GuardedScheduler(Scheduler host) {
    this.host = host;
  }

  /**
   * Wraps a scheduler, once.
   *
   * @param host the host's scheduler
   * @return the contained scheduler
   */
  public static Scheduler of(Scheduler host) {
    return host instanceof GuardedScheduler ? host : new GuardedScheduler(host);
  }

  @Override
  public ScheduledTask schedule(Instant at, Runnable task) {
    Runnable contained = () -> {
      try {
        task.run();
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.error("a task Herald scheduled failed", e);
      }
    };
    ScheduledTask scheduled;
    try {
      scheduled = host.schedule(at, contained);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      throw new RejectedExecutionException("the host's Scheduler refused a task: " + e, e);
    }
    if (scheduled == null) {
      throw new RejectedExecutionException("the host's Scheduler returned no task handle");
    }
    return () -> {
      try {
        return scheduled.cancel();
      } catch (RuntimeException | LinkageError | AssertionError e) {
        log.warn("cancelling a scheduled task failed; it may still run", e);
        return false;
      }
    };
  }
}
