package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.TestAddresses;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.SendResult;
import dev.herald.subscription.DeviceAddress;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * 40,000 players (80 times the players in progress; {@code -Dherald.localtime.players=1000000}
 * for a million) in 30 zones, released zone by zone: the campaign streams the directory once per
 * wave and holds no more than the players in progress, never the audience.
 */
class LocalTimeMemoryTest extends DispatchFixture {
  private static final int PLAYERS = Integer.getInteger("herald.localtime.players", 40_000);
  private static final int WITH_A_DEVICE_EVERY = 50;
  private static final int MAX_IN_PROGRESS = 500;
  private static final List<ZoneId> ZONES = Stream.of("Pacific/Kiritimati", "Pacific/Auckland",
      "Australia/Sydney", "Australia/Adelaide", "Asia/Tokyo", "Asia/Shanghai", "Asia/Bangkok",
      "Asia/Dhaka", "Asia/Kathmandu", "Asia/Kolkata", "Asia/Karachi", "Asia/Tehran", "Asia/Dubai",
      "Europe/Moscow", "Europe/Istanbul", "Europe/Helsinki", "Europe/Berlin", "Europe/Malta",
      "Europe/London", "Atlantic/Azores", "Atlantic/South_Georgia", "America/Sao_Paulo",
      "America/Halifax", "America/New_York", "America/Chicago", "America/Denver",
      "America/Los_Angeles", "America/Anchorage", "Pacific/Honolulu", "Pacific/Pago_Pago")
      .map(ZoneId::of).toList();

  /**
   * Players made on demand, never stored: each profile handed out is watched through a weak
   * reference, so that a forced collection shows how many Herald still holds.
   */
  static final class GeneratedPlayers implements PlayerDirectory {
    final Set<WeakReference<PlayerProfile>> handedOut = ConcurrentHashMap.newKeySet();
    final AtomicInteger made = new AtomicInteger();

    static String id(int i) {
      return "p" + (1_000_000 + i); // same length: id order is index order
    }

    static ZoneId zone(int i) {
      return i % 31 == 30 ? null : ZONES.get(i % 31); // one in 31 has no zone: the fallback
    }

    private PlayerProfile make(int i) {
      PlayerProfile p = PlayerProfile.builder(id(i)).timeZone(zone(i)).build();
      made.incrementAndGet();
      handedOut.add(new WeakReference<>(p));
      return p;
    }

    @Override
    public Optional<PlayerProfile> find(String playerId) {
      int i = Integer.parseInt(playerId.substring(1)) - 1_000_000;
      return i < PLAYERS ? Optional.of(make(i)) : Optional.empty();
    }

    @Override
    public Stream<PlayerProfile> all() {
      return IntStream.range(0, PLAYERS).mapToObj(this::make);
    }

    /** How many profiles handed out are still reachable, after a full collection. */
    int live() {
      System.gc();
      handedOut.removeIf(r -> r.get() == null);
      return handedOut.size();
    }
  }

  @Test
  void twoHundredThousandPlayersInThirtyZonesAreReleasedWithoutBeingHeld() {
    GeneratedPlayers players = new GeneratedPlayers();
    rebuild(b -> b.playerDirectory(players).dispatchSettings(DispatchSettings.builder()
        .maxPlayersInProgress(MAX_IN_PROGRESS).build()));
    Map<DeviceAddress, Integer> owners = new ConcurrentHashMap<>();
    Map<Integer, Instant> sentAt = new ConcurrentHashMap<>();
    for (int i = 0; i < PLAYERS; i += WITH_A_DEVICE_EVERY) {
      String id = GeneratedPlayers.id(i);
      herald.subscriptions().updatePreferences(id, true, Set.of());
      DeviceAddress address = TestAddresses.webPush(id + "-browser");
      herald.subscriptions().permissionGranted(id, "browser", address);
      owners.put(address, i);
    }
    int[] maxLive = {0};
    AtomicInteger sends = new AtomicInteger();
    web.answer = m -> {
      assertThat(sentAt.put(owners.get(m.address()), clock.instant())).isNull();
      if (sends.incrementAndGet() % 1000 == 0) { // in the middle of a wave's pass
        maxLive[0] = Math.max(maxLive[0], players.live());
      }
      return CompletableFuture.completedFuture(SendResult.accepted("m-" + m.deliveryId(), 201));
    };
    LocalDate day = LocalDate.parse("2026-11-24");
    herald.campaigns().create(Campaign.builder("daily-bonus", "Daily bonus")
        .audience(Audience.everyone())
        .content(content(NotificationType.PROMOTIONAL, "Your daily bonus is waiting"))
        .schedule(Schedule.atLocalTime(day, LocalTime.of(9, 0), ZoneId.of("Europe/Malta")))
        .build());
    herald.campaigns().schedule("daily-bonus");

    scheduler.advance(Duration.ofDays(3));

    assertThat(herald.campaigns().find("daily-bonus").orElseThrow().state())
        .isEqualTo(CampaignState.COMPLETED);
    assertThat(sentAt).hasSize(PLAYERS / WITH_A_DEVICE_EVERY);
    sentAt.forEach((i, at) -> assertThat(at).as(GeneratedPlayers.id(i)).isEqualTo(
        day.atTime(9, 0).atZone(Optional.ofNullable(GeneratedPlayers.zone(i))
            .orElse(ZoneId.of("Europe/Malta"))).toInstant()));
    DeliveryStats stats = herald.analytics().stats("daily-bonus", "2026-11-24T09:00").total();
    assertAddsUp(stats);
    assertThat(stats.audience()).isEqualTo(PLAYERS);
    assertThat(stats.delivered()).isEqualTo(PLAYERS / WITH_A_DEVICE_EVERY);
    long waves = herald.analytics().events("daily-bonus").stream()
        .filter(e -> e.type() == EventType.PUSH_SCHEDULED).count();
    assertThat(waves).isBetween(20L, 31L); // one per offset in use, plus the earliest zone's
    // Every wave read the whole directory, and never held more than the players in progress.
    assertThat(players.made.get()).isGreaterThanOrEqualTo((int) waves * PLAYERS);
    assertThat(maxLive[0]).isLessThanOrEqualTo(2 * MAX_IN_PROGRESS);
  }
}
