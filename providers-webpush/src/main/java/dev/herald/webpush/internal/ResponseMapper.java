package dev.herald.webpush.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.internal.RetryAfter;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.time.Instant;

/**
 * Turns a push service's answer into a {@link SendResult} (RFC 8030 §5, §7, §8.4 and RFC 8292 §4):
 * 2xx accepted with {@code Location} as the message id; 404 and 410 an invalid address; 413, 400,
 * 401 and 403 rejected with a reason that says what to fix; 429 and 5xx retry later, honouring
 * {@code Retry-After}.
 */
public final class ResponseMapper {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REASON_CHARS = 300;

  private ResponseMapper() {}

  /**
   * Maps one response.
   *
   * @param status the HTTP status
   * @param location the {@code Location} header, or null
   * @param retryAfter the {@code Retry-After} header, or null
   * @param body the start of the response body, possibly empty
   * @param now the current time, for {@code Retry-After} dates and invalidation times
   * @return the result
   */
  public static SendResult map(
      int status, String location, String retryAfter, String body, Instant now) {
    if (status >= 200 && status < 300) {
      return SendResult.accepted(location, status);
    }
    String said = serviceText(body);
    return switch (status) {
      case 404 -> SendResult.invalidAddress(
          orDefault(said, "the subscription does not exist or has expired"), now, status);
      case 410 -> SendResult.invalidAddress(
          orDefault(said, "the subscription has been unsubscribed or has expired"), now, status);
      case 413 -> SendResult.rejected(RejectionKind.PAYLOAD_TOO_LARGE,
          "the push service says the payload is too large" + suffix(said), status);
      case 400 -> SendResult.rejected(RejectionKind.INVALID_MESSAGE,
          orDefault(said, "the push service refused the request as malformed (HTTP 400)"), status);
      case 401, 403 -> SendResult.rejected(RejectionKind.CREDENTIALS,
          "VAPID credentials refused: check that the VAPID public key is the"
              + " applicationServerKey the browser subscribed with, that the private key belongs"
              + " to it, and that the subject is a mailto: or https: contact URL"
              + suffix(said), status);
      case 408, 429 -> SendResult.retryLater(
          orDefault(said, status == 429 ? "rate limited by the push service" : "request timeout"),
          RetryAfter.parse(retryAfter, now).orElse(null), status);
      default -> status >= 500
          ? SendResult.retryLater(orDefault(said, "push service error (HTTP " + status + ")"),
              RetryAfter.parse(retryAfter, now).orElse(null), status)
          : SendResult.rejected(RejectionKind.OTHER,
              "unexpected HTTP " + status + " from the push service" + suffix(said), status);
    };
  }

  /**
   * The service's own words: the {@code reason} of Apple's JSON, the {@code message} and
   * {@code errno} of Mozilla's, else the text, on one line and shortened.
   */
  static String serviceText(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    String text = body.strip();
    if (text.startsWith("{")) {
      try {
        JsonNode json = JSON.readTree(text);
        if (json.hasNonNull("reason")) {
          text = json.get("reason").asText();
        } else if (json.hasNonNull("message")) {
          text = json.get("message").asText()
              + (json.hasNonNull("errno") ? " (errno " + json.get("errno").asText() + ")" : "");
        } else if (json.hasNonNull("error")) {
          text = json.get("error").isTextual()
              ? json.get("error").asText() : json.get("error").toString();
        }
      } catch (java.io.IOException notJson) {
        // keep the raw text
      }
    }
    text = text.replaceAll("\\s+", " ").strip();
    return text.length() > MAX_REASON_CHARS ? text.substring(0, MAX_REASON_CHARS) + "…" : text;
  }

  private static String orDefault(String said, String fallback) {
    return said.isEmpty() ? fallback : said;
  }

  private static String suffix(String said) {
    return said.isEmpty() ? "" : " (service said: " + said + ")";
  }
}
