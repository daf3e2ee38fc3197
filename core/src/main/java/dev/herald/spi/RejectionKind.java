package dev.herald.spi;

/** The class of problem behind a {@link SendResult.Rejected} result. */
public enum RejectionKind {
  /** The encoded message exceeds the platform's size limit; shorten it. */
  PAYLOAD_TOO_LARGE,
  /** The request was malformed or a field invalid (bad TTL, topic, collapse key, priority). */
  INVALID_MESSAGE,
  /** The credentials are wrong or expired: VAPID keys, the .p8 key, the service account. */
  CREDENTIALS,
  /** The sender is misconfigured for this address: wrong APNs topic or environment, project. */
  CONFIGURATION,
  /** The message expired before it could be sent. */
  EXPIRED,
  /** Anything the provider could not classify; the reason holds the service's text. */
  OTHER
}
