package dev.herald.testing.apns;

/**
 * The reasons APNs documents for refusing a notification, with their HTTP status, for telling a
 * {@link MockApnsServer} how to answer. The texts are Apple's exactly.
 */
public enum MockApnsReason {
  /** 400 BadCollapseId. */
  BAD_COLLAPSE_ID(400, "BadCollapseId"),
  /** 400 BadDeviceToken: malformed, or a token of the other environment. */
  BAD_DEVICE_TOKEN(400, "BadDeviceToken"),
  /** 400 BadExpirationDate. */
  BAD_EXPIRATION_DATE(400, "BadExpirationDate"),
  /** 400 BadMessageId. */
  BAD_MESSAGE_ID(400, "BadMessageId"),
  /** 400 BadPriority. */
  BAD_PRIORITY(400, "BadPriority"),
  /** 400 BadTopic. */
  BAD_TOPIC(400, "BadTopic"),
  /** 400 DeviceTokenNotForTopic. */
  DEVICE_TOKEN_NOT_FOR_TOPIC(400, "DeviceTokenNotForTopic"),
  /** 400 DuplicateHeaders. */
  DUPLICATE_HEADERS(400, "DuplicateHeaders"),
  /** 400 IdleTimeout. */
  IDLE_TIMEOUT(400, "IdleTimeout"),
  /** 400 InvalidPushType. */
  INVALID_PUSH_TYPE(400, "InvalidPushType"),
  /** 400 MissingDeviceToken. */
  MISSING_DEVICE_TOKEN(400, "MissingDeviceToken"),
  /** 400 MissingTopic. */
  MISSING_TOPIC(400, "MissingTopic"),
  /** 400 PayloadEmpty. */
  PAYLOAD_EMPTY(400, "PayloadEmpty"),
  /** 400 TopicDisallowed. */
  TOPIC_DISALLOWED(400, "TopicDisallowed"),
  /** 403 BadCertificate. */
  BAD_CERTIFICATE(403, "BadCertificate"),
  /** 403 BadCertificateEnvironment. */
  BAD_CERTIFICATE_ENVIRONMENT(403, "BadCertificateEnvironment"),
  /** 403 ExpiredProviderToken. */
  EXPIRED_PROVIDER_TOKEN(403, "ExpiredProviderToken"),
  /** 403 Forbidden. */
  FORBIDDEN(403, "Forbidden"),
  /** 403 InvalidProviderToken. */
  INVALID_PROVIDER_TOKEN(403, "InvalidProviderToken"),
  /** 403 MissingProviderToken. */
  MISSING_PROVIDER_TOKEN(403, "MissingProviderToken"),
  /** 403 UnrelatedKeyIdInToken. */
  UNRELATED_KEY_ID_IN_TOKEN(403, "UnrelatedKeyIdInToken"),
  /** 403 BadEnvironmentKeyIdInToken. */
  BAD_ENVIRONMENT_KEY_ID_IN_TOKEN(403, "BadEnvironmentKeyIdInToken"),
  /** 403 BadEnvironmentKeyInToken: the other spelling APNs has been seen to use. */
  BAD_ENVIRONMENT_KEY_IN_TOKEN(403, "BadEnvironmentKeyInToken"),
  /** 404 BadPath. */
  BAD_PATH(404, "BadPath"),
  /** 405 MethodNotAllowed. */
  METHOD_NOT_ALLOWED(405, "MethodNotAllowed"),
  /** 410 ExpiredToken, with a timestamp. */
  EXPIRED_TOKEN(410, "ExpiredToken"),
  /** 410 Unregistered, with a timestamp. */
  UNREGISTERED(410, "Unregistered"),
  /** 413 PayloadTooLarge. */
  PAYLOAD_TOO_LARGE(413, "PayloadTooLarge"),
  /** 429 TooManyProviderTokenUpdates. */
  TOO_MANY_PROVIDER_TOKEN_UPDATES(429, "TooManyProviderTokenUpdates"),
  /** 429 TooManyRequests. */
  TOO_MANY_REQUESTS(429, "TooManyRequests"),
  /** 500 InternalServerError. */
  INTERNAL_SERVER_ERROR(500, "InternalServerError"),
  /** 503 ServiceUnavailable. */
  SERVICE_UNAVAILABLE(503, "ServiceUnavailable"),
  /** 503 Shutdown. */
  SHUTDOWN(503, "Shutdown");

  private final int status;
  private final String text;

  MockApnsReason(int status, String text) {
    this.status = status;
    this.text = text;
  }

  /** @return the HTTP status APNs answers with */
  public int status() {
    return status;
  }

  /** @return Apple's reason text, for example {@code "Unregistered"} */
  public String text() {
    return text;
  }

  /** @return true for the 410 reasons, whose answer carries a timestamp */
  public boolean hasTimestamp() {
    return status == 410;
  }
}
