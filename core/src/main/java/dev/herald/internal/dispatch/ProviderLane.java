package dev.herald.internal.dispatch;

import dev.herald.spi.SendResult;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Bounds the provider calls in flight to one provider, across every dispatch: a call beyond the
 * bound waits in a queue (never on a thread) and starts when an earlier one completes. The queue
 * is bounded in practice by the dispatchers' limits on players in progress.
 */
public final class ProviderLane {
  private final int maxInFlight;
  private final Queue<Runnable> waiting = new ArrayDeque<>();
  private int inFlight;
  private int peak;
  private final ThreadLocal<Boolean> draining = ThreadLocal.withInitial(() -> false);

  /**
   * Creates a lane.
   *
   * @param maxInFlight the most calls in flight at once
   */
  public ProviderLane(int maxInFlight) {
    this.maxInFlight = maxInFlight;
  }

  /**
   * Runs the call now if below the bound, or when a slot frees up.
   *
   * @param call starts the provider call
   * @return completes with the call's result
   */
  public CompletableFuture<SendResult> submit(Supplier<CompletableFuture<SendResult>> call) {
    CompletableFuture<SendResult> result = new CompletableFuture<>();
    Runnable start = () -> {
      CompletableFuture<SendResult> f;
      try {
        f = call.get();
      } catch (RuntimeException e) {
        f = CompletableFuture.failedFuture(e);
      }
      f.whenComplete((r, e) -> {
        release();
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
          peak = Math.max(peak, inFlight);
        }
        next.run();
      }
    } finally {
      draining.set(false);
    }
  }

  /** @return calls in flight now */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** @return calls waiting for a slot now */
  public synchronized int waiting() {
    return waiting.size();
  }

  /** @return the most calls ever in flight at once */
  public synchronized int peak() {
    return peak;
  }
}
