package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static dev.herald.apns.ApnsFixtures.tokenProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.testing.apns.MockApnsServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApnsPayloadTest {
  private static MockApnsServer server;
  private static ApnsProvider provider;

  @BeforeAll
  static void start() throws Exception {
    server = MockApnsServer.builder().trust(KEY).recordNotifications(false).start();
    provider = tokenProvider(server).build();
  }

  @AfterAll
  static void stop() {
    provider.close();
    server.close();
  }

  @Test
  void writesEveryApsKeyAppleDefines() {
    ApnsPayload payload = ApnsPayload.builder()
        .alertTitle("Jackpot")
        .alertSubtitle("Mega Moolah")
        .alertBody("€1.2M and rising")
        .alertTitleLocalized("JACKPOT_TITLE", List.of("Mega"))
        .alertSubtitleLocalized("JACKPOT_SUB", List.of())
        .alertBodyLocalized("JACKPOT_BODY", List.of("1.2M", "EUR"))
        .launchImage("splash.png")
        .badge(7)
        .sound("chime.caf")
        .category("JACKPOT")
        .threadId("jackpots")
        .mutableContent(true)
        .contentAvailable(true)
        .interruptionLevel(ApnsInterruptionLevel.TIME_SENSITIVE)
        .relevanceScore(0.75)
        .targetContentId("jackpot-window")
        .apsField("stale-date", 1795428000)
        .customKey("game", Map.of("id", 42))
        .deepLink("casino://jackpots/mega")
        .build();

    assertThat(payload.json()).isEqualTo("{\"aps\":{\"alert\":{\"title\":\"Jackpot\","
        + "\"subtitle\":\"Mega Moolah\",\"body\":\"€1.2M and rising\","
        + "\"title-loc-key\":\"JACKPOT_TITLE\",\"title-loc-args\":[\"Mega\"],"
        + "\"subtitle-loc-key\":\"JACKPOT_SUB\",\"loc-key\":\"JACKPOT_BODY\","
        + "\"loc-args\":[\"1.2M\",\"EUR\"],\"launch-image\":\"splash.png\"},"
        + "\"badge\":7,\"sound\":\"chime.caf\",\"category\":\"JACKPOT\","
        + "\"thread-id\":\"jackpots\",\"mutable-content\":1,\"content-available\":1,"
        + "\"interruption-level\":\"time-sensitive\",\"relevance-score\":0.75,"
        + "\"target-content-id\":\"jackpot-window\",\"stale-date\":1795428000},"
        + "\"game\":{\"id\":42},\"deepLink\":\"casino://jackpots/mega\"}");
    assertThat(payload.size()).isEqualTo(payload.json().getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    assertThat(payload.toString()).isEqualTo("ApnsPayload{" + payload.size() + " bytes}");
  }

  @Test
  void writesACriticalSound() {
    assertThat(ApnsPayload.builder().criticalSound("alarm.caf", 0.5).build().json())
        .isEqualTo("{\"aps\":{\"sound\":{\"critical\":1,\"name\":\"alarm.caf\",\"volume\":0.5}}}");
  }

  @Test
  void refusesWhatAppleWouldNot() {
    assertThatThrownBy(() -> ApnsPayload.builder().build())
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
    assertThatThrownBy(() -> ApnsPayload.builder().customKey("aps", 1))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> ApnsPayload.builder().relevanceScore(1.5))
        .hasMessageContaining("apns.payload.relevanceScore");
    assertThatThrownBy(() -> ApnsPayload.builder().badge(-1))
        .hasMessageContaining("apns.payload.badge");
    assertThatThrownBy(() -> ApnsPayload.builder().customKey("thread", new Object()))
        .hasMessageContaining("apns.payload.thread");
    assertThatThrownBy(() -> ApnsPayload.builder().deepLink("not a link"))
        .hasMessageContaining("apns.payload.deepLink");
    assertThatThrownBy(() -> ApnsPayload.ofJson("[1,2]")).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> ApnsPayload.ofJson("{nope")).hasMessageContaining("not valid JSON");
  }

  @Test
  void takesJsonWrittenElsewhere() {
    assertThat(ApnsPayload.ofJson(" {\"aps\":{\"badge\":1}} ").json())
        .isEqualTo("{\"aps\":{\"badge\":1}}");
  }

  @Test
  void buildsFromAHeraldNotification() {
    Notification n = Notification.builder().title("Hi").data("a", "b").build();
    assertThat(ApnsPayload.from(n, "d-9").json()).isEqualTo(
        "{\"aps\":{\"alert\":{\"title\":\"Hi\"},\"thread-id\":\"promotions\"},"
            + "\"deliveryId\":\"d-9\",\"a\":\"b\"}");
  }

  @Test
  void emojiAreWrittenAsUtf8SoABodyOf600Fits() throws Exception {
    String body = "\uD83C\uDFB0".repeat(600); // 🎰: 4 bytes of UTF-8 each
    Notification n = Notification.builder().title("Jackpot \uD83D\uDC4D\uD83C\uDFFD")
        .body(body).build();

    ApnsPayload payload = ApnsPayload.from(n, "d-1");

    assertThat(payload.json()).contains(body).doesNotContain("\\u");
    assertThat(payload.size()).isEqualTo(payload.json().getBytes(StandardCharsets.UTF_8).length)
        .isLessThan(2400 + 200);
    PushMessage m = PushMessage.of("d-1", ApnsAddress.production(randomToken(), TOPIC), n,
        Instant.now());
    assertThat(await(provider.send(m)).outcome()).isEqualTo(SendResult.Outcome.ACCEPTED);
  }

  /** A payload of exactly {@code bytes} bytes. */
  private static ApnsPayload payloadOf(int bytes) {
    int base = ApnsPayload.builder().alertBody("x").customKey("pad", "").build().size();
    return ApnsPayload.builder().alertBody("x").customKey("pad", "p".repeat(bytes - base)).build();
  }

  @ParameterizedTest
  @CsvSource({"ALERT,4096", "BACKGROUND,4096", "VOIP,5120", "LIVEACTIVITY,4096"})
  void acceptsAPayloadAtTheLimitAndRefusesOneByteMoreWithoutSending(
      ApnsPushType type, int limit) throws Exception {
    String topic = TOPIC + type.topicSuffix().orElse("");
    ApnsNotification.Builder b = ApnsNotification.builder()
        .address(randomToken(), topic, ApnsEnvironment.PRODUCTION).pushType(type);
    assertThat(type.maxPayloadBytes()).isEqualTo(limit);

    SendResult atLimit = await(provider.send(b.payload(payloadOf(limit)).build()));
    int requestsBefore = server.requestCount();
    SendResult over = await(provider.send(b.payload(payloadOf(limit + 1)).build()));

    assertThat(atLimit.outcome()).isEqualTo(SendResult.Outcome.ACCEPTED);
    assertThat(over).isEqualTo(SendResult.rejected(RejectionKind.PAYLOAD_TOO_LARGE,
        "payload is " + (limit + 1) + " bytes, the limit is " + limit + " bytes for "
            + type.headerValue() + " notifications", 0));
    assertThat(server.requestCount()).isEqualTo(requestsBefore);
  }

  @Test
  void aHeraldNotificationTooLargeForApnsIsRejectedBeforeSending() throws Exception {
    Notification.Builder big = Notification.builder().title("t".repeat(256))
        .body("b".repeat(Notification.MAX_BODY_CHARS));
    for (int i = 0; i < 3; i++) {
      big.data("key" + i, "v".repeat(1000));
    }
    PushMessage m = PushMessage.of("d", ApnsAddress.production(randomToken(), TOPIC), big.build(),
        Instant.now());
    SendResult result = await(provider.send(m));
    assertThat(result).isInstanceOf(SendResult.Rejected.class);
    assertThat(result.reason()).matches("payload is \\d+ bytes, the limit is 4096 bytes for alert"
        + " notifications");
  }
}
