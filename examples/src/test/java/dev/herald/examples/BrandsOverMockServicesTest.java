package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.CampaignStats;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.campaign.Campaign;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Brand;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import dev.herald.testing.fcm.MockFcmService;
import dev.herald.testing.fcm.ReceivedFcmMessage;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two casino brands in one Herald, over the real protocols against herald-testing's mock
 * services: each device is reached with its own brand's credentials (VAPID key pair, Apple
 * signing key and topic, Firebase project), a campaign aimed at one brand reaches only that
 * brand's devices, and the statistics split by brand.
 */
class BrandsOverMockServicesTest {
  static final Brand LUCKY = Brand.of("lucky-spins");
  static final Brand GOLDEN = Brand.of("golden-reels");
  static final String LUCKY_BUNDLE = "com.example.luckyspins";
  static final String GOLDEN_BUNDLE = "com.example.goldenreels";

  final MockApnsCredentials.SigningKey luckyKey =
      MockApnsCredentials.signingKey("LUCKY12345", "LKEY123456");
  final MockApnsCredentials.SigningKey goldenKey =
      MockApnsCredentials.signingKey("GOLDEN1234", "GKEY123456");
  final VapidKeys luckyVapid = VapidKeys.generate();
  final VapidKeys goldenVapid = VapidKeys.generate();
  MockWebPushService webPush;
  MockApnsServer apns;
  MockFcmService luckyFcm;
  MockFcmService goldenFcm;
  Herald herald;

  @BeforeEach
  void start() throws Exception {
    webPush = MockWebPushService.builder().https().start();
    apns = MockApnsServer.builder().trust(luckyKey).trust(goldenKey)
        .topics(LUCKY_BUNDLE, GOLDEN_BUNDLE).start();
    luckyFcm = MockFcmService.builder().projectId("lucky-spins-app").start();
    goldenFcm = MockFcmService.builder().projectId("golden-reels-app").start();
    InMemoryPlayerDirectory players = new InMemoryPlayerDirectory();
    for (String id : List.of("ada", "bo", "chiara")) {
      players.put(PlayerProfile.builder(id).build());
    }
    herald = Herald.builder()
        .playerDirectory(players)
        .provider(LUCKY, webPushProvider(luckyVapid))
        .provider(GOLDEN, webPushProvider(goldenVapid))
        .provider(LUCKY, apnsProvider(luckyKey))
        .provider(GOLDEN, apnsProvider(goldenKey))
        .provider(LUCKY, fcmProvider(luckyFcm))
        .provider(GOLDEN, fcmProvider(goldenFcm))
        .build();
    for (String id : List.of("ada", "bo", "chiara")) {
      herald.subscriptions().updatePreferences(id, true, Set.of("promotions"));
    }
  }

  @AfterEach
  void stop() throws Exception {
    herald.close();
    webPush.close();
    apns.close();
    luckyFcm.close();
    goldenFcm.close();
  }

  WebPushProvider webPushProvider(VapidKeys vapid) {
    return WebPushProvider.builder().vapid(vapid, "mailto:push@casino.example")
        .allowHost(webPush.host()).trustedCertificates(webPush.certificate()).build();
  }

  ApnsProvider apnsProvider(MockApnsCredentials.SigningKey key) {
    return ApnsProvider.builder()
        .signingKey(ApnsSigningKey.of(key.privateKey(), key.teamId(), key.keyId()))
        .endpoint(apns.endpoint()).trustedCertificates(apns.certificate()).build();
  }

