package dev.herald.testing.fcm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Objects;

/**
 * An error the {@link MockFcmService} answers a send with, in the shape Google documents for the
 * FCM HTTP v1 API: {@code {"error":{"code":…,"message":…,"status":…,"details":[{"@type":
 * "type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":…}]}}}, optionally with a
 * {@code google.rpc.BadRequest} detail and a {@code Retry-After} header.
 *
 * <pre>{@code
 * mock.answer(token, MockFcmAnswer.unregistered());
 * mock.enqueue(MockFcmAnswer.quotaExceeded().withRetryAfter(Duration.ofSeconds(30)));
 * }</pre>
 *
 * <p>Immutable.
 */
public final class MockFcmAnswer {
  static final String FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
  static final String BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int httpStatus;
  private final String body;
  private final String retryAfter;

  private MockFcmAnswer(int httpStatus, String body, String retryAfter) {
    this.httpStatus = httpStatus;
    this.body = body;
    this.retryAfter = retryAfter;
  }

  /**
   * 404 NOT_FOUND with FCM error UNREGISTERED: the app instance is gone.
   *
   * @return the answer
   */
  public static MockFcmAnswer unregistered() {
    return error(404, "NOT_FOUND", "UNREGISTERED", "Requested entity was not found.", null, null);
  }

  /**
   * 403 PERMISSION_DENIED with FCM error SENDER_ID_MISMATCH: the token belongs to another
   * project.
   *
   * @return the answer
   */
  public static MockFcmAnswer senderIdMismatch() {
    return error(403, "PERMISSION_DENIED", "SENDER_ID_MISMATCH", "SenderId mismatch", null, null);
  }

  /**
   * 400 INVALID_ARGUMENT with FCM error INVALID_ARGUMENT and one field violation.
   *
   * @param field the field, such as {@code message.android.ttl}
   * @param description what is wrong with it
   * @return the answer
   */
  public static MockFcmAnswer invalidArgument(String field, String description) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(description, "description");
    return error(
        400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "Request contains an invalid argument.",
        field, description);
  }

  /**
   * 400 INVALID_ARGUMENT saying "The registration token is not a valid FCM registration token",
   * as FCM answers a malformed or truncated token.
   *
   * @return the answer
   */
  public static MockFcmAnswer invalidRegistrationToken() {
    return error(
        400, "INVALID_ARGUMENT", "INVALID_ARGUMENT",
        "The registration token is not a valid FCM registration token", null, null);
  }

  /**
   * 429 RESOURCE_EXHAUSTED with FCM error QUOTA_EXCEEDED: the project's send quota is spent.
   *
   * @return the answer
   */
  public static MockFcmAnswer quotaExceeded() {
    return error(
        429, "RESOURCE_EXHAUSTED", "QUOTA_EXCEEDED",
        "Quota exceeded for quota metric 'Requests' of service 'fcm.googleapis.com'.", null, null);
  }

  /**
   * 503 UNAVAILABLE with FCM error UNAVAILABLE: FCM is overloaded.
   *
   * @return the answer
   */
  public static MockFcmAnswer unavailable() {
    return error(
        503, "UNAVAILABLE", "UNAVAILABLE", "The service is currently unavailable.", null, null);
  }

  /**
   * 500 INTERNAL with FCM error INTERNAL.
   *
   * @return the answer
   */
  public static MockFcmAnswer internal() {
    return error(500, "INTERNAL", "INTERNAL", "Internal error encountered.", null, null);
  }

  /**
   * 401 UNAUTHENTICATED with FCM error THIRD_PARTY_AUTH_ERROR: FCM's own credentials for APNs or
   * Web Push (uploaded in the Firebase console) were refused.
   *
   * @return the answer
   */
  public static MockFcmAnswer thirdPartyAuthError() {
    return error(
        401, "UNAUTHENTICATED", "THIRD_PARTY_AUTH_ERROR",
        "Auth error from APNS or Web Push Service", null, null);
  }

  /**
   * 401 UNAUTHENTICATED without an FCM error: the access token was refused, as when it expired
   * or was revoked. A client should fetch a new token and try again.
   *
   * @return the answer
   */
  public static MockFcmAnswer unauthenticated() {
    return error(
        401, "UNAUTHENTICATED",
        null,
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login"
            + " cookie or other valid authentication credential.",
        null, null);
  }

  /**
   * The same answer with a {@code Retry-After} header in delay seconds.
   *
   * @param delay the delay, whole seconds
   * @return a new answer
   */
  public MockFcmAnswer withRetryAfter(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    return new MockFcmAnswer(httpStatus, body, Long.toString(delay.getSeconds()));
  }

  /**
   * The same answer with a raw {@code Retry-After} header, such as an HTTP date.
   *
   * @param header the header value
   * @return a new answer
   */
  public MockFcmAnswer withRetryAfter(String header) {
    return new MockFcmAnswer(httpStatus, body, Objects.requireNonNull(header, "header"));
  }

  /** @return the HTTP status */
  public int httpStatus() {
    return httpStatus;
  }

  /** @return the JSON body */
  public String body() {
    return body;
  }

  /** @return the Retry-After header, or null */
  public String retryAfter() {
    return retryAfter;
  }

  @Override
  public String toString() {
    return "MockFcmAnswer{" + httpStatus + " " + body + (retryAfter == null ? ""
        : ", Retry-After: " + retryAfter) + "}";
  }

  /** Builds Google's error shape. */
  static MockFcmAnswer error(
      int code, String status, String fcmErrorCode, String message, String field,
      String description) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.put("status", status);
    ArrayNode details = JSON.createArrayNode();
    if (fcmErrorCode != null) {
      details.addObject().put("@type", FCM_ERROR_TYPE).put("errorCode", fcmErrorCode);
    }
    if (field != null) {
      details.addObject()
          .put("@type", BAD_REQUEST_TYPE)
          .putArray("fieldViolations")
          .addObject()
          .put("field", field)
          .put("description", description);
    }
    if (!details.isEmpty()) {
      error.set("details", details);
    }
    return new MockFcmAnswer(code, root.toString(), null);
  }
}
