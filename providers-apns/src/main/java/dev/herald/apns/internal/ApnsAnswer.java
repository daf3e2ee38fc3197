package dev.herald.apns.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.apns.ApnsRejectionReason;
import dev.herald.internal.RetryAfter;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.http2.Http2Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What APNs answered to one request, and the {@link SendResult} it means.
 *
 * @param status the HTTP status
 * @param apnsId the {@code apns-id} response header, or null
 * @param reasonText Apple's {@code reason}, or empty
 * @param timestampMillis the {@code timestamp} of a 410 answer (epoch milliseconds), or null
 * @param retryAfter the {@code Retry-After} delay, or null
 */
record ApnsAnswer(
    int status, String apnsId, String reasonText, Long timestampMillis, Duration retryAfter) {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Apple's error bodies are a few dozen bytes; anything longer is not APNs talking. */
  static final int MAX_BODY_BYTES = 16 * 1024;
  private static final java.util.regex.Pattern REASON_WORD =
      java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");

  /**
   * Reads a response.
   *
   * @param response the response, its body cut at {@value #MAX_BODY_BYTES} bytes
   * @param clock the current time, for a Retry-After given as a date (read only then)
   * @return the answer
   */
  static ApnsAnswer read(Http2Response response, Clock clock) {
    int status = response.status();
    String apnsId = response.headers().get("apns-id");
    if (status == 200) {
      return new ApnsAnswer(status, apnsId, "", null, null);
    }
    Duration retryAfter =
        RetryAfter.parse(response.headers().get("retry-after"), clock.instant()).orElse(null);
    String body = response.body().length >= MAX_BODY_BYTES
        ? "" // Too long to be an APNs error body; classify by status.
        : new String(response.body(), StandardCharsets.UTF_8);
    String reason = "";
    Long timestamp = null;
    try {
      JsonNode json = body.isBlank() ? null : JSON.readTree(body);
      if (json != null && json.isObject()) {
        reason = json.path("reason").asText("");
        JsonNode ts = json.get("timestamp");
        if (ts != null && ts.canConvertToLong()) {
          timestamp = ts.asLong();
        }
      }
    } catch (IOException e) {
      reason = body.strip();
    }
    return new ApnsAnswer(status, apnsId, reason, timestamp, retryAfter);
  }

  /** @return the documented reason, if APNs gave one this version knows */
  Optional<ApnsRejectionReason> reason() {
    return ApnsRejectionReason.fromText(reasonText);
  }

  /**
   * The result this answer means.
   *
   * @param clock the time of an invalid address when APNs gave none
   * @return the result
   */
  SendResult toResult(Clock clock) {
    if (status == 200) {
      return SendResult.accepted(apnsId, status);
    }
    Optional<ApnsRejectionReason> known = reason();
    if (known.isPresent()) {
      ApnsRejectionReason r = known.get();
      String text = reasonText + ": " + r.advice();
      return switch (r.outcome()) {
        case INVALID_ADDRESS -> SendResult.invalidAddress(text, invalidatedAt(clock), status);
        case RETRY_LATER -> SendResult.retryLater(text, retryAfter, status);
        default -> SendResult.rejected(r.rejectionKind().orElseThrow(), text, status);
      };
    }
    // A reason this version does not know: keep Apple's word, classify by status. Apple's
    // reasons are short identifiers; other text (a proxy's page, a server echoing the request
    // and with it the provider token) is not quoted.
    String text = reasonText.isEmpty() ? "HTTP " + status + " without a reason"
        : REASON_WORD.matcher(reasonText).matches() ? reasonText
        : "HTTP " + status + " with a reason that is not an APNs reason ("
            + reasonText.length() + " characters, not quoted)";
    if (status == 410) {
      return SendResult.invalidAddress(text, invalidatedAt(clock), status);
    }
    if (status == 429 || status >= 500) {
      return SendResult.retryLater(text, retryAfter, status);
    }
    return SendResult.rejected(RejectionKind.OTHER, text, status);
  }

  private Instant invalidatedAt(Clock clock) {
    return timestampMillis != null ? Instant.ofEpochMilli(timestampMillis) : clock.instant();
  }
}
