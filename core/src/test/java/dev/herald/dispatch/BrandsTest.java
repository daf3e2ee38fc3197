package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.TestAddresses;
import dev.herald.analytics.CampaignStats;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.content.NotificationType;
import dev.herald.internal.campaign.CampaignJson;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.TargetDevices;
import dev.herald.subscription.WebPushAddress;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerRule;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Brands through the public API: each device reaches its own brand's provider, a dispatch,
 * campaign, trigger rule or transactional send aimed at one brand reaches only that brand's
 * devices, and statistics split by brand.
 */
class BrandsTest extends DispatchFixture {
  static final Brand LUCKY = Brand.of("lucky-spins");
  static final Brand GOLDEN = Brand.of("golden-reels");

  final FakeProvider luckyWeb = new FakeProvider(Platform.WEB_PUSH);
  final FakeProvider luckyFcm = new FakeProvider(Platform.FCM);
  final FakeProvider goldenWeb = new FakeProvider(Platform.WEB_PUSH);

  @BeforeEach
  void twoBrands() {
    rebuild(b -> b.provider(LUCKY, luckyWeb).provider(LUCKY, luckyFcm)
        .provider(GOLDEN, goldenWeb));
  }

  /** A player with marketing consent and one ALLOWED browser of a brand. */
  WebPushAddress browser(Brand brand, String player, String device) {
    put(profile(player));
    herald.subscriptions().updatePreferences(player, true, Set.of());
    WebPushAddress address = TestAddresses.webPush(player + "-" + device);
    herald.subscriptions().permissionGranted(brand, player, device, address);
    return address;
  }

  static List<String> addressKeys(FakeProvider provider) {
    return provider.sent().stream().map(m -> m.address().key()).toList();
  }

  @Test
  void eachDeviceIsSentThroughItsOwnBrandsProvider() {
    WebPushAddress lucky = browser(LUCKY, "ada", "lucky-browser");
    WebPushAddress golden = browser(GOLDEN, "ada", "golden-browser");
    WebPushAddress plain = browser(Brand.DEFAULT, "bo", "browser");

    DispatchReport report = run(request("hello", List.of("ada", "bo"),
        NotificationType.PROMOTIONAL).build());

    assertThat(report.stats().delivered()).isEqualTo(3);
    assertThat(addressKeys(luckyWeb)).containsExactly(lucky.key());
    assertThat(addressKeys(goldenWeb)).containsExactly(golden.key());
    assertThat(addressKeys(web)).containsExactly(plain.key());
    assertThat(herald.subscriptions().device("ada", "golden-browser").orElseThrow().brand())
        .isEqualTo(GOLDEN);
    CampaignStats stats = herald.analytics().stats("hello");
    assertThat(stats.byBrand()).containsOnlyKeys(LUCKY, GOLDEN, Brand.DEFAULT);
    assertThat(stats.brand(LUCKY).delivered()).isEqualTo(1);
    assertThat(stats.brand(GOLDEN).delivered()).isEqualTo(1);
    assertThat(stats.brand(Brand.DEFAULT).delivered()).isEqualTo(1);
    assertThat(herald.brands()).containsExactly(Brand.DEFAULT, GOLDEN, LUCKY);
    assertThat(herald.provider(Platform.WEB_PUSH, GOLDEN)).containsSame(goldenWeb);
    assertThat(herald.provider(Platform.WEB_PUSH)).containsSame(web);
    assertThat(herald.provider(Platform.APNS, GOLDEN)).isEmpty();
  }

