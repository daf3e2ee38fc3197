package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.herald.Herald;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.Subscriptions;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The default player directory and subscription store hold a million players in a few hundred
 * megabytes: this fills each with players shaped like the demo's (a profile of eight attributes
 * with a locale and a zone; preferences, and an app that asked, was allowed and holds a token)
 * and measures what each store retains after a full GC. Player ids are held by the test, as the
 * host holds them. Memory is measured, not time.
 *
 * <p>Measured: about 90 bytes per profile and 180 per player, now that each keeps a player as one
 * packed byte row. With a map of objects per player (profile, devices, owners, preferences) it
 * measured 240 and 600; before that, 803 and 972.
 */
class InMemoryPlayersMemoryTest {
  private static final int PLAYERS = 50_000;
  private static final long MAX_PROFILE_BYTES = 130;
  private static final long MAX_SUBSCRIPTION_BYTES = 250;
  private static final String[] ZONES = {"Europe/Berlin", "Europe/Malta", "Europe/London"};
  private static final String[] COUNTRIES = {"DE", "MT", "GB"};

  @Test
  void aProfileAndAPlayersDevicesCostAFewHundredBytes() {
    assumeTrue(HeapMeasure.compressedReferences(), "measured with compressed references only");
    SplittableRandom random = new SplittableRandom(1);
    Instant now = Instant.parse("2026-11-22T10:00:00Z");
    List<String> ids = new ArrayList<>(PLAYERS);
    for (int i = 0; i < PLAYERS; i++) {
      ids.add("player-" + i);
    }
    long start = HeapMeasure.usedHeapAfterGc();

    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    for (int i = 0; i < PLAYERS; i++) {
      int market = random.nextInt(ZONES.length);
      directory.put(PlayerProfile.builder(ids.get(i))
          .locale(Locale.forLanguageTag("de-DE"))
          .timeZone(ZoneId.of(ZONES[market])) // a new ZoneId object per call, as a reader makes
          .attribute("first_name", new String("Ada")) // read from a database: a copy each time
          .attribute("country", new String(COUNTRIES[market]))
          .attribute("vip_level", random.nextInt(6))
          .attribute("balance", BigDecimal.valueOf(random.nextInt(50_000), 2))
          .attribute("deposit_count", random.nextInt(40))
          .attribute("registered_at", now.minus(Duration.ofDays(random.nextInt(700))))
          .attribute("last_login_at", now.minusSeconds(random.nextInt(86_400 * 60)))
          .attribute("tags", List.of("slots", "live"))
          .build());
    }
    long afterDirectory = HeapMeasure.usedHeapAfterGc();

    InMemorySubscriptionStore store = new InMemorySubscriptionStore();
    try (Herald herald = Herald.builder().clock(Clock.systemUTC()).subscriptionStore(store)
        .build()) {
      Subscriptions subs = herald.subscriptions();
      for (int i = 0; i < PLAYERS; i++) {
        String id = ids.get(i);
        subs.updatePreferences(id, true, Set.of("promotions", "vip"));
        subs.registerDevice(id, "android", Platform.FCM, true);
        subs.permissionGranted(id, "android",
            new FcmAddress("fcm-" + Long.toHexString(random.nextLong()) + i));
      }
    }
    long afterSubscriptions = HeapMeasure.usedHeapAfterGc();

    long perProfile = (afterDirectory - start) / PLAYERS;
    long perPlayer = (afterSubscriptions - afterDirectory) / PLAYERS;
    System.out.printf("InMemoryPlayerDirectory: %d bytes per profile; InMemorySubscriptionStore:"
        + " %d bytes per player with one device%n", perProfile, perPlayer);
    assertThat(perProfile).isLessThan(MAX_PROFILE_BYTES);
    assertThat(perPlayer).isLessThan(MAX_SUBSCRIPTION_BYTES);
    // Everything is still there after the measurement (and both stay reachable until now).
    String last = ids.get(PLAYERS - 1);
    assertThat(directory.find(last).orElseThrow().string("country")).isPresent();
    assertThat(store.findDevice(last, "android").orElseThrow().status())
        .isEqualTo(PushStatus.ALLOWED);
    assertThat(store.history(last, "android")).hasSize(2);
  }
}
