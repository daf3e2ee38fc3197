package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.TargetDevices;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GatesTest extends DispatchFixture {

  private Map<String, String> reasons(String source) {
    return herald.analytics().stats(source).total().suppressedByReason().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().toString()));
  }

  private DeliveryRecord delivery(String source, String player, String device) {
    return deliveries.find(DeliveryRecord.key(source, "", player, device)).orElseThrow();
  }

  @Test
  void eligiblePlayersAreDeliveredOnEveryDevice() {
    webPlayer("alice");
    iosDevice("alice");
    androidDevice("alice");
    webPlayer("bob");

    DispatchReport report = run(request("promo", List.of("alice", "bob"),
        NotificationType.PROMOTIONAL).build());

    assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertThat(report.stats().audience()).isEqualTo(4);
    assertThat(report.stats().delivered()).isEqualTo(4);
    assertAddsUp(report.stats());
    assertThat(web.sent()).hasSize(2);
    assertThat(apns.sent()).hasSize(1);
    assertThat(fcm.sent()).hasSize(1);
    PushMessage m = apns.sent().get(0);
    assertThat(m.deliveryId()).isEqualTo(delivery("promo", "alice", "iphone").deliveryId());
    assertThat(m.notification().title().orElseThrow()).isEqualTo("Hello from promo");
    assertThat(delivery("promo", "alice", "iphone").messageId())
        .contains("m-" + m.deliveryId());
    assertThat(herald.analytics().events("promo")).extracting(DeliveryEvent::type)
        .contains(EventType.CAMPAIGN_CREATED, EventType.PUSH_SENT, EventType.PUSH_DELIVERED,
            EventType.CAMPAIGN_COMPLETED);
  }

  @Test
  void targetDevicesPickNativeOrWeb() {
    webPlayer("alice");
    iosDevice("alice");
    webPlayer("bob");
    DispatchReport report = run(request("native-only", List.of("alice", "bob"),
        NotificationType.PROMOTIONAL).targetDevices(TargetDevices.NATIVE).build());
    assertThat(apns.sent()).hasSize(1);
    assertThat(web.sent()).isEmpty();
    assertThat(report.stats().suppressedByReason()).containsExactly(entry(Suppression.NO_DEVICE, 1L));
  }

  @Nested
  class DeviceStatus {
    @Test
    void everyStatusButAllowedIsSuppressedWithItsReason() {
      put(profile("p"));
      herald.subscriptions().updatePreferences("p", true, Set.of());
      herald.subscriptions().registerDevice("p", "ask", Platform.FCM, true);
      herald.subscriptions().permissionDenied("p", "blocked", Platform.FCM);
      herald.subscriptions().registerDevice("p", "old", Platform.WEB_PUSH, false);
      herald.subscriptions().permissionGranted("p", "switched", new dev.herald.subscription.FcmAddress("shared"));
      herald.subscriptions().permissionGranted("other", "x", new dev.herald.subscription.FcmAddress("shared"));
      dev.herald.subscription.FcmAddress dead = new dev.herald.subscription.FcmAddress("dead");
      herald.subscriptions().permissionGranted("p", "dead", dead);
      herald.subscriptions().invalidate(dead, "UNREGISTERED", clock.instant());
      herald.subscriptions().permissionGranted("p", "ok", new dev.herald.subscription.FcmAddress("ok"));

      DispatchReport report = run(request("s", List.of("p", "nobody"),
          NotificationType.PROMOTIONAL).build());

      assertThat(report.stats().suppressedByReason()).containsOnly(
          entry("DEVICE_ASK", 1L), entry("DEVICE_BLOCKED", 1L), entry("DEVICE_UNSUPPORTED", 1L),
          entry("DEVICE_SUSPENDED", 1L), entry(Suppression.DEVICE_INVALIDATED, 1L),
          entry(Suppression.NO_DEVICE, 1L));
      assertThat(report.stats().delivered()).isEqualTo(1);
      assertThat(report.stats().audience()).isEqualTo(7);
      assertAddsUp(report.stats());
    }
  }

  @Nested
  class Consent {
    @Test
    void marketingWithoutConsentIsSuppressed() {
      webPlayer("alice");
      herald.subscriptions().updatePreferences("alice", false, Set.of());
      run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build());
      assertThat(reasons("promo")).containsExactly(entry(Suppression.NO_CONSENT, "1"));
      assertThat(web.sent()).isEmpty();
    }

    @Test
    void categoriesChosenWithoutThisOneSuppress() {
      webPlayer("alice");
      webPlayer("bob");
      webPlayer("carol");
      herald.subscriptions().updatePreferences("alice", true, Set.of("tournaments"));
      herald.subscriptions().updatePreferences("bob", true, Set.of("cashback"));
      // carol consented without choosing categories: consent alone suffices
      run(request("t", List.of("alice", "bob", "carol"), NotificationType.TOURNAMENT).build());
      assertThat(reasons("t")).containsExactly(entry(Suppression.CATEGORY_OPT_OUT, "1"));
      assertThat(web.sent()).hasSize(2);
    }

    @Test
    void serviceMessagesIgnoreConsent() {
      webPlayer("alice");
      herald.subscriptions().updatePreferences("alice", false, Set.of());
      run(request("sec", List.of("alice"), NotificationType.SECURITY_ALERT).build());
      assertThat(web.sent()).hasSize(1);
    }
  }

  @Nested
  class Compliance {
    @Test
    void selfExcludedPlayerGetsTheSecurityAlertButNotThePromotion() {
      webPlayer("alice");
      put(profile("alice").attribute(ProfileComplianceGuard.SELF_EXCLUDED, true));

      run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build());
      run(request("sec", List.of("alice"), NotificationType.SECURITY_ALERT).build());

      assertThat(reasons("promo")).containsExactly(entry("RG_SELF_EXCLUDED", "1"));
      assertThat(herald.analytics().stats("sec").total().delivered()).isEqualTo(1);
      assertThat(web.sent()).extracting(m -> m.notification().title().orElseThrow())
          .containsExactly("Hello from sec");
    }

    @Test
    void defaultGuardReadsCoolingOffClosedAccountsAndDepositLimits() {
      webPlayer("cooling");
      put(profile("cooling").attribute(ProfileComplianceGuard.COOLING_OFF_UNTIL,
          clock.instant().plus(Duration.ofDays(1))));
      webPlayer("cooled");
      put(profile("cooled").attribute(ProfileComplianceGuard.COOLING_OFF_UNTIL,
          clock.instant().minus(Duration.ofDays(1))));
      webPlayer("closed");
      put(profile("closed").attribute(ProfileComplianceGuard.ACCOUNT_CLOSED, true));
      webPlayer("limited");
      put(profile("limited").attribute(ProfileComplianceGuard.DEPOSIT_LIMIT_REACHED, true));
      herald.subscriptions().permissionGranted("unknown", "b", dev.herald.TestAddresses.webPush("u"));
      herald.subscriptions().updatePreferences("unknown", true, Set.of());

      List<String> all = List.of("cooling", "cooled", "closed", "limited", "unknown");
      run(request("reminder", all, NotificationType.DEPOSIT_REMINDER).build());
      run(request("tournament", all, NotificationType.TOURNAMENT).build());

      assertThat(reasons("reminder")).containsOnly(entry("RG_COOLING_OFF", "1"),
          entry("RG_ACCOUNT_CLOSED", "1"), entry("RG_DEPOSIT_LIMIT", "1"),
          entry("RG_COMPLIANCE_UNKNOWN", "1"));
      // a deposit limit holds back deposit-driving messages only
      assertThat(reasons("tournament")).containsOnly(entry("RG_COOLING_OFF", "1"),
          entry("RG_ACCOUNT_CLOSED", "1"), entry("RG_COMPLIANCE_UNKNOWN", "1"));
    }

    @Test
    void aFlagOfTheWrongTypeFailsClosed() {
      webPlayer("alice");
      put(profile("alice").attribute(ProfileComplianceGuard.SELF_EXCLUDED, "true"));
      webPlayer("bob");
      put(profile("bob").attribute(ProfileComplianceGuard.COOLING_OFF_UNTIL, "2030-01-01"));
      run(request("promo", List.of("alice", "bob"), NotificationType.PROMOTIONAL).build());
      assertThat(reasons("promo")).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", "2"));
    }

    @Test
    void guardThatThrowsFailsClosedForMarketingOnly() {
      rebuild(b -> b.complianceGuard((p, t) -> {
        throw new IllegalStateException("RG service down");
      }));
      webPlayer("alice");
      run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build());
      run(request("sec", List.of("alice"), NotificationType.SECURITY_ALERT).build());
      assertThat(reasons("promo")).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", "1"));
      assertThat(herald.analytics().stats("sec").total().delivered()).isEqualTo(1);
    }

    @Test
    void guardThatFailsOrAnswersNullFailsClosed() {
      AtomicInteger calls = new AtomicInteger();
      rebuild(b -> b.complianceGuard((p, t) -> calls.incrementAndGet() == 1
          ? CompletableFuture.failedFuture(new RuntimeException("boom"))
          : CompletableFuture.completedFuture(null)));
      webPlayer("a");
      webPlayer("b");
      run(request("promo", List.of("a", "b"), NotificationType.PROMOTIONAL).build());
      assertThat(reasons("promo")).containsExactly(entry("RG_COMPLIANCE_UNKNOWN", "2"));
    }

    @Test
    void guardThatNeverAnswersTimesOutAndSuppresses() throws Exception {
      rebuild(b -> b.complianceGuard((p, t) -> new CompletableFuture<>()));
      webPlayer("alice");
      DispatchReport report = await(herald.dispatch(
          request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build()));
      assertThat(report.stats().suppressedByReason())
          .containsExactly(entry("RG_COMPLIANCE_UNKNOWN", 1L));
      assertThat(web.sent()).isEmpty();
    }

    @Test
    void guardIsAskedWithTheNotificationType() {
      List<String> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
      rebuild(b -> b.complianceGuard((p, t) -> {
        asked.add(p + ":" + t);
        return CompletableFuture.completedFuture(ComplianceDecision.allow());
      }));
      webPlayer("alice");
      run(request("vip", List.of("alice"), NotificationType.VIP_OFFER).build());
      run(request("sec", List.of("alice"), NotificationType.SECURITY_ALERT).build());
      assertThat(asked).containsExactly("alice:VIP_OFFER");
    }
  }

  @Nested
  class FrequencyCaps {
    private DeliveryPolicy capped(FrequencyCap cap) {
      return DeliveryPolicy.builder().cap(cap).build();
    }

    @Test
    void threeMarketingPushesADayThenTheFourthIsCapped() {
      webPlayer("alice");
      DeliveryPolicy policy = capped(FrequencyCap.marketing(3, Duration.ofDays(1)));
      for (int i = 1; i <= 4; i++) {
        run(request("c" + i, List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
        clock.advance(Duration.ofHours(1));
      }
      assertThat(web.sent()).hasSize(3);
      assertThat(reasons("c4")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
      // the window rolls: 24 hours after the first send, one more is allowed
      clock.advance(Duration.ofHours(20));
      run(request("c5", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(web.sent()).hasSize(4);
    }

    @Test
    void aPlayerCountsOncePerMessageWhateverTheDevices() {
      webPlayer("alice");
      iosDevice("alice");
      DeliveryPolicy policy = capped(FrequencyCap.marketing(2, Duration.ofDays(1)));
      run(request("a", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      run(request("b", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      run(request("c", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(web.sent()).hasSize(2);
      assertThat(apns.sent()).hasSize(2);
      assertThat(reasons("c")).containsExactly(entry(Suppression.FREQUENCY_CAP, "2"));
    }

    @Test
    void typeCapOnlyCountsThatType() {
      webPlayer("alice");
      DeliveryPolicy policy = capped(FrequencyCap.type(NotificationType.VIP_OFFER, 1,
          CapWindow.rolling(Duration.ofDays(7))));
      run(request("vip1", List.of("alice"), NotificationType.VIP_OFFER).policy(policy).build());
      run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      clock.advance(Duration.ofDays(6));
      run(request("vip2", List.of("alice"), NotificationType.VIP_OFFER).policy(policy).build());
      clock.advance(Duration.ofDays(1));
      run(request("vip3", List.of("alice"), NotificationType.VIP_OFFER).policy(policy).build());
      assertThat(web.sent()).extracting(m -> m.notification().title().orElseThrow())
          .containsExactly("Hello from vip1", "Hello from promo", "Hello from vip3");
    }

    @Test
    void categoryCapCountsTheCategory() {
      webPlayer("alice");
      DeliveryPolicy policy = capped(FrequencyCap.category("promotions", 1,
          CapWindow.rolling(Duration.ofDays(1))));
      run(request("a", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      run(request("b", List.of("alice"), NotificationType.DEPOSIT_REMINDER).policy(policy).build());
      run(request("c", List.of("alice"), NotificationType.TOURNAMENT).policy(policy).build());
      assertThat(reasons("b")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
      assertThat(web.sent()).hasSize(2);
    }

    @Test
    void aMessageStillBeingRetriedCounts() {
      webPlayer("alice");
      java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
      web.answer = m -> CompletableFuture.completedFuture(calls.incrementAndGet() == 1
          ? dev.herald.spi.SendResult.retryLater("429", Duration.ofMinutes(10), 429)
          : dev.herald.spi.SendResult.accepted("ok", 201));
      DeliveryPolicy policy = capped(FrequencyCap.marketing(1, Duration.ofDays(1)));
      herald.dispatch(request("a", List.of("alice"), NotificationType.PROMOTIONAL)
          .policy(policy).build());
      run(request("b", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(reasons("b")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
    }

    @Test
    void categoryCapCountsATemplatesOverriddenCategory() {
      webPlayer("alice");
      DeliveryPolicy policy = capped(FrequencyCap.category("vip-drops", 1,
          CapWindow.rolling(Duration.ofDays(1))));
      for (String source : List.of("a", "b")) {
        run(DispatchRequest.builder(source, Audience.player("alice"))
            .content(dev.herald.content.Content.of(dev.herald.content.MessageTemplate.builder()
                .title("Drop " + source).category("vip-drops").build()))
            .policy(policy).build());
      }
      assertThat(web.sent()).hasSize(1);
      assertThat(reasons("b")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
    }

    @Test
    void suppressedAndFailedMessagesDoNotCount() {
      webPlayer("alice");
      web.answer = m -> CompletableFuture.completedFuture(
          dev.herald.spi.SendResult.rejected(dev.herald.spi.RejectionKind.INVALID_MESSAGE, "bad", 400));
      DeliveryPolicy policy = capped(FrequencyCap.marketing(1, Duration.ofDays(1)));
      run(request("failed", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      web.answer = m -> CompletableFuture.completedFuture(
          dev.herald.spi.SendResult.accepted("x", 201));
      run(request("ok", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(herald.analytics().stats("ok").total().delivered()).isEqualTo(1);
    }

    @Test
    void serviceBypassesCapsUnlessToldOtherwise() {
      webPlayer("alice");
      DeliveryPolicy bypass = capped(FrequencyCap.marketing(1, Duration.ofDays(1)));
      run(request("promo", List.of("alice"), NotificationType.PROMOTIONAL).policy(bypass).build());
      run(request("sec1", List.of("alice"), NotificationType.SECURITY_ALERT).policy(bypass).build());
      DeliveryPolicy strict = DeliveryPolicy.builder()
          .cap(FrequencyCap.type(NotificationType.SECURITY_ALERT, 1, CapWindow.localDays(1)))
          .serviceBypassesCaps(false).build();
      run(request("sec2", List.of("alice"), NotificationType.SECURITY_ALERT).policy(strict).build());
      assertThat(web.sent()).hasSize(2);
      assertThat(reasons("sec2")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
    }

    @Test
    void localDayCapFollowsThePlayersZoneAcrossTheDstChange() {
      // 25 October 2026: Berlin leaves summer time, so that local day lasts 25 hours.
      clock.set(Instant.parse("2026-10-24T22:30:00Z")); // 00:30 CEST, 25 Oct in Berlin
      webPlayer("berlin");
      put(profile("berlin").timeZone(ZoneId.of("Europe/Berlin")));
      DeliveryPolicy policy = capped(FrequencyCap.marketing(1, CapWindow.localDays(1)));
      run(request("d1", List.of("berlin"), NotificationType.PROMOTIONAL).policy(policy).build());
      // 24 hours later it is 23:30 CET, still 25 October in Berlin: capped
      clock.set(Instant.parse("2026-10-25T22:30:00Z"));
      run(request("d2", List.of("berlin"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(reasons("d2")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
      // an hour later it is 26 October in Berlin: a new local day
      clock.set(Instant.parse("2026-10-25T23:00:00Z"));
      run(request("d3", List.of("berlin"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(web.sent()).hasSize(2);
    }

    @Test
    void localDayCapDiffersByTimeZone() {
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      webPlayer("london");
      put(profile("london").timeZone(ZoneId.of("Europe/London")));
      webPlayer("tokyo");
      put(profile("tokyo").timeZone(ZoneId.of("Asia/Tokyo")));
      DeliveryPolicy policy = capped(FrequencyCap.marketing(1, CapWindow.localDays(1)));
      run(request("first", List.of("london", "tokyo"), NotificationType.PROMOTIONAL)
          .policy(policy).build());
      clock.advance(Duration.ofHours(1)); // 00:30 in London (a new day), 09:30 in Tokyo (same day)
      run(request("second", List.of("london", "tokyo"), NotificationType.PROMOTIONAL)
          .policy(policy).build());
      assertThat(herald.analytics().stats("second").total().delivered()).isEqualTo(1);
      assertThat(deliveries.find(DeliveryRecord.key("second", "", "tokyo", "browser"))
          .orElseThrow().reason()).isEqualTo(Suppression.FREQUENCY_CAP);
    }
  }

  @Nested
  class QuietHoursGate {
    @Test
    void postponesToTheEndOfTheWindowInThePlayersZone() {
      clock.set(Instant.parse("2026-11-22T14:00:00Z")); // 23:00 in Tokyo
      webPlayer("tokyo");
      put(profile("tokyo").timeZone(ZoneId.of("Asia/Tokyo")));
      webPlayer("london"); // 14:00 in London, no profile zone → default UTC, not quiet
      DeliveryPolicy policy = DeliveryPolicy.builder()
          .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build();

      DispatchHandle handle = herald.dispatch(request("night", List.of("tokyo", "london"),
          NotificationType.PROMOTIONAL).policy(policy).build());

      assertThat(web.sent()).hasSize(1);
      assertThat(handle.completion()).isNotDone();
      assertThat(herald.analytics().communicationLog("tokyo")).extracting(DeliveryEvent::type)
          .contains(EventType.PUSH_SCHEDULED);
      scheduler.advance(Duration.ofHours(9).minusSeconds(1));
      assertThat(web.sent()).hasSize(1);
      scheduler.advance(Duration.ofSeconds(1)); // 08:00 in Tokyo
      assertThat(web.sent()).hasSize(2);
      assertThat(handle.completion()).isCompleted();
      assertThat(delivery("night", "tokyo", "browser").createdAt())
          .isEqualTo(Instant.parse("2026-11-22T23:00:00Z"));
      assertAddsUp(handle.completion().join().stats());
    }

    @Test
    void playersWakingAtTheSameInstantShareOneSchedulerTask() {
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      List<String> ids = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        ids.add(String.format("p%03d", i));
        webPlayer(ids.get(i));
      }
      DispatchHandle handle = herald.dispatch(request("night", ids, NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build());

      assertThat(web.sent()).isEmpty();
      assertThat(scheduler.pending()).isEqualTo(1);
      scheduler.advance(Duration.ofMinutes(8 * 60 + 30)); // 08:00
      assertThat(web.sent()).hasSize(100);
      assertThat(handle.completion().join().stats().delivered()).isEqualTo(100);
    }

    @Test
    void wokenPlayersStartNoFasterThanThePlayersInProgressLimit() {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder().maxPlayersInProgress(3).build()));
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      List<CompletableFuture<SendResult>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
      web.answer = m -> {
        CompletableFuture<SendResult> call = new CompletableFuture<>();
        calls.add(call);
        return call;
      };
      List<String> ids = List.of("a", "b", "c", "d", "e", "f", "g");
      ids.forEach(id -> webPlayer(id));
      DispatchHandle handle = herald.dispatch(request("night", ids, NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build());
      scheduler.advance(Duration.ofMinutes(8 * 60 + 30)); // 08:00

      assertThat(calls).hasSize(3);
      calls.get(0).complete(SendResult.accepted("m0", 201));
      assertThat(calls).hasSize(4);
      for (int i = 1; i < ids.size(); i++) {
        calls.get(i).complete(SendResult.accepted("m" + i, 201));
      }
      assertThat(calls).hasSize(7);
      assertThat(handle.completion().join().stats().delivered()).isEqualTo(7);
    }

    @Test
    void playersPostponedWhenHeraldClosesAreSentByTheRecoveredRun() {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder().checkpointEvery(1).build()));
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      List<String> ids = List.of("p0", "p1", "p2", "p3", "p4");
      ids.forEach(id -> webPlayer(id));
      DispatchRequest night = request("night", ids, NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build();
      DispatchHandle handle = herald.dispatch(night);
      herald.close();
      assertThat(handle.completion().join().status()).isEqualTo(DispatchReport.Status.STOPPED);
      // the checkpoint must not have moved past players who were never sent
      assertThat(deliveries.progress("night", "").orElseThrow().cursor()).isEmpty();

      rebuild(b -> {});
      DispatchHandle again = herald.dispatch(night);
      scheduler.advance(Duration.ofHours(9));
      assertThat(web.sent()).hasSize(5);
      assertThat(again.completion().join().stats().delivered()).isEqualTo(5);
    }

    @Test
    void aPausedRunWakesNobodyUntilResumed() {
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      webPlayer("alice");
      webPlayer("bob");
      DispatchHandle handle = herald.dispatch(request("night", List.of("alice", "bob"),
          NotificationType.PROMOTIONAL).policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build());
      handle.pause();
      scheduler.advance(Duration.ofMinutes(9 * 60 + 30)); // 09:00
      assertThat(web.sent()).isEmpty();

      handle.resume();
      assertThat(web.sent()).hasSize(2);
      assertThat(handle.completion().join().stats().delivered()).isEqualTo(2);
    }

    @Test
    void dropModeSuppresses() {
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      webPlayer("alice");
      DeliveryPolicy policy = DeliveryPolicy.builder()
          .quietHours(QuietHours.drop(LocalTime.of(22, 0), LocalTime.of(8, 0))).build();
      run(request("late", List.of("alice"), NotificationType.PROMOTIONAL).policy(policy).build());
      assertThat(reasons("late")).containsExactly(entry(Suppression.QUIET_HOURS, "1"));
    }

    @Test
    void securityAlertsIgnoreQuietHours() {
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      webPlayer("alice");
      DeliveryPolicy policy = DeliveryPolicy.builder()
          .quietHours(QuietHours.drop(LocalTime.of(22, 0), LocalTime.of(8, 0))).build();
      run(request("sec", List.of("alice"), NotificationType.SECURITY_ALERT).policy(policy).build());
      assertThat(web.sent()).hasSize(1);
    }

    @Test
    void postponedPastTheTimeToLiveExpires() {
      clock.set(Instant.parse("2026-11-22T23:00:00Z"));
      webPlayer("alice");
      DispatchRequest req = DispatchRequest.builder("short", Audience.player("alice"))
          .content(dev.herald.content.Content.of(dev.herald.content.MessageTemplate.builder()
              .title("Ends soon").ttl(Duration.ofHours(2)).build()))
          .policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build();
      DispatchHandle handle = herald.dispatch(req);
      scheduler.advance(Duration.ofHours(10));
      assertThat(handle.completion()).isCompleted();
      assertThat(web.sent()).isEmpty();
      assertThat(reasons("short")).containsExactly(entry(Suppression.EXPIRED, "1"));
    }

    @Test
    void windowThatDoesNotWrapMidnight() {
      QuietHours lunch = QuietHours.drop(LocalTime.of(12, 0), LocalTime.of(13, 0));
      assertThat(lunch.quietUntil(Instant.parse("2026-11-22T12:30:00Z"), java.util.Optional.empty()))
          .contains(Instant.parse("2026-11-22T13:00:00Z"));
      assertThat(lunch.quietUntil(Instant.parse("2026-11-22T13:00:00Z"), java.util.Optional.empty()))
          .isEmpty();
    }
  }

  @Nested
  class ExpiryAndControl {
    @Test
    void nothingGoesOutAfterTheDeadline() {
      webPlayer("alice");
      run(request("late", List.of("alice"), NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder().deadline(clock.instant().minusSeconds(1)).build())
          .build());
      assertThat(reasons("late")).containsExactly(entry(Suppression.EXPIRED, "1"));
      assertThat(web.sent()).isEmpty();
    }

    @Test
    void controlGroupIsHeldOutStablyAndCounted() {
      List<String> players = new java.util.ArrayList<>();
      for (int i = 0; i < 400; i++) {
        String id = String.format("p%03d", i);
        webPlayer(id);
        players.add(id);
      }
      DispatchRequest.Builder req = DispatchRequest.builder("ab", Audience.players(players))
          .variant(Variant.of("A", content(NotificationType.PROMOTIONAL, "A")))
          .variant(new Variant("B", 3, content(NotificationType.PROMOTIONAL, "B")))
          .controlShare(0.2);
      DispatchReport first = run(req.build());
      DispatchReport again = run(req.step("rerun").build());

      var stats = herald.analytics().stats("ab", "");
      long control = stats.byVariant().get(DeliveryRecord.CONTROL_VARIANT).suppressed();
      long a = stats.byVariant().get("A").delivered();
      long b = stats.byVariant().get("B").delivered();
      assertThat(control + a + b).isEqualTo(400);
      assertThat(control).isBetween(50L, 110L);
      assertThat(b).isGreaterThan(2 * a);
      assertThat(first.stats().suppressedByReason()).containsOnlyKeys(Suppression.CONTROL_GROUP);
      // the same players are held out in every step of the same source
      Set<String> controlFirst = controlPlayers("");
      assertThat(controlPlayers("rerun")).isEqualTo(controlFirst);
      assertThat(again.stats().sent()).isEqualTo(first.stats().sent());
      assertThat(web.sent()).noneMatch(m -> controlFirst.contains(
          herald.analytics().delivery(m.deliveryId()).orElseThrow().playerId()));
    }

    private Set<String> controlPlayers(String step) {
      try (var records = deliveries.deliveriesOf("ab", step)) {
        return records.filter(r -> r.variant().equals(DeliveryRecord.CONTROL_VARIANT))
            .map(DeliveryRecord::playerId).collect(Collectors.toSet());
      }
    }
  }

  @Nested
  class Order {
    @Test
    void deviceStatusComesBeforeConsent() {
      put(profile("p"));
      herald.subscriptions().permissionDenied("p", "b", Platform.WEB_PUSH);
      run(request("o", List.of("p"), NotificationType.PROMOTIONAL).build());
      assertThat(reasons("o")).containsExactly(entry("DEVICE_BLOCKED", "1"));
    }

    @Test
    void consentComesBeforeCompliance() {
      AtomicInteger asked = new AtomicInteger();
      rebuild(b -> b.complianceGuard((p, t) -> {
        asked.incrementAndGet();
        return CompletableFuture.completedFuture(ComplianceDecision.suppress("SELF_EXCLUDED"));
      }));
      webPlayer("p");
      herald.subscriptions().updatePreferences("p", false, Set.of());
      run(request("o", List.of("p"), NotificationType.PROMOTIONAL).build());
      assertThat(reasons("o")).containsExactly(entry(Suppression.NO_CONSENT, "1"));
      assertThat(asked).hasValue(0);
    }

    @Test
    void complianceComesBeforeCapsQuietHoursExpiryAndControl() {
      webPlayer("p");
      put(profile("p").attribute(ProfileComplianceGuard.SELF_EXCLUDED, true));
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      run(request("o", List.of("p"), NotificationType.PROMOTIONAL)
          .controlShare(0.9)
          .policy(DeliveryPolicy.builder()
              .cap(FrequencyCap.marketing(1, Duration.ofDays(1)))
              .quietHours(QuietHours.drop(LocalTime.of(22, 0), LocalTime.of(8, 0)))
              .deadline(clock.instant().minusSeconds(1)).build())
          .build());
      assertThat(reasons("o")).containsExactly(entry("RG_SELF_EXCLUDED", "1"));
    }

    @Test
    void capComesBeforeQuietHours() {
      webPlayer("p");
      run(request("first", List.of("p"), NotificationType.PROMOTIONAL).build());
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      run(request("o", List.of("p"), NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder()
              .cap(FrequencyCap.marketing(1, Duration.ofDays(1)))
              .quietHours(QuietHours.drop(LocalTime.of(22, 0), LocalTime.of(8, 0))).build())
          .build());
      assertThat(reasons("o")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
    }

    /** Rendering is gate 8, after caps, quiet hours, expiry and control, as documented. */
    @Test
    void renderingComesAfterCapsAndControl() {
      webPlayer("p");
      run(request("first", List.of("p"), NotificationType.PROMOTIONAL).build());
      dev.herald.content.Content empty = dev.herald.content.Content.of(
          dev.herald.content.MessageTemplate.builder().title("{{first_name}}").build());
      run(DispatchRequest.builder("capped", Audience.player("p")).content(empty)
          .policy(DeliveryPolicy.builder().cap(FrequencyCap.marketing(1, Duration.ofDays(1)))
              .build())
          .build());
      run(DispatchRequest.builder("held", Audience.player("p")).content(empty).controlShare(0.9)
          .build());
      run(DispatchRequest.builder("rendered", Audience.player("p")).content(empty).build());
      assertThat(reasons("capped")).containsExactly(entry(Suppression.FREQUENCY_CAP, "1"));
      assertThat(reasons("held")).containsExactly(entry(Suppression.CONTROL_GROUP, "1"));
      assertThat(reasons("rendered")).containsExactly(entry(Suppression.RENDER_FAILED, "1"));
    }

    @Test
    void quietHoursComeBeforeExpiryAndExpiryBeforeControl() {
      webPlayer("p");
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      DeliveryPolicy expired = DeliveryPolicy.builder()
          .deadline(clock.instant().minusSeconds(1)).build();
      run(request("q", List.of("p"), NotificationType.PROMOTIONAL)
          .policy(DeliveryPolicy.builder()
              .quietHours(QuietHours.drop(LocalTime.of(22, 0), LocalTime.of(8, 0)))
              .deadline(clock.instant().minusSeconds(1)).build())
          .build());
      run(request("e", List.of("p"), NotificationType.PROMOTIONAL).controlShare(0.9)
          .policy(expired).build());
      assertThat(reasons("q")).containsExactly(entry(Suppression.QUIET_HOURS, "1"));
      assertThat(reasons("e")).containsExactly(entry(Suppression.EXPIRED, "1"));
    }
  }

  @Test
  void duplicateRunSendsNothingTwice() {
    webPlayer("alice");
    iosDevice("alice");
    DispatchRequest req = request("once", List.of("alice"), NotificationType.PROMOTIONAL).build();
    DispatchReport first = run(req);
    DispatchReport second = run(req);
    assertThat(web.sent()).hasSize(1);
    assertThat(apns.sent()).hasSize(1);
    assertThat(second.stats()).isEqualTo(first.stats());
  }

  @Test
  void aDeviceThatChangesBeforeTheSendIsNotSentTo() {
    web.answer = m -> new CompletableFuture<>(); // nothing completes: sends stay queued
    webPlayer("alice");
    dev.herald.subscription.WebPushAddress shared = webPlayer("bob");
    // throttled: the second send waits for its slot on the scheduler
    DispatchHandle handle = herald.dispatch(request("queued", List.of("alice", "bob"),
        NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    assertThat(web.sent()).hasSize(1);
    // carol logs in on bob's browser before bob's send goes out
    herald.subscriptions().permissionGranted("carol", "browser", shared);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).hasSize(1);
    assertThat(delivery("queued", "bob", "browser").state()).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(delivery("queued", "bob", "browser").reason())
        .isEqualTo(Suppression.device(PushStatus.SUSPENDED));
    handle.cancel();
  }

  /**
   * A claim batch's address check trusts the devices its players' page read gave the gates, so a
   * change stored after that read (here while an earlier player of the page is checked) must still
   * keep the message from the device: one taken over by another player, one blocked.
   */
  @Test
  void aDeviceThatChangesAfterItsPageWasReadIsNotSentTo() {
    dev.herald.subscription.WebPushAddress alice = webPlayer("alice");
    dev.herald.subscription.WebPushAddress bobs = webPlayer("bob");
    webPlayer("dave");
    rebuild(b -> b.complianceGuard((p, t) -> {
      if (p.equals("alice")) { // bob's and dave's page was read; their claims are not written yet
        herald.subscriptions().permissionGranted("carol", "browser", bobs);
        herald.subscriptions().permissionDenied("dave", "browser", Platform.WEB_PUSH);
      }
      return CompletableFuture.completedFuture(ComplianceDecision.allow());
    }));

    DispatchReport report = run(request("paged", List.of("alice", "bob", "dave"),
        NotificationType.PROMOTIONAL).build());

    assertThat(web.sent()).extracting(PushMessage::address).containsExactly(alice);
    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(delivery("paged", "bob", "browser").reason())
        .isEqualTo(Suppression.device(PushStatus.SUSPENDED));
    assertThat(delivery("paged", "dave", "browser").reason())
        .isEqualTo(Suppression.device(PushStatus.BLOCKED));
  }
}
