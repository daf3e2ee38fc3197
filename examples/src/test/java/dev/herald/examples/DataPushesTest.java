package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.campaign.Campaign;
import dev.herald.content.Content;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.MutableClock;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import dev.herald.testing.fcm.MockFcmService;
import dev.herald.testing.fcm.ReceivedFcmMessage;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerRule;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data pushes end to end: triggers, campaigns, transactional sends and dispatch with DATA and
 * LIVE_ACTIVITY content, through the real providers to herald-testing's mock APNs, FCM and Web
 * Push services, which check what a device would receive.
 */
class DataPushesTest {
  static final String BUNDLE = "com.example.casino";
  static final NotificationType WALLET =
      NotificationType.custom("WALLET", Purpose.SERVICE, "wallet");
  static final NotificationType LIVE_ODDS =
      NotificationType.custom("LIVE_ODDS", Purpose.MARKETING, "sports").withoutSharedCaps();
  static final DeliveryPolicy ONE_PROMOTION_A_DAY = DeliveryPolicy.builder()
      .cap(FrequencyCap.marketing(1, CapWindow.rolling(Duration.ofDays(1))))
      .build();
  static final MockApnsCredentials.SigningKey KEY =
      MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");

  final MutableClock clock = MutableClock.at("2026-11-22T19:00:00Z");
  final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
  final InMemoryPlayerDirectory players = new InMemoryPlayerDirectory();
  final BlockingQueue<DispatchReport> reports = new LinkedBlockingQueue<>();
  MockApnsServer apns;
  MockFcmService fcm;
  MockWebPushService webPush;
  Herald herald;
  MockSubscription aliceBrowser;
  ApnsAddress aliceIphone;
  ApnsAddress aliceMatch;

  @BeforeEach
  void start() throws Exception {
    apns = MockApnsServer.builder().trust(KEY).topics(BUNDLE).clock(clock).start();
    fcm = MockFcmService.builder().clock(clock).start();
    webPush = MockWebPushService.builder().https().clock(clock).start();
    VapidKeys vapid = VapidKeys.generate();
    herald = Herald.builder()
        .clock(clock)
        .playerDirectory(players)
        .deliveryStore(deliveries)
        .provider(ApnsProvider.builder()
            .signingKey(ApnsSigningKey.of(KEY.privateKey(), KEY.teamId(), KEY.keyId()))
            .endpoint(apns.endpoint()).trustedCertificates(apns.certificate()).clock(clock)
            .build())
        .provider(FcmProvider.builder()
            .serviceAccount(ServiceAccount.fromJson(fcm.serviceAccountJson()))
            .baseUrl(fcm.baseUrl()).trustCertificate(fcm.certificate()).clock(clock).build())
        .provider(WebPushProvider.builder().vapid(vapid, "mailto:push@casino.example")
            .clock(clock).allowHost(webPush.host())
            .trustedCertificates(webPush.certificate()).build())
        .listener(new HeraldListener() {
          @Override
          public void dispatchFinished(DispatchReport report) {
            reports.add(report);
          }
        })
        .build();

    // alice: consent, an iPhone, an Android phone, a browser, and the Live Activity of a match
    players.put(PlayerProfile.builder("alice").attribute("balance", "120.50").build());
    herald.subscriptions().updatePreferences("alice", true, Set.of());
    aliceIphone = ApnsAddress.production(token(1), BUNDLE);
    herald.subscriptions().permissionGranted("alice", "iphone", aliceIphone);
    herald.subscriptions().permissionGranted("alice", "android", new FcmAddress("alice-fcm"));
    aliceBrowser = webPush.newSubscription(vapid.publicKeyBase64Url());
    herald.subscriptions().permissionGranted("alice", "browser", aliceBrowser.address());
    aliceMatch = ApnsAddress.liveActivity(token(2), BUNDLE, ApnsEnvironment.PRODUCTION);
    herald.subscriptions().permissionGranted("alice", "match-8812", aliceMatch);
    // bob: no marketing consent, an Android phone
    players.put(PlayerProfile.builder("bob").attribute("balance", "7.00").build());
    herald.subscriptions().updatePreferences("bob", false, Set.of());
    herald.subscriptions().permissionGranted("bob", "android", new FcmAddress("bob-fcm"));
  }

