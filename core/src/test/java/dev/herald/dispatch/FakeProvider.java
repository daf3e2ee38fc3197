package dev.herald.dispatch;

import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** An in-process provider: answers as told, records what it was asked to send. */
public final class FakeProvider implements PushProvider {
  private final Platform platform;
  public volatile Function<PushMessage, CompletableFuture<SendResult>> answer =
      m -> CompletableFuture.completedFuture(SendResult.accepted("m-" + m.deliveryId(), 201));
  private final List<PushMessage> sent = new ArrayList<>();
  final AtomicInteger inFlight = new AtomicInteger();
  final AtomicInteger peak = new AtomicInteger();

  public FakeProvider(Platform platform) {
    this.platform = platform;
  }

  @Override
  public Platform platform() {
    return platform;
  }

  @Override
  public CompletableFuture<SendResult> send(PushMessage message) {
    synchronized (sent) {
      sent.add(message);
    }
    peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    CompletableFuture<SendResult> f = answer.apply(message);
    f.whenComplete((r, e) -> inFlight.decrementAndGet());
    return f;
  }

  public List<PushMessage> sent() {
    synchronized (sent) {
      return List.copyOf(sent);
    }
  }

  @Override
  public void close() {}
}
