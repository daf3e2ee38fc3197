package dev.herald.apns;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One APNs notification for one device, with every header APNs defines: what
 * {@link ApnsProvider#send(ApnsNotification)} sends. Use it directly for what a Herald
 * {@link dev.herald.content.Notification} does not express (background pushes, VoIP, Live
 * Activities, localised alerts); {@link ApnsProvider#send(dev.herald.spi.PushMessage)} builds one
 * from a Herald message.
 *
 * <pre>{@code
 * ApnsNotification n = ApnsNotification.builder(ApnsAddress.production(token, "com.example.casino"))
 *     .pushType(ApnsPushType.BACKGROUND)
 *     .payload(ApnsPayload.builder().contentAvailable(true).customKey("balance", 120).build())
 *     .expiration(Instant.now().plus(Duration.ofHours(1)))
 *     .build();
 * }</pre>
 *
 * <p>Immutable. The builder checks each header against Apple's rules; the payload's size is
 * checked when the notification is sent.
 */
public final class ApnsNotification {
  /** The longest {@code apns-collapse-id}, in UTF-8 bytes. */
  public static final int MAX_COLLAPSE_ID_BYTES = 64;

  private final ApnsAddress address;
  private final ApnsPushType pushType;
  private final ApnsPriority priority;
  private final Instant expiration;
  private final String collapseId;
  private final UUID apnsId;
  private final ApnsPayload payload;

  private ApnsNotification(Builder b) {
    this.address = b.address;
    this.pushType = b.pushType;
    this.priority = b.pushType == ApnsPushType.BACKGROUND ? ApnsPriority.CONSERVE_POWER : b.priority;
    this.expiration = b.expiration;
    this.collapseId = b.collapseId;
    this.apnsId = b.apnsId;
    this.payload = b.payload;
  }

  /**
   * An {@code apns-collapse-id} for any collapse key: the key itself when it is 1 to
   * {@value #MAX_COLLAPSE_ID_BYTES} printable ASCII characters, else the first 43 characters of
   * the base64url SHA-256 of its UTF-8 bytes, prefixed with {@code h:}. A key written for FCM or
   * Web Push ({@code "турнир 42"}) so still collapses on iOS, the same key always gives the same
   * id, and no text can inject a header.
   *
   * @param collapseKey the key, such as a Herald notification's collapse key
   * @return a valid collapse id
   * @throws InvalidInputException when the key is null or blank
   */
  public static String collapseIdOf(String collapseKey) {
    String key = Checks.nonBlank(collapseKey, "apns.collapseId");
    if (key.length() <= MAX_COLLAPSE_ID_BYTES && firstNonPrintableAscii(key) < 0) {
      return key;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return "h:" + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** The index of the first character outside space to {@code ~}, or -1. */
  private static int firstNonPrintableAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < ' ' || c > '~') {
        return i;
      }
    }
    return -1;
  }

  /**
   * Starts a notification; set the address and payload at least.
   *
   * @return a builder with push type ALERT and priority IMMEDIATE
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a notification to an address.
   *
   * @param address the device token, topic and environment
   * @return a builder
   */
  public static Builder builder(ApnsAddress address) {
    return new Builder().address(address);
  }

  /** @return the device token, topic and environment */
  public ApnsAddress address() {
    return address;
  }

  /** @return the {@code apns-push-type} */
  public ApnsPushType pushType() {
    return pushType;
  }

  /** @return the {@code apns-priority}; always CONSERVE_POWER for background pushes */
  public ApnsPriority priority() {
    return priority;
  }

  /**
   * The {@code apns-expiration}: the instant after which APNs stops trying. {@link Instant#EPOCH}
   * means "deliver once, do not store" (header value 0).
   *
   * @return the expiration, or empty to leave the header out
   */
  public Optional<Instant> expiration() {
    return Optional.ofNullable(expiration);
  }

  /** @return the {@code apns-collapse-id} */
  public Optional<String> collapseId() {
    return Optional.ofNullable(collapseId);
  }

  /** @return the {@code apns-id}; when empty, APNs assigns one and returns it */
  public Optional<UUID> apnsId() {
    return Optional.ofNullable(apnsId);
  }

  /** @return the JSON body */
  public ApnsPayload payload() {
    return payload;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApnsNotification n
        && address.equals(n.address)
        && pushType == n.pushType
        && priority == n.priority
        && Objects.equals(expiration, n.expiration)
        && Objects.equals(collapseId, n.collapseId)
        && Objects.equals(apnsId, n.apnsId)
        && payload.equals(n.payload);
  }

  @Override
  public int hashCode() {
    return Objects.hash(address, pushType, priority, expiration, collapseId, apnsId, payload);
  }

  @Override
  public String toString() {
    return "ApnsNotification{" + address + ", " + pushType.headerValue() + ", priority "
        + priority.value() + ", " + payload + "}";
  }

  /**
   * Builds an {@link ApnsNotification}; setters validate their argument, {@link #build()} the
   * combination. Not thread-safe; reusable.
   */
  public static final class Builder {
    private ApnsAddress address;
    private ApnsPushType pushType = ApnsPushType.ALERT;
    private ApnsPriority priority = ApnsPriority.IMMEDIATE;
    private Instant expiration;
    private String collapseId;
    private UUID apnsId;
    private ApnsPayload payload;

    private Builder() {}

    /**
     * @param value the device token, topic and environment; required
     * @return this builder
     */
    public Builder address(ApnsAddress value) {
      this.address = Checks.required(value, "apns.address");
      return this;
    }

    /**
     * A shortcut for {@link #address(ApnsAddress)}.
     *
     * @param deviceToken the hex device token
     * @param topic the app's bundle id, with the push type's suffix where one is needed
     * @param environment production or sandbox
     * @return this builder
     */
    public Builder address(String deviceToken, String topic, ApnsEnvironment environment) {
      return address(new ApnsAddress(deviceToken, topic, environment));
    }

    /**
     * @param value the push type; ALERT by default
     * @return this builder
     */
    public Builder pushType(ApnsPushType value) {
      this.pushType = Checks.required(value, "apns.pushType");
      return this;
    }

    /**
     * @param value the priority; IMMEDIATE by default, and always CONSERVE_POWER for background
     *     pushes whatever is set here
     * @return this builder
     */
    public Builder priority(ApnsPriority value) {
      this.priority = Checks.required(value, "apns.priority");
      return this;
    }

    /**
     * @param value the absolute instant after which APNs stops trying (sent as UNIX seconds),
     *     {@link Instant#EPOCH} to deliver once without storing, or null to leave the header out
     * @return this builder
     */
    public Builder expiration(Instant value) {
      if (value != null && value.isBefore(Instant.EPOCH)) {
        throw new InvalidInputException(
            "apns.expiration", "must not be before 1970-01-01T00:00:00Z, got " + value);
      }
      this.expiration = value;
      return this;
    }

    /**
     * Asks APNs to try once and not store the notification ({@code apns-expiration: 0}).
     *
     * @return this builder
     */
    public Builder deliverOnce() {
      this.expiration = Instant.EPOCH;
      return this;
    }

    /**
     * @param value notifications with the same id replace each other on the device; 1 to
     *     {@value ApnsNotification#MAX_COLLAPSE_ID_BYTES} printable ASCII characters (space to
     *     {@code ~}; no CR, LF or other control character, which would be a header injection);
     *     null for none. {@link ApnsNotification#collapseIdOf(String)} turns any text into one.
     * @return this builder
     * @throws InvalidInputException naming {@code apns.collapseId} and the limit
     */
    public Builder collapseId(String value) {
      if (value == null) {
        this.collapseId = null;
        return this;
      }
      String id = Checks.maxUtf8Bytes(
          Checks.nonBlank(value, "apns.collapseId"), "apns.collapseId", MAX_COLLAPSE_ID_BYTES);
      int bad = firstNonPrintableAscii(id);
      if (bad >= 0) {
        throw new InvalidInputException(
            "apns.collapseId",
            "must be printable ASCII (space to ~), got U+"
                + String.format(java.util.Locale.ROOT, "%04X", (int) id.charAt(bad))
                + " at index " + bad);
      }
      this.collapseId = id;
      return this;
    }

    /**
     * @param value the {@code apns-id} to send, or null to let APNs assign one
     * @return this builder
     */
    public Builder apnsId(UUID value) {
      this.apnsId = value;
      return this;
    }

    /**
     * @param value the JSON body; required
     * @return this builder
     */
    public Builder payload(ApnsPayload value) {
      this.payload = Checks.required(value, "apns.payload");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the notification
     * @throws InvalidInputException when the address or payload is missing, or the topic lacks
     *     the suffix the push type needs
     */
    public ApnsNotification build() {
      Checks.required(address, "apns.address");
      Checks.required(payload, "apns.payload");
      Optional<String> suffix = pushType.topicSuffix();
      if (suffix.isPresent() && !address.topic().endsWith(suffix.get())) {
        throw new InvalidInputException(
            "apns.topic",
            "a " + pushType.headerValue() + " push needs the topic to end in " + suffix.get()
                + " (for example " + address.topic() + suffix.get() + "), got "
                + address.topic());
      }
      return new ApnsNotification(this);
    }
  }
}