  @AfterEach
  void stop() throws Exception {
    herald.close();
    apns.close();
    fcm.close();
    webPush.close();
  }

  static String token(int n) {
    byte[] bytes = new byte[32];
    bytes[31] = (byte) n;
    return HexFormat.of().formatHex(bytes);
  }

  /** The report of the next run of a source to finish. */
  DispatchReport finished(String sourceId) throws InterruptedException {
    while (true) {
      DispatchReport report = reports.poll(30, TimeUnit.SECONDS);
      assertThat(report).as("a run of " + sourceId + " finished").isNotNull();
      if (report.sourceId().equals(sourceId)) {
        return report;
      }
    }
  }

  DeliveryRecord record(String source, String step, String player, String device) {
    return deliveries.find(DeliveryRecord.key(source, step, player, device)).orElseThrow();
  }

  @Test
  void aDepositTriggersABalanceRefreshThatEveryProviderSendsAsDataOnly() throws Exception {
    herald.triggers().define(TriggerRule.builder("balance-refresh", "Refresh the balance")
        .on(PlayerEventType.DEPOSIT)
        .content(Content.of(MessageTemplate.builder().kind(ContentKind.DATA).type(WALLET)
            .data("balance", "{{balance_after}}").collapseKey("balance").build()))
        .build());

    herald.triggers().report(PlayerEvent.builder("dep-1", "alice", PlayerEventType.DEPOSIT,
        clock.instant()).attribute("balance_after", "170.50").build());
    DispatchReport report = finished("rule:balance-refresh");

    assertThat(report.stats().delivered()).as("iPhone, Android, browser; not the match")
        .isEqualTo(3);
    for (String device : List.of("iphone", "android", "browser")) {
      assertThat(record("rule:balance-refresh", "dep-1", "alice", device).state())
          .as(device).isEqualTo(DeliveryState.DELIVERED);
    }
    // APNs: a background push, priority 5, content-available and no alert
    MockApnsNotification ios = apns.takeNotification(Duration.ofSeconds(5));
    assertThat(ios.deviceToken()).isEqualTo(aliceIphone.deviceToken());
    assertThat(ios.pushType()).contains("background");
    assertThat(ios.priority()).contains("5");
    assertThat(ios.payloadProblems()).isEmpty();
    assertThat(ios.payloadJson().path("balance").asText()).isEqualTo("170.50");
    // FCM: a data-only message with string values
    ReceivedFcmMessage android = fcm.messages().get(0);
    assertThat(android.dataOnly()).isTrue();
    assertThat(android.data()).containsEntry("balance", "170.50");
    assertThat(android.message().at("/apns/headers/apns-push-type").asText())
        .isEqualTo("background");
    // Web Push: the decrypted payload has no notification fields
    ReceivedWebPush browser = webPush.takeMessage(Duration.ofSeconds(5));
    JsonNode json = browser.json();
    assertThat(json.has("title")).isFalse();
    assertThat(json.has("body")).isFalse();
    assertThat(json.path("data").path("balance").asText()).isEqualTo("170.50");
    assertThat(json.path("type").asText()).isEqualTo("WALLET");
    assertThat(json.path("deliveryId").asText())
        .isEqualTo(record("rule:balance-refresh", "dep-1", "alice", "browser").deliveryId());
  }

