package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.FakeScheduler;
import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.dispatch.FakeProvider;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.Platform;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Campaigns at a wall-clock time in each player's own time zone, through the public API. */
class LocalTimeCampaignsTest extends DispatchFixture {
  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
  private static final ZoneId KOLKATA = ZoneId.of("Asia/Kolkata");

  /** Which player each address belongs to, and when each player was sent to. */
  private final Map<DeviceAddress, String> owners = new HashMap<>();
  private final Map<String, List<Instant>> sentAt = new HashMap<>();
  private final List<String> audience = new ArrayList<>();

  @BeforeEach
  void recordSendTimes() {
    web.answer = this::record;
  }

  private CompletableFuture<SendResult> record(PushMessage m) {
    synchronized (sentAt) {
      sentAt.computeIfAbsent(owners.get(m.address()), p -> new ArrayList<>())
          .add(clock.instant());
    }
    return CompletableFuture.completedFuture(SendResult.accepted("m-" + m.deliveryId(), 201));
  }

  private void player(String id, ZoneId zone) {
    owners.put(webPlayer(id), id);
    if (zone != null) {
      put(profile(id).timeZone(zone));
    }
    audience.add(id);
  }

  private Campaign campaign(String id, Schedule schedule) {
    return Campaign.builder(id, "Daily bonus")
        .audience(Audience.players(audience))
        .content(content(NotificationType.PROMOTIONAL, "Your daily bonus is waiting"))
        .schedule(schedule)
        .build();
  }

  private void start(String id, Schedule schedule) {
    herald.campaigns().create(campaign(id, schedule));
    herald.campaigns().schedule(id);
  }

  private List<Instant> sends(String player) {
    synchronized (sentAt) {
      return List.copyOf(sentAt.getOrDefault(player, List.of()));
    }
  }

