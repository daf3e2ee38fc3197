package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.HeraldException;
import dev.herald.InvalidInputException;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Brand;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.Subscriptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The facade over a real Herald: subscription state, player directory, clock. */
class SegmentationTest {
  private final TestClock clock = TestClock.at("2026-03-15T12:00:00Z");
  private final InMemoryPlayerDirectory players = new InMemoryPlayerDirectory();
  private Herald herald;
  private Segmentation segmentation;
  private final Instant clicked = Instant.parse("2026-03-14T20:00:00Z");

  @BeforeEach
  void setUp() {
    herald = Herald.builder().clock(clock).playerDirectory(players).build();
    PushActivity activity = new PushActivity() {
      @Override
      public Optional<Instant> lastReceivedAt(String playerId) {
        return playerId.equals("alice") ? Optional.of(clicked.minusSeconds(60)) : Optional.empty();
      }

      @Override
      public Optional<Instant> lastClickedAt(String playerId) {
        return playerId.equals("alice") ? Optional.of(clicked) : Optional.empty();
      }
    };
    segmentation = Segmentation.builder().herald(herald).pushActivity(activity).build();

    players.put(profile("alice", 4, "DE", Duration.ofDays(10)));
    players.put(profile("bob", 5, "AT", Duration.ofDays(2)));
    players.put(profile("carol", 3, "DE", Duration.ofDays(30)));
    players.put(profile("dave", 1, "SE", Duration.ofDays(9)));
    // erin: push state but a "push.enabled" attribute of her own, which Herald's overrides
    players.put(PlayerProfile.builder("erin").attribute("push.enabled", true).build());

    Subscriptions subs = herald.subscriptions();
    subs.permissionGranted("alice", "android", new FcmAddress("alice-token"));
    subs.updatePreferences("alice", true, Set.of("Tournaments", "cashback"));
    subs.registerDevice("bob", "iphone", Platform.APNS, true);
    subs.permissionDenied("bob", "iphone", Platform.APNS);
    subs.updatePreferences("bob", true, Set.of("tournaments"));
    subs.permissionGranted("carol", "iphone", ApnsAddress.production("c".repeat(64), "com.casino"));
    clock.advance(Duration.ofSeconds(1));
    subs.permissionGranted("carol", "android", new FcmAddress("carol-token"));
    subs.updatePreferences("carol", false, Set.of("tournaments"));
  }

  @AfterEach
  void tearDown() {
    herald.close();
  }

  private PlayerProfile profile(String id, int vip, String country, Duration sinceDeposit) {
    return PlayerProfile.builder(id)
        .attribute("vip_level", vip)
        .attribute("country", country)
        .attribute("last_deposit_at", clock.instant().minus(sinceDeposit))
        .build();
  }

  @Test
  void heraldsAttributesComeFromTheSubscriptionState() {
    PlayerAttributes alice = segmentation.attributesOf("alice").orElseThrow();
    assertThat(alice.value("push.enabled")).isEqualTo(true);
    assertThat(alice.value("push.status")).isEqualTo("ALLOWED");
    assertThat(alice.value("push.devices")).isEqualTo(1L);
    assertThat(alice.value("push.devices.fcm")).isEqualTo(1L);
    assertThat(alice.value("push.devices.apns")).isEqualTo(0L);
    assertThat(alice.value("push.categories")).isEqualTo(Set.of("tournaments", "cashback"));
    assertThat(alice.value("push.marketing_consent")).isEqualTo(true);
    assertThat(alice.value("push.last_clicked_at")).isEqualTo(clicked);
    assertThat(alice.value("push.last_received_at")).isEqualTo(clicked.minusSeconds(60));
    assertThat(alice.value("vip_level")).isEqualTo(4L);

    PlayerAttributes bob = segmentation.attributesOf("bob").orElseThrow();
    assertThat(bob.value("push.enabled")).isEqualTo(false);
    assertThat(bob.value("push.status")).isEqualTo("BLOCKED");
    assertThat(bob.value("push.last_clicked_at")).isNull();

    PlayerAttributes carol = segmentation.attributesOf("carol").orElseThrow();
    assertThat(carol.value("push.devices")).isEqualTo(2L);
    assertThat(carol.value("push.devices.apns")).isEqualTo(1L);

    PlayerAttributes erin = segmentation.attributesOf("erin").orElseThrow();
    assertThat(erin.value("push.enabled")).isEqualTo(false);
    assertThat(erin.value("push.status")).isNull();
    assertThat(segmentation.attributesOf("nobody")).isEmpty();
  }

