package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A run killed half-way resumes from the stores and sends nothing twice. */
class ResumeTest extends DispatchFixture {

  private String playerOf(PushMessage m) {
    return deliveries.findById(m.deliveryId()).orElseThrow().playerId();
  }

  @Test
  void resumeAfterACrashSkipsWhatWasSettledAndReportsUnknownClaims() throws Exception {
    List<String> players = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      players.add(String.format("p%02d", i));
      webPlayer(players.get(i));
    }
    Set<String> hanging = Set.of("p07", "p08", "p09");
    FakeProvider first = new FakeProvider(Platform.WEB_PUSH);
    first.answer = m -> hanging.contains(playerOf(m))
        ? new CompletableFuture<>()
        : CompletableFuture.completedFuture(SendResult.accepted("ok", 201));
    ExecutorService driver = Executors.newSingleThreadExecutor();
    Herald crashing = Herald.builder().clock(clock).scheduler(scheduler)
        .subscriptionStore(subscriptionStore).playerDirectory(directory).deliveryStore(deliveries)
        .provider(first).dispatchExecutor(driver)
        .dispatchSettings(DispatchSettings.builder().maxPlayersInProgress(3).checkpointEvery(1)
            .build())
        .build();
    DispatchRequest req = request("big-promo", players, NotificationType.PROMOTIONAL).build();
    DispatchHandle handle = crashing.dispatch(req);

    // Three sends hang, which holds all three permits: the driver stops reading the audience.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (first.sent().size() < 10 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(first.sent()).hasSize(10);
    assertThat(handle.completion()).isNotDone();
    assertThat(deliveries.progress("big-promo", "").flatMap(DispatchProgress::cursor))
        .contains("p06");
    driver.shutdownNow(); // the process dies

    // A new process over the same stores runs the same request again.
    rebuild(b -> {});
    DispatchReport report = run(req);

    Map<String, Integer> sendsPerPlayer = new HashMap<>();
    first.sent().forEach(m -> sendsPerPlayer.merge(playerOf(m), 1, Integer::sum));
    web.sent().forEach(m -> sendsPerPlayer.merge(playerOf(m), 1, Integer::sum));
    assertThat(sendsPerPlayer).hasSize(20).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
    assertThat(web.sent()).extracting(this::playerOf)
        .containsExactly("p10", "p11", "p12", "p13", "p14", "p15", "p16", "p17", "p18", "p19");
    assertThat(report.stats().delivered()).isEqualTo(17);
    assertThat(report.stats().failedByReason()).containsExactly(entry(Suppression.UNKNOWN, 3L));
    assertAddsUp(report.stats());
    assertThat(deliveries.find(DeliveryRecord.key("big-promo", "", "p08", "browser"))
        .orElseThrow().detail()).contains("unknown");
  }

  @Test
  void aCompletedStepIsNotRunAgain() {
    webPlayer("alice");
    DispatchRequest req = request("done", List.of("alice"), NotificationType.PROMOTIONAL).build();
    run(req);
    webPlayer("bob");
    DispatchRequest withBob = request("done", List.of("alice", "bob"), NotificationType.PROMOTIONAL)
        .build();
    DispatchReport again = run(withBob);
    assertThat(web.sent()).hasSize(1);
    assertThat(again.stats().audience()).isEqualTo(1);
  }

  @Test
  void aNewStepOfTheSameSourceSendsAgain() {
    webPlayer("alice");
    run(request("weekly", List.of("alice"), NotificationType.PROMOTIONAL).step("2026-W47").build());
    run(request("weekly", List.of("alice"), NotificationType.PROMOTIONAL).step("2026-W48").build());
    assertThat(web.sent()).hasSize(2);
    assertThat(herald.analytics().stats("weekly").total().delivered()).isEqualTo(2);
  }
}
