package dev.herald.testing.apns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A notification a {@link MockApnsServer} received, with how it was authenticated and what the
 * server answered.
 *
 * @param connectionIndex which connection carried it: 0 for the server's first connection
 * @param method the HTTP method
 * @param path the request path, {@code /3/device/<token>}
 * @param deviceToken the token from the path, or empty
 * @param headers every request header, names in lower case
 * @param payload the body as UTF-8
 * @param authentication how the sender authenticated
 * @param authorizationScheme the scheme of the {@code authorization} header as sent, for example
 *     {@code "bearer"}, or empty
 * @param keyId the {@code kid} of a verified provider token, or empty
 * @param tokenIssuedAt the {@code iat} of a verified provider token, or empty
 * @param status the HTTP status answered, 0 when it was not answered
 * @param reason the reason answered, or empty
 */
public record MockApnsNotification(
    int connectionIndex,
    String method,
    String path,
    String deviceToken,
    Map<String, List<String>> headers,
    String payload,
    Authentication authentication,
    Optional<String> authorizationScheme,
    Optional<String> keyId,
    Optional<Instant> tokenIssuedAt,
    int status,
    Optional<String> reason) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How a request authenticated. */
  public enum Authentication {
    /** A provider token in the {@code authorization} header. */
    TOKEN,
    /** A client certificate in the TLS handshake. */
    CERTIFICATE,
    /** Neither. */
    NONE
  }

  /**
   * The first value of a header.
   *
   * @param name the name, any case
   * @return the value, or empty
   */
  public Optional<String> header(String name) {
    List<String> values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /** @return the {@code apns-topic} header */
  public Optional<String> topic() {
    return header("apns-topic");
  }

  /** @return the {@code apns-push-type} header */
  public Optional<String> pushType() {
    return header("apns-push-type");
  }

  /** @return the {@code apns-priority} header */
  public Optional<String> priority() {
    return header("apns-priority");
  }

  /** @return the {@code apns-expiration} header */
  public Optional<String> expiration() {
    return header("apns-expiration");
  }

  /** @return the {@code apns-collapse-id} header */
  public Optional<String> collapseId() {
    return header("apns-collapse-id");
  }

  /** @return the {@code apns-id} header the sender chose */
  public Optional<String> apnsId() {
    return header("apns-id");
  }

  /**
   * The payload parsed.
   *
   * @return the JSON tree
   * @throws IllegalStateException when the payload is not JSON
   */
  public JsonNode payloadJson() {
    try {
      return JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the payload is not JSON: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * What a device would ignore in an accepted notification, by Apple's rules for its push type:
   *
   * <ul>
   *   <li>{@code background}: {@code aps.content-available} must be 1, {@code aps} must hold no
   *       {@code alert}, {@code sound} or {@code badge}, and {@code apns-priority} must be 5;
   *   <li>{@code liveactivity}: {@code aps.timestamp} must be a whole number of UNIX seconds,
   *       {@code aps.event} one of {@code start}, {@code update}, {@code end},
   *       {@code aps.content-state} an object, {@code dismissal-date} only on {@code end}, and a
   *       {@code start} needs {@code attributes-type}, {@code attributes} and an {@code alert}.
   * </ul>
   *
   * @return one line per problem, empty when the device would act on it
   */
  public List<String> payloadProblems() {
    List<String> problems = new java.util.ArrayList<>();
    JsonNode aps;
    try {
      aps = JSON.readTree(payload).path("aps");
    } catch (JsonProcessingException e) {
      return List.of("the payload is not JSON");
    }
    String type = pushType().orElse("alert");
    if (type.equals("background")) {
      if (aps.path("content-available").asInt() != 1) {
        problems.add("aps.content-available must be 1 on a background push");
      }
      for (String shown : List.of("alert", "sound", "badge")) {
        if (aps.has(shown)) {
          problems.add("aps." + shown + " must not be on a background push");
        }
      }
      if (!priority().orElse("10").equals("5")) {
        problems.add("apns-priority must be 5 on a background push");
      }
    } else if (type.equals("liveactivity")) {
      if (!aps.path("timestamp").canConvertToLong() || !aps.path("timestamp").isIntegralNumber()) {
        problems.add("aps.timestamp must be UNIX seconds on a Live Activity push");
      }
      String event = aps.path("event").asText("");
      if (!List.of("start", "update", "end").contains(event)) {
        problems.add("aps.event must be start, update or end, got '" + event + "'");
      }
      if (!aps.path("content-state").isObject()) {
        problems.add("aps.content-state must be an object on a Live Activity push");
      }
      if (aps.has("dismissal-date") && !event.equals("end")) {
        problems.add("aps.dismissal-date belongs to an end event only");
      }
      if (event.equals("start") && (!aps.path("attributes-type").isTextual()
          || !aps.path("attributes").isObject() || !aps.has("alert"))) {
        problems.add("a start event needs aps.attributes-type, aps.attributes and aps.alert");
      }
    }
    return problems;
  }

  /** @return true when the server answered 200 */
  public boolean accepted() {
    return status == 200;
  }

  /** Shows the essentials; the provider token is left out, as it is a bearer secret. */
  @Override
  public String toString() {
    return "MockApnsNotification{connection " + connectionIndex + ", " + method + " " + path
        + ", topic=" + topic().orElse("-") + ", pushType=" + pushType().orElse("-")
        + ", " + authentication + keyId.map(k -> " kid=" + k).orElse("")
        + ", " + payload.length() + " chars, answered " + status + reason.map(r -> " " + r)
        .orElse("") + "}";
  }
}