  @Test
  void lastReceivedAndClickedComeFromHeraldsDeliveryStore() {
    dev.herald.spi.PushProvider accepting = new dev.herald.spi.PushProvider() {
      @Override
      public Platform platform() {
        return Platform.FCM;
      }

      @Override
      public java.util.concurrent.CompletableFuture<dev.herald.spi.SendResult> send(
          dev.herald.spi.PushMessage message) {
        return java.util.concurrent.CompletableFuture.completedFuture(
            dev.herald.spi.SendResult.accepted("m1", 200));
      }

      @Override
      public void close() {}
    };
    try (Herald sending = Herald.builder().clock(clock).playerDirectory(players)
        .provider(accepting).dispatchExecutor(Runnable::run).build()) {
      sending.subscriptions().permissionGranted("bob", "pixel", new FcmAddress("bob-token"));
      var report = sending.transactional().send("bob", dev.herald.content.Content.of(
          dev.herald.content.Notification.builder()
              .type(dev.herald.content.NotificationType.SECURITY_ALERT).title("Hi").build()),
          "k1").join();
      assertThat(report.stats().delivered()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(5));
      String deliveryId = sending.analytics().communicationLog("bob").get(0).deliveryId()
          .orElseThrow();
      sending.analytics().recordClick(deliveryId, null);

      Segmentation fromHerald = Segmentation.builder().herald(sending).build();
      PlayerAttributes bob = fromHerald.attributesOf("bob").orElseThrow();
      assertThat(bob.value("push.last_received_at")).isEqualTo(clock.instant().minusSeconds(300));
      assertThat(bob.value("push.last_clicked_at")).isEqualTo(clock.instant());
      assertThat(fromHerald.preview("push.last_clicked_at within 1h")).isEqualTo(1);
    }
  }

  @Test
  void theIssueExampleSelectsTheRightPlayers() {
    segmentation.segments().define("dormant-tournament-vips",
        "push.enabled and vip_level >= 3 and country in (\"DE\",\"AT\")"
            + " and last_deposit_at before now - 7d and categories contains \"tournaments\"");
    // alice: all hold. bob: push blocked. carol: all hold. dave: vip 1, SE.
    assertThat(segmentation.members("dormant-tournament-vips")).containsExactly("alice", "carol");
    assertThat(segmentation.count("dormant-tournament-vips")).isEqualTo(2);
    assertThat(segmentation.matches("dormant-tournament-vips", "alice")).isTrue();
    assertThat(segmentation.matches("dormant-tournament-vips", "bob")).isFalse();
    assertThat(segmentation.evaluate("dormant-tournament-vips", "bob")).isEqualTo(Truth.FALSE);
    assertThat(segmentation.matches("dormant-tournament-vips", "nobody")).isFalse();
  }

  @Test
  void marketingConsentAndDeviceCountsAreSegmentable() {
    assertThat(segmentation.preview("push.marketing_consent and push.devices.fcm >= 1"))
        .isEqualTo(1); // alice; carol has FCM but no consent
    assertThat(segmentation.preview("push.devices >= 2")).isEqualTo(1);
    assertThat(segmentation.preview("push.status is missing")).isEqualTo(2); // dave, erin
    assertThat(segmentation.preview("push.last_clicked_at within 1d")).isEqualTo(1);
    assertThat(segmentation.preview("not push.last_clicked_at within 1d")).isZero();
  }

  @Test
  void theBrandsOfAPlayersAllowedDevicesAreSegmentable() {
    Brand golden = Brand.of("golden-reels");
    Brand lucky = Brand.of("lucky-spins");
    Subscriptions subs = herald.subscriptions();
    // dave: a Golden Reels app, allowed, and a Lucky Spins browser that said no
    subs.permissionGranted(golden, "dave", "iphone", ApnsAddress.production("d".repeat(64),
        "com.goldenreels"));
    subs.registerDevice(lucky, "dave", "browser", Platform.WEB_PUSH, true);
    subs.permissionDenied("dave", "browser", Platform.WEB_PUSH);

    assertThat(segmentation.attributesOf("dave").orElseThrow().value("push.brands"))
        .isEqualTo(Set.of("golden-reels"));
    assertThat(segmentation.attributesOf("alice").orElseThrow().value("push.brands"))
        .as("a device registered without a brand").isEqualTo(Set.of("default"));
    assertThat(segmentation.attributesOf("bob").orElseThrow().value("push.brands"))
        .as("no ALLOWED device").isEqualTo(Set.of());
    assertThat(segmentation.preview("push.brands contains \"golden-reels\"")).isEqualTo(1);
    assertThat(segmentation.preview("push.brands contains \"lucky-spins\"")).isZero();
    assertThat(segmentation.preview("push.brands contains \"default\"")).isEqualTo(2);
    segmentation.segments().define("golden-reels-players",
        "push.brands contains \"golden-reels\" and vip_level >= 1");
    assertThat(segmentation.matches("golden-reels-players", "dave")).isTrue();
    assertThat(segmentation.matches("golden-reels-players", "alice")).isFalse();
  }

