package dev.herald.internal.dispatch;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads a pipelining engine ({@link EngineContext#pipelined}) writes on, owned by one
 * {@code Herald} and shared by all its campaign runs: a pool that writes the runs' claim batches
 * ({@link ClaimBatch}) and a pool that writes what their ledgers buffer behind
 * ({@link DeliveryLedger}). Each run writes through a {@link Lane} of its own over a pool, which
 * keeps the run's guarantees whatever the other runs do: at most {@link ClaimBatch#WRITERS} of its
 * claim batches at once, and its writes behind one at a time in the order it queued them (so a
 * checkpoint is written after every buffer queued before it).
 *
 * <p>Threads start on first use and end after a second idle, so an idle Herald holds none.
 * {@link #close()} (from {@code Herald.close()}) lets what is queued finish and takes no new
 * work: a run still ending then writes on its own thread.
 */
public final class WriterThreads implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WriterThreads.class);
  /** Claim batches written at once across every run (each run at most {@code WRITERS}). */
  static final int CLAIM_THREADS = 2 * ClaimBatch.WRITERS;
  /** Runs writing behind at once (each run one write at a time). */
  static final int WRITE_BEHIND_THREADS = 2;

  private final ThreadPoolExecutor claims;
  private final ThreadPoolExecutor behind;

  /** Creates the two pools; no thread starts until a run writes. */
  public WriterThreads() {
    this(CLAIM_THREADS, WRITE_BEHIND_THREADS);
  }

  WriterThreads(int claimThreads, int writeBehindThreads) {
    this.claims = pool("herald-claims", claimThreads);
    this.behind = pool("herald-write-behind", writeBehindThreads);
  }

  /** @return a new run's lane for its claim batches, {@link ClaimBatch#WRITERS} at a time */
  Lane claimLane() {
    return new Lane(claims, ClaimBatch.WRITERS);
  }

  /** @return a new run's lane for its writes behind: one at a time, in order */
  Lane writeBehindLane() {
    return new Lane(behind, 1);
  }

  /**
   * Takes no new work; what is queued is still written, then the threads end.
   */
  @Override
  public void close() {
    claims.shutdown();
    behind.shutdown();
  }

  /**
   * @param millis how long to wait
   * @return whether every thread ended within the time
   * @throws InterruptedException when interrupted while waiting
   */
  boolean awaitTermination(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    return claims.awaitTermination(millis, TimeUnit.MILLISECONDS)
        && behind.awaitTermination(Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS);
  }

  /**
   * @param name the threads' name, numbered
   * @param n how many threads at most
   * @return up to n daemon threads, each started on first use and ended after a second idle
   */
  private static ThreadPoolExecutor pool(String name, int n) {
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool = new ThreadPoolExecutor(n, n, 1, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, name + "-" + number.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  /**
   * One run's share of a pool: at most {@code limit} of its tasks run at once, started in the
   * order they were given; with a limit of one, each starts after the one before it ended. A
   * task waiting its turn waits here, not in the pool, so other runs' tasks are not held up
   * behind it; after each task the lane's next goes to the back of the pool's queue.
   *
   * <p>{@link #execute} throws {@link RejectedExecutionException} only when the pool is closed
   * and the lane is idle: the caller then runs the task itself, which keeps the order. A lane
   * with tasks waiting when the pool closes runs them, in order, on the thread that ran its last.
   */
  static final class Lane implements Executor {
    private final Executor pool;
    private final int limit;
    private final ArrayDeque<Runnable> waiting = new ArrayDeque<>(); // guarded by this
    private int running; // guarded by this
    /** The thread running this lane's task, when the limit is one (for {@link #runsHere}). */
    private volatile Thread runner;

    Lane(Executor pool, int limit) {
      this.pool = pool;
      this.limit = limit;
    }

    @Override
    public void execute(Runnable task) {
      synchronized (this) {
        if (running >= limit) {
          waiting.add(task);
          return;
        }
        running++;
      }
      try {
        pool.execute(() -> runFrom(task));
      } catch (RejectedExecutionException e) {
        synchronized (this) {
          running--;
        }
        throw e;
      }
    }

    /** @return whether the calling thread is running this lane's task (limit one) */
    boolean runsHere() {
      return runner == Thread.currentThread();
    }

    /** Runs a task, then hands the lane's next to the pool (or runs it here if it is closed). */
    private void runFrom(Runnable first) {
      Error fatal = null; // rethrown once the lane's next task is handed on: the lane goes on
      Runnable task = first;
      while (task != null) {
        if (limit == 1) {
          runner = Thread.currentThread();
        }
        try {
          task.run();
        } catch (RuntimeException e) {
          log.error("a write of a run failed on {}", Thread.currentThread().getName(), e);
        } catch (Error e) {
          fatal = fatal == null ? e : fatal;
        } finally {
          if (limit == 1) {
            runner = null;
          }
        }
        task = handOn();
      }
      if (fatal != null) {
        throw fatal;
      }
    }

    /**
     * A task of the lane ended: its next goes to the pool.
     *
     * @return the next task, to run on this thread (the pool is closed), or null
     */
    private Runnable handOn() {
      Runnable next;
      synchronized (this) {
        next = waiting.poll();
        if (next == null) {
          running--;
          return null;
        }
      }
      try {
        pool.execute(() -> runFrom(next));
        return null;
      } catch (RejectedExecutionException closed) {
        return next; // the pool is closed: the lane's queue is run here, in order
      }
    }
  }
}
