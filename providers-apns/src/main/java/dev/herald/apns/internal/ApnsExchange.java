package dev.herald.apns.internal;

import dev.herald.spi.SendResult;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One notification on its way: the request, the future the caller holds, and its attempts. An
 * exchange makes at most one attempt at a time, so its fields need no lock.
 */
final class ApnsExchange implements Callback {
  final ApnsTransport transport;
  final EndpointPool pool;
  final Request request;
  final ApnsChannel.ExchangeTag tag;
  final CompletableFuture<SendResult> future = new CompletableFuture<>();
  private final long queueDeadlineNanos;

  ApnsChannel channel;
  int refusedRetries;
  boolean tokenRetried;

  ApnsExchange(ApnsTransport transport, EndpointPool pool, Request request,
      ApnsChannel.ExchangeTag tag, long queueDeadlineNanos) {
    this.transport = transport;
    this.pool = pool;
    this.request = request;
    this.tag = tag;
    this.queueDeadlineNanos = queueDeadlineNanos;
  }

  /** Sends one attempt on a channel whose stream was reserved for it. */
  void start(ApnsChannel channel) {
    this.channel = channel;
    this.tag.connection = null;
    try {
      channel.client.newCall(request).enqueue(this);
    } catch (RuntimeException e) {
      // The executor refused the call (shut down); nothing was sent.
      pool.finished(channel, false, false);
      future.completeExceptionally(e);
    }
  }

  boolean queueDeadlinePassed(long nowNanos) {
    return nowNanos - queueDeadlineNanos > 0;
  }

  void failQueueTimeout() {
    transport.failQueueTimeout(this);
  }

  void failClosed() {
    future.completeExceptionally(new IllegalStateException("the ApnsProvider is closed"));
  }

  @Override
  public void onResponse(Call call, Response response) {
    transport.onResponse(this, response);
  }

  @Override
  public void onFailure(Call call, IOException e) {
    transport.onFailure(this, e);
  }
}
