package dev.herald.spi;

import java.time.Instant;

/**
 * Runs a task at an instant: campaign starts, delayed trigger sends, retries, inactivity scans.
 * The host may back it with its own job system; {@code dev.herald.embedded.ExecutorScheduler} is
 * the default, and {@code dev.herald.testing.ManualScheduler} runs due tasks when a test advances
 * its clock.
 *
 * <p>Tasks are not expected to survive a restart: Herald re-schedules what its stores say is due
 * when it starts. A {@link DurableScheduler} also keeps named tasks (campaign starts, delayed
 * trigger sends) in shared storage, each fired once across several nodes and surviving restarts.
 * Implementations must be thread-safe and must not run a task before its instant.
 */
public interface Scheduler {

  /**
   * Schedules a task; an instant in the past means as soon as possible.
   *
   * @param at when to run
   * @param task what to run; exceptions it throws are the scheduler's to log
   * @return a handle to cancel it
   */
  ScheduledTask schedule(Instant at, Runnable task);

  /** A scheduled task that can be cancelled before it runs. */
  interface ScheduledTask {
    /**
     * Cancels the task if it has not started.
     *
     * @return true when it will not run
     */
    boolean cancel();
  }
}
