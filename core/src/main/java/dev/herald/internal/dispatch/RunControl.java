package dev.herald.internal.dispatch;

import dev.herald.spi.Scheduler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's state machine: the one {@link RunState}, every transition (in {@link #moveTo}), and the
 * run's work that waits — for its time on the scheduler, or for {@link #resume()} — so that a
 * transition reaches all of it.
 *
 * <p>The promise it keeps: once {@link #pause()}, {@link #cancel()} or {@link #stop()} returns, no
 * provider call of the run starts. A call starts only between {@link #enterStart()} and
 * {@link #exitStart()}, which re-reads the state; a transition away from RUNNING waits for the
 * starts already past that check (a provider's {@code send} returns at once: it is asynchronous).
 */
final class RunControl {
  private static final Logger log = LoggerFactory.getLogger(RunControl.class);
  /** The run whose call this thread is starting: a listener may pause from inside a start. */
  private static final ThreadLocal<RunControl> STARTING_HERE = new ThreadLocal<>();

  private final AtomicReference<RunState> state = new AtomicReference<>(RunState.RUNNING);
  private final AtomicInteger starting = new AtomicInteger();
  private final Object lock = new Object();
  private final List<Waiting> parked = new ArrayList<>(); // guarded by lock
  private final Set<Waiting> waiting = ConcurrentHashMap.newKeySet();
  private final Scheduler scheduler;
  private final String name;
  private volatile Runnable onEnded = () -> { };
  private volatile Runnable onResumed = () -> { };

  RunControl(Scheduler scheduler, String name) {
    this.scheduler = scheduler;
    this.name = name;
  }

  /**
   * Sets what runs after the run ends (withdrawing its queued provider calls, waking its
   * postponed players so they end) and after it resumes.
   */
  void onTransitions(Runnable ended, Runnable resumed) {
    this.onEnded = ended;
    this.onResumed = resumed;
  }

  RunState state() {
    return state.get();
  }

  boolean isRunning() {
    return state.get() == RunState.RUNNING;
  }

  void pause() {
    moveTo(RunState.PAUSED);
  }

  void resume() {
    moveTo(RunState.RUNNING);
  }

  void cancel() {
    moveTo(RunState.CANCELLED);
  }

  void stop() {
    moveTo(RunState.STOPPED);
  }

  /** The one place the state changes. */
  private void moveTo(RunState to) {
    List<Waiting> released = List.of();
    synchronized (lock) {
      RunState from = state.get();
      if (!from.mayMoveTo(to)) {
        return;
      }
      state.set(to);
      if (to == RunState.RUNNING || to.ended()) {
        released = new ArrayList<>(parked);
        parked.clear();
      }
      lock.notifyAll(); // the driver waits on it while paused
    }
    if (to != RunState.RUNNING) {
      awaitStartsInProgress();
    }
    if (to.ended()) {
      for (Waiting w : List.copyOf(waiting)) {
        end(w, to);
      }
      onEnded.run();
    } else {
      for (Waiting w : released) {
        if (waiting.remove(w)) {
          proceedOrPark(w);
        }
      }
      onResumed.run();
    }
  }

  /**
   * Waits while the run is paused.
   *
   * @return false once the run has ended
   * @throws InterruptedException when interrupted while waiting
   */
  boolean awaitRunning() throws InterruptedException {
    synchronized (lock) {
      while (state.get() == RunState.PAUSED) {
        lock.wait();
      }
      return state.get() == RunState.RUNNING;
    }
  }

  // ------------------------------------------------------------------ starting provider calls

  /**
   * Enters the window in which a provider call may start; always pair with {@link #exitStart()}.
   *
   * @return whether the run is RUNNING, so the call may start
   */
  boolean enterStart() {
    starting.incrementAndGet(); // before reading the state: a transition sees one or the other
    if (state.get() != RunState.RUNNING) {
      starting.decrementAndGet();
      return false;
    }
    STARTING_HERE.set(this);
    return true;
  }

  void exitStart() {
    STARTING_HERE.remove();
    starting.decrementAndGet();
  }

  private void awaitStartsInProgress() {
    int mine = STARTING_HERE.get() == this ? 1 : 0;
    for (int spins = 0; starting.get() > mine; spins++) {
      if (spins < 1000) {
        Thread.onSpinWait();
      } else {
        LockSupport.parkNanos(50_000); // a provider whose send() is slow to return
      }
    }
  }

  // ------------------------------------------------------------------ waiting work

  /**
   * Runs {@code work} at {@code at}, or parks it while the run is paused, or ends it (once) when
   * the run ends before its time.
   */
  void schedule(Instant at, Waiting work) {
    waiting.add(work);
    RunState now = state.get();
    if (now.ended()) {
      end(work, now);
      return;
    }
    try {
      work.task = scheduler.schedule(at, () -> {
        if (waiting.remove(work)) {
          proceedOrPark(work);
        }
      });
    } catch (RejectedExecutionException e) {
      log.error("could not schedule work of {}; cancelling it", name, e);
      if (waiting.remove(work)) {
        work.end.accept(true);
      }
    }
  }

  /**
   * Work whose moment came while the run may not be RUNNING: goes on, waits for resume, or ends.
   *
   * @param work the work
   */
  void proceedOrPark(Waiting work) {
    RunState now;
    synchronized (lock) {
      now = state.get();
      if (now == RunState.PAUSED) {
        waiting.add(work);
        parked.add(work);
        return;
      }
    }
    if (now == RunState.RUNNING) {
      work.proceed.run();
    } else {
      work.end.accept(now.settlesCutOffWork());
    }
  }

  private void end(Waiting w, RunState ended) {
    if (!waiting.remove(w)) {
      return; // its time came meanwhile; it sees the end itself
    }
    Scheduler.ScheduledTask task = w.task;
    if (task != null) {
      task.cancel();
    }
    try {
      w.end.accept(ended.settlesCutOffWork());
    } catch (RuntimeException e) {
      log.error("ending waiting work of {} failed", name, e);
    }
  }

  /** Work of a run that waits: what to do when its moment comes, and when the run ends first. */
  static final class Waiting {
    final Runnable proceed;
    /** Called with whether to settle what was cut off (a cancel) or leave it (a stop). */
    final Consumer<Boolean> end;
    volatile Scheduler.ScheduledTask task;

    Waiting(Runnable proceed, Consumer<Boolean> end) {
      this.proceed = proceed;
      this.end = end;
    }
  }
}
