package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.content.Content;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.MessageTemplate;
import dev.herald.content.Notification;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.internal.campaign.CampaignJson;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DATA and LIVE_ACTIVITY content through the dispatch gates, caps and delivery records. */
class DataPushDispatchTest extends DispatchFixture {
  static final NotificationType WALLET =
      NotificationType.custom("WALLET", Purpose.SERVICE, "wallet");
  static final NotificationType LIVE_ODDS =
      NotificationType.custom("LIVE_ODDS", Purpose.MARKETING, "sports").withoutSharedCaps();
  static final DeliveryPolicy ONE_PROMOTION_A_DAY = DeliveryPolicy.builder()
      .cap(FrequencyCap.marketing(1, CapWindow.rolling(Duration.ofDays(1))))
      .build();

  static Content liveOdds(String odds) {
    return Content.of(MessageTemplate.builder().kind(ContentKind.DATA).type(LIVE_ODDS)
        .data("match", "8812").data("odds", odds).collapseKey("odds-8812").build());
  }

  private DeliveryRecord record(String source, String player, String device) {
    return deliveries.find(DeliveryRecord.key(source, "", player, device)).orElseThrow();
  }

  @Test
  void aDataPushIsRenderedPerPlayerAndDeliveredWithoutATitle() {
    webPlayer("alice");
    iosDevice("alice");
    put(profile("alice").attribute("balance", "120.50"));
    Content balance = Content.of(MessageTemplate.builder().kind(ContentKind.DATA).type(WALLET)
        .data("balance", "{{balance}}").build());

    DispatchReport report = run(DispatchRequest.builder("balance-1", Audience.player("alice"))
        .content(balance).build());

    assertThat(report.stats().delivered()).isEqualTo(2);
    PushMessage m = apns.sent().get(0);
    assertThat(m.notification().kind()).isEqualTo(ContentKind.DATA);
    assertThat(m.notification().title()).isEmpty();
    assertThat(m.notification().data()).containsExactly(entry("balance", "120.50"));
    assertThat(record("balance-1", "alice", "iphone").state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(record("balance-1", "alice", "browser").type()).isEqualTo(WALLET);
  }

  @Test
  void aMarketingDataPushObeysConsentAndTheComplianceGuardWithARecordForEachPlayer() {
    webPlayer("alice");
    webPlayer("bob");
    herald.subscriptions().updatePreferences("bob", false, java.util.Set.of()); // no consent
    webPlayer("carol");
    put(profile("carol").attribute(ProfileComplianceGuard.SELF_EXCLUDED, true));

    DispatchReport report = run(DispatchRequest.builder("odds-1",
        Audience.players(List.of("alice", "bob", "carol"))).content(liveOdds("2.10")).build());

    assertThat(web.sent()).extracting(m -> m.address()).hasSize(1);
    assertThat(report.stats().suppressedByReason()).containsOnly(
        entry(Suppression.NO_CONSENT, 1L),
        entry(Suppression.compliance(dev.herald.spi.ComplianceDecision.SELF_EXCLUDED), 1L));
    assertThat(record("odds-1", "bob", "browser")
        .reason()).isEqualTo(Suppression.NO_CONSENT);
    assertThat(record("odds-1", "alice", "browser").state()).isEqualTo(DeliveryState.DELIVERED);
  }

  @Test
  void aBalanceRefreshAndLiveOddsNeitherUseUpNorMeetThePromotionCap() {
    webPlayer("alice");
    // a service data push, then marketing live odds that do not share caps
    herald.transactional().send("alice", Content.of(Notification.builder()
        .kind(ContentKind.DATA).type(WALLET).data("balance", "80.00").build()), "deposit-1")
        .join();
    run(DispatchRequest.builder("odds-1", Audience.player("alice")).content(liveOdds("2.10"))
        .policy(ONE_PROMOTION_A_DAY).build());

    DispatchReport promo = run(request("promo-1", List.of("alice"),
        NotificationType.PROMOTIONAL).policy(ONE_PROMOTION_A_DAY).build());
    assertThat(promo.stats().delivered()).as("the promotion is the first marketing message "
        + "counted today").isEqualTo(1);

    DispatchReport second = run(request("promo-2", List.of("alice"),
        NotificationType.PROMOTIONAL).policy(ONE_PROMOTION_A_DAY).build());
    assertThat(second.stats().suppressedByReason())
        .containsExactly(entry(Suppression.FREQUENCY_CAP, 1L));

    // after the promotion used the cap, live odds still go out under the same policy
    DispatchReport odds = run(DispatchRequest.builder("odds-2", Audience.player("alice"))
        .content(liveOdds("2.05")).policy(ONE_PROMOTION_A_DAY).build());
    assertThat(odds.stats().delivered()).isEqualTo(1);
  }

  @Test
  void aCapOnTheTypeItselfStillAppliesToATypeWithoutSharedCaps() {
    webPlayer("alice");
    DeliveryPolicy twoOddsAnHour = DeliveryPolicy.builder()
        .cap(FrequencyCap.marketing(1, CapWindow.rolling(Duration.ofDays(1))))
        .cap(FrequencyCap.type(LIVE_ODDS, 2, CapWindow.rolling(Duration.ofHours(1))))
        .build();
    for (int i = 1; i <= 3; i++) {
      run(DispatchRequest.builder("odds-" + i, Audience.player("alice"))
          .content(liveOdds("2.1" + i)).policy(twoOddsAnHour).build());
    }
    assertThat(record("odds-1", "alice", "browser").state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(record("odds-2", "alice", "browser").state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(record("odds-3", "alice", "browser")
        .reason()).isEqualTo(Suppression.FREQUENCY_CAP);
  }

  @Test
  void aLiveActivityUpdateReachesOnlyTheDevicesRegisteredForItsActivity() {
    webPlayer("alice");
    iosDevice("alice");
    ApnsAddress match = ApnsAddress.liveActivity("ab".repeat(32), "com.example.casino",
        ApnsEnvironment.PRODUCTION);
    ApnsAddress otherMatch = ApnsAddress.liveActivity("cd".repeat(32), "com.example.casino",
        ApnsEnvironment.PRODUCTION);
    herald.subscriptions().permissionGranted("alice", "match-8812", match);
    herald.subscriptions().permissionGranted("alice", "match-9000", otherMatch);
    webPlayer("bob");
    iosDevice("bob");
    assertThat(match.topic()).isEqualTo("com.example.casino.push-type.liveactivity");

    Instant goalAt = clock.instant();
    Content goal = Content.of(MessageTemplate.builder().type(WALLET)
        .liveActivity(LiveActivity.update("match-8812")
            .contentState(Map.of("home", 2, "away", 1)).timestamp(goalAt).build())
        .title("GOAL! 2–1").build());
    DispatchReport report = run(DispatchRequest.builder("match-8812-goal-2",
        Audience.players(List.of("alice", "bob"))).content(goal).build());

    assertThat(apns.sent()).extracting(PushMessage::address).containsExactly(match);
    assertThat(web.sent()).isEmpty();
    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(report.stats().suppressedByReason())
        .containsExactly(entry(Suppression.NO_DEVICE, 1L));
    assertThat(record("match-8812-goal-2", "alice", "match-8812").state())
        .isEqualTo(DeliveryState.DELIVERED);

    // other content never goes to a Live Activity's token
    run(request("promo-1", List.of("alice"), NotificationType.PROMOTIONAL).build());
    assertThat(apns.sent()).hasSize(2);
    assertThat(apns.sent().get(1).address()).isNotIn(match, otherMatch);
  }

  @Test
  void aCampaignKeepsItsKindLiveActivityAndTypeThroughItsStoredDefinition() {
    Content goal = Content.of(MessageTemplate.builder().type(LIVE_ODDS)
        .liveActivity(LiveActivity.end("match-8812").contentState(Map.of("home", 3, "away", 1))
            .timestamp(Instant.parse("2026-11-22T21:50:00Z"))
            .dismissalDate(Instant.parse("2026-11-22T22:20:00Z")).build())
        .build());
    Campaign full = Campaign.builder("final-whistle", "Final whistle")
        .audience(Audience.segment("watching-8812")).content(goal).build();
    Campaign odds = Campaign.builder("odds", "Live odds").audience(Audience.everyone())
        .content(liveOdds("{{odds}}")).build();

    for (Campaign c : List.of(full, odds)) {
      Campaign read = CampaignJson.read(CampaignJson.write(c));
      MessageTemplate original = c.content().defaultTemplate();
      MessageTemplate back = read.content().defaultTemplate();
      assertThat(back.kind()).isEqualTo(original.kind());
      assertThat(back.liveActivity()).isEqualTo(original.liveActivity());
      assertThat(back.type()).isEqualTo(original.type());
      assertThat(back.type().sharedCaps()).isFalse();
      assertThat(back.title()).isEqualTo(original.title());
      assertThat(back.data()).isEqualTo(original.data());
    }
  }
}
