package dev.herald.spi;

import dev.herald.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The outcome of one send to one address, as a value. A provider completes its future with one
 * of four results; it fails the future only when the transport failed (connection refused, reset,
 * timed out) and the outcome is unknown.
 *
 * <ul>
 *   <li>{@link Accepted}: the push service took the message (not proof of display).
 *   <li>{@link InvalidAddress}: the subscription is gone; never send to it again until the client
 *       registers anew. Herald moves the device out of ALLOWED.
 *   <li>{@link RetryLater}: transient (rate limited, service unavailable); retry after the delay.
 *   <li>{@link Rejected}: permanent for this message (too large, malformed, credentials wrong);
 *       do not retry it.
 * </ul>
 *
 * <p>{@link #httpStatus()} is the push service's HTTP status, or 0 when the outcome was decided
 * before any request (a payload too large is rejected without a network call).
 */
public sealed interface SendResult
    permits SendResult.Accepted,
        SendResult.InvalidAddress,
        SendResult.RetryLater,
        SendResult.Rejected {

  /** The four kinds of outcome. */
  enum Outcome {
    /** The push service took the message. */
    ACCEPTED,
    /** The address is dead. */
    INVALID_ADDRESS,
    /** Transient failure; retry later. */
    RETRY_LATER,
    /** Permanent failure for this message. */
    REJECTED
  }

  /**
   * Which of the four outcomes this is.
   *
   * @return the outcome
   */
  Outcome outcome();

  /**
   * The push service's HTTP status.
   *
   * @return the status, or 0 when no request was made
   */
  int httpStatus();

  /**
   * The provider's reason: its error code or text ({@code "Unregistered"}, {@code "UNAVAILABLE"},
   * {@code "payload is 5000 bytes, the limit is 4096"}); empty when accepted.
   *
   * @return the reason, never null
   */
  String reason();

  /**
   * The push service accepted the message.
   *
   * @param messageId the service's id for the message (Web Push {@code Location}, APNs
   *     {@code apns-id}, FCM message name), if it gave one
   * @param httpStatus the HTTP status
   */
  record Accepted(Optional<String> messageId, int httpStatus) implements SendResult {
    /**
     * Validates the fields.
     *
     * @param messageId the service's id for the message (Web Push {@code Location}, APNs {@code
     *     apns-id}, FCM message name), if it gave one
     * @param httpStatus the HTTP status
     */
    public Accepted {
      Checks.required(messageId, "messageId");
    }

    @Override
    public Outcome outcome() {
      return Outcome.ACCEPTED;
    }

    @Override
    public String reason() {
      return "";
    }
  }

  /**
   * The address is dead: the app was uninstalled, the browser unsubscribed, the token expired.
   *
   * @param reason the provider's reason
   * @param invalidatedAt when the provider says the address died (APNs gives a timestamp), else
   *     when it answered
   * @param httpStatus the HTTP status
   */
  record InvalidAddress(String reason, Instant invalidatedAt, int httpStatus)
      implements SendResult {
    /**
     * Validates the fields.
     *
     * @param reason the provider's reason
     * @param invalidatedAt when the provider says the address died (APNs gives a timestamp), else
     *     when it answered
     * @param httpStatus the HTTP status
     */
    public InvalidAddress {
      Checks.required(reason, "reason");
      Checks.required(invalidatedAt, "invalidatedAt");
    }

    @Override
    public Outcome outcome() {
      return Outcome.INVALID_ADDRESS;
    }
  }

  /**
   * A transient failure: retry, after {@code retryAfter} when the service said so.
   *
   * @param reason the provider's reason
   * @param retryAfter the delay the service asked for (Retry-After), if any
   * @param httpStatus the HTTP status
   */
  record RetryLater(String reason, Optional<Duration> retryAfter, int httpStatus)
      implements SendResult {
    /**
     * Validates the fields.
     *
     * @param reason the provider's reason
     * @param retryAfter the delay the service asked for (Retry-After), if any
     * @param httpStatus the HTTP status
     */
    public RetryLater {
      Checks.required(reason, "reason");
      Checks.required(retryAfter, "retryAfter");
    }

    @Override
    public Outcome outcome() {
      return Outcome.RETRY_LATER;
    }
  }

  /**
   * A permanent failure for this message; sending it again would fail again.
   *
   * @param kind what class of problem it is
   * @param reason the provider's reason, saying what to fix
   * @param httpStatus the HTTP status, 0 when refused before any request
   */
  record Rejected(RejectionKind kind, String reason, int httpStatus) implements SendResult {
    /**
     * Validates the fields.
     *
     * @param kind what class of problem it is
     * @param reason the provider's reason, saying what to fix
     * @param httpStatus the HTTP status, 0 when refused before any request
     */
    public Rejected {
      Checks.required(kind, "kind");
      Checks.required(reason, "reason");
    }

    @Override
    public Outcome outcome() {
      return Outcome.REJECTED;
    }
  }

  /**
   * An accepted result.
   *
   * @param messageId the service's message id, or null
   * @param httpStatus the HTTP status
   * @return the result
   */
  static SendResult accepted(String messageId, int httpStatus) {
    return new Accepted(Optional.ofNullable(messageId), httpStatus);
  }

  /**
   * An invalid-address result.
   *
   * @param reason the provider's reason
   * @param invalidatedAt when the address died
   * @param httpStatus the HTTP status
   * @return the result
   */
  static SendResult invalidAddress(String reason, Instant invalidatedAt, int httpStatus) {
    return new InvalidAddress(reason, invalidatedAt, httpStatus);
  }

  /**
   * A retry-later result.
   *
   * @param reason the provider's reason
   * @param retryAfter the requested delay, or null
   * @param httpStatus the HTTP status
   * @return the result
   */
  static SendResult retryLater(String reason, Duration retryAfter, int httpStatus) {
    return new RetryLater(reason, Optional.ofNullable(retryAfter), httpStatus);
  }

  /**
   * A rejected result.
   *
   * @param kind the class of problem
   * @param reason what to fix
   * @param httpStatus the HTTP status, 0 when refused before any request
   * @return the result
   */
  static SendResult rejected(RejectionKind kind, String reason, int httpStatus) {
    return new Rejected(kind, reason, httpStatus);
  }
}
