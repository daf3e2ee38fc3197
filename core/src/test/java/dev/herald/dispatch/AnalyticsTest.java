package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.spi.SendResult;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AnalyticsTest extends DispatchFixture {

  @Test
  void clicksAreRecordedOnceAndCountedPerVariant() {
    for (String p : List.of("a", "b", "c", "d")) {
      webPlayer(p);
    }
    run(DispatchRequest.builder("ab", Audience.players(List.of("a", "b", "c", "d")))
        .variant(Variant.of("X", content(NotificationType.PROMOTIONAL, "X")))
        .variant(Variant.of("Y", content(NotificationType.PROMOTIONAL, "Y")))
        .build());
    String first = web.sent().get(0).deliveryId();
    clock.advance(Duration.ofMinutes(5));
    DeliveryRecord clicked = herald.analytics().recordClick(first, "claim").orElseThrow();
    herald.analytics().recordClick(first, null);
    assertThat(herald.analytics().recordClick("d-unknown", null)).isEmpty();
    assertThat(herald.analytics().recordClick(null, null)).isEmpty();

    var stats = herald.analytics().stats("ab");
    assertThat(stats.total().clicked()).isEqualTo(1);
    assertThat(stats.total().clickThroughRate()).isEqualTo(0.25);
    assertThat(stats.byVariant().get(clicked.variant()).clicked()).isEqualTo(1);
    assertThat(clicked.clickedAt()).contains(clock.instant());
    assertThat(herald.analytics().communicationLog(clicked.playerId()))
        .filteredOn(e -> e.type() == EventType.PUSH_CLICKED)
        .extracting(DeliveryEvent::reason).containsExactly("claim", "");
  }

  @Test
  void aClickThatArrivesBeforeTheProvidersAnswerIsKept() {
    webPlayer("alice");
    CompletableFuture<SendResult> answer = new CompletableFuture<>();
    web.answer = m -> answer;
    DispatchHandle handle = herald.dispatch(
        request("fast-thumb", List.of("alice"), NotificationType.PROMOTIONAL).build());
    String id = web.sent().get(0).deliveryId();
    clock.advance(Duration.ofSeconds(2));

    assertThat(herald.analytics().recordClick(id, null)).isPresent(); // still SENDING
    answer.complete(SendResult.accepted("m-1", 201));

    DeliveryRecord r = herald.analytics().delivery(id).orElseThrow();
    assertThat(r.state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(r.clickedAt()).contains(clock.instant());
    assertThat(handle.completion().join().stats().clicked()).isEqualTo(1);
  }

  @Test
  void aClickOnADeliveryThatWasNeverSentIsIgnoredAndGarbageIsCut() {
    webPlayer("alice");
    herald.subscriptions().updatePreferences("alice", false, java.util.Set.of());
    run(request("held", List.of("alice"), NotificationType.PROMOTIONAL).build());
    String heldBack = herald.analytics().communicationLog("alice").get(0).deliveryId()
        .orElseThrow();
    assertThat(herald.analytics().recordClick(heldBack, null)).isEmpty();
    herald.subscriptions().updatePreferences("alice", true, java.util.Set.of());
    run(request("sent", List.of("alice"), NotificationType.PROMOTIONAL).build());
    String sent = web.sent().get(0).deliveryId();
    assertThat(herald.analytics().recordClick(sent, "x".repeat(500))).isPresent();
    assertThat(herald.analytics().communicationLog("alice")).filteredOn(
        e -> e.type() == EventType.PUSH_CLICKED).singleElement()
        .satisfies(e -> assertThat(e.reason()).hasSize(64));
    assertThat(sent).hasSize(23).doesNotContain("alice").doesNotContain("sent");
  }

  @Test
  void conversionIsCreditedToTheLastClickWithinTheWindow() {
    webPlayer("alice");
    run(request("first", List.of("alice"), NotificationType.PROMOTIONAL).build());
    run(request("second", List.of("alice"), NotificationType.DEPOSIT_REMINDER).build());
    String firstId = web.sent().get(0).deliveryId();
    String secondId = web.sent().get(1).deliveryId();
    herald.analytics().recordClick(firstId, null);
    clock.advance(Duration.ofMinutes(10));
    herald.analytics().recordClick(secondId, null);
    clock.advance(Duration.ofHours(2));

    DeliveryRecord credited = herald.analytics()
        .recordConversion("alice", "deposit", new BigDecimal("50.00")).orElseThrow();
    assertThat(credited.sourceId()).isEqualTo("second");
    assertThat(herald.analytics().stats("second").total().conversions()).isEqualTo(1);
    assertThat(herald.analytics().stats("second").total().conversionValue())
        .isEqualByComparingTo("50");
    assertThat(herald.analytics().stats("first").total().conversions()).isZero();

    clock.advance(Duration.ofHours(23));
    assertThat(herald.analytics().recordConversion("alice", "deposit", BigDecimal.TEN)).isEmpty();
  }

  @Test
  void communicationLogSaysWhatWasSentWhenAndWhyNot() {
    webPlayer("alice");
    run(request("welcome", List.of("alice"), NotificationType.PROMOTIONAL).build());
    clock.advance(Duration.ofDays(1));
    put(profile("alice").attribute(ProfileComplianceGuard.SELF_EXCLUDED, true));
    run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build());
    run(request("security", List.of("alice"), NotificationType.SECURITY_ALERT).build());

    List<String> log = herald.analytics().communicationLog("alice").stream()
        .map(e -> e.sourceId() + " " + e.type() + (e.reason().isEmpty() ? "" : " " + e.reason()))
        .toList();
    assertThat(log).containsExactly(
        "welcome PUSH_SENT", "welcome PUSH_DELIVERED",
        "promo PUSH_SUPPRESSED RG_SELF_EXCLUDED",
        "security PUSH_SENT", "security PUSH_DELIVERED");
  }
}