  private List<String> completedRuns(String id) {
    return herald.analytics().events(id).stream()
        .filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED).map(DeliveryEvent::step).toList();
  }

  private CampaignSnapshot find(String id) {
    return herald.campaigns().find(id).orElseThrow();
  }

  @Test
  void eachPlayerReceivesItAtNineInTheirOwnZoneAndTheFallbackServesTheRest() {
    player("p-berlin", BERLIN);
    player("p-kolkata", KOLKATA);
    player("p-new-york", NEW_YORK);
    player("p-no-zone", null);
    player("p-tokyo", TOKYO);
    audience.add("p-unknown"); // in the audience but not in the directory: the fallback zone
    start("bonus", Schedule.atLocalTime(LocalDate.parse("2026-11-24"), LocalTime.of(9, 0),
        LONDON));
    assertThat(find("bonus").nextRunAt()).contains(Instant.parse("2026-11-23T19:00:00Z"));

    scheduler.advance(Duration.ofDays(3));

    assertThat(sends("p-tokyo")).containsExactly(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(sends("p-kolkata")).containsExactly(Instant.parse("2026-11-24T03:30:00Z"));
    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(sends("p-no-zone")).containsExactly(Instant.parse("2026-11-24T09:00:00Z"));
    assertThat(sends("p-new-york")).containsExactly(Instant.parse("2026-11-24T14:00:00Z"));
    assertThat(find("bonus").state()).isEqualTo(CampaignState.COMPLETED);

    // One run: its statistics count the whole audience under the occurrence's step.
    DeliveryStats stats = herald.analytics().stats("bonus", "2026-11-24T09:00").total();
    assertAddsUp(stats);
    assertThat(stats.delivered()).isEqualTo(5);
    assertThat(stats.audience()).isEqualTo(6);
    assertThat(stats.suppressedByReason()).containsEntry("NO_DEVICE", 1L);
    assertThat(herald.analytics().stats("bonus").total()).isEqualTo(stats);
    assertThat(completedRuns("bonus")).containsExactly("2026-11-24T09:00");
    // One wake-up for the earliest zone on Earth, then one per offset in use, not one per zone.
    assertThat(herald.analytics().events("bonus").stream()
        .filter(e -> e.type() == EventType.PUSH_SCHEDULED)).hasSize(6);
  }

  @Test
  void aTimeInTheSpringForwardGapIsSentAsLateAsTheGapIsLong() {
    clock.set(Instant.parse("2026-03-01T00:00:00Z"));
    player("p-berlin", BERLIN);
    player("p-kolkata", KOLKATA);
    start("gap", Schedule.atLocalTime(LocalDate.parse("2026-03-29"), LocalTime.of(2, 30),
        BERLIN));
    scheduler.advance(Duration.ofDays(30));
    // 02:30 does not exist in Berlin on 29 March: 03:30 summer time, one hour (the gap) later
    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-03-29T01:30:00Z"));
    assertThat(sends("p-kolkata")).containsExactly(Instant.parse("2026-03-28T21:00:00Z"));
  }

  @Test
  void aTimeInTheSpringForwardGapOfTheFallbackZone() {
    clock.set(Instant.parse("2026-03-01T00:00:00Z"));
    player("p-new-york", NEW_YORK);
    player("p-fallback", null);
    start("gap", Schedule.atLocalTime(LocalDate.parse("2026-03-08"), LocalTime.of(2, 30),
        NEW_YORK));
    scheduler.advance(Duration.ofDays(10));
    // 02:30 on 8 March does not exist in New York: 03:30 EDT, for the zone and its fallback
    assertThat(sends("p-new-york")).containsExactly(Instant.parse("2026-03-08T07:30:00Z"));
    assertThat(sends("p-fallback")).containsExactly(Instant.parse("2026-03-08T07:30:00Z"));
  }

  @Test
  void aTimeThatOccursTwiceOnTheFallBackNightIsSentOnceAtTheFirst() {
    clock.set(Instant.parse("2026-10-20T00:00:00Z"));
    player("p-berlin", BERLIN);
    player("p-new-york", NEW_YORK);
    // 02:30 occurs twice in Berlin on 25 October: at 00:30Z (CEST) and at 01:30Z (CET)
    herald.campaigns().create(campaign("berlin", Schedule.atLocalTime(
        LocalDate.parse("2026-10-25"), LocalTime.of(2, 30), BERLIN)).toBuilder()
        .audience(Audience.players(List.of("p-berlin"))).build());
    herald.campaigns().schedule("berlin");
    // 01:30 occurs twice in New York on 1 November: at 05:30Z (EDT) and at 06:30Z (EST)
    herald.campaigns().create(campaign("new-york", Schedule.dailyAtLocalTime(
        LocalTime.of(1, 30), NEW_YORK).until(Instant.parse("2026-11-02T10:00:00Z")))
        .toBuilder().audience(Audience.players(List.of("p-new-york"))).build());
    herald.campaigns().schedule("new-york");
    scheduler.advance(Duration.ofDays(20));

    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-10-25T00:30:00Z"));
    assertThat(sends("p-new-york")).hasSize(14).doesNotHaveDuplicates()
        .startsWith(Instant.parse("2026-10-20T05:30:00Z"))
        .endsWith(Instant.parse("2026-10-31T05:30:00Z"), Instant.parse("2026-11-01T05:30:00Z"),
            Instant.parse("2026-11-02T06:30:00Z"));
    assertThat(find("new-york").state()).isEqualTo(CampaignState.COMPLETED);
    assertThat(Schedule.dailyAtLocalTime(LocalTime.of(2, 30), BERLIN)
        .sendTime(LocalDate.parse("2026-10-25"), Optional.empty()))
        .isEqualTo(Instant.parse("2026-10-25T00:30:00Z"));
  }

  @Test
  void dailyRunsOncePerDayPerPlayerAndSkipsWhereTodayHasPassed() {
    // 12:00Z on Sunday 22 November: 09:00 has passed in Tokyo and Berlin, not in New York
    player("p-berlin", BERLIN);
    player("p-new-york", NEW_YORK);
    player("p-tokyo", TOKYO);
    start("daily", Schedule.dailyAtLocalTime(LocalTime.of(9, 0), LONDON));
    scheduler.advance(Duration.ofDays(3));
    assertThat(sends("p-new-york")).containsExactly(Instant.parse("2026-11-22T14:00:00Z"),
        Instant.parse("2026-11-23T14:00:00Z"), Instant.parse("2026-11-24T14:00:00Z"));
    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-11-23T08:00:00Z"),
        Instant.parse("2026-11-24T08:00:00Z"), Instant.parse("2026-11-25T08:00:00Z"));
    assertThat(sends("p-tokyo")).containsExactly(Instant.parse("2026-11-23T00:00:00Z"),
        Instant.parse("2026-11-24T00:00:00Z"), Instant.parse("2026-11-25T00:00:00Z"));
    assertThat(completedRuns("daily")).containsExactly("2026-11-22T09:00", "2026-11-23T09:00",
        "2026-11-24T09:00");
    DeliveryStats monday = herald.analytics().stats("daily", "2026-11-23T09:00").total();
    assertAddsUp(monday);
    assertThat(monday.delivered()).isEqualTo(3);
    CampaignSnapshot snapshot = find("daily");
    assertThat(snapshot.state()).isEqualTo(CampaignState.SCHEDULED);
    assertThat(snapshot.campaign().schedule()).isEqualTo(
        Schedule.dailyAtLocalTime(LocalTime.of(9, 0), LONDON)); // stored and read back
  }

  @Test
  void weekdaysOnly() {
    player("p-berlin", BERLIN);
    start("weekdays", Schedule.dailyAtLocalTime(LocalTime.of(9, 0), LONDON)
        .onDays(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
    scheduler.advance(Duration.ofDays(8));
    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-11-28T08:00:00Z"),
        Instant.parse("2026-11-29T08:00:00Z"));
  }

  @Test
  void aRestartBetweenWavesAndInTheMiddleOfOneReleasesNobodyTwice() {
    for (int i = 0; i < 4; i++) {
      player("p-tokyo-" + i, TOKYO);
      player("p-berlin-" + i, BERLIN);
      player("p-new-york-" + i, NEW_YORK);
    }
    herald.campaigns().create(campaign("bonus", Schedule.atLocalTime(
        LocalDate.parse("2026-11-24"), LocalTime.of(9, 0), LONDON)).toBuilder()
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    herald.campaigns().schedule("bonus");
    // past Tokyo's 09:00 (00:00Z), before Berlin's (08:00Z)
    scheduler.advance(Duration.between(clock.instant(), Instant.parse("2026-11-24T01:00:00Z")));
    assertThat(web.sent()).hasSize(4);

    // The process stops between two waves; a new one recovers the scheduled wave.
    FakeScheduler second = new FakeScheduler(clock);
    rebuild(b -> b.scheduler(second));
    assertThat(herald.recover()).isEqualTo(1);
    second.advance(Duration.between(clock.instant(), Instant.parse("2026-11-24T08:00:01Z")));
    assertThat(web.sent()).hasSize(6); // two Berlin players sent, two throttled
    assertThat(find("bonus").state()).isEqualTo(CampaignState.RUNNING);

    // It stops in the middle of the Berlin wave; a third process resumes it.
    FakeProvider other = new FakeProvider(Platform.WEB_PUSH);
    other.answer = this::record;
    FakeScheduler third = new FakeScheduler(clock);
    herald.close();
    herald = Herald.builder().clock(clock).scheduler(third)
        .subscriptionStore(subscriptionStore).playerDirectory(directory)
        .deliveryStore(deliveries).campaignStore(campaignStore).triggerStore(triggerStore)
        .provider(other).dispatchExecutor(Runnable::run).build();
    assertThat(herald.recover()).isEqualTo(1);
    third.advance(Duration.ofDays(1));

    assertThat(web.sent().size() + other.sent().size()).isEqualTo(12);
    for (String player : audience) {
      assertThat(sends(player)).as(player).hasSize(1);
    }
    assertThat(sends("p-new-york-3").get(0)).isAfterOrEqualTo(
        Instant.parse("2026-11-24T14:00:00Z"));
    assertThat(find("bonus").state()).isEqualTo(CampaignState.COMPLETED);
    DeliveryStats stats = herald.analytics().stats("bonus", "2026-11-24T09:00").total();
    assertAddsUp(stats);
    assertThat(stats.delivered()).isEqualTo(12);
    assertThat(completedRuns("bonus")).containsExactly("2026-11-24T09:00");
  }

  @Test
  void aCrashAfterAWaveBeforeTheNextIsArmedFallsBackToTheZoneDatabaseAndLosesNobody() {
    player("p-tokyo", TOKYO);
    player("p-berlin", BERLIN);
    player("p-no-zone", null);
    // The store refuses to record what follows the Tokyo wave, as a process dying right then:
    // the campaign stays RUNNING on a wave whose run is complete.
    java.util.concurrent.atomic.AtomicBoolean dying = new java.util.concurrent.atomic.AtomicBoolean();
    dev.herald.spi.CampaignStore failing = new dev.herald.spi.CampaignStore() {
      @Override
      public boolean save(dev.herald.spi.StoredCampaign next, long expectedVersion) {
        if (dying.get() && next.state() == CampaignState.SCHEDULED) {
          throw new IllegalStateException("the process died");
        }
        return campaignStore.save(next, expectedVersion);
      }

      @Override
      public Optional<dev.herald.spi.StoredCampaign> find(String id) {
        return campaignStore.find(id);
      }

      @Override
      public java.util.stream.Stream<dev.herald.spi.StoredCampaign> all() {
        return campaignStore.all();
      }
    };
    rebuild(b -> b.campaignStore(failing));
    start("bonus", Schedule.atLocalTime(LocalDate.parse("2026-11-24"), LocalTime.of(9, 0),
        LONDON));
    scheduler.advance(Duration.between(clock.instant(), Instant.parse("2026-11-23T23:59:00Z")));
    dying.set(true);
    scheduler.advance(Duration.ofMinutes(2));
    assertThat(sends("p-tokyo")).hasSize(1);
    assertThat(find("bonus").state()).isEqualTo(CampaignState.RUNNING);

    FakeScheduler fresh = new FakeScheduler(clock);
    rebuild(b -> b.scheduler(fresh));
    assertThat(herald.recover()).isEqualTo(1); // the wave's run is complete: it reads nobody
    fresh.advance(Duration.ofDays(2));

    assertThat(sends("p-tokyo")).containsExactly(Instant.parse("2026-11-24T00:00:00Z"));
    assertThat(sends("p-berlin")).containsExactly(Instant.parse("2026-11-24T08:00:00Z"));
    assertThat(sends("p-no-zone")).containsExactly(Instant.parse("2026-11-24T09:00:00Z"));
    assertThat(find("bonus").state()).isEqualTo(CampaignState.COMPLETED);
    assertThat(completedRuns("bonus")).containsExactly("2026-11-24T09:00");
  }

  @Test
  void cancellingInTheMiddleOfAWaveSettlesThatWaveAndReleasesNobodyElse() {
    for (int i = 0; i < 3; i++) {
      player("p-berlin-" + i, BERLIN);
      player("p-new-york-" + i, NEW_YORK);
    }
    herald.campaigns().create(campaign("bonus", Schedule.atLocalTime(
        LocalDate.parse("2026-11-24"), LocalTime.of(9, 0), LONDON)).toBuilder()
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    herald.campaigns().schedule("bonus");
    scheduler.advance(Duration.between(clock.instant(), Instant.parse("2026-11-24T08:00:01Z")));
    assertThat(web.sent()).hasSize(2);
    herald.campaigns().cancel("bonus");
    scheduler.advance(Duration.ofDays(1));
    assertThat(web.sent()).hasSize(2);
    DeliveryStats stats = herald.analytics().stats("bonus", "2026-11-24T09:00").total();
    assertAddsUp(stats);
    assertThat(stats.delivered()).isEqualTo(2);
    assertThat(stats.audience()).isEqualTo(3); // later waves' players are never reached
    assertThat(stats.suppressedByReason()).containsEntry("CANCELLED", 1L);
    assertThat(sends("p-new-york-0")).isEmpty();
  }

  @Test
  void badSchedulesAreRefusedNamingTheField() {
    assertThatThrownBy(() -> Schedule.dailyAtLocalTime(LocalTime.of(9, 0), null))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("schedule.fallbackZone:");
    assertThatThrownBy(() -> Schedule.dailyAtLocalTime(null, LONDON))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("schedule.time:");
    assertThatThrownBy(() -> Schedule.dailyAtLocalTime(LocalTime.of(9, 0, 30), LONDON))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("schedule.time: must be whole minutes (HH:mm), got 09:00:30");
    assertThatThrownBy(() -> Schedule.atLocalTime(null, LocalTime.of(9, 0), LONDON))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("schedule.date:");
    assertThatThrownBy(() -> Schedule.atLocalTime(LocalDate.parse("2026-11-24"),
        LocalTime.of(9, 0), LONDON).onDays(DayOfWeek.MONDAY))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("schedule.days:");

    player("p-berlin", BERLIN);
    herald.campaigns().create(campaign("yesterday", Schedule.atLocalTime(
        LocalDate.parse("2026-11-20"), LocalTime.of(9, 0), LONDON)));
    assertThatThrownBy(() -> herald.campaigns().schedule("yesterday"))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("campaign.schedule:");
    assertThat(find("yesterday").state()).isEqualTo(CampaignState.DRAFT);
  }
}
