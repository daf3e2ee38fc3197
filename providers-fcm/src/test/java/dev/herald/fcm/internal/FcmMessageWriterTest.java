package dev.herald.fcm.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.fcm.FcmTarget;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FcmMessageWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
  private final FcmMessageWriter writer = new FcmMessageWriter(null, null, false);

  @Test
  void thePayloadSizeIsTheMessageWithoutItsTarget() throws Exception {
    Notification n = Notification.builder().title("Bonus ünlocked").body("€10").build();

    FcmMessageWriter.Encoded encoded = writer.encode(
        FcmTarget.token("t".repeat(300)), "d-1", n, NOW.plusSeconds(60), NOW);

    JsonNode body = JSON.readTree(encoded.body());
    assertThat(body.path("validate_only").asBoolean(true)).isFalse();
    ObjectNode message = (ObjectNode) body.path("message").deepCopy();
    assertThat(message.remove("token").asText()).hasSize(300);
    assertThat(encoded.payloadBytes())
        .isEqualTo(JSON.writeValueAsString(message).getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void emojiAreWrittenAsUtf8AndCountedInUtf8Bytes() throws Exception {
    String body = "\uD83C\uDFB0".repeat(600); // 🎰: 4 bytes of UTF-8 each
    Notification n = Notification.builder().title("Jackpot").body(body)
        .action(dev.herald.content.Action.of("spin", "Spin \uD83C\uDFB0"))
        .data("prize", "\uD83D\uDCB0").build();

    FcmMessageWriter.Encoded encoded = writer.encode(FcmTarget.topic("x"), "d-1", n, NOW, NOW);

    String text = new String(encoded.body(), StandardCharsets.UTF_8);
    assertThat(text).contains(body).contains("\uD83D\uDCB0").doesNotContain("\\uD83C");
    assertThat(JSON.readTree(encoded.body()).at("/message/notification/body").asText())
        .isEqualTo(body);
    assertThat(encoded.payloadBytes()).isLessThan(2400 + 400) // escaped, the body alone is 7,200
        .isLessThanOrEqualTo(FcmMessageWriter.MAX_PAYLOAD_BYTES);
  }

  @ParameterizedTest
  @ValueSource(strings = {"from", "message_type", "google.analytics", "gcm.notification.x"})
  void refusesKeysFcmReserves(String key) {
    Notification n = Notification.builder().title("t").data(key, "v").build();

    assertThatThrownBy(() -> writer.encode(FcmTarget.topic("x"), "d", n, NOW, NOW))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("data[" + key + "]: is a key FCM reserves");
  }

  @Test
  void refusesHeraldsOwnPrefix() {
    Notification n = Notification.builder().title("t").data("herald_delivery_id", "x").build();

    assertThatThrownBy(() -> writer.encode(FcmTarget.topic("x"), "d", n, NOW, NOW))
        .hasMessageContaining("uses the herald_ prefix");
  }

  @Test
  void apnsPriorityFollowsTheUrgencyMapping() {
    assertThat(FcmMessageWriter.apnsPriority(Urgency.HIGH)).isEqualTo("10");
    assertThat(FcmMessageWriter.apnsPriority(Urgency.NORMAL)).isEqualTo("10");
    assertThat(FcmMessageWriter.apnsPriority(Urgency.LOW)).isEqualTo("5");
    assertThat(FcmMessageWriter.apnsPriority(Urgency.VERY_LOW)).isEqualTo("1");
  }

  @Test
  void aDeepLinkThatIsNotHttpsTravelsOnlyInData() throws Exception {
    Notification n = Notification.builder().title("t").deepLink("casino://lobby").build();

    JsonNode message = JSON.readTree(
        writer.encode(FcmTarget.topic("x"), "d", n, NOW.plus(Duration.ofHours(1)), NOW).body())
        .path("message");

    assertThat(message.path("data").path("herald_link").asText()).isEqualTo("casino://lobby");
    assertThat(message.path("webpush").has("fcm_options")).isFalse();
  }

  @Test
  void aCollapseKeyThatIsNotAWebPushTopicIsLeftOutOfTheWebPushHeaders() throws Exception {
    Notification n = Notification.builder().title("t").collapseKey("odds update: match 7").build();

    JsonNode message = JSON.readTree(
        writer.encode(FcmTarget.topic("x"), "d", n, NOW.plusSeconds(5), NOW).body())
        .path("message");

    assertThat(message.path("webpush").path("headers").has("Topic")).isFalse();
    assertThat(message.path("android").path("collapse_key").asText())
        .isEqualTo("odds update: match 7");
  }

  @Test
  void reusesTheEncodedNotificationOnlyForTheSameNotificationTtlAndExpiry() throws Exception {
    Notification jackpot = Notification.builder().title("Jackpot").data("game", "slots").build();
    Notification cashback = Notification.builder().title("Cashback").build();
    Instant expires = NOW.plus(Duration.ofHours(1));

    JsonNode a = message(writer.encode("token", "t-1", "d-1", jackpot, expires, NOW));
    JsonNode b = message(writer.encode("topic", "news", "d-2", cashback, expires, NOW));
    JsonNode c = message(writer.encode("token", "t\"3", "d-3", jackpot, expires, NOW));
    JsonNode d = message(writer.encode("token", "t-4", "d-4", jackpot, expires, NOW.plusSeconds(1)));

    assertThat(a.path("notification").path("title").asText()).isEqualTo("Jackpot");
    assertThat(a.path("token").asText()).isEqualTo("t-1");
    assertThat(a.path("data").toString())
        .isEqualTo("{\"game\":\"slots\",\"herald_delivery_id\":\"d-1\"}");
    assertThat(b.path("notification").path("title").asText()).isEqualTo("Cashback");
    assertThat(b.path("topic").asText()).isEqualTo("news");
    assertThat(b.path("data").toString()).isEqualTo("{\"herald_delivery_id\":\"d-2\"}");
    assertThat(c.path("token").asText()).isEqualTo("t\"3");
    assertThat(c.path("data").path("herald_delivery_id").asText()).isEqualTo("d-3");
    assertThat(c.path("android").path("ttl").asText()).isEqualTo("3600s");
    assertThat(d.path("android").path("ttl").asText()).isEqualTo("3599s");
  }

  private static JsonNode message(FcmMessageWriter.Encoded encoded) throws Exception {
    return JSON.readTree(encoded.body()).path("message");
  }

  /** The largest DATA content Herald accepts: three values making 3,070 bytes of JSON. */
  static Notification largestDataPush() {
    Notification.Builder b = Notification.builder().kind(dev.herald.content.ContentKind.DATA)
        .urgency(Urgency.HIGH).collapseKey("c".repeat(Notification.MAX_COLLAPSE_KEY_BYTES));
    for (String key : new String[] {"a", "b", "c"}) {
      b.data(key, "x".repeat(1016));
    }
    return b.build();
  }

  @Test
  void aDataPushIsADataOnlyMessageWithABackgroundApnsOverride() throws Exception {
    Notification n = Notification.builder().kind(dev.herald.content.ContentKind.DATA)
        .urgency(Urgency.HIGH).data("balance", "120.50").collapseKey("balance").build();

    JsonNode message = JSON.readTree(writer.encode(FcmTarget.token("t-1"), "d-1", n,
        NOW.plusSeconds(300), NOW).body()).path("message");

    assertThat(message.has("notification")).isFalse();
    assertThat(message.path("android").has("notification")).isFalse();
    assertThat(message.path("webpush").has("notification")).isFalse();
    assertThat(message.at("/android/priority").asText()).isEqualTo("HIGH");
    assertThat(message.at("/android/ttl").asText()).isEqualTo("300s");
    assertThat(message.at("/android/collapse_key").asText()).isEqualTo("balance");
    assertThat(message.at("/apns/headers/apns-push-type").asText()).isEqualTo("background");
    assertThat(message.at("/apns/headers/apns-priority").asText()).isEqualTo("5");
    assertThat(message.at("/apns/payload/aps").toString()).isEqualTo("{\"content-available\":1}");
    assertThat(message.at("/webpush/headers/Topic").asText()).isEqualTo("balance");
    assertThat(message.at("/data/balance").asText()).isEqualTo("120.50");
    assertThat(message.at("/data/herald_delivery_id").asText()).isEqualTo("d-1");
  }

  @Test
  void theLargestDataPushFitsTheFcmLimit() {
    FcmMessageWriter.Encoded encoded = writer.encode(FcmTarget.token("t-1"), "d".repeat(128),
        largestDataPush(), NOW.plus(Notification.MAX_TTL), NOW);
    assertThat(encoded.payloadBytes()).isLessThanOrEqualTo(FcmMessageWriter.MAX_PAYLOAD_BYTES);
  }

  @Test
  void aLiveActivityUpdateIsNotAnFcmMessage() {
    Notification n = Notification.builder().liveActivity(dev.herald.content.LiveActivity
        .update("match-1").contentState(java.util.Map.of("home", 1)).build()).build();
    assertThatThrownBy(() -> writer.encode(FcmTarget.token("t-1"), "d-1", n, NOW, NOW))
        .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("kind:");
  }
}
