package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.testing.MutableClock;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DATA and LIVE_ACTIVITY content on the wire, as the mock APNs checks it. */
class ApnsDataPushTest {
  private final MutableClock clock = MutableClock.at(ApnsFixtures.NOW);
  private MockApnsServer server;
  private ApnsProvider provider;

  @BeforeEach
  void start() throws Exception {
    server = MockApnsServer.builder().trust(KEY).topics(TOPIC).clock(clock).start();
    provider = ApnsFixtures.tokenProvider(server).clock(clock).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private MockApnsNotification sent(Notification n, ApnsAddress to) throws Exception {
    SendResult result = await(provider.send(PushMessage.of("d-1", to, n, clock.instant())));
    assertThat(result).isInstanceOf(SendResult.Accepted.class);
    MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
    assertThat(received.payloadProblems()).isEmpty();
    return received;
  }

  @Test
  void aDataPushIsABackgroundPushWithPriorityFiveAndNoAlert() throws Exception {
    Notification balance = Notification.builder().kind(ContentKind.DATA)
        .urgency(Urgency.HIGH) // a background push is priority 5 whatever the urgency
        .data("balance", "120.50").collapseKey("balance").build();

    MockApnsNotification received =
        sent(balance, ApnsAddress.production(randomToken(), TOPIC));

    assertThat(received.pushType()).contains("background");
    assertThat(received.priority()).contains("5");
    assertThat(received.topic()).contains(TOPIC);
    assertThat(received.collapseId()).contains("balance");
    JsonNode payload = received.payloadJson();
    assertThat(payload.at("/aps/content-available").asInt()).isEqualTo(1);
    assertThat(payload.path("aps").size()).as("aps holds content-available only").isEqualTo(1);
    assertThat(payload.path("balance").asText()).isEqualTo("120.50");
    assertThat(payload.path("deliveryId").asText()).isEqualTo("d-1");
  }

  @Test
  void aLiveActivityUpdateGoesToTheActivityTokenWithItsPushTypeTopicAndApsFields()
      throws Exception {
    Instant goalAt = Instant.parse("2026-11-22T09:59:30Z");
    Notification goal = Notification.builder()
        .liveActivity(LiveActivity.update("match-8812")
            .contentState(Map.of("home", 2, "away", 1, "minute", 67))
            .timestamp(goalAt).staleDate(goalAt.plusSeconds(600)).build())
        .title("GOAL! 2–1").body("Müller, 67'").build();

    MockApnsNotification received = sent(goal,
        ApnsAddress.liveActivity(randomToken(), TOPIC, ApnsEnvironment.PRODUCTION));

    assertThat(received.pushType()).contains("liveactivity");
    assertThat(received.topic()).contains(TOPIC + ".push-type.liveactivity");
    assertThat(received.priority()).contains("5");
    JsonNode aps = received.payloadJson().path("aps");
    assertThat(aps.path("timestamp").asLong()).isEqualTo(goalAt.getEpochSecond());
    assertThat(aps.path("event").asText()).isEqualTo("update");
    assertThat(aps.path("content-state").path("home").asInt()).isEqualTo(2);
    assertThat(aps.path("stale-date").asLong()).isEqualTo(goalAt.getEpochSecond() + 600);
    assertThat(aps.at("/alert/title").asText()).isEqualTo("GOAL! 2–1");
    assertThat(aps.has("dismissal-date")).isFalse();
  }

  @Test
  void theEndOfAnActivityWithoutATimestampIsStampedWithTheSendTimeAndHighUrgencyIsPriorityTen()
      throws Exception {
    Notification end = Notification.builder().urgency(Urgency.HIGH)
        .liveActivity(LiveActivity.end("match-8812")
            .contentStateJson("{\"home\":3,\"away\":1}")
            .dismissalDate(ApnsFixtures.NOW.plusSeconds(1800)).build())
        .build();

    MockApnsNotification received = sent(end,
        ApnsAddress.liveActivity(randomToken(), TOPIC, ApnsEnvironment.PRODUCTION));

    JsonNode aps = received.payloadJson().path("aps");
    assertThat(received.priority()).contains("10");
    assertThat(aps.path("event").asText()).isEqualTo("end");
    assertThat(aps.path("timestamp").asLong()).isEqualTo(clock.instant().getEpochSecond());
    assertThat(aps.path("dismissal-date").asLong())
        .isEqualTo(ApnsFixtures.NOW.plusSeconds(1800).getEpochSecond());
    assertThat(aps.has("alert")).isFalse();
  }

  @Test
  void contentAndTokenOfDifferentKindsAreRefusedBeforeAnyRequest() throws Exception {
    Notification update = Notification.builder()
        .liveActivity(LiveActivity.update("m").contentState(Map.of("home", 1)).build()).build();
    SendResult toDevice = await(provider.send(PushMessage.of("d-1",
        ApnsAddress.production(randomToken(), TOPIC), update, clock.instant())));
    SendResult promoToActivity = await(provider.send(PushMessage.of("d-2",
        ApnsAddress.liveActivity(randomToken(), TOPIC, ApnsEnvironment.PRODUCTION),
        Notification.builder().title("Free spins").build(), clock.instant())));

    assertThat(toDevice).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.INVALID_MESSAGE);
      assertThat(r.reason()).contains("address").contains(".push-type.liveactivity");
    });
    assertThat(promoToActivity).isInstanceOfSatisfying(SendResult.Rejected.class,
        r -> assertThat(r.reason()).contains("only LIVE_ACTIVITY content"));
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void theMockRefusesALiveActivityPushWithoutTheTopicSuffix() throws Exception {
    // ApnsNotification checks the suffix itself, so the raw payload goes with an ALERT type to
    // the activity topic: the mock answers InvalidPushType.
    ApnsNotification wrongType = ApnsNotification.builder(
            ApnsAddress.liveActivity(randomToken(), TOPIC, ApnsEnvironment.PRODUCTION))
        .pushType(ApnsPushType.ALERT)
        .payload(ApnsPayload.builder().alertTitle("x").build())
        .build();
    SendResult result = await(provider.send(wrongType));
    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class,
        r -> assertThat(r.reason()).contains("InvalidPushType"));
  }

  @Test
  void theMockListsWhatADeviceWouldIgnoreInABackgroundPush() throws Exception {
    ApnsNotification withAlert = ApnsNotification.builder(
            ApnsAddress.production(randomToken(), TOPIC))
        .pushType(ApnsPushType.BACKGROUND)
        .payload(ApnsPayload.builder().alertTitle("Balance updated").build())
        .build();
    await(provider.send(withAlert));
    MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
    assertThat(received.payloadProblems()).containsExactly(
        "aps.content-available must be 1 on a background push",
        "aps.alert must not be on a background push");
  }

  @Test
  void theLargestDataPushAndLiveActivityUpdateHeraldAcceptsFitTheApnsLimit() {
    Notification.Builder data = Notification.builder().kind(ContentKind.DATA);
    for (String key : new String[] {"a", "b", "c"}) {
      data.data(key, "x".repeat(1016)); // 3,070 bytes of JSON, the most Herald accepts
    }
    String deliveryId = "d".repeat(128);
    assertThat(ApnsPayload.from(data.build(), deliveryId, clock.instant()).size())
        .isLessThanOrEqualTo(ApnsPayload.MAX_BYTES);

    Notification update = Notification.builder().sound("x".repeat(64))
        .liveActivity(LiveActivity.end("m".repeat(LiveActivity.MAX_ACTIVITY_ID_CHARS))
            .contentState(Map.of("history", "x".repeat(2000)))
            .timestamp(clock.instant()).staleDate(clock.instant())
            .dismissalDate(clock.instant()).build())
        .title("t".repeat(256)).body("b".repeat(790)).build();
    assertThat(ApnsPayload.from(update, deliveryId, clock.instant()).size())
        .isLessThanOrEqualTo(ApnsPayload.MAX_BYTES);
  }
}
