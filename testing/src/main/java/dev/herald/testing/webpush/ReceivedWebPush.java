package dev.herald.testing.webpush;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * One message the {@link MockWebPushService} accepted, decrypted and verified: what the browser
 * would have received, and how it was sent.
 *
 * <p>Immutable.
 */
public final class ReceivedWebPush {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String subscriptionId;
  private final byte[] plaintext;
  private final int bodyBytes;
  private final int paddingBytes;
  private final long recordSize;
  private final String senderPublicKey;
  private final long ttlSeconds;
  private final String urgency;
  private final String topic;
  private final String protocol;
  private final String vapidToken;
  private final String vapidPublicKey;
  private final String vapidAudience;
  private final String vapidSubject;
  private final Instant vapidExpiresAt;
  private final Instant receivedAt;
  private final int answeredStatus;

  ReceivedWebPush(Builder b) {
    this.subscriptionId = b.subscriptionId;
    this.plaintext = b.plaintext;
    this.bodyBytes = b.bodyBytes;
    this.paddingBytes = b.paddingBytes;
    this.recordSize = b.recordSize;
    this.senderPublicKey = b.senderPublicKey;
    this.ttlSeconds = b.ttlSeconds;
    this.urgency = b.urgency;
    this.topic = b.topic;
    this.protocol = b.protocol;
    this.vapidToken = b.vapidToken;
    this.vapidPublicKey = b.vapidPublicKey;
    this.vapidAudience = b.vapidAudience;
    this.vapidSubject = b.vapidSubject;
    this.vapidExpiresAt = b.vapidExpiresAt;
    this.receivedAt = b.receivedAt;
    this.answeredStatus = b.answeredStatus;
  }

  /** @return the id of the subscription it was sent to ({@link MockSubscription#id()}) */
  public String subscriptionId() {
    return subscriptionId;
  }

  /** @return a copy of the decrypted payload */
  public byte[] plaintext() {
    return plaintext.clone();
  }

  /** @return the decrypted payload as UTF-8 text */
  public String text() {
    return new String(plaintext, StandardCharsets.UTF_8);
  }

  /**
   * The decrypted payload parsed as JSON (Herald sends the JSON documented in docs/webpush.md).
   *
   * @return the JSON tree
   * @throws IllegalStateException when the payload is not JSON
   */
  public JsonNode json() {
    try {
      return JSON.readTree(plaintext);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the payload is not JSON: " + e.getMessage(), e);
    }
  }

  /** @return the size of the encrypted request body */
  public int bodyBytes() {
    return bodyBytes;
  }

  /** @return the zero bytes of padding after the delimiter */
  public int paddingBytes() {
    return paddingBytes;
  }

  /** @return the record size declared in the aes128gcm header */
  public long recordSize() {
    return recordSize;
  }

  /** @return the sender's ephemeral public key from the aes128gcm header, base64url */
  public String senderPublicKey() {
    return senderPublicKey;
  }

  /** @return the {@code TTL} header */
  public long ttlSeconds() {
    return ttlSeconds;
  }

  /** @return the {@code Urgency} header, if sent */
  public Optional<String> urgency() {
    return Optional.ofNullable(urgency);
  }

  /** @return the {@code Topic} header, if sent */
  public Optional<String> topic() {
    return Optional.ofNullable(topic);
  }

  /** @return the HTTP protocol the message came over, for example {@code HTTP/2} */
  public String protocol() {
    return protocol;
  }

  /** @return the VAPID JWT ({@code t=}), empty when the subscription did not require VAPID */
  public Optional<String> vapidToken() {
    return Optional.ofNullable(vapidToken);
  }

  /** @return the VAPID public key ({@code k=}), base64url */
  public Optional<String> vapidPublicKey() {
    return Optional.ofNullable(vapidPublicKey);
  }

  /** @return the JWT's {@code aud} claim */
  public Optional<String> vapidAudience() {
    return Optional.ofNullable(vapidAudience);
  }

  /** @return the JWT's {@code sub} claim */
  public Optional<String> vapidSubject() {
    return Optional.ofNullable(vapidSubject);
  }

  /** @return the JWT's {@code exp} claim */
  public Optional<Instant> vapidExpiresAt() {
    return Optional.ofNullable(vapidExpiresAt);
  }

  /** @return when the mock received it, by the mock's clock */
  public Instant receivedAt() {
    return receivedAt;
  }

  /** @return the status the mock answered: 201, or a scripted {@link MockAnswer}'s */
  public int answeredStatus() {
    return answeredStatus;
  }

  @Override
  public String toString() {
    return "ReceivedWebPush{subscription=" + subscriptionId + ", " + plaintext.length
        + " bytes, ttl=" + ttlSeconds + ", answered " + answeredStatus + "}";
  }

  static final class Builder {
    String subscriptionId;
    byte[] plaintext = new byte[0];
    int bodyBytes;
    int paddingBytes;
    long recordSize;
    String senderPublicKey;
    long ttlSeconds;
    String urgency;
    String topic;
    String protocol;
    String vapidToken;
    String vapidPublicKey;
    String vapidAudience;
    String vapidSubject;
    Instant vapidExpiresAt;
    Instant receivedAt;
    int answeredStatus;

    ReceivedWebPush build() {
      return new ReceivedWebPush(this);
    }
  }
}
