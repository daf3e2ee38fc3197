package dev.herald.internal;

import dev.herald.spi.DurableScheduler;
import dev.herald.spi.Scheduler;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Herald's named timers (campaign starts, delayed trigger sends): kept by the host's
 * {@link DurableScheduler} when it supplies one, so that each fires once across the cluster and
 * survives restarts; otherwise run in this process by the plain {@link Scheduler}, with the
 * process's own task ({@code here}), as before durable scheduling existed. Services register the
 * handler of each kind before {@link #start()}.
 */
public final class Timers {
  private static final Logger log = LoggerFactory.getLogger(Timers.class);

  private final Scheduler local;
  private final DurableScheduler durable;
  private final Map<String, Consumer<String>> handlers = new ConcurrentHashMap<>();
  private final Map<String, Scheduler.ScheduledTask> scheduledHere = new ConcurrentHashMap<>();

  private Timers(Scheduler local, DurableScheduler durable) {
    this.local = local;
    this.durable = durable;
  }

  /**
   * @param host the host's scheduler, durable or not
   * @param guarded the same scheduler, contained ({@link GuardedScheduler})
   * @return the timers
   */
  public static Timers of(Scheduler host, Scheduler guarded) {
    return new Timers(guarded, host instanceof DurableScheduler d ? d : null);
  }

  /** @return whether timers are kept by a durable scheduler (shared by every node) */
  public boolean durable() {
    return durable != null;
  }

  /**
   * Registers what runs the timers of a kind when a durable scheduler fires them.
   *
   * @param kind the kind
   * @param handler takes the timer's id
   */
  public void handle(String kind, Consumer<String> handler) {
    handlers.put(kind, handler);
  }

  /** Starts the durable scheduler, if any, with the registered handlers. */
  public void start() {
    if (durable != null) {
      durable.start(this::run);
    }
  }

  /** Stops the durable scheduler, if any: its timers stay stored for the other nodes. */
  public void stop() {
    if (durable != null) {
      try {
        durable.stop();
      } catch (RuntimeException e) {
        log.warn("stopping the durable scheduler failed", e);
      }
    }
  }

  /**
   * Schedules a timer, once per kind and id.
   *
   * @param at when
   * @param kind the kind, with a registered handler
   * @param id the id within the kind
   * @param here what runs it in this process when the scheduler is not durable
   * @return true when this call scheduled it, false when it was scheduled already
   * @throws RejectedExecutionException when the scheduler refuses it
   */
  public boolean schedule(Instant at, String kind, String id, Runnable here) {
    if (durable != null) {
      try {
        return durable.schedule(at, kind, id);
      } catch (RuntimeException e) {
        throw new RejectedExecutionException(
            "the durable scheduler refused " + kind + " " + id + ": " + e, e);
      }
    }
    String key = kind + '\u0000' + id;
    Runnable once = () -> {
      scheduledHere.remove(key);
      here.run();
    };
    synchronized (scheduledHere) {
      if (scheduledHere.containsKey(key)) {
        return false;
      }
      scheduledHere.put(key, local.schedule(at, once));
      return true;
    }
  }

  /**
   * Cancels a timer that has not started.
   *
   * @param kind the kind
   * @param id the id
   * @return true when it will not run
   */
  public boolean cancel(String kind, String id) {
    if (durable != null) {
      try {
        return durable.cancel(kind, id);
      } catch (RuntimeException e) {
        log.warn("cancelling {} {} failed; it may still run", kind, id, e);
        return false;
      }
    }
    return Optional.ofNullable(scheduledHere.remove(kind + '\u0000' + id))
        .map(Scheduler.ScheduledTask::cancel).orElse(false);
  }

  /**
   * Whether a timer is scheduled in this process and has not fired (always false with a durable
   * scheduler, whose {@link #schedule} is idempotent).
   *
   * @param kind the kind
   * @param id the id
   * @return true when scheduled here
   */
  public boolean scheduledHere(String kind, String id) {
    return scheduledHere.containsKey(kind + '\u0000' + id);
  }

  private void run(String kind, String id) {
    Consumer<String> handler = handlers.get(kind);
    if (handler == null) {
      throw new IllegalStateException("no handler for timers of kind " + kind);
    }
    handler.accept(id);
  }
}
