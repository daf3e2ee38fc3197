package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.FakeScheduler;
import dev.herald.Herald;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.NotificationType;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The run lifecycle seen from outside (issue 14, defects 1 to 4): a graceful restart loses no
 * player, pause and cancel stop calls already queued for a provider, only a call that started can
 * be of unknown fate, and the compliance guard fails closed whatever it does.
 */

class LifecycleTest extends DispatchFixture {

  private List<String> players(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id = String.format("p%05d", i);
      ids.add(id);
      webPlayer(id);
    }
    return ids;
  }

  private String playerOf(PushMessage m) {
    return deliveries.findById(m.deliveryId()).orElseThrow().playerId();
  }

  private Map<String, Integer> sendsPerPlayer(List<PushMessage> sent) {
    Map<String, Integer> n = new HashMap<>();
    sent.forEach(m -> n.merge(playerOf(m), 1, Integer::sum));
    return n;
  }

  private long recordsIn(String source, DeliveryState state) {
    try (Stream<DeliveryRecord> records = deliveries.deliveriesOf(source, "")) {
      return records.filter(r -> r.state() == state).count();
    }
  }

  /** A Herald over the fixture's stores with its own scheduler, as a new process would have. */
  private Herald restarted(FakeScheduler fresh, Consumer<Herald.Builder> configure) {
    return newHerald(b -> {
      b.scheduler(fresh);
      configure.accept(b);
    });
  }

  @Nested
  class GracefulRestart {
    private final Consumer<Herald.Builder> settings = b -> b.dispatchSettings(
        DispatchSettings.builder().maxPlayersInProgress(5000).build());

    private Campaign throttled(String id, List<String> audience) {
      return Campaign.builder(id, "Throttled " + id)
          .audience(Audience.players(audience))
          .content(content(NotificationType.PROMOTIONAL, "Weekend spins"))
          .policy(DeliveryPolicy.builder().messagesPerSecond(100).build())
          .build();
    }

    /** Regression: 1,800 to 2,500 of 3,000 players were never sent after close and recover. */
    @Test
    void closeAndRecoverLosesNoThrottledPlayer() {
      rebuild(settings);
      List<String> audience = players(3000);
      herald.campaigns().create(throttled("rolling", audience));
      herald.campaigns().schedule("rolling");
      scheduler.advance(Duration.ofSeconds(5));
      assertThat(web.sent().size()).isBetween(400, 600);
      herald.close();

      FakeScheduler fresh = new FakeScheduler(clock);
      herald = restarted(fresh, settings);
      assertThat(herald.recover()).isEqualTo(1);
      fresh.advance(Duration.ofMinutes(2));

      assertThat(sendsPerPlayer(web.sent())).hasSize(3000)
          .allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
      assertThat(recordsIn("rolling", DeliveryState.CLAIMED)).isZero();
      assertThat(herald.campaigns().find("rolling").orElseThrow().state())
          .isEqualTo(CampaignState.COMPLETED);
      DeliveryStats stats = herald.analytics().stats("rolling").total();
      assertThat(stats.delivered()).isEqualTo(3000);
      assertAddsUp(stats);
    }

    /** Regression: the same loss after pause, close, recover and resume. */
    @Test
    void pauseCloseRecoverResumeLosesNoPlayer() {
      rebuild(settings);
      List<String> audience = players(3000);
      herald.campaigns().create(throttled("paused", audience));
      herald.campaigns().schedule("paused");
      scheduler.advance(Duration.ofSeconds(5));
      herald.campaigns().pause("paused");
      scheduler.advance(Duration.ofSeconds(5));
      herald.close();

      FakeScheduler fresh = new FakeScheduler(clock);
      herald = restarted(fresh, settings);
      herald.recover();
      herald.campaigns().resume("paused");
      fresh.advance(Duration.ofMinutes(2));

      assertThat(sendsPerPlayer(web.sent())).hasSize(3000)
          .allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
      assertThat(recordsIn("paused", DeliveryState.CLAIMED)).isZero();
      assertThat(herald.campaigns().find("paused").orElseThrow().state())
          .isEqualTo(CampaignState.COMPLETED);
      assertThat(herald.analytics().stats("paused").total().delivered()).isEqualTo(3000);
    }
  }

  @Nested
  class QueuedProviderCalls {
    private final ConcurrentLinkedQueue<CompletableFuture<SendResult>> onTheWire =
        new ConcurrentLinkedQueue<>();

    /** The provider is the bottleneck: 10 calls in flight, the rest queued in Herald. */
    private DispatchHandle startBottlenecked(List<String> audience) {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
          .maxSendsInFlightPerProvider(10).build()));
      web.answer = m -> {
        CompletableFuture<SendResult> call = new CompletableFuture<>();
        onTheWire.add(call);
        return call;
      };
      DispatchHandle handle = herald.dispatch(
          request("bottleneck", audience, NotificationType.PROMOTIONAL).build());
      assertThat(web.sent()).hasSize(10);
      return handle;
    }

    private void answerEverything() {
      CompletableFuture<SendResult> call;
      while ((call = onTheWire.poll()) != null) {
        call.complete(SendResult.accepted("ok", 201));
      }
    }

    /** Regression: about 460 calls started within 150 ms after pause() returned. */
    @Test
    void noProviderCallStartsAfterPauseReturns() throws Exception {
      List<String> audience = players(100);
      DispatchHandle handle = startBottlenecked(audience);
      handle.pause();
      answerEverything(); // the calls on the wire finish and free their slots
      assertThat(web.sent()).hasSize(10);
      assertThat(handle.completion()).isNotDone();

      handle.resume();
      while (web.sent().size() < 100 && !onTheWire.isEmpty()) {
        answerEverything();
      }
      answerEverything();
      DispatchReport report = await(handle);
      assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
      assertThat(report.stats().delivered()).isEqualTo(100);
      assertThat(sendsPerPlayer(web.sent())).hasSize(100)
          .allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
    }

    /** Regression: about 980 calls started after cancel(), and one delivery was CANCELLED. */
    @Test
    void noProviderCallStartsAfterCancelReturnsAndWhatItCutOffIsCancelled() throws Exception {
      List<String> audience = players(100);
      DispatchHandle handle = startBottlenecked(audience);
      handle.cancel();
      answerEverything();
      assertThat(web.sent()).hasSize(10);

      DispatchReport report = await(handle);
      assertThat(report.status()).isEqualTo(DispatchReport.Status.CANCELLED);
      assertThat(report.stats().audience()).isEqualTo(100);
      assertThat(report.stats().delivered()).isEqualTo(10);
      assertThat(report.stats().suppressedByReason())
          .containsExactly(entry(Suppression.CANCELLED, 90L));
      assertAddsUp(report.stats());
    }

    /** Players the driver had not read yet when the run was cancelled are counted too. */
    @Test
    void aCancelCountsThePlayersNeverReached() throws Exception {
      List<String> audience = players(100);
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder().maxPlayersInProgress(20)
          .build()).dispatchExecutor(command -> new Thread(command, "test-driver").start()));
      web.answer = m -> {
        CompletableFuture<SendResult> call = new CompletableFuture<>();
        onTheWire.add(call);
        return call;
      };
      DispatchHandle handle = herald.dispatch(
          request("cut", audience, NotificationType.PROMOTIONAL).build());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (web.sent().size() < 20 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      assertThat(web.sent()).hasSize(20); // 20 players in progress: the driver waits
      handle.cancel();
      answerEverything();
      DispatchReport report = await(handle);
      assertThat(web.sent()).hasSize(20);
      assertThat(report.stats().audience()).isEqualTo(100);
      assertThat(report.stats().delivered()).isEqualTo(20);
      assertThat(report.stats().suppressedByReason())
          .containsExactly(entry(Suppression.CANCELLED, 80L));
    }
  }

  /** Regression: after a crash 1,000 deliveries were UNKNOWN where 178 calls had started. */
  @Test
  void afterACrashOnlyCallsThatStartedAreUnknownAndQueuedOnesAreSent() {
    List<String> audience = players(100);
    FakeProvider dying = new FakeProvider(Platform.WEB_PUSH);
    dying.answer = m -> new CompletableFuture<>(); // the process dies before any answer
    Herald crashing = Herald.builder().clock(clock).scheduler(new FakeScheduler(clock))
        .subscriptionStore(subscriptionStore).playerDirectory(directory).deliveryStore(deliveries)
        .provider(dying).dispatchExecutor(Runnable::run)
        .dispatchSettings(DispatchSettings.builder().maxSendsInFlightPerProvider(10).build())
        .build();
    DispatchRequest req = request("crash", audience, NotificationType.PROMOTIONAL).build();
    crashing.dispatch(req);
    assertThat(dying.sent()).hasSize(10);
    // the process is killed: no close(), nothing settles

    DispatchReport report = run(req); // a new process runs the same step again
    assertThat(report.stats().failedByReason()).containsExactly(entry(Suppression.UNKNOWN, 10L));
    assertThat(report.stats().delivered()).isEqualTo(90);
    Map<String, Integer> sends = sendsPerPlayer(dying.sent());
    sendsPerPlayer(web.sent()).forEach((p, n) -> sends.merge(p, n, Integer::sum));
    assertThat(sends).hasSize(100).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
    assertAddsUp(report.stats());
  }

  @Nested
  class FailClosed {
    private Map<String, Long> suppressed(DispatchReport report) {
      return report.stats().suppressedByReason();
    }

    private DispatchReport promoteTo(List<String> audience) throws Exception {
      DispatchHandle handle = herald.dispatch(
          request("promo", audience, NotificationType.PROMOTIONAL).build());
      return await(handle);
    }

    /** Regression: a guard that spent 800 ms inside check() (timeout 200 ms) and allowed. */
    @Test
    void timeSpentInsideCheckCountsAgainstTheTimeout() throws Exception {
      rebuild(b -> b.complianceGuard((p, t) -> {
        clock.advance(Duration.ofMillis(800)); // blocks 800 ms by Herald's clock
        return CompletableFuture.completedFuture(ComplianceDecision.allow());
      }));
      List<String> audience = players(2);
      DispatchReport report = promoteTo(audience);
      assertThat(suppressed(report)).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", 2L));
      assertThat(web.sent()).isEmpty();
    }

    /** The same with a guard that really blocks its thread past the timeout. */
    @Test
    void aGuardBlockingItsThreadPastTheTimeoutIsSuppressed() throws Exception {
      rebuild(b -> b.complianceGuard((p, t) -> {
        try {
          Thread.sleep(30);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return CompletableFuture.completedFuture(ComplianceDecision.allow());
      }).clock(java.time.Clock.systemUTC()) // the time spent inside check() is read from it
          .dispatchSettings(DispatchSettings.builder().complianceTimeout(Duration.ofMillis(5))
              .build()));
      DispatchReport report = promoteTo(players(1));
      assertThat(suppressed(report)).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", 1L));
      assertThat(web.sent()).isEmpty();
    }

    /** Regression: a ClassCastException, no record, the player vanished from the statistics. */
    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void anAnswerOfTheWrongTypeFailsClosed() throws Exception {
      ComplianceGuard raw = (p, t) -> (CompletionStage) CompletableFuture.completedFuture("yes");
      ComplianceGuard rawLater = (p, t) -> (CompletionStage) CompletableFuture.supplyAsync(
          () -> Boolean.TRUE);
      rebuild(b -> b.complianceGuard((p, t) -> p.endsWith("0") ? raw.check(p, t)
          : rawLater.check(p, t)));
      DispatchReport report = promoteTo(players(2));
      assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
      assertThat(report.stats().audience()).isEqualTo(2);
      assertThat(suppressed(report)).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", 2L));
      assertThat(web.sent()).isEmpty();
    }

    /** Regression: a guard throwing an Error left the dispatch incomplete for ever. */
    @Test
    void aGuardThrowingAnErrorFailsClosedAndTheRunFinishes() throws Exception {
      rebuild(b -> b.complianceGuard((p, t) -> {
        if (p.endsWith("0")) {
          throw new NoClassDefFoundError("com/example/rg/Client");
        }
        return CompletableFuture.failedFuture(new LinkageError("late"));
      }));
      List<String> audience = players(2);
      DispatchReport report = promoteTo(audience);
      assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
      assertThat(suppressed(report)).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", 2L));
      assertThat(deliveries.find(DeliveryRecord.key("promo", "", audience.get(0), "browser")))
          .get().extracting(DeliveryRecord::reason).isEqualTo("RG_COMPLIANCE_UNKNOWN");
      assertThat(web.sent()).isEmpty();
      // SERVICE messages never ask the guard
      DispatchReport service = run(request("sec", audience, NotificationType.SECURITY_ALERT)
          .build());
      assertThat(service.stats().delivered()).isEqualTo(2);
    }
  }
}
