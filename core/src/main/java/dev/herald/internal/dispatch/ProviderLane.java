package dev.herald.internal.dispatch;

import dev.herald.spi.SendResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Bounds the provider calls in flight to one provider, across every dispatch: a call beyond the
 * bound waits in a queue (never on a thread) and starts when an earlier one completes. A slot is
 * held until the provider's own future completes; a call that does not answer within the deadline
 * is cancelled (providers cancel their HTTP call) and its caller sees a {@link TimeoutException},
 * delivered on Herald's executor (see {@link Deadline}). An answer that comes later on the
 * provider's own thread is handled on that executor too, never on the provider's thread.
 *
 * <p>A queued call is asked, when its slot comes, whether it still starts ({@link Call#start()}
 * returns null when its run is paused or has ended), and a run that ends {@link #withdraw}s its
 * queued calls at once: the queue never starts a call its run no longer wants.
 *
 * <p>The queue holds at most the claimed deliveries of the runs in progress: campaign runs are
 * bounded by their players-in-progress limit; trigger firings and transactional sends wait in
 * {@link #awaitRoom()} before they start while the queue holds {@code maxQueued} calls.
 */
public final class ProviderLane {
  private final int maxInFlight;
  private final int maxQueued;
  private final Duration deadline;
  private final Executor timeouts;
  private final ArrayDeque<Call> waiting = new ArrayDeque<>();
  private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);
  private int inFlight;
  private int awaitingRoom; // threads in awaitRoom()
  private boolean closed;

  /** A provider call waiting for its slot. */
  public interface Call {
    /** @return the run the call belongs to, for {@link #withdraw} */
    Object owner();

    /**
     * The call's slot is free: start it, or decline.
     *
     * @return the provider's future, or null when the call does not start (the slot is freed)
     */
    CompletableFuture<SendResult> start();

    /**
     * The started call's outcome, once.
     *
     * @param result the result, or null on error
     * @param error the error (a {@link TimeoutException} after the deadline), or null
     */
    void finished(SendResult result, Throwable error);
  }

  /**
   * Creates a lane.
   *
   * @param maxInFlight the most calls in flight at once
   * @param maxQueued how many waiting calls make {@link #awaitRoom()} wait
   * @param deadline how long a call may take once started
   * @param timeouts where a timed-out call's caller is told, and where an answer that comes on
   *     another thread is handled
   */
  public ProviderLane(int maxInFlight, int maxQueued, Duration deadline, Executor timeouts) {
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.deadline = deadline;
    this.timeouts = timeouts;
  }

  /**
   * Waits while {@code maxQueued} calls wait for a slot: back-pressure for work that no other
   * bound holds back. Calls complete on their own (or time out), so the wait ends.
   *
   * @throws InterruptedException when interrupted while waiting
   */
  public synchronized void awaitRoom() throws InterruptedException {
    awaitingRoom++;
    try {
      while (waiting.size() >= maxQueued && !closed) {
        wait();
      }
    } finally {
      awaitingRoom--;
    }
  }

  /**
   * Starts the call now if below the bound, or when a slot frees up.
   *
   * @param call the call
   */
  public void submit(Call call) {
    synchronized (this) {
      waiting.add(call);
    }
    drain();
  }

  /**
   * Takes the queued calls of a run out of the queue, none of which will start.
   *
   * @param owner the run
   * @return the withdrawn calls, for the run to settle or leave
   */
  public synchronized List<Call> withdraw(Object owner) {
    List<Call> withdrawn = new ArrayList<>();
    for (Iterator<Call> it = waiting.iterator(); it.hasNext(); ) {
      Call c = it.next();
      if (c.owner() == owner) {
        it.remove();
        withdrawn.add(c);
      }
    }
    if (!withdrawn.isEmpty() && awaitingRoom > 0) {
      notifyAll();
    }
    return withdrawn;
  }

  /**
   * @return how many calls would start at once if submitted now: free slots not claimed by
   *     queued calls (an estimate when several runs submit at the same time)
   */
  public synchronized int freeSlots() {
    return Math.max(0, maxInFlight - inFlight - waiting.size());
  }

  /** Stops {@link #awaitRoom()} from waiting: Herald is closing. */
  public synchronized void close() {
    closed = true;
    notifyAll();
  }

  private void release() {
    synchronized (this) {
      inFlight--;
    }
    drain();
  }

  /**
   * Starts waiting calls while slots are free. A provider that completes synchronously would
   * otherwise start the next call from inside the previous one's callback, recursing once per
   * queued call; the per-thread flag turns that recursion into this loop.
   */
  private void drain() {
    if (draining.get()) {
      return;
    }
    draining.set(true);
    try {
      while (true) {
        Call next;
        synchronized (this) {
          if (inFlight >= maxInFlight || waiting.isEmpty()) {
            return;
          }
          next = waiting.poll();
          inFlight++;
          if (awaitingRoom > 0) {
            notifyAll();
          }
        }
        start(next);
      }
    } finally {
      draining.set(false);
    }
  }

  private void start(Call call) {
    CompletableFuture<SendResult> f;
    try {
      f = call.start();
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    if (f == null) {
      synchronized (this) {
        inFlight--; // declined: the slot goes to the next call of this loop
      }
      return;
    }
    CompletableFuture<SendResult> original = f;
    // A timeout cancels the call (the provider cancels its request) and is its outcome.
    CompletableFuture<SendResult> bounded =
        Deadline.within(original, deadline, timeouts, () -> original.cancel(true));
    // An answer that arrives on another thread is the provider's (a Netty event loop for APNs
    // and FCM): the outcome (store writes, listeners) and the calls the freed slot starts run on
    // Herald's executor instead, so they never hold up the provider's I/O. Calls start only on
    // Herald's threads, the drivers and the scheduler, never on a provider's: an answer given on
    // the thread that made the call (answered at once, or a test completing a future by hand)
    // is handled there.
    //
    // The slot is freed once the outcome is recorded, not when the answer arrives: the calls a
    // run has started and not yet settled stay within the bound, which on a cluster is what a
    // node killed leaves UNKNOWN. (On a timeout, bounded completes when the call is cancelled.)
    Thread caller = Thread.currentThread();
    bounded.whenComplete((r, e) -> onHeraldsThread(caller, () -> {
      try {
        call.finished(r, e);
      } finally {
        release();
      }
    }));
  }

  private void onHeraldsThread(Thread caller, Runnable task) {
    if (Thread.currentThread() == caller) {
      task.run();
    } else {
      hop(task);
    }
  }

  private void hop(Runnable task) {
    try {
      timeouts.execute(task);
    } catch (RejectedExecutionException closing) {
      task.run(); // Herald is closing: nothing else will run on that executor
    }
  }
}
