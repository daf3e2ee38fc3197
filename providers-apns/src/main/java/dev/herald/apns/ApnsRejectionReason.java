package dev.herald.apns;

import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.spi.SendResult.Outcome;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every reason APNs documents for refusing a notification, with its HTTP status and what Herald
 * makes of it.
 *
 * <p>The {@link SendResult#reason()} of an APNs result starts with Apple's reason text followed
 * by a colon and advice, for example {@code "BadTopic: the apns-topic ..."}; {@link #of(SendResult)}
 * recovers the typed value. A reason Apple adds later, which this enum does not know, is kept as
 * text and classified by its HTTP status alone.
 *
 * <p>Summary of the mapping:
 * <ul>
 *   <li>410 {@code Unregistered} and {@code ExpiredToken}, and 400 {@code BadDeviceToken} →
 *       {@link Outcome#INVALID_ADDRESS}. {@code BadDeviceToken} is also what APNs answers when a
 *       sandbox token is sent to production or the other way round: check the address's
 *       environment before discarding tokens in bulk;
 *   <li>429 {@code TooManyRequests}, 429 {@code TooManyProviderTokenUpdates}, 500, 503 and
 *       {@code IdleTimeout} → {@link Outcome#RETRY_LATER};
 *   <li>everything else → {@link Outcome#REJECTED}: credential errors as
 *       {@link RejectionKind#CREDENTIALS}, topic and endpoint errors as
 *       {@link RejectionKind#CONFIGURATION}, malformed requests as
 *       {@link RejectionKind#INVALID_MESSAGE}, 413 as {@link RejectionKind#PAYLOAD_TOO_LARGE}.
 * </ul>
 *
 * @see <a href="https://developer.apple.com/documentation/usernotifications/handling-notification-responses-from-apns">
 *     Handling notification responses from APNs</a>
 */
public enum ApnsRejectionReason {
  /** 400: the collapse identifier exceeds 64 bytes. */
  BAD_COLLAPSE_ID(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the apns-collapse-id is longer than 64 bytes; shorten the collapse key", "BadCollapseId"),
  /**
   * 400: the device token is malformed, or belongs to the other environment (a token from a
   * development build sent to production, or a production token sent to the sandbox).
   */
  BAD_DEVICE_TOKEN(400, Outcome.INVALID_ADDRESS, null,
      "the device token is malformed or was issued for the other APNs environment (a sandbox"
          + " token sent to production or the reverse); if every token fails this way, check the"
          + " environment rather than discarding the tokens", "BadDeviceToken"),
  /** 400: the {@code apns-expiration} value is bad. */
  BAD_EXPIRATION_DATE(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the apns-expiration header is not a valid UNIX time in seconds", "BadExpirationDate"),
  /** 400: the {@code apns-id} value is bad. */
  BAD_MESSAGE_ID(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the apns-id header is not a canonical UUID", "BadMessageId"),
  /** 400: the {@code apns-priority} value is bad. */
  BAD_PRIORITY(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the apns-priority is not allowed for this push type; use 10, 5 or 1, and 5 for background"
          + " pushes", "BadPriority"),
  /** 400: the {@code apns-topic} value is bad. */
  BAD_TOPIC(400, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "the apns-topic is invalid; use the app's bundle id, with the push type's suffix",
      "BadTopic"),
  /** 400: the device token does not match the topic. */
  DEVICE_TOKEN_NOT_FOR_TOPIC(400, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "the device token belongs to another app; check that the address's topic is the bundle id"
          + " of the app that registered the token", "DeviceTokenNotForTopic"),
  /** 400: one or more headers are repeated. */
  DUPLICATE_HEADERS(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "a header was sent twice; remove duplicate headers added by an interceptor",
      "DuplicateHeaders"),
  /** 400: idle time out; the connection was idle too long. */
  IDLE_TIMEOUT(400, Outcome.RETRY_LATER, null,
      "APNs closed an idle connection; the notification can be sent again", "IdleTimeout"),
  /** 400: the {@code apns-push-type} value is invalid. */
  INVALID_PUSH_TYPE(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the apns-push-type is not valid for this topic or payload", "InvalidPushType"),
  /** 400: the device token is not in the request path. */
  MISSING_DEVICE_TOKEN(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the request path carries no device token", "MissingDeviceToken"),
  /** 400: the {@code apns-topic} header is required and was not sent. */
  MISSING_TOPIC(400, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "token authentication needs an apns-topic; set the address's topic to the app's bundle id",
      "MissingTopic"),
  /** 400: the payload is empty. */
  PAYLOAD_EMPTY(400, Outcome.REJECTED, RejectionKind.INVALID_MESSAGE,
      "the payload is empty; send a JSON object with an aps dictionary", "PayloadEmpty"),
  /** 400: pushing to this topic is not allowed. */
  TOPIC_DISALLOWED(400, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "these credentials may not push to this topic; use a key or certificate of the team that"
          + " owns the app", "TopicDisallowed"),
  /** 403: the certificate is invalid. */
  BAD_CERTIFICATE(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "APNs refused the client certificate; create a new APNs certificate for this app",
      "BadCertificate"),
  /** 403: the client certificate is for the wrong environment. */
  BAD_CERTIFICATE_ENVIRONMENT(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "the client certificate is for the other environment; use a production certificate for"
          + " api.push.apple.com and a development one for the sandbox",
      "BadCertificateEnvironment"),
  /** 403: the provider token is stale; Herald signs a new one and retries once first. */
  EXPIRED_PROVIDER_TOKEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "APNs still found the provider token expired after Herald signed a fresh one; check that"
          + " the system clock is correct (NTP)", "ExpiredProviderToken"),
  /** 403: the specified action is not allowed. */
  FORBIDDEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "APNs does not allow this request with these credentials", "Forbidden"),
  /** 403: the provider token is not valid, or its signature could not be verified. */
  INVALID_PROVIDER_TOKEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "APNs could not verify the provider token; check the team id, the key id and that the .p8"
          + " key has not been revoked", "InvalidProviderToken"),
  /** 403: no provider certificate was used and no provider token was sent. */
  MISSING_PROVIDER_TOKEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "the request carried neither a provider token nor a client certificate; configure a .p8"
          + " signing key or a PKCS#12 certificate", "MissingProviderToken"),
  /** 403: the key id in the provider token is unrelated to the topic. */
  UNRELATED_KEY_ID_IN_TOKEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "the key id is not related to this topic; use a team-scoped key or one scoped to this"
          + " topic", "UnrelatedKeyIdInToken"),
  /**
   * 403: the key in the provider token is restricted to the other environment. Apple spells it
   * both {@code BadEnvironmentKeyIdInToken} and {@code BadEnvironmentKeyInToken}.
   */
  BAD_ENVIRONMENT_KEY_ID_IN_TOKEN(403, Outcome.REJECTED, RejectionKind.CREDENTIALS,
      "the .p8 key is restricted to the other environment; use a key enabled for this"
          + " environment (sandbox or production)",
      "BadEnvironmentKeyIdInToken", "BadEnvironmentKeyInToken"),
  /** 404: the request contained an invalid {@code :path} value. */
  BAD_PATH(404, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "the request path is not /3/device/<token>; check the endpoint URL", "BadPath"),
  /** 405: the request used an invalid {@code :method} value; only POST is supported. */
  METHOD_NOT_ALLOWED(405, Outcome.REJECTED, RejectionKind.CONFIGURATION,
      "APNs accepts only POST; check that no proxy or interceptor rewrites the request",
      "MethodNotAllowed"),
  /** 410: the device token has expired. */
  EXPIRED_TOKEN(410, Outcome.INVALID_ADDRESS, null,
      "the device token has expired; wait for the app to register a new one", "ExpiredToken"),
  /** 410: the device token is no longer active for the topic. */
  UNREGISTERED(410, Outcome.INVALID_ADDRESS, null,
      "the device token is no longer active for this topic (the app was uninstalled or"
          + " notifications were turned off)", "Unregistered"),
  /** 413: the notification payload was too large. */
  PAYLOAD_TOO_LARGE(413, Outcome.REJECTED, RejectionKind.PAYLOAD_TOO_LARGE,
      "the payload exceeds 4096 bytes (5120 for VoIP); shorten it", "PayloadTooLarge"),
  /** 429: the provider token is being updated too often. */
  TOO_MANY_PROVIDER_TOKEN_UPDATES(429, Outcome.RETRY_LATER, null,
      "the provider token changed too often on this connection; Herald opens a new connection"
          + " for the next attempt", "TooManyProviderTokenUpdates"),
  /** 429: too many requests were made consecutively to the same device token. */
  TOO_MANY_REQUESTS(429, Outcome.RETRY_LATER, null,
      "too many notifications to this device token in a short time; send again later",
      "TooManyRequests"),
  /** 500: an internal server error occurred. */
  INTERNAL_SERVER_ERROR(500, Outcome.RETRY_LATER, null,
      "APNs had an internal error; send again later", "InternalServerError"),
  /** 503: the service is unavailable. */
  SERVICE_UNAVAILABLE(503, Outcome.RETRY_LATER, null,
      "APNs is unavailable; send again later", "ServiceUnavailable"),
  /** 503: the APNs server is shutting down. */
  SHUTDOWN(503, Outcome.RETRY_LATER, null,
      "the APNs server is shutting down; send again on another connection", "Shutdown");

  private static final Map<String, ApnsRejectionReason> BY_TEXT = new HashMap<>();

  static {
    for (ApnsRejectionReason r : values()) {
      for (String text : r.texts) {
        BY_TEXT.put(text, r);
      }
    }
  }

  private final int httpStatus;
  private final Outcome outcome;
  private final RejectionKind rejectionKind;
  private final String advice;
  private final List<String> texts;

  ApnsRejectionReason(
      int httpStatus, Outcome outcome, RejectionKind kind, String advice, String... texts) {
    this.httpStatus = httpStatus;
    this.outcome = outcome;
    this.rejectionKind = kind;
    this.advice = advice;
    this.texts = List.of(texts);
  }

  /**
   * Apple's reason text, as it appears in the response body.
   *
   * @return for example {@code "Unregistered"}
   */
  public String text() {
    return texts.get(0);
  }

  /**
   * Every spelling APNs is known to use for this reason.
   *
   * @return the texts; the first is {@link #text()}
   */
  public List<String> texts() {
    return texts;
  }

  /**
   * The HTTP status APNs answers with this reason.
   *
   * @return for example 410
   */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * What Herald makes of it.
   *
   * @return INVALID_ADDRESS, RETRY_LATER or REJECTED
   */
  public Outcome outcome() {
    return outcome;
  }

  /**
   * The class of problem when the outcome is {@link Outcome#REJECTED}.
   *
   * @return the kind, or empty for other outcomes
   */
  public Optional<RejectionKind> rejectionKind() {
    return Optional.ofNullable(rejectionKind);
  }

  /**
   * What the reason means and what to do about it, in a sentence.
   *
   * @return the advice
   */
  public String advice() {
    return advice;
  }

  /**
   * The reason with a given text.
   *
   * @param text Apple's reason, exactly as sent (case-sensitive)
   * @return the reason, or empty for a text this version does not know
   */
  public static Optional<ApnsRejectionReason> fromText(String text) {
    return text == null ? Optional.empty() : Optional.ofNullable(BY_TEXT.get(text));
  }

  /**
   * The APNs reason behind a result produced by {@link ApnsProvider}.
   *
   * @param result a result
   * @return the reason, or empty when the result was accepted, refused before sending, or has a
   *     reason this version does not know
   */
  public static Optional<ApnsRejectionReason> of(SendResult result) {
    String reason = result.reason();
    int colon = reason.indexOf(':');
    return fromText(colon < 0 ? reason : reason.substring(0, colon));
  }
}
