package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PauseTest extends DispatchFixture {
  private final List<String> players = new ArrayList<>();
  private DispatchRequest throttled;

  @BeforeEach
  void tenPlayers() {
    for (int i = 0; i < 10; i++) {
      players.add("p" + i);
      webPlayer("p" + i);
    }
    throttled = request("slow", players, NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build();
  }

  @Test
  void throttleSpacesSendsOnTheClock() {
    DispatchHandle handle = herald.dispatch(throttled);
    assertThat(web.sent()).hasSize(1);
    scheduler.advance(Duration.ofSeconds(4));
    assertThat(web.sent()).hasSize(5);
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(web.sent()).hasSize(10);
    assertThat(handle.completion()).isCompleted();
  }

  @Test
  void pauseStopsNewSendsAtOnceAndResumeContinuesWithoutDuplicates() {
    DispatchHandle handle = herald.dispatch(throttled);
    scheduler.advance(Duration.ofSeconds(2));
    assertThat(web.sent()).hasSize(3);
    handle.pause();
    assertThat(handle.isPaused()).isTrue();
    scheduler.advance(Duration.ofSeconds(30));
    assertThat(web.sent()).hasSize(3);
    assertThat(handle.completion()).isNotDone();
    handle.resume();
    assertThat(web.sent()).hasSize(10);
    assertThat(web.sent()).extracting(m -> m.deliveryId()).doesNotHaveDuplicates();
    DispatchReport report = handle.completion().join();
    assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertThat(report.stats().delivered()).isEqualTo(10);
  }

  @Test
  void cancelEndsAtOnceWithoutWaitingForScheduledWork() {
    DispatchHandle handle = herald.dispatch(throttled);
    handle.cancel();
    assertThat(handle.completion()).isCompleted();
    assertThat(web.sent()).hasSize(1);
    assertThat(handle.completion().join().stats().suppressedByReason())
        .containsExactly(entry(Suppression.CANCELLED, 9L));
    assertThat(scheduler.advance(Duration.ofMinutes(1))).isZero();
  }

  @Test
  void cancelEndsAPostponedPlayerAtOnce() {
    clock.set(java.time.Instant.parse("2026-11-22T23:30:00Z"));
    DispatchHandle handle = herald.dispatch(request("night", players, NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().quietHours(QuietHours.postpone(
            java.time.LocalTime.of(22, 0), java.time.LocalTime.of(8, 0))).build()).build());
    assertThat(handle.completion()).isNotDone();
    handle.cancel();
    assertThat(handle.completion()).isCompleted();
    assertThat(handle.completion().join().stats().suppressedByReason())
        .containsExactly(entry(Suppression.CANCELLED, 10L));
    assertThat(web.sent()).isEmpty();
  }

  @Test
  void closingHeraldStopsRunsAndRecoveryFinishesThem() {
    DispatchHandle handle = herald.dispatch(throttled);
    scheduler.advance(Duration.ofSeconds(2));
    herald.close();
    DispatchReport stopped = handle.completion().join();
    assertThat(stopped.status()).isEqualTo(DispatchReport.Status.STOPPED);
    assertThat(stopped.stats().pending()).isEqualTo(7);
    rebuild(b -> {});
    DispatchHandle again = herald.dispatch(throttled);
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(again.completion().join().stats().delivered()).isEqualTo(10);
    assertThat(web.sent()).hasSize(10).extracting(m -> m.deliveryId()).doesNotHaveDuplicates();
  }

  @Test
  void cancelSuppressesWhatWasNotSent() {
    DispatchHandle handle = herald.dispatch(throttled);
    scheduler.advance(Duration.ofSeconds(3));
    handle.pause();
    scheduler.advance(Duration.ofSeconds(3));
    handle.cancel();
    scheduler.advance(Duration.ofMinutes(1));
    DispatchReport report = handle.completion().join();
    assertThat(report.status()).isEqualTo(DispatchReport.Status.CANCELLED);
    assertThat(web.sent()).hasSize(4);
    assertThat(report.stats().delivered()).isEqualTo(4);
    assertThat(report.stats().suppressedByReason())
        .containsExactly(entry(Suppression.CANCELLED, 6L));
    assertAddsUp(report.stats());
  }
}
