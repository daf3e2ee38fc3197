package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.content.NotificationType;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider on an event loop (APNs and FCM over herald-http2) completes its futures on its I/O
 * thread. Settling there would run the store's writes (JDBC round trips) on that thread and stall
 * every other stream of the connection; the engine settles on its own pool instead.
 */
class SettlementThreadTest extends DispatchFixture {
  private final ExecutorService providerIo = Executors.newSingleThreadExecutor(
      r -> new Thread(r, "provider-io"));

  @AfterEach
  void stopProviderIo() {
    providerIo.shutdownNow();
  }

  @Test
  void anAnswerOnTheProvidersThreadIsSettledOnHeraldsPool() throws Exception {
    Set<String> settledOn = ConcurrentHashMap.newKeySet();
    rebuild(b -> b.listener(new HeraldListener() {
      @Override
      public void sendFinished(DeliveryRecord delivery, int attempt, SendResult result,
          Duration took) {
        settledOn.add(Thread.currentThread().getName());
      }
    }));
    List<CompletableFuture<SendResult>> answers = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      CompletableFuture<SendResult> answer = new CompletableFuture<>();
      answers.add(answer);
      return answer;
    };
    List<String> audience = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      audience.add(String.format("p%03d", i));
      webPlayer(audience.get(i));
    }

    DispatchHandle handle = herald.dispatch(
        request("event-loop", audience, NotificationType.PROMOTIONAL).build());
    assertThat(answers).hasSize(50); // every call is on the wire, none answered yet
    providerIo.execute(() -> answers.forEach(
        a -> a.complete(SendResult.accepted("m-1", 201))));
    DispatchReport report = await(handle);

    assertThat(report.stats().delivered()).isEqualTo(50);
    assertThat(settledOn).isNotEmpty().doesNotContain("provider-io");
    try (var records = deliveries.deliveriesOf("event-loop")) {
      assertThat(records).hasSize(50).allMatch(r -> r.state() == DeliveryState.DELIVERED);
    }
    providerIo.shutdown();
    assertThat(providerIo.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }
}