  @Test
  void aDispatchToOneBrandReachesOnlyThatBrandsDevicesAndCountsTheRestForIt() {
    browser(LUCKY, "ada", "lucky-browser");
    WebPushAddress golden = browser(GOLDEN, "ada", "golden-browser");
    browser(LUCKY, "bo", "lucky-browser");

    DispatchReport report = run(request("golden-only", List.of("ada", "bo"),
        NotificationType.PROMOTIONAL).brand(GOLDEN).build());

    assertThat(addressKeys(goldenWeb)).containsExactly(golden.key());
    assertThat(luckyWeb.sent()).isEmpty();
    assertThat(report.stats().delivered()).isEqualTo(1);
    // bo has no golden-reels device: one player-level record, of the targeted brand
    assertThat(report.stats().suppressedByReason()).containsEntry(Suppression.NO_DEVICE, 1L);
    CampaignStats stats = herald.analytics().stats("golden-only");
    assertThat(stats.byBrand()).containsOnlyKeys(GOLDEN);
    assertThat(stats.brand(GOLDEN).audience()).isEqualTo(2);
    assertThat(stats.brand(LUCKY).audience()).isZero();
  }

  @Test
  void aDeviceOfABrandWithoutAProviderIsSuppressedNamingPlatformAndBrand() {
    browser(LUCKY, "ada", "lucky-browser");
    herald.subscriptions().permissionGranted(GOLDEN, "ada", "golden-app",
        new FcmAddress("golden-token"));

    DispatchReport report = run(request("mixed", List.of("ada"),
        NotificationType.PROMOTIONAL).build());

    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(fcm.sent()).as("the default brand's FCM provider is not a fallback").isEmpty();
    assertThat(luckyFcm.sent()).isEmpty();
    DeliveryRecord refused;
    try (Stream<DeliveryRecord> records = deliveries.deliveriesOf("mixed")) {
      refused = records.filter(r -> r.deviceId().orElse("").equals("golden-app")).findFirst()
          .orElseThrow();
    }
    assertThat(refused.state()).isEqualTo(DeliveryState.SUPPRESSED);
    assertThat(refused.reason()).isEqualTo(Suppression.NO_PROVIDER);
    assertThat(refused.detail()).isEqualTo("no provider registered for FCM of brand golden-reels");
    assertThat(refused.brand()).contains(GOLDEN);
  }

  @Test
  void aTransactionalSendToOneBrandSkipsThePlayersOtherBrands() {
    browser(LUCKY, "ada", "lucky-browser");
    WebPushAddress golden = browser(GOLDEN, "ada", "golden-browser");

    DispatchReport report = herald.transactional().send("ada",
        content(NotificationType.SECURITY_ALERT, "New login"), "login-1", TargetDevices.ALL,
        GOLDEN).join();

    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(addressKeys(goldenWeb)).containsExactly(golden.key());
    assertThat(luckyWeb.sent()).isEmpty();
    assertThatThrownBy(() -> herald.transactional().send("ada",
        content(NotificationType.SECURITY_ALERT, "x"), "k", TargetDevices.ALL, null))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("brand");
  }

  @Test
  void aTriggerRuleOfOneBrandSendsOnlyToThatBrand() {
    WebPushAddress lucky = browser(LUCKY, "ada", "lucky-browser");
    browser(GOLDEN, "ada", "golden-browser");
    herald.triggers().define(TriggerRule.builder("lucky-welcome", "Welcome to Lucky Spins")
        .on(PlayerEventType.REGISTRATION)
        .brand(LUCKY)
        .content(content(NotificationType.PROMOTIONAL, "Welcome"))
        .build());

    herald.triggers().report(PlayerEvent.builder("e1", "ada", PlayerEventType.REGISTRATION,
        clock.instant()).build());
    scheduler.advance(Duration.ZERO);

    assertThat(addressKeys(luckyWeb)).containsExactly(lucky.key());
    assertThat(goldenWeb.sent()).isEmpty();
    assertThat(herald.triggers().stats("lucky-welcome").byBrand()).containsOnlyKeys(LUCKY);
  }

