package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.PushStatus;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OutcomesTest extends DispatchFixture {

  private DeliveryRecord delivery(String source, String player) {
    return deliveries.find(DeliveryRecord.key(source, "", player, "browser")).orElseThrow();
  }

  @Test
  void retryLaterHonoursRetryAfterOnTheClock() {
    AtomicInteger calls = new AtomicInteger();
    web.answer = m -> CompletableFuture.completedFuture(calls.incrementAndGet() == 1
        ? SendResult.retryLater("429 Too Many Requests", Duration.ofSeconds(30), 429)
        : SendResult.accepted("ok", 201));
    webPlayer("alice");
    DispatchHandle handle = herald.dispatch(
        request("r", List.of("alice"), NotificationType.PROMOTIONAL).build());
    assertThat(calls).hasValue(1);
    assertThat(handle.completion()).isNotDone();
    scheduler.advance(Duration.ofSeconds(29));
    assertThat(calls).hasValue(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(calls).hasValue(2);
    DispatchReport report = handle.completion().join();
    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(delivery("r", "alice").attempts()).isEqualTo(2);
    assertAddsUp(report.stats());
  }

  @Test
  void transportFailuresBackOffExponentiallyThenGiveUp() {
    rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
        .retryPolicy(RetryPolicy.builder().maxAttempts(3).jitter(0)
            .initialBackoff(Duration.ofSeconds(2)).build()).build()));
    List<Instant> callTimes = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      callTimes.add(clock.instant());
      return CompletableFuture.failedFuture(new IOException("connection reset"));
    };
    webPlayer("alice");
    DispatchHandle handle = herald.dispatch(
        request("t", List.of("alice"), NotificationType.PROMOTIONAL).build());
    scheduler.advance(Duration.ofMinutes(1));
    Instant start = Instant.parse("2026-11-22T12:00:00Z");
    assertThat(callTimes).containsExactly(start, start.plusSeconds(2), start.plusSeconds(6));
    DeliveryRecord r = delivery("t", "alice");
    assertThat(r.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(r.reason()).isEqualTo(Suppression.RETRIES_EXHAUSTED);
    assertThat(r.detail()).contains("connection reset");
    assertThat(r.attempts()).isEqualTo(3);
    assertThat(handle.completion().join().stats().failedByReason())
        .containsExactly(entry(Suppression.RETRIES_EXHAUSTED, 1L));
  }

  @Test
  void retryAfterLongerThanTheTimeToLiveGivesUp() {
    web.answer = m -> CompletableFuture.completedFuture(
        SendResult.retryLater("QUOTA_EXCEEDED", Duration.ofHours(2), 429));
    webPlayer("alice");
    DispatchRequest req = DispatchRequest.builder("ttl", Audience.player("alice"))
        .content(dev.herald.content.Content.of(dev.herald.content.MessageTemplate.builder()
            .title("x").ttl(Duration.ofHours(1)).build()))
        .build();
    DispatchReport report = run(req);
    assertThat(web.sent()).hasSize(1);
    assertThat(report.stats().failedByReason()).containsExactly(
        entry(Suppression.RETRIES_EXHAUSTED, 1L));
  }

  @Test
  void invalidAddressUpdatesTheSubscriptionAndIsNeverRetried() {
    Instant dead = Instant.parse("2026-11-22T11:59:00Z");
    web.answer = m -> CompletableFuture.completedFuture(
        SendResult.invalidAddress("410 Gone", clock.instant(), 410));
    webPlayer("alice");
    clock.set(dead.plusSeconds(60));
    DispatchReport report = run(request("i", List.of("alice"), NotificationType.PROMOTIONAL)
        .build());
    assertThat(web.sent()).hasSize(1);
    assertThat(report.stats().failedByReason()).containsExactly(
        entry(Suppression.INVALID_ADDRESS, 1L));
    var device = herald.subscriptions().device("alice", "browser").orElseThrow();
    assertThat(device.status()).isEqualTo(PushStatus.ASK);
    assertThat(device.invalidation().orElseThrow().reason()).isEqualTo("410 Gone");
    scheduler.advance(Duration.ofHours(1));
    assertThat(web.sent()).hasSize(1);
    run(request("next", List.of("alice"), NotificationType.PROMOTIONAL).build());
    assertThat(herald.analytics().stats("next").total().suppressedByReason())
        .containsExactly(entry(Suppression.DEVICE_INVALIDATED, 1L));
  }

  @Test
  void rejectedIsNotRetriedAndKeepsItsReason() {
    web.answer = m -> CompletableFuture.completedFuture(SendResult.rejected(
        RejectionKind.PAYLOAD_TOO_LARGE, "payload is 5000 bytes, the limit is 4096", 0));
    webPlayer("alice");
    run(request("big", List.of("alice"), NotificationType.PROMOTIONAL).build());
    scheduler.advance(Duration.ofHours(1));
    assertThat(web.sent()).hasSize(1);
    DeliveryRecord r = delivery("big", "alice");
    assertThat(r.reason()).isEqualTo(Suppression.REJECTED);
    assertThat(r.detail()).isEqualTo("PAYLOAD_TOO_LARGE: payload is 5000 bytes, the limit is 4096");
  }

  @Test
  void aProviderThatNeverAnswersTimesOutIsCancelledAndNeverRetried() throws Exception {
    List<String> outcomeThreads = new CopyOnWriteArrayList<>();
    rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
            .sendTimeout(Duration.ofMillis(100)).maxSendsInFlightPerProvider(1).build())
        .listener(new HeraldListener() {
          @Override
          public void sendFailed(DeliveryRecord delivery, int attempt, Throwable error) {
            outcomeThreads.add(Thread.currentThread().getName());
          }
        }));
    List<CompletableFuture<SendResult>> calls = new CopyOnWriteArrayList<>();
    List<Boolean> earlierCallsDone = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      earlierCallsDone.add(calls.stream().allMatch(CompletableFuture::isDone));
      CompletableFuture<SendResult> never = new CompletableFuture<>();
      calls.add(never);
      return never;
    };
    webPlayer("alice");
    webPlayer("bob");
    DispatchReport report = await(herald.dispatch(
        request("hang", List.of("alice", "bob"), NotificationType.PROMOTIONAL).build()));
    assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    // one call per delivery, one at a time (the slot is held until the call is cancelled)
    assertThat(calls).hasSize(2).allMatch(CompletableFuture::isCancelled);
    assertThat(earlierCallsDone).containsExactly(true, true);
    DeliveryRecord r = delivery("hang", "alice");
    assertThat(r.state()).isEqualTo(DeliveryState.FAILED);
    assertThat(r.reason()).isEqualTo(Suppression.UNKNOWN);
    assertThat(r.detail()).contains("no answer within");
    // the timeouts were handled on Herald's threads, not on the JDK's one timer thread
    assertThat(outcomeThreads).containsExactly("herald-timeouts", "herald-timeouts");
    scheduler.advance(Duration.ofHours(1));
    assertThat(calls).hasSize(2);
  }

  @Test
  void transportFailuresAreNotRetriedWhenToldNot() {
    rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
        .retryTransportFailures(false).build()));
    web.answer = m -> CompletableFuture.failedFuture(new IOException("connection reset"));
    webPlayer("alice");
    run(request("once", List.of("alice"), NotificationType.PROMOTIONAL).build());
    scheduler.advance(Duration.ofHours(1));
    assertThat(web.sent()).hasSize(1);
    assertThat(delivery("once", "alice").reason()).isEqualTo(Suppression.RETRIES_EXHAUSTED);
  }

  @Test
  void aProviderThatThrowsCountsAsATransportFailure() {
    rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
        .retryPolicy(RetryPolicy.none()).build()));
    web.answer = m -> {
      throw new IllegalStateException("bug in provider");
    };
    webPlayer("alice");
    DispatchReport report = run(request("x", List.of("alice"), NotificationType.PROMOTIONAL)
        .build());
    assertThat(report.stats().failed()).isEqualTo(1);
    assertThat(delivery("x", "alice").detail()).contains("bug in provider");
  }

  @Test
  void aMissingProviderSuppresses() {
    rebuild(b -> {});
    herald.close();
    herald = dev.herald.Herald.builder().clock(clock).scheduler(scheduler)
        .subscriptionStore(subscriptionStore).playerDirectory(directory).deliveryStore(deliveries)
        .dispatchExecutor(Runnable::run).build();
    webPlayer("alice");
    DispatchReport report = run(request("np", List.of("alice"), NotificationType.PROMOTIONAL)
        .build());
    assertThat(report.stats().suppressedByReason()).containsExactly(
        entry(Suppression.NO_PROVIDER, 1L));
  }

  @Test
  void listenerSeesEachCallStartAndEndOnce() {
    List<String> seen = new CopyOnWriteArrayList<>();
    rebuild(b -> b.listener(new HeraldListener() {
      @Override
      public void sendStarted(DeliveryRecord d, int attempt) {
        seen.add("start " + attempt);
      }

      @Override
      public void sendFinished(DeliveryRecord d, int attempt, SendResult r, Duration took) {
        seen.add("finish " + attempt + " " + r.outcome());
      }

      @Override
      public void sendFailed(DeliveryRecord d, int attempt, Throwable e) {
        seen.add("failed " + attempt);
      }

      @Override
      public void retryScheduled(DeliveryRecord d, int next, Duration delay) {
        seen.add("retry " + next + " in " + delay.toSeconds() + "s");
      }

      @Override
      public void dispatchFinished(DispatchReport report) {
        seen.add("finished " + report.status());
      }
    }));
    List<CompletableFuture<SendResult>> answers = new ArrayList<>(List.of(
        CompletableFuture.failedFuture(new IOException("reset")),
        CompletableFuture.completedFuture(SendResult.retryLater("503", Duration.ofSeconds(5), 503)),
        CompletableFuture.completedFuture(SendResult.accepted("id", 201))));
    web.answer = m -> answers.remove(0);
    webPlayer("alice");
    herald.dispatch(request("l", List.of("alice"), NotificationType.PROMOTIONAL).build());
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(seen).containsExactly("start 1", "failed 1", "retry 2 in 1s", "start 2",
        "finish 2 RETRY_LATER", "retry 3 in 5s", "start 3", "finish 3 ACCEPTED",
        "finished COMPLETED");
  }

  @Test
  void listenerThatThrowsDoesNotStopTheRun() {
    rebuild(b -> b.listener(new HeraldListener() {
      @Override
      public void sendStarted(DeliveryRecord d, int attempt) {
        throw new IllegalStateException("metrics down");
      }
    }));
    webPlayer("alice");
    assertThat(run(request("ok", List.of("alice"), NotificationType.PROMOTIONAL).build())
        .stats().delivered()).isEqualTo(1);
  }
}
