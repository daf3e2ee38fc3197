package dev.herald.internal.dispatch;

import dev.herald.spi.SendResult;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds the provider calls in flight to one provider, across every dispatch: a call beyond the
 * bound waits in a queue (never on a thread) and starts when an earlier one completes. A slot is
 * held until the provider's own future completes; a call that does not answer within the deadline
 * is cancelled (providers cancel their HTTP call) and its caller sees a {@link TimeoutException},
 * delivered on Herald's executor (see {@link Deadline}).
 *
 * <p>The queue holds at most the claimed deliveries of the runs in progress: campaign runs are
 * bounded by their players-in-progress limit; trigger firings and transactional sends wait in
 * {@link #awaitRoom()} before they start while the queue holds {@code maxQueued} calls.
 */
public final class ProviderLane {
  private final int maxInFlight;
  private final int maxQueued;
  private final Executor timeouts;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);
  private int inFlight;
  private int awaitingRoom; // threads in awaitRoom()
  private boolean closed;

  /**
   * Creates a lane.
   *
   * @param maxInFlight the most calls in flight at once
   * @param maxQueued how many waiting calls make {@link #awaitRoom()} wait
   * @param timeouts where a timed-out call's caller is told
   */
  public ProviderLane(int maxInFlight, int maxQueued, Executor timeouts) {
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
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
   * Runs the call now if below the bound, or when a slot frees up.
   *
   * @param call starts the provider call
   * @param deadline how long the call may take once started
   * @return completes with the call's result, or a {@link TimeoutException} after the deadline
   */
  public CompletableFuture<SendResult> submit(
      Supplier<CompletableFuture<SendResult>> call, Duration deadline) {
    CompletableFuture<SendResult> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<SendResult> f;
      try {
        f = call.get();
        if (f == null) {
          f = CompletableFuture.failedFuture(new IllegalStateException("provider returned null"));
        }
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<SendResult> original = f;
      original.whenComplete((r, e) -> release());
      // A timeout cancels the call: that frees the slot, and the provider cancels its request.
      Deadline.within(original, deadline, timeouts, () -> original.cancel(true))
          .whenComplete((r, e) -> {
            if (e != null) {
              result.completeExceptionally(e);
            } else {
              result.complete(r);
            }
          });
    };
    synchronized (this) {
      waiting.add(start);
    }
    drain();
    return result;
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
        Runnable next;
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
        next.run();
      }
    } finally {
      draining.set(false);
    }
  }
}
