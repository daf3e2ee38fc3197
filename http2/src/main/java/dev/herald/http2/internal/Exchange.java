package dev.herald.http2.internal;

import dev.herald.http2.Http2Request;
import dev.herald.http2.Http2Response;
import io.netty.util.Timeout;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One request on its way: the future its caller holds, its deadline and its attempts. Its state
 * moves QUEUED → ASSIGNED (a stream was reserved on a connection) → WRITTEN → DONE, and back to
 * QUEUED when the server refused it unprocessed; every move is a compare-and-set, so exactly one
 * of the answer, a failure and the deadline completes the future, and the deadline knows whether
 * the request had been sent.
 */
public final class Exchange implements Runnable {
  static final int QUEUED = 0;
  static final int ASSIGNED = 1;
  static final int WRITTEN = 2;
  static final int DONE = 3;

  final Http2Request request;
  final CompletableFuture<Http2Response> future;
  final long deadlineNanos;
  private static final AtomicIntegerFieldUpdater<Exchange> STATE =
      AtomicIntegerFieldUpdater.newUpdater(Exchange.class, "state");
  private volatile int state = QUEUED;
  /** The handler that writes the current attempt, set before the exchange runs on its loop. */
  StreamHandler writer;
  volatile Timeout timeout;
  /** The connection of the current attempt; written under the pool's lock. */
  volatile Connection connection;
  /** How many times the request was written; touched by one attempt at a time. */
  int attempts;

  Exchange(Http2Request request, long deadlineNanos, Pool pool) {
    this.request = request;
    this.deadlineNanos = deadlineNanos;
    this.future = new Future(this, pool);
  }

  /**
   * The caller's future: cancelling it takes the request out of the queue or resets its stream
   * (an override rather than a completion callback, which would cost two objects per request).
   */
  private static final class Future extends CompletableFuture<Http2Response> {
    private final Exchange exchange;
    private final Pool pool;

    Future(Exchange exchange, Pool pool) {
      this.exchange = exchange;
      this.pool = pool;
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled) {
        pool.cancelled(exchange);
      }
      return cancelled;
    }

    @Override
    public boolean completeExceptionally(Throwable failure) {
      boolean completed = super.completeExceptionally(failure);
      if (completed && failure instanceof java.util.concurrent.CancellationException) {
        pool.cancelled(exchange);
      }
      return completed;
    }
  }

  int state() {
    return state;
  }

  boolean move(int from, int to) {
    return STATE.compareAndSet(this, from, to);
  }

  /** Writes the current attempt, on its connection's event loop (an exchange is its own task). */
  @Override
  public void run() {
    writer.start(this);
  }

  /**
   * Takes the exchange to DONE from whatever state it is in, unless it is DONE already.
   *
   * @return the state it was in, or DONE when another path completed it first
   */
  int finish() {
    while (true) {
      int s = state;
      if (s == DONE || STATE.compareAndSet(this, s, DONE)) {
        if (s != DONE) {
          Timeout t = timeout;
          if (t != null) {
            t.cancel();
          }
        }
        return s;
      }
    }
  }

  /** Completes with the answer, unless the deadline or a failure came first. */
  void complete(Http2Response response) {
    if (finish() != DONE) {
      future.complete(response);
    }
  }

  /** Fails, unless the exchange completed already. */
  void fail(Throwable failure) {
    if (finish() != DONE) {
      future.completeExceptionally(failure);
    }
  }
}
