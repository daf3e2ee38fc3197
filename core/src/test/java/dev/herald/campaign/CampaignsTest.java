package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.FakeProvider;
import dev.herald.dispatch.Variant;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CampaignsTest extends DispatchFixture {
  private final List<String> players = new ArrayList<>();

  @BeforeEach
  void players() {
    for (int i = 0; i < 6; i++) {
      players.add("p" + i);
      webPlayer("p" + i);
    }
  }

  private Campaign.Builder campaign(String id) {
    return Campaign.builder(id, "Campaign " + id)
        .audience(Audience.players(players))
        .content(content(NotificationType.PROMOTIONAL, "Promo " + id));
  }

  private CampaignState state(String id) {
    return herald.campaigns().find(id).orElseThrow().state();
  }

  @Nested
  class Lifecycle {
    @Test
    void oneOffCampaignRunsAndCompletes() {
      CampaignSnapshot draft = herald.campaigns().create(campaign("now").build());
      assertThat(draft.state()).isEqualTo(CampaignState.DRAFT);
      assertThat(web.sent()).isEmpty();
      herald.campaigns().schedule("now");
      assertThat(state("now")).isEqualTo(CampaignState.SCHEDULED);
      scheduler.advance(Duration.ZERO);
      assertThat(web.sent()).hasSize(6);
      assertThat(state("now")).isEqualTo(CampaignState.COMPLETED);
      assertThat(herald.analytics().events("now")).extracting(DeliveryEvent::type)
          .startsWith(EventType.CAMPAIGN_CREATED, EventType.PUSH_SCHEDULED)
          .endsWith(EventType.CAMPAIGN_COMPLETED);
      assertThat(herald.analytics().stats("now").total().delivered()).isEqualTo(6);
    }

    @Test
    void scheduledAtAnInstantWaitsForIt() {
      Instant at = clock.instant().plus(Duration.ofHours(3));
      herald.campaigns().create(campaign("later").schedule(Schedule.at(at)).build());
      herald.campaigns().schedule("later");
      assertThat(herald.campaigns().find("later").orElseThrow().nextRunAt()).contains(at);
      scheduler.advance(Duration.ofHours(2));
      assertThat(web.sent()).isEmpty();
      scheduler.advance(Duration.ofHours(1));
      assertThat(web.sent()).hasSize(6);
    }

    @Test
    void draftCanBeUpdatedButNothingElse() {
      herald.campaigns().create(campaign("c").build());
      herald.campaigns().update(campaign("c").content(content(NotificationType.PROMOTIONAL,
          "Changed")).build());
      assertThat(herald.campaigns().find("c").orElseThrow().campaign().content()
          .defaultTemplate().title().orElseThrow()).isEqualTo("Changed");
      herald.campaigns().schedule("c");
      assertThatThrownBy(() -> herald.campaigns().update(campaign("c").build()))
          .isInstanceOf(IllegalCampaignStateException.class)
          .hasMessage("campaign c is SCHEDULED: cannot update; allowed only from [DRAFT]");
    }

    @Test
    void everyIllegalChangeIsRefusedAndChangesNothing() {
      herald.campaigns().create(campaign("c").build());
      assertThatThrownBy(() -> herald.campaigns().pause("c"))
          .isInstanceOf(IllegalCampaignStateException.class).hasMessageContaining("DRAFT");
      assertThatThrownBy(() -> herald.campaigns().resume("c"))
          .isInstanceOf(IllegalCampaignStateException.class);
      herald.campaigns().schedule("c");
      assertThatThrownBy(() -> herald.campaigns().schedule("c"))
          .isInstanceOf(IllegalCampaignStateException.class).hasMessageContaining("SCHEDULED");
      assertThatThrownBy(() -> herald.campaigns().pause("c"))
          .isInstanceOf(IllegalCampaignStateException.class);
      assertThatThrownBy(() -> herald.campaigns().resume("c"))
          .isInstanceOf(IllegalCampaignStateException.class);
      scheduler.advance(Duration.ZERO);
      assertThat(state("c")).isEqualTo(CampaignState.COMPLETED);
      for (Runnable change : List.<Runnable>of(
          () -> herald.campaigns().schedule("c"), () -> herald.campaigns().pause("c"),
          () -> herald.campaigns().resume("c"), () -> herald.campaigns().cancel("c"))) {
        assertThatThrownBy(change::run).isInstanceOf(IllegalCampaignStateException.class)
            .satisfies(e -> assertThat(((IllegalCampaignStateException) e).state())
                .isEqualTo(CampaignState.COMPLETED));
      }
      assertThat(state("c")).isEqualTo(CampaignState.COMPLETED);
    }

    @Test
    void cancelIsLegalFromEveryUnfinishedState() {
      herald.campaigns().create(campaign("draft").build());
      assertThat(herald.campaigns().cancel("draft").state()).isEqualTo(CampaignState.CANCELLED);
      herald.campaigns().create(campaign("scheduled").schedule(
          Schedule.at(clock.instant().plusSeconds(60))).build());
      herald.campaigns().schedule("scheduled");
      herald.campaigns().cancel("scheduled");
      scheduler.advance(Duration.ofMinutes(5));
      assertThat(web.sent()).isEmpty();
      assertThatThrownBy(() -> herald.campaigns().cancel("scheduled"))
          .isInstanceOf(IllegalCampaignStateException.class).hasMessageContaining("CANCELLED");
    }

    @Test
    void unknownAndDuplicateIdsAreRefused() {
      herald.campaigns().create(campaign("c").build());
      assertThatThrownBy(() -> herald.campaigns().create(campaign("c").build()))
          .isInstanceOf(InvalidInputException.class)
          .hasMessage("campaign.id: a campaign with id c already exists");
      assertThatThrownBy(() -> herald.campaigns().schedule("nope"))
          .isInstanceOf(InvalidInputException.class).hasMessage("campaign.id: unknown campaign nope");
      assertThatThrownBy(() -> Campaign.builder("has space", "x"))
          .hasMessageStartingWith("campaign.id: must be letters");
      assertThatThrownBy(() -> herald.campaigns().create(
              campaign("seg").audience(Audience.segment("vip")).build()))
          .hasMessageContaining("AudienceResolver");
    }
  }

  @Test
  void pauseStopsSendingAndResumeContinuesWithoutDuplicates() {
    herald.campaigns().create(campaign("slow")
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    herald.campaigns().schedule("slow");
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).hasSize(2);
    assertThat(state("slow")).isEqualTo(CampaignState.RUNNING);
    herald.campaigns().pause("slow");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(web.sent()).hasSize(2);
    assertThat(state("slow")).isEqualTo(CampaignState.PAUSED);
    herald.campaigns().resume("slow");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(web.sent()).hasSize(6).extracting(m -> m.deliveryId()).doesNotHaveDuplicates();
    assertThat(state("slow")).isEqualTo(CampaignState.COMPLETED);
  }

  @Test
  void aPauseWhileTheRunIsStartingReachesTheRun() {
    herald.campaigns().create(campaign("slow")
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    web.answer = m -> {
      if (web.sent().size() == 1) {
        herald.campaigns().pause("slow"); // the run is still being started (inline driver)
      }
      return CompletableFuture.completedFuture(SendResult.accepted(null, 201));
    };
    herald.campaigns().schedule("slow");
    scheduler.advance(Duration.ZERO);
    int sentWhileStarting = web.sent().size();

    scheduler.advance(Duration.ofMinutes(1));
    assertThat(state("slow")).isEqualTo(CampaignState.PAUSED);
    assertThat(web.sent()).hasSize(sentWhileStarting).hasSizeLessThan(6);
    herald.campaigns().resume("slow");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(web.sent()).hasSize(6);
    assertThat(state("slow")).isEqualTo(CampaignState.COMPLETED);
  }

  @Test
  void cancellingAPausedCampaignSendsNothingMore() {
    herald.campaigns().create(campaign("slow")
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    herald.campaigns().schedule("slow");
    scheduler.advance(Duration.ofSeconds(1));
    herald.campaigns().pause("slow");
    scheduler.advance(Duration.ofSeconds(30));
    herald.campaigns().cancel("slow");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(web.sent()).hasSize(2);
    assertThat(state("slow")).isEqualTo(CampaignState.CANCELLED);
    assertThat(herald.analytics().stats("slow").total().suppressedByReason())
        .containsEntry("CANCELLED", 4L);
  }

  @Test
  void cancelWhileRunningStopsForGood() {
    herald.campaigns().create(campaign("slow")
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    herald.campaigns().schedule("slow");
    scheduler.advance(Duration.ofSeconds(1));
    herald.campaigns().cancel("slow");
    scheduler.advance(Duration.ofMinutes(1));
    assertThat(web.sent()).hasSize(2);
    assertThat(state("slow")).isEqualTo(CampaignState.CANCELLED);
    assertThat(herald.analytics().stats("slow").total().suppressedByReason())
        .containsEntry("CANCELLED", 4L);
  }

  @Test
  void recurringCampaignKeepsItsLocalTimeAcrossTheDstChange() {
    clock.set(Instant.parse("2026-10-23T12:00:00Z"));
    herald.campaigns().create(campaign("daily")
        .schedule(Schedule.recurring("0 18 * * *", ZoneId.of("Europe/Berlin"))).build());
    herald.campaigns().schedule("daily");
    scheduler.advance(Duration.ofDays(3));
    List<String> runs = herald.analytics().events("daily").stream()
        .filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED).map(DeliveryEvent::step).toList();
    // 18:00 in Berlin is 16:00Z in summer time and 17:00Z after 25 October
    assertThat(runs).containsExactly("2026-10-23T16:00:00Z", "2026-10-24T16:00:00Z",
        "2026-10-25T17:00:00Z");
    assertThat(web.sent()).hasSize(18);
    assertThat(state("daily")).isEqualTo(CampaignState.SCHEDULED);
    assertThat(herald.campaigns().find("daily").orElseThrow().nextRunAt())
        .contains(Instant.parse("2026-10-26T17:00:00Z"));
  }

  @Test
  void recurringTimeInTheSpringGapRunsRightAfterIt() {
    Schedule s = Schedule.recurring("30 2 * * *", ZoneId.of("Europe/Berlin"));
    Instant saturday = s.next(Instant.parse("2026-03-28T00:00:00Z"), false).orElseThrow();
    assertThat(saturday).isEqualTo(Instant.parse("2026-03-28T01:30:00Z"));
    Instant sunday = s.next(saturday, true).orElseThrow(); // 02:30 does not exist on 29 March
    assertThat(sunday).isEqualTo(Instant.parse("2026-03-29T01:30:00Z")); // 03:30 CEST
    assertThat(s.next(sunday, true)).contains(Instant.parse("2026-03-30T00:30:00Z"));
  }

  @Test
  void recurringScheduleEndsAtItsUntil() {
    Schedule.Recurring s = ((Schedule.Recurring) Schedule.recurring("0 9 * * MON",
        ZoneId.of("UTC"))).until(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(s.next(Instant.parse("2026-11-24T00:00:00Z"), false))
        .contains(Instant.parse("2026-11-30T09:00:00Z"));
    assertThat(s.next(Instant.parse("2026-11-30T09:00:00Z"), true)).isEmpty();
    assertThatThrownBy(() -> Schedule.recurring("61 * * * *", ZoneId.of("UTC")))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("schedule.cron:");
  }

  @Test
  void variantsAndControlGroupAreReportedPerVariant() {
    herald.campaigns().create(Campaign.builder("ab", "A/B")
        .audience(Audience.players(players))
        .variant(Variant.of("A", content(NotificationType.PROMOTIONAL, "A")))
        .variant(Variant.of("B", content(NotificationType.PROMOTIONAL, "B")))
        .controlShare(0.3).build());
    herald.campaigns().schedule("ab");
    scheduler.advance(Duration.ZERO);
    var stats = herald.analytics().stats("ab");
    long control = stats.byVariant().containsKey("control")
        ? stats.byVariant().get("control").suppressed() : 0;
    long a = stats.byVariant().containsKey("A") ? stats.byVariant().get("A").delivered() : 0;
    long b = stats.byVariant().containsKey("B") ? stats.byVariant().get("B").delivered() : 0;
    assertThat(control + a + b).isEqualTo(6);
    assertThat(web.sent()).hasSize((int) (a + b));
  }

  @Nested
  class Restart {
    @Test
    void scheduledCampaignSurvivesARestart() {
      herald.campaigns().create(campaign("tomorrow")
          .schedule(Schedule.at(clock.instant().plus(Duration.ofDays(1)))).build());
      herald.campaigns().schedule("tomorrow");
      // the process stops; its scheduler's tasks are lost
      dev.herald.FakeScheduler fresh = new dev.herald.FakeScheduler(clock);
      rebuild(b -> b.scheduler(fresh));
      assertThat(herald.recover()).isEqualTo(1);
      fresh.advance(Duration.ofDays(1));
      assertThat(web.sent()).hasSize(6);
      assertThat(state("tomorrow")).isEqualTo(CampaignState.COMPLETED);
    }

    @Test
    void runningCampaignResumesAfterACrashWithoutDuplicates() {
      // Two sends are in flight when the process dies (their fate is unknown); four are claimed
      // but still waiting for their throttle slot (never handed over: the new process sends them).
      web.answer = m -> new CompletableFuture<>(); // the first process's sends never answer
      herald.campaigns().create(campaign("crash")
          .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
      herald.campaigns().schedule("crash");
      scheduler.advance(Duration.ofSeconds(1)); // two sends started, four throttled
      assertThat(web.sent()).hasSize(2);
      FakeProvider second = new FakeProvider(dev.herald.subscription.Platform.WEB_PUSH);
      dev.herald.FakeScheduler fresh = new dev.herald.FakeScheduler(clock);
      herald.close();
      herald = dev.herald.Herald.builder().clock(clock).scheduler(fresh)
          .subscriptionStore(subscriptionStore).playerDirectory(directory)
          .deliveryStore(deliveries).campaignStore(campaignStore).triggerStore(triggerStore)
          .provider(second).dispatchExecutor(Runnable::run).build();
      herald.recover();
      fresh.advance(Duration.ofMinutes(1));
      assertThat(second.sent()).hasSize(4);
      assertThat(state("crash")).isEqualTo(CampaignState.COMPLETED);
      var stats = herald.analytics().stats("crash").total();
      assertThat(stats.delivered()).isEqualTo(4);
      assertThat(stats.failedByReason()).containsEntry("UNKNOWN", 2L);
    }
  }

  @Nested
  class Transactional {
    @Test
    void aBurstOfSendsWaitsForRoomInsteadOfQueueingWithoutBound() throws Exception {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
          .maxSendsInFlightPerProvider(1).maxQueuedSendsPerProvider(2).build()));
      BlockingQueue<CompletableFuture<SendResult>> calls = new LinkedBlockingQueue<>();
      web.answer = m -> {
        CompletableFuture<SendResult> call = new CompletableFuture<>();
        calls.add(call);
        return call;
      };
      var alert = content(NotificationType.SECURITY_ALERT, "New login");
      AtomicInteger started = new AtomicInteger();
      Thread burst = new Thread(() -> {
        for (int i = 0; i < 5; i++) {
          herald.transactional().send("p" + i, alert, "login-" + i);
          started.incrementAndGet();
        }
      }, "burst");
      burst.start();
      // one call in flight, two waiting for the slot: the fourth send waits for room
      for (int i = 0; i < 30_000 && burst.isAlive()
          && burst.getState() != Thread.State.WAITING; i++) {
        burst.join(1);
      }
      assertThat(burst.isAlive()).as("the burst is held back").isTrue();
      assertThat(started).hasValue(3);
      assertThat(calls).hasSize(1);

      for (int i = 0; i < 5; i++) {
        CompletableFuture<SendResult> call = calls.poll(30, TimeUnit.SECONDS);
        assertThat(call).as("call %d", i).isNotNull();
        call.complete(SendResult.accepted("m" + i, 201));
      }
      burst.join(30_000);
      assertThat(started).hasValue(5);
      assertThat(web.sent()).hasSize(5);
    }

    @Test
    void securityAlertReachesASelfExcludedPlayerOnceWhateverTheRetries() {
      put(profile("p0").attribute(dev.herald.embedded.ProfileComplianceGuard.SELF_EXCLUDED, true));
      var alert = content(NotificationType.SECURITY_ALERT, "New login from Chrome on Windows");
      var first = herald.transactional().send("p0", alert, "login-7781").join();
      var again = herald.transactional().send("p0", alert, "login-7781").join();
      assertThat(web.sent()).hasSize(1);
      assertThat(first.stats().delivered()).isEqualTo(1);
      assertThat(again.stats()).isEqualTo(first.stats());
      herald.transactional().send("p0", alert, "login-7782").join();
      assertThat(web.sent()).hasSize(2);
      assertThat(herald.analytics().stats("transactional:SECURITY_ALERT").total().delivered())
          .isEqualTo(2);
    }

    @Test
    void neverBypassesTheDeviceStatus() {
      herald.subscriptions().permissionDenied("p1", "browser",
          dev.herald.subscription.Platform.WEB_PUSH);
      var report = herald.transactional().send("p1",
          content(NotificationType.SECURITY_ALERT, "Password changed"), "pw-1").join();
      assertThat(web.sent()).isEmpty();
      assertThat(report.stats().suppressedByReason()).containsEntry("DEVICE_BLOCKED", 1L);
    }

    @Test
    void refusesMarketing() {
      assertThatThrownBy(() -> herald.transactional().send("p0",
              content(NotificationType.PROMOTIONAL, "Bonus!"), "k"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("content.type: PROMOTIONAL is a MARKETING type");
    }

    @Test
    void providerRetriesStillCompleteTheFuture() {
      List<CompletableFuture<SendResult>> answers = new ArrayList<>(List.of(
          CompletableFuture.completedFuture(SendResult.retryLater("503", Duration.ofSeconds(2), 503)),
          CompletableFuture.completedFuture(SendResult.accepted("ok", 201))));
      web.answer = m -> answers.remove(0);
      CompletableFuture<?> done = herald.transactional().send("p2",
          content(NotificationType.SECURITY_ALERT, "x"), "k2");
      assertThat(done).isNotDone();
      scheduler.advance(Duration.ofSeconds(2));
      assertThat(done).isCompleted();
    }
  }
}
