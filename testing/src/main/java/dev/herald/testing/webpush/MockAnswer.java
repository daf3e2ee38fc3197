package dev.herald.testing.webpush;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A scripted answer the {@link MockWebPushService} gives instead of {@code 201 Created}, to test
 * how a sender handles each push service error. The request is still verified first: a malformed
 * request gets its {@code 400} or {@code 403} whatever was scripted.
 *
 * <pre>{@code
 * service.enqueue(MockAnswer.tooManyRequests(Duration.ofSeconds(30)));
 * subscription.enqueue(MockAnswer.gone());
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MockAnswer {
  private final int status;
  private final String body;
  private final Map<String, String> headers;

  private MockAnswer(int status, String body, Map<String, String> headers) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be an HTTP status (100-599), got " + status);
    }
    this.status = status;
    this.body = Objects.requireNonNull(body, "body");
    this.headers = Map.copyOf(headers);
  }

  /**
   * Any status with a JSON body in the style of Mozilla's autopush:
   * {@code {"code":status,"error":"…","message":"…"}}.
   *
   * @param status the HTTP status
   * @param message the message in the body
   * @return the answer
   */
  public static MockAnswer status(int status, String message) {
    String json = "{\"code\":" + status + ",\"error\":\"" + reasonPhrase(status)
        + "\",\"message\":\"" + message.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
    return new MockAnswer(status, json, Map.of("Content-Type", "application/json"));
  }

  /**
   * {@code 404 Not Found}: the subscription has expired (RFC 8030 §7.3).
   *
   * @return the answer
   */
  public static MockAnswer notFound() {
    return status(404, "Subscription not found or expired");
  }

  /**
   * {@code 410 Gone}: the user unsubscribed or the subscription expired.
   *
   * @return the answer
   */
  public static MockAnswer gone() {
    return status(410, "push subscription has unsubscribed or expired.");
  }

  /**
   * {@code 413 Payload Too Large}.
   *
   * @return the answer
   */
  public static MockAnswer payloadTooLarge() {
    return status(413, "Request body too large");
  }

  /**
   * {@code 400 Bad Request} with a message.
   *
   * @param message what the service objects to
   * @return the answer
   */
  public static MockAnswer badRequest(String message) {
    return status(400, message);
  }

  /**
   * {@code 401 Unauthorized}: VAPID missing on a restricted subscription.
   *
   * @return the answer
   */
  public static MockAnswer unauthorized() {
    return status(401, "Missing VAPID authorization");
  }

  /**
   * {@code 403 Forbidden} in Apple's form {@code {"reason":"…"}}.
   *
   * @param reason for example {@code BadJwtToken}
   * @return the answer
   */
  public static MockAnswer forbidden(String reason) {
    return new MockAnswer(403, "{\"reason\":\"" + reason + "\"}",
        Map.of("Content-Type", "application/json"));
  }

  /**
   * {@code 429 Too Many Requests} with {@code Retry-After} in seconds.
   *
   * @param retryAfter the delay to ask for, or null to send no Retry-After
   * @return the answer
   */
  public static MockAnswer tooManyRequests(Duration retryAfter) {
    MockAnswer answer = status(429, "Too many requests");
    return retryAfter == null ? answer : answer.withRetryAfter(retryAfter);
  }

  /**
   * {@code 503 Service Unavailable} with {@code Retry-After} in seconds.
   *
   * @param retryAfter the delay to ask for, or null to send no Retry-After
   * @return the answer
   */
  public static MockAnswer serviceUnavailable(Duration retryAfter) {
    MockAnswer answer = status(503, "Service unavailable");
    return retryAfter == null ? answer : answer.withRetryAfter(retryAfter);
  }

  /**
   * This answer with a {@code Retry-After} header in whole seconds.
   *
   * @param delay the delay
   * @return a new answer
   */
  public MockAnswer withRetryAfter(Duration delay) {
    return withHeader("Retry-After", Long.toString(delay.toSeconds()));
  }

  /**
   * This answer with one more header.
   *
   * @param name the header name
   * @param value the value
   * @return a new answer
   */
  public MockAnswer withHeader(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name, value);
    return new MockAnswer(status, body, copy);
  }

  /**
   * This answer with another body.
   *
   * @param text the body text
   * @return a new answer
   */
  public MockAnswer withBody(String text) {
    return new MockAnswer(status, text, headers);
  }

  /** @return the HTTP status */
  public int status() {
    return status;
  }

  /** @return the body text */
  public String body() {
    return body;
  }

  /** @return the headers */
  public Map<String, String> headers() {
    return headers;
  }

  @Override
  public String toString() {
    return "MockAnswer{" + status + " " + headers + " " + body + "}";
  }

  static String reasonPhrase(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 410 -> "Gone";
      case 413 -> "Payload Too Large";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      default -> "HTTP " + status;
    };
  }
}