  @Test
  void itIsAnAudienceResolver() {
    AudienceResolver resolver = segmentation;
    segmentation.segments().define("de", "country = \"DE\" or country = \"SE\"");
    try (Stream<String> ids = resolver.members("de")) {
      assertThat(ids.collect(Collectors.toList())).containsExactly("alice", "carol", "dave");
    }
    assertThat(resolver.count("de")).isEqualTo(3);
    assertThatThrownBy(() -> resolver.members("unknown"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("unknown segment 'unknown'");
    assertThatThrownBy(() -> resolver.count("bad id"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void theIndexIsASnapshotRefreshedAfterItsMaximumAge() {
    segmentation.segments().define("vips", "vip_level >= 3");
    assertThat(segmentation.count("vips")).isEqualTo(3);
    PlayerIndex first = segmentation.index();
    players.put(profile("frank", 9, "DE", Duration.ofDays(1)));
    assertThat(segmentation.count("vips")).isEqualTo(3); // same snapshot
    assertThat(segmentation.matches("vips", "frank")).isTrue(); // one player is read live
    clock.advance(Duration.ofMinutes(5));
    assertThat(segmentation.index()).isSameAs(first);
    clock.advance(Duration.ofMillis(1));
    assertThat(segmentation.count("vips")).isEqualTo(4);
    assertThat(segmentation.index()).isNotSameAs(first);
    players.remove("frank");
    assertThat(segmentation.refreshIndex().size()).isEqualTo(5);
    assertThat(segmentation.count("vips")).isEqualTo(3);
  }

  @Test
  void aCompiledSegmentIsReusedUntilItOrASegmentItReadsChanges() {
    segmentation.segments().define("vips", "vip_level >= 3");
    segmentation.segments().define("german-vips", "segment \"vips\" and country = \"DE\"");
    CompiledSegment first = segmentation.compile("german-vips");
    assertThat(segmentation.compile("german-vips")).isSameAs(first);
    assertThat(segmentation.matches("german-vips", "alice")).isTrue(); // VIP level 4

    segmentation.segments().define("vips", "vip_level >= 5");
    assertThat(segmentation.compile("german-vips")).isNotSameAs(first);
    assertThat(segmentation.matches("german-vips", "alice")).isFalse();

    segmentation.segments().define("german-vips", "country = \"DE\"");
    assertThat(segmentation.matches("german-vips", "alice")).isTrue();
    segmentation.segments().delete("german-vips");
    assertThatThrownBy(() -> segmentation.matches("german-vips", "alice"))
        .hasMessageContaining("unknown segment 'german-vips'");
  }

  @Test
  void previewsReportRuleErrorsWithPositions() {
    assertThatThrownBy(() -> segmentation.preview("vip_level >= 3 and segment \"nope\""))
        .isInstanceOfSatisfying(SegmentRuleException.class,
            e -> assertThat(e.column()).isEqualTo(28));
  }

  @Test
  void aDirectoryOutOfOrderIsReported() {
    PlayerDirectory unordered = new PlayerDirectory() {
      @Override
      public Optional<PlayerProfile> find(String playerId) {
        return Optional.empty();
      }

      @Override
      public Stream<PlayerProfile> all() {
        return Stream.of("b", "a").map(id -> PlayerProfile.builder(id).build());
      }
    };
    Segmentation s = Segmentation.builder().players(unordered).clock(clock).build();
    assertThatThrownBy(s::index)
        .isInstanceOf(HeraldException.class)
        .hasMessageContaining("ascending id order")
        .hasMessageContaining("'a' came after 'b'");
  }

  @Test
  void withoutASubscriptionStorePushAttributesComeFromProfiles() {
    InMemoryPlayerDirectory dir = new InMemoryPlayerDirectory()
        .put(PlayerProfile.builder("p1").attribute("push.enabled", true)
            .attribute("push.categories", List.of("tournaments")).build())
        .put(PlayerProfile.builder("p2").attribute("push.enabled", false).build());
    Segmentation s = Segmentation.builder().players(dir).clock(clock).build();
    assertThat(s.preview("push.enabled and categories contains \"tournaments\"")).isEqualTo(1);
  }

  @Test
  void heraldBuildsItAsItsAudienceResolverOverItsOwnStores() {
    try (Herald built = Herald.builder().clock(clock)
        .audienceResolverFrom(h -> Segmentation.builder().herald(h).build()).build()) {
      built.players();
      Segmentation mine = built.audienceResolver(Segmentation.class);
      ((InMemoryPlayerDirectory) built.players()).put(PlayerProfile.builder("zoe")
          .attribute("vip_level", 4).build());
      built.subscriptions().permissionGranted("zoe", "pixel", new FcmAddress("zoe-token"));
      assertThat(mine.preview("push.enabled and vip_level >= 3")).isEqualTo(1);
      assertThatThrownBy(() -> built.audienceResolver(DummyResolver.class))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("not a");
    }
  }

  /** A resolver type Herald does not hold. */
  private interface DummyResolver extends AudienceResolver {}

  @Test
  void theBuilderNeedsADirectory() {
    assertThatThrownBy(() -> Segmentation.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("players: a player directory is required");
    assertThatThrownBy(() -> Segmentation.builder().indexMaxAge(Duration.ofDays(2)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("indexMaxAge");
  }
}
