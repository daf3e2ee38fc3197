package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryStats;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.campaign.Schedule;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * A local-time campaign on the PostgreSQL stores: its schedule is stored and read back, and a
 * restart between two waves loses no player and sends none twice.
 */
class LocalTimeCampaignJdbcTest {
  private static final ZoneId MALTA = ZoneId.of("Europe/Malta");

  private final MutableClock clock = MutableClock.at("2026-11-22T12:00:00Z");
  private final DataSource dataSource = TestDatabase.dataSource();
  private final String schema = TestDatabase.freshSchema("localtime");
  private final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  /** Each player's sends, by the instant they went out. */
  private final Map<String, List<Instant>> sentAt = new ConcurrentHashMap<>();

  private final PushProvider fcm = new PushProvider() {
    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage m) {
      String player = ((FcmAddress) m.address()).token().replace("-token", "");
      sentAt.computeIfAbsent(player, p -> new CopyOnWriteArrayList<>()).add(clock.instant());
      return CompletableFuture.completedFuture(SendResult.accepted("m-" + m.deliveryId(), 200));
    }

    @Override
    public void close() {}
  };

  private Herald herald(ManualScheduler scheduler) {
    return Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .subscriptionStore(new JdbcSubscriptionStore(dataSource, schema))
        .deliveryStore(new JdbcDeliveryStore(dataSource, schema))
        .campaignStore(new JdbcCampaignStore(dataSource, schema))
        .triggerStore(new JdbcTriggerStore(dataSource, schema))
        .playerDirectory(directory)
        .provider(fcm)
        .dispatchExecutor(Runnable::run)
        .build();
  }

  private void player(Herald herald, String id, ZoneId zone) {
    directory.put(PlayerProfile.builder(id).timeZone(zone).build());
    herald.subscriptions().updatePreferences(id, true, Set.of());
    herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-token"));
  }

  @Test
  void theScheduleIsStoredAndARestartBetweenWavesSendsEveryoneOnceAtTheirOwnTime() {
    ManualScheduler first = new ManualScheduler(clock);
    Herald herald = herald(first);
    player(herald, "p-tokyo", ZoneId.of("Asia/Tokyo"));
    player(herald, "p-berlin", ZoneId.of("Europe/Berlin"));
    player(herald, "p-new-york", ZoneId.of("America/New_York"));
    player(herald, "p-no-zone", null);
    Schedule.PlayerLocal schedule = Schedule.atLocalTime(LocalDate.parse("2026-11-24"),
        LocalTime.of(9, 0), MALTA);
    herald.campaigns().create(Campaign.builder("daily-bonus", "Daily bonus")
        .audience(Audience.everyone())
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Your daily bonus is waiting").build()))
        .schedule(schedule)
        .build());
    herald.campaigns().schedule("daily-bonus");
    first.advanceTo(Instant.parse("2026-11-24T01:00:00Z")); // Tokyo's wave has run
    assertThat(sentAt).containsOnlyKeys("p-tokyo");
    herald.close();

    ManualScheduler second = new ManualScheduler(clock);
    herald = herald(second);
    assertThat(herald.campaigns().find("daily-bonus").orElseThrow().campaign().schedule())
        .isEqualTo(schedule);
    assertThat(herald.recover()).isEqualTo(1);
    second.advanceTo(Instant.parse("2026-11-26T00:00:00Z"));

    assertThat(sentAt).containsOnly(
        Map.entry("p-tokyo", List.of(Instant.parse("2026-11-24T00:00:00Z"))),
        Map.entry("p-berlin", List.of(Instant.parse("2026-11-24T08:00:00Z"))),
        Map.entry("p-no-zone", List.of(Instant.parse("2026-11-24T08:00:00Z"))), // Malta
        Map.entry("p-new-york", List.of(Instant.parse("2026-11-24T14:00:00Z"))));
    assertThat(herald.campaigns().find("daily-bonus").orElseThrow().state())
        .isEqualTo(CampaignState.COMPLETED);
    DeliveryStats stats = herald.analytics().stats("daily-bonus", "2026-11-24T09:00").total();
    assertThat(stats.audience()).isEqualTo(4);
    assertThat(stats.delivered()).isEqualTo(4);
    herald.close();
  }
}
