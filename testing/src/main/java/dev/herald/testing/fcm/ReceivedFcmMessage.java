package dev.herald.testing.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A message the {@link MockFcmService} received and found valid.
 *
 * @param projectId the project in the request path
 * @param clientEmail the service account whose access token authorized the send
 * @param validateOnly whether the request asked for validation only
 * @param message the {@code message} object as received; treat it as read-only
 */
public record ReceivedFcmMessage(
    String projectId, String clientEmail, boolean validateOnly, JsonNode message) {

  /** @return the registration token the message was sent to, if any */
  public Optional<String> token() {
    return text("token");
  }

  /** @return the topic the message was sent to, if any */
  public Optional<String> topic() {
    return text("topic");
  }

  /** @return the condition the message was sent to, if any */
  public Optional<String> condition() {
    return text("condition");
  }

  /** @return {@code notification.title}, if any */
  public Optional<String> title() {
    JsonNode node = message.path("notification").path("title");
    return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
  }

  /** @return {@code notification.body}, if any */
  public Optional<String> body() {
    JsonNode node = message.path("notification").path("body");
    return node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
  }

  /**
   * Whether this is a data-only message: no {@code notification} at the top or in the
   * {@code android} and {@code webpush} overrides, and no {@code aps.alert}, so that the app
   * receives it in {@code onMessageReceived} and nothing is displayed.
   *
   * @return true for a data-only message
   */
  public boolean dataOnly() {
    return !message.has("notification")
        && !message.path("android").has("notification")
        && !message.path("webpush").has("notification")
        && !message.path("apns").path("payload").path("aps").has("alert");
  }

  /** @return the {@code data} entries, in the order received */
  public Map<String, String> data() {
    Map<String, String> data = new LinkedHashMap<>();
    message.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
    return data;
  }

  private Optional<String> text(String field) {
    JsonNode node = message.get(field);
    return node != null && node.isTextual() ? Optional.of(node.asText()) : Optional.empty();
  }
}
