package dev.herald.embedded;

import dev.herald.spi.Scheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link Scheduler} over a {@link ScheduledExecutorService}: the default when the host supplies
 * none. Delays are computed from the {@link Clock} when a task is scheduled. A task that throws is
 * logged and does not stop later tasks.
 */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExecutorScheduler.class);

  private final ScheduledExecutorService executor;
  private final Clock clock;
  private final boolean owned;

  private ExecutorScheduler(ScheduledExecutorService executor, Clock clock, boolean owned) {
    this.executor = Objects.requireNonNull(executor, "executor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.owned = owned;
  }

  /**
   * A scheduler on its own single daemon thread, shut down by {@link #close()}.
   *
   * @param clock the clock that instants are measured against
   * @return the scheduler
   */
  public static ExecutorScheduler create(Clock clock) {
    AtomicInteger n = new AtomicInteger();
    ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "herald-scheduler-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    return new ExecutorScheduler(executor, clock, true);
  }

  /**
   * A scheduler on the host's executor, which the host keeps and shuts down.
   *
   * @param executor the host's executor
   * @param clock the clock that instants are measured against
   * @return the scheduler
   */
  public static ExecutorScheduler using(ScheduledExecutorService executor, Clock clock) {
    return new ExecutorScheduler(executor, clock, false);
  }

  @Override
  public ScheduledTask schedule(Instant at, Runnable task) {
    dev.herald.internal.Checks.required(at, "at");
    dev.herald.internal.Checks.required(task, "task");
    long delayMillis = Math.max(0, Duration.between(clock.instant(), at).toMillis());
    ScheduledFuture<?> future = executor.schedule(() -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("scheduled task failed", e);
      }
    }, delayMillis, TimeUnit.MILLISECONDS);
    return () -> future.cancel(false);
  }

  /** Stops the thread if this scheduler created it; pending tasks are dropped. */
  @Override
  public void close() {
    if (owned) {
      executor.shutdownNow();
    }
  }
}
