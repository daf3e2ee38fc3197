package dev.herald.internal.dispatch;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Bounds how long Herald waits for a future it does not control (a provider call, a host's
 * compliance guard). The JDK fires every {@code orTimeout} of the JVM on one shared delay thread;
 * whatever a timed-out future's dependents do (store writes, listener calls) would run there and
 * hold up every other timeout in the process, so a timeout is handed to Herald's executor instead.
 */
final class Deadline {
  private Deadline() {}

  /**
   * A future that completes as {@code f} does, or with a {@link TimeoutException} after
   * {@code timeout}, delivered on {@code executor}. A future already done is returned as is.
   *
   * @param f the future to wait for
   * @param timeout how long to wait
   * @param executor where a timeout is delivered
   * @param onTimeout runs before the timeout is delivered, e.g. to cancel {@code f}
   * @param <T> the result type
   * @return the bounded future
   */
  static <T> CompletableFuture<T> within(CompletableFuture<T> f, Duration timeout,
      Executor executor, Runnable onTimeout) {
    if (f.isDone()) {
      return f;
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    f.copy().orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((value, error) -> {
      if (error instanceof TimeoutException) {
        Runnable deliver = () -> {
          if (f.isDone() && !f.isCancelled()) {
            // The answer came while the timeout waited for a thread: the answer wins.
            f.whenComplete((v, e) -> complete(result, v, e));
            return;
          }
          onTimeout.run();
          result.completeExceptionally(error);
        };
        try {
          executor.execute(deliver);
        } catch (RejectedExecutionException shutDown) {
          deliver.run(); // Herald is closing: nothing else will run on that executor
        }
      } else {
        complete(result, value, error);
      }
    });
    return result;
  }

  private static <T> void complete(CompletableFuture<T> result, T value, Throwable error) {
    if (error != null) {
      result.completeExceptionally(error);
    } else {
      result.complete(value);
    }
  }
}