  static FcmProvider fcmProvider(MockFcmService fcm) {
    return FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(fcm.serviceAccountJson()))
        .baseUrl(fcm.baseUrl()).trustCertificate(fcm.certificate()).build();
  }

  static Content promo(String title) {
    return Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL).title(title)
        .build());
  }

  /** A browser subscribed with the brand's VAPID public key, as the brand's site does. */
  MockSubscription browser(Brand brand, VapidKeys vapid, String player, String device) {
    MockSubscription subscription = webPush.newSubscription(vapid.publicKeyBase64Url());
    herald.subscriptions().permissionGranted(brand, player, device, subscription.address());
    return subscription;
  }

  static <T> T await(java.util.concurrent.CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void eachDeviceIsReachedWithItsOwnBrandsCredentials() throws Exception {
    // ada plays on both brands: a browser on each site, the Golden Reels app on her iPhone
    MockSubscription adaLucky = browser(LUCKY, luckyVapid, "ada", "lucky-browser");
    MockSubscription adaGolden = browser(GOLDEN, goldenVapid, "ada", "golden-browser");
    String adaPhone = "a1".repeat(32);
    herald.subscriptions().permissionGranted(GOLDEN, "ada", "golden-iphone",
        ApnsAddress.production(adaPhone, GOLDEN_BUNDLE));
    String boPhone = "b2".repeat(32);
    herald.subscriptions().permissionGranted(LUCKY, "bo", "lucky-iphone",
        ApnsAddress.production(boPhone, LUCKY_BUNDLE));
    herald.subscriptions().permissionGranted(LUCKY, "bo", "lucky-android",
        new FcmAddress("bo-lucky-token"));
    herald.subscriptions().permissionGranted(GOLDEN, "chiara", "golden-android",
        new FcmAddress("chiara-golden-token"));

    DispatchReport report = await(herald.dispatch(DispatchRequest.builder("friday-spins",
            Audience.players(List.of("ada", "bo", "chiara")))
        .content(promo("Friday free spins")).build()).completion());

    assertThat(report.stats().delivered()).isEqualTo(6);
    assertThat(report.stats().failed()).isZero();
    // Web Push: the mock refuses a message signed with another key than the subscription's
    assertThat(webPush.messages()).hasSize(2).allSatisfy(m -> assertThat(m.vapidPublicKey())
        .contains(m.subscriptionId().equals(adaLucky.id()) ? luckyVapid.publicKeyBase64Url()
            : goldenVapid.publicKeyBase64Url()));
    assertThat(webPush.messages()).extracting(ReceivedWebPush::subscriptionId)
        .containsExactlyInAnyOrder(adaLucky.id(), adaGolden.id());
    // APNs: each brand's token signed by its own team's key, to its own topic
    assertThat(apns.received()).hasSize(2).allSatisfy(n -> assertThat(n.accepted()).isTrue());
    MockApnsNotification toAda = apns.received().stream()
        .filter(n -> n.deviceToken().equals(adaPhone)).findFirst().orElseThrow();
    assertThat(toAda.keyId()).contains(goldenKey.keyId());
    assertThat(toAda.topic()).contains(GOLDEN_BUNDLE);
    MockApnsNotification toBo = apns.received().stream()
        .filter(n -> n.deviceToken().equals(boPhone)).findFirst().orElseThrow();
    assertThat(toBo.keyId()).contains(luckyKey.keyId());
    assertThat(toBo.topic()).contains(LUCKY_BUNDLE);
    // FCM: each brand's Firebase project
    assertThat(luckyFcm.messages()).extracting(m -> m.token().orElseThrow())
        .containsExactly("bo-lucky-token");
    assertThat(luckyFcm.messages()).extracting(ReceivedFcmMessage::projectId)
        .containsExactly("lucky-spins-app");
    assertThat(goldenFcm.messages()).extracting(m -> m.token().orElseThrow())
        .containsExactly("chiara-golden-token");

    CampaignStats stats = herald.analytics().stats("friday-spins");
    assertThat(stats.byBrand()).containsOnlyKeys(LUCKY, GOLDEN);
    assertThat(stats.brand(LUCKY).delivered()).isEqualTo(3);
    assertThat(stats.brand(GOLDEN).delivered()).isEqualTo(3);
  }

  @Test
  void aCampaignForOneBrandReachesOnlyThatBrandsDevices() throws Exception {
    MockSubscription adaLucky = browser(LUCKY, luckyVapid, "ada", "lucky-browser");
    MockSubscription adaGolden = browser(GOLDEN, goldenVapid, "ada", "golden-browser");
    herald.subscriptions().permissionGranted(LUCKY, "bo", "lucky-android",
        new FcmAddress("bo-lucky-token"));
    herald.subscriptions().permissionGranted(GOLDEN, "chiara", "golden-android",
        new FcmAddress("chiara-golden-token"));

    herald.campaigns().create(Campaign.builder("golden-jackpot", "Golden Reels jackpot week")
        .audience(Audience.players(List.of("ada", "bo", "chiara")))
        .brand(GOLDEN)
        .content(promo("The jackpot week starts now"))
        .build());
    herald.campaigns().schedule("golden-jackpot");
    awaitCompleted("golden-jackpot");

    assertThat(webPush.messages()).extracting(ReceivedWebPush::subscriptionId)
        .containsExactly(adaGolden.id());
    assertThat(goldenFcm.messages()).hasSize(1);
    assertThat(luckyFcm.messages()).isEmpty();
    CampaignStats stats = herald.analytics().stats("golden-jackpot");
    assertThat(stats.byBrand()).containsOnlyKeys(GOLDEN);
    assertThat(stats.brand(GOLDEN).delivered()).isEqualTo(2);
    assertThat(stats.brand(GOLDEN).suppressedByReason())
        .as("bo has no Golden Reels device").containsEntry("NO_DEVICE", 1L);
  }

  void awaitCompleted(String campaignId) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (herald.campaigns().find(campaignId).orElseThrow().state()
        != dev.herald.campaign.CampaignState.COMPLETED) {
      assertThat(System.nanoTime()).as("campaign completed within 30 s").isLessThan(deadline);
      Thread.sleep(5);
    }
  }
}
