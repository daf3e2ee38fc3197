package dev.herald.fcm.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.internal.RetryAfter;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns what FCM answered into a {@link SendResult}.
 *
 * <p>Errors are read from Google's documented shape: {@code error.code}, {@code error.status}
 * (the gRPC status), {@code error.message} and {@code error.details[]}, where a detail of
 * {@code @type} {@value #FCM_ERROR_TYPE} carries the FCM {@code errorCode} and one of type
 * {@value #BAD_REQUEST_TYPE} lists {@code fieldViolations}. The FCM error code wins over the gRPC
 * status, which wins over the bare HTTP status:
 *
 * <table>
 *   <caption>FCM error → Herald outcome</caption>
 *   <tr><th>FCM</th><th>outcome</th></tr>
 *   <tr><td>UNREGISTERED (404)</td><td>INVALID_ADDRESS</td></tr>
 *   <tr><td>SENDER_ID_MISMATCH (403)</td><td>INVALID_ADDRESS (for this project)</td></tr>
 *   <tr><td>INVALID_ARGUMENT (400), bad token</td><td>INVALID_ADDRESS</td></tr>
 *   <tr><td>INVALID_ARGUMENT (400), other</td><td>REJECTED, INVALID_MESSAGE, field violations</td></tr>
 *   <tr><td>QUOTA_EXCEEDED (429)</td><td>RETRY_LATER, Retry-After or one minute</td></tr>
 *   <tr><td>UNAVAILABLE (503), INTERNAL (500)</td><td>RETRY_LATER, Retry-After or the caller's
 *       backoff</td></tr>
 *   <tr><td>THIRD_PARTY_AUTH_ERROR (401)</td><td>REJECTED, CREDENTIALS (APNs / Web Push
 *       credentials in the Firebase console)</td></tr>
 *   <tr><td>any redirect (3xx)</td><td>REJECTED, CONFIGURATION: never followed</td></tr>
 * </table>
 */
public final class FcmResponses {
  /** The {@code @type} of the detail carrying FCM's error code. */
  public static final String FCM_ERROR_TYPE = "type.googleapis.com/google.firebase.fcm.v1.FcmError";
  /** The {@code @type} of the detail listing field violations. */
  public static final String BAD_REQUEST_TYPE = "type.googleapis.com/google.rpc.BadRequest";
  /** The delay after QUOTA_EXCEEDED when FCM sends no Retry-After: Google's documented minimum. */
  public static final Duration QUOTA_RETRY_AFTER = Duration.ofMinutes(1);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_REASON_CHARS = 1000;

  private FcmResponses() {}

  /**
   * An FCM error answer, parsed.
   *
   * @param httpStatus the HTTP status
   * @param status the gRPC status ({@code INVALID_ARGUMENT}), or empty
   * @param errorCode the FCM error code ({@code UNREGISTERED}), or empty
   * @param message Google's message, or a snippet of a body that was not Google's JSON
   * @param fieldViolations {@code field: description} for each violation
   */
  public record FcmError(
      int httpStatus, String status, String errorCode, String message,
      List<String> fieldViolations) {

    /** @return the FCM error code when there is one, else the gRPC status, else empty */
    public String code() {
      return !errorCode.isEmpty() ? errorCode : status;
    }
  }

  /**
   * Parses an error body; tolerates bodies that are not Google's JSON (a proxy's HTML page).
   *
   * @param httpStatus the HTTP status
   * @param body the body
   * @return the parsed error
   */
  public static FcmError parseError(int httpStatus, String body) {
    JsonNode error;
    try {
      JsonNode root = JSON.readTree(body);
      error = root == null ? null : root.get("error");
    } catch (IOException e) {
      error = null;
    }
    if (error == null || !error.isObject()) {
      String snippet = body == null ? "" : body.strip();
      if (snippet.length() > 200) {
        snippet = snippet.substring(0, 200) + "…";
      }
      return new FcmError(httpStatus, "", "", snippet, List.of());
    }
    String errorCode = "";
    List<String> violations = new ArrayList<>();
    for (JsonNode detail : error.path("details")) {
      String type = detail.path("@type").asText("");
      if (type.equals(FCM_ERROR_TYPE)) {
        errorCode = detail.path("errorCode").asText("");
      } else if (type.equals(BAD_REQUEST_TYPE)) {
        for (JsonNode violation : detail.path("fieldViolations")) {
          violations.add(violation.path("field").asText("?") + ": "
              + violation.path("description").asText(""));
        }
      }
    }
    if (errorCode.equals("APNS_AUTH_ERROR")) {
      errorCode = "THIRD_PARTY_AUTH_ERROR"; // the legacy name, as the Admin SDKs map it
    }
    return new FcmError(
        httpStatus,
        error.path("status").asText(""),
        errorCode,
        error.path("message").asText(""),
        List.copyOf(violations));
  }

  /**
   * Whether FCM refused the access token itself (HTTP 401 other than THIRD_PARTY_AUTH_ERROR):
   * the provider then fetches a new token and tries once more.
   *
   * @param error the parsed error
   * @return true when a fresh access token may succeed
   */
  public static boolean isAccessTokenRefused(FcmError error) {
    return error.httpStatus() == 401 && !error.errorCode().equals("THIRD_PARTY_AUTH_ERROR");
  }

  /**
   * Maps a successful answer: the message name is the message id.
   *
   * @param httpStatus the HTTP status (2xx)
   * @param body {@code {"name":"projects/…/messages/…"}}
   * @return an accepted result
   */
  public static SendResult accepted(int httpStatus, String body) {
    // The hot path of every successful send: FCM's exact answer shape, without a parser.
    String simple = simpleName(body);
    if (simple != null) {
      return SendResult.accepted(simple, httpStatus);
    }
    String name = null;
    try (JsonParser parser = JSON.getFactory().createParser(body)) {
      if (parser.nextToken() == JsonToken.START_OBJECT) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals("name") && value == JsonToken.VALUE_STRING) {
            name = parser.getText();
            break;
          }
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      // Accepted all the same: FCM said 2xx.
    }
    return SendResult.accepted(name, httpStatus);
  }

  /**
   * The name in an answer shaped exactly {@code {"name":"…"}} (whitespace around the tokens
   * allowed, no escapes in the name), or null for any other shape, which the JSON parser reads.
   * Read by hand: a regular expression's matcher cost more than the rest of the answer's mapping.
   */
  static String simpleName(String body) {
    int at = expect(body, skipSpace(body, 0), "{");
    at = expect(body, at, "\"name\"");
    at = expect(body, at, ":");
    if (at < 0 || at >= body.length() || body.charAt(at) != '"') {
      return null;
    }
    int start = at + 1;
    int end = start;
    while (end < body.length() && body.charAt(end) != '"') {
      if (body.charAt(end) == '\\') {
        return null;
      }
      end++;
    }
    if (end >= body.length()) {
      return null;
    }
    at = expect(body, skipSpace(body, end + 1), "}");
    return at == body.length() ? body.substring(start, end) : null;
  }

  /** The index after {@code token} and the whitespace following it, or -1 when absent. */
  private static int expect(String body, int at, String token) {
    return at >= 0 && body.startsWith(token, at) ? skipSpace(body, at + token.length()) : -1;
  }

  private static int skipSpace(String body, int at) {
    while (at < body.length() && isSpace(body.charAt(at))) {
      at++;
    }
    return at;
  }

  /** JSON's insignificant whitespace, and the rest of what the former pattern's \\s took. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  /**
   * Maps an error answer.
   *
   * @param error the parsed error
   * @param retryAfterHeader the Retry-After header, or null
   * @param tokenTarget whether the message went to a registration token (an invalid-argument
   *     error about the token then means the address is invalid)
   * @param projectId the project the provider sends for, for the reasons
   * @param now the current time
   * @return the result
   */
  public static SendResult map(
      FcmError error, String retryAfterHeader, boolean tokenTarget, String projectId,
      Instant now) {
    int http = error.httpStatus();
    if (http >= 300 && http < 400) {
      return SendResult.rejected(
          RejectionKind.CONFIGURATION,
          "FCM answered HTTP " + http + ", a redirect, which Herald does not follow (it would"
              + " re-send the message and its access token elsewhere); check the FCM base URL",
          http);
    }
    Optional<Duration> retryAfter = RetryAfter.parse(retryAfterHeader, now);
    String code = error.code().isEmpty() ? codeForStatus(http) : error.code();
    String said = describe(code, error);
    switch (code) {
      case "UNREGISTERED":
        return SendResult.invalidAddress(
            said + " (the app instance unregistered or the token went stale; delete it)", now,
            http);
      case "SENDER_ID_MISMATCH":
        return SendResult.invalidAddress(
            said + " (the token belongs to a different Firebase project than " + projectId
                + "; it is invalid for this project)",
            now, http);
      case "INVALID_ARGUMENT":
        if (tokenTarget && isAboutToken(error)) {
          return SendResult.invalidAddress(said, now, http);
        }
        return SendResult.rejected(RejectionKind.INVALID_MESSAGE, said, http);
      case "QUOTA_EXCEEDED":
      case "RESOURCE_EXHAUSTED":
        return SendResult.retryLater(said, retryAfter.orElse(QUOTA_RETRY_AFTER), http);
      case "UNAVAILABLE":
      case "INTERNAL":
        return SendResult.retryLater(said, retryAfter.orElse(null), http);
      case "THIRD_PARTY_AUTH_ERROR":
        return SendResult.rejected(
            RejectionKind.CREDENTIALS,
            said + " (FCM could not authenticate to APNs or Web Push for this app: check the APNs"
                + " authentication key or certificate, or the Web Push certificates, in the"
                + " Firebase console under Project settings → Cloud Messaging)",
            http);
      case "UNAUTHENTICATED":
        return SendResult.rejected(
            RejectionKind.CREDENTIALS,
            said + " (FCM refused a freshly obtained access token for project " + projectId
                + ")",
            http);
      case "PERMISSION_DENIED":
        return SendResult.rejected(
            RejectionKind.CREDENTIALS,
            said + " (the service account needs permission to send for project " + projectId
                + ", such as the Firebase Cloud Messaging API Admin role, and the Firebase Cloud"
                + " Messaging API must be enabled)",
            http);
      case "NOT_FOUND":
        return SendResult.rejected(
            RejectionKind.CONFIGURATION,
            said + " (check the project id " + projectId + " and the FCM base URL)", http);
      default:
        if (http == 429) {
          return SendResult.retryLater(said, retryAfter.orElse(QUOTA_RETRY_AFTER), http);
        }
        if (http >= 500) {
          return SendResult.retryLater(said, retryAfter.orElse(null), http);
        }
        return SendResult.rejected(
            http == 400 ? RejectionKind.INVALID_MESSAGE : RejectionKind.OTHER, said, http);
    }
  }

  /** The gRPC status Google's APIs pair with an HTTP status, for answers without a body. */
  static String codeForStatus(int http) {
    return switch (http) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 500 -> "INTERNAL";
      case 503 -> "UNAVAILABLE";
      default -> "HTTP_" + http;
    };
  }

  /**
   * FCM reports a malformed or foreign token as INVALID_ARGUMENT, with a field violation on
   * {@code message.token} or the message "The registration token is not a valid FCM registration
   * token".
   */
  static boolean isAboutToken(FcmError error) {
    for (String violation : error.fieldViolations()) {
      if (violation.startsWith("message.token:")) {
        return true;
      }
    }
    return error.message().toLowerCase(Locale.ROOT).contains("registration token");
  }

  private static String describe(String code, FcmError error) {
    StringBuilder text = new StringBuilder(code);
    if (!error.message().isEmpty()) {
      text.append(": ").append(error.message());
    }
    if (!error.fieldViolations().isEmpty()) {
      text.append(" [").append(String.join("; ", error.fieldViolations())).append(']');
    }
    return text.length() > MAX_REASON_CHARS
        ? text.substring(0, MAX_REASON_CHARS) + "…"
        : text.toString();
  }
}
