package dev.herald.http2;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A caller's future over one or more requests in turn (a retry with a fresh token, say), which
 * listens to each answer itself and passes its cancellation on to the request in flight, so that
 * a caller who gives up frees the stream and a send costs no callback objects.
 *
 * @param <T> what the caller gets
 */
public abstract class Http2Call<T> extends CompletableFuture<T>
    implements BiConsumer<Http2Response, Throwable> {
  private volatile CompletableFuture<Http2Response> inFlight;

  /** Creates a call with nothing in flight. */
  protected Http2Call() {}

  /**
   * Sends a request; its answer, or why there is none, comes to {@link #accept}.
   *
   * @param client the client to send on
   * @param request the request
   */
  protected final void send(Http2Client client, Http2Request request) {
    CompletableFuture<Http2Response> sent = client.send(request);
    inFlight = sent;
    if (isCancelled()) {
      sent.cancel(false); // cancelled while the request was being made
    }
    sent.whenComplete(this);
  }

  /** The caller gave up: free the stream. */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    CompletableFuture<Http2Response> sent = inFlight;
    if (cancelled && sent != null) {
      sent.cancel(false);
    }
    return cancelled;
  }

  /** Completed with a cancellation (as a deadline does): free the stream too. */
  @Override
  public boolean completeExceptionally(Throwable failure) {
    boolean completed = super.completeExceptionally(failure);
    CompletableFuture<Http2Response> sent = inFlight;
    if (completed && sent != null && failure instanceof CancellationException) {
      sent.cancel(false);
    }
    return completed;
  }
}