  @Test
  void aCampaignKeepsItsBrandThroughItsStoredDefinition() {
    Campaign campaign = Campaign.builder("golden-weekend", "Golden weekend")
        .audience(Audience.players(List.of("ada")))
        .content(content(NotificationType.PROMOTIONAL, "Spins"))
        .brand(GOLDEN)
        .build();
    Campaign read = CampaignJson.read(CampaignJson.write(campaign));
    assertThat(read.brand()).contains(GOLDEN);
    assertThat(read.toRequest("").brand()).contains(GOLDEN);
    Campaign everyBrand = Campaign.builder("all", "All").audience(Audience.players(List.of("a")))
        .content(content(NotificationType.PROMOTIONAL, "Spins")).build();
    assertThat(CampaignJson.read(CampaignJson.write(everyBrand)).brand()).isEmpty();
  }

  @Test
  void aCampaignForOneBrandReachesOnlyItsDevices() {
    browser(LUCKY, "ada", "lucky-browser");
    WebPushAddress golden = browser(GOLDEN, "bo", "golden-browser");
    herald.campaigns().create(Campaign.builder("golden-weekend", "Golden weekend")
        .audience(Audience.players(List.of("ada", "bo")))
        .content(content(NotificationType.PROMOTIONAL, "Spins"))
        .brand(GOLDEN)
        .build());
    herald.campaigns().schedule("golden-weekend");
    scheduler.advance(Duration.ZERO);

    assertThat(addressKeys(goldenWeb)).containsExactly(golden.key());
    assertThat(luckyWeb.sent()).isEmpty();
    assertThat(herald.analytics().stats("golden-weekend").brand(GOLDEN).delivered()).isEqualTo(1);
  }

  @Test
  void aDeviceBelongsToOneBrand() {
    browser(LUCKY, "ada", "browser");
    assertThatThrownBy(() -> herald.subscriptions().permissionGranted(GOLDEN, "ada", "browser",
        TestAddresses.webPush("other")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("brand")
        .hasMessageContaining("belongs to brand lucky-spins, got golden-reels");
    assertThatThrownBy(() -> herald.subscriptions().registerDevice(GOLDEN, "ada", "browser",
        Platform.WEB_PUSH, true)).isInstanceOf(InvalidInputException.class);
    // without a brand, a known device keeps its own; a new one is of the default brand
    Device again = herald.subscriptions().registerDevice("ada", "browser", Platform.WEB_PUSH, true);
    assertThat(again.brand()).isEqualTo(LUCKY);
    assertThat(herald.subscriptions().registerDevice("ada", "other", Platform.FCM, true).brand())
        .isEqualTo(Brand.DEFAULT);
    Device refreshed = herald.subscriptions().refreshAddress("ada", "browser",
        TestAddresses.webPush("renewed"));
    assertThat(refreshed.brand()).isEqualTo(LUCKY);
  }

  @Test
  void oneProviderPerPlatformAndBrand() {
    Herald.Builder b = Herald.builder().provider(LUCKY, new FakeProvider(Platform.FCM));
    assertThatThrownBy(() -> b.provider(LUCKY, new FakeProvider(Platform.FCM)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("a provider for FCM of brand lucky-spins is already registered");
    b.provider(GOLDEN, new FakeProvider(Platform.FCM)).provider(new FakeProvider(Platform.FCM));
    assertThatThrownBy(() -> b.provider(new FakeProvider(Platform.FCM)))
        .hasMessageContaining("of brand default");
  }

  @Test
  void brandIdsAreValidated() {
    assertThat(Brand.of("default")).isSameAs(Brand.DEFAULT);
    assertThat(Brand.of("Casino_1.de-AT").id()).isEqualTo("Casino_1.de-AT");
    assertThatThrownBy(() -> Brand.of("lucky spins"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("brand")
        .hasMessageContaining("letters, digits");
    assertThatThrownBy(() -> Brand.of("-x")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Brand.of(" ")).hasMessageContaining("brand");
    assertThatThrownBy(() -> Brand.of("b".repeat(Brand.MAX_ID_CHARS + 1)))
        .hasMessageContaining("at most 64 characters");
    assertThatThrownBy(() -> Brand.of(null)).hasMessageContaining("brand");
  }
}
