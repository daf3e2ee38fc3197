package dev.herald.spi;

import java.time.Instant;

/**
 * A {@link Scheduler} whose named tasks are kept in storage shared by every node: each fires once
 * across the cluster, and survives the restart of every node. Herald uses it, when the host
 * supplies one, for campaign starts (one-time and every occurrence of a recurring schedule) and
 * delayed trigger sends; its {@link Scheduler#schedule(Instant, Runnable) Runnable} tasks (retry
 * and quiet-hours wake-ups inside a run, which resumes from its stores after a restart) stay in
 * the process. {@code dev.herald.jdbc.JdbcScheduler} is the implementation on PostgreSQL.
 *
 * <p>A task is a kind and an id, for example {@code campaign-start} and
 * {@code promo42@2026-12-07T09:00:00Z}: text that names what to do, never code, so a node that did not schedule it can run it. Herald
 * {@link #start starts} the scheduler with the handler of every kind when it is built, and
 * {@link #stop stops} it when it is closed; one scheduler serves one {@code Herald}.
 */
public interface DurableScheduler extends Scheduler {

  /** Runs a due task on the node that picked it. */
  @FunctionalInterface
  interface TaskRunner {
    /**
     * Runs the task. It returns once the task has been handed over; an exception means the task
     * failed and should run again later.
     *
     * @param kind the task's kind
     * @param id the task's id
     */
    void run(String kind, String id);
  }

  /**
   * Starts running due tasks (those scheduled before a restart included) with {@code runner}.
   *
   * @param runner runs each due task
   * @throws IllegalStateException when already started
   */
  void start(TaskRunner runner);

  /** Stops running tasks on this node; scheduled tasks stay in storage for the other nodes. */
  void stop();

  /**
   * Schedules a named task unless one with the same kind and id is scheduled already (scheduling
   * twice, from one node or two, runs it once); an instant in the past means as soon as possible.
   *
   * @param at when to run
   * @param kind the task's kind: 1 to 64 characters
   * @param id the task's id within its kind: 1 to 400 characters
   * @return true when this call scheduled it, false when it was there already
   */
  boolean schedule(Instant at, String kind, String id);

  /**
   * Cancels a named task that has not started, on whichever node scheduled it.
   *
   * @param kind the task's kind
   * @param id the task's id
   * @return true when a scheduled task was removed
   */
  boolean cancel(String kind, String id);
}