  @Test
  void liveOddsObeyConsentAndLeaveThePromotionCapToPromotions() throws Exception {
    Content odds = Content.of(MessageTemplate.builder().kind(ContentKind.DATA).type(LIVE_ODDS)
        .data("match", "8812").data("home", "1.85").data("away", "4.20").build());
    herald.campaigns().create(Campaign.builder("odds-8812", "Live odds, match 8812")
        .audience(Audience.players(List.of("alice", "bob"))).content(odds)
        .policy(ONE_PROMOTION_A_DAY).build());
    herald.campaigns().schedule("odds-8812");
    DispatchReport oddsReport = finished("odds-8812");

    assertThat(oddsReport.stats().delivered()).isEqualTo(3);
    assertThat(oddsReport.stats().suppressedByReason())
        .containsExactly(entry(Suppression.NO_CONSENT, 1L));
    String step = oddsReport.step();
    assertThat(record("odds-8812", step, "bob", "android").reason())
        .isEqualTo(Suppression.NO_CONSENT);
    assertThat(fcm.messages()).extracting(m -> m.token().orElseThrow())
        .containsExactly("alice-fcm");

    // a balance refresh (SERVICE) reaches bob whatever his consent
    DispatchReport balance = herald.transactional().send("bob", Content.of(
        MessageTemplate.builder().kind(ContentKind.DATA).type(WALLET)
            .data("balance", "{{balance}}").build()), "deposit-77").get(30, TimeUnit.SECONDS);
    assertThat(balance.stats().delivered()).isEqualTo(1);

    // the day's one promotion still goes out: the live odds did not use it up
    DispatchReport promo = herald.dispatch(DispatchRequest.builder("promo-1",
            Audience.player("alice"))
        .content(Content.of(MessageTemplate.builder().title("50 free spins tonight").build()))
        .policy(ONE_PROMOTION_A_DAY).build()).completion().get(30, TimeUnit.SECONDS);
    assertThat(promo.stats().delivered()).isEqualTo(3);
    DispatchReport second = herald.dispatch(DispatchRequest.builder("promo-2",
            Audience.player("alice"))
        .content(Content.of(MessageTemplate.builder().title("Last call").build()))
        .policy(ONE_PROMOTION_A_DAY).build()).completion().get(30, TimeUnit.SECONDS);
    assertThat(second.stats().suppressedByReason())
        .containsExactly(entry(Suppression.FREQUENCY_CAP, 3L));
  }

  @Test
  void aGoalUpdatesTheLiveActivityOfThoseFollowingTheMatch() throws Exception {
    Content goal = Content.of(MessageTemplate.builder().type(WALLET)
        .liveActivity(LiveActivity.update("match-8812")
            .contentState(Map.of("home", 2, "away", 1, "minute", 67))
            .timestamp(clock.instant()).build())
        .title("GOAL! 2–1").build());

    DispatchReport report = herald.dispatch(DispatchRequest.builder("match-8812-goal-3",
            Audience.players(List.of("alice", "bob"))).content(goal).build())
        .completion().get(30, TimeUnit.SECONDS);

    assertThat(report.stats().delivered()).isEqualTo(1);
    assertThat(report.stats().suppressedByReason())
        .containsExactly(entry(Suppression.NO_DEVICE, 1L));
    MockApnsNotification update = apns.takeNotification(Duration.ofSeconds(5));
    assertThat(update.deviceToken()).isEqualTo(aliceMatch.deviceToken());
    assertThat(update.pushType()).contains("liveactivity");
    assertThat(update.topic()).contains(BUNDLE + ".push-type.liveactivity");
    assertThat(update.payloadProblems()).isEmpty();
    assertThat(update.payloadJson().at("/aps/content-state/home").asInt()).isEqualTo(2);
    assertThat(update.payloadJson().at("/aps/alert/title").asText()).isEqualTo("GOAL! 2–1");
    assertThat(apns.received()).hasSize(1);
    assertThat(fcm.messages()).isEmpty();
    assertThat(webPush.messages()).isEmpty();
    assertThat(record("match-8812-goal-3", "", "alice", "match-8812").state())
        .isEqualTo(DeliveryState.DELIVERED);
  }
}
