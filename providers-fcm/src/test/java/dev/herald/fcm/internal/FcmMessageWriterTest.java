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
}
