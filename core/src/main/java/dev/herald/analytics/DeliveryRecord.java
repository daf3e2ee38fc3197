package dev.herald.analytics;

import dev.herald.content.NotificationType;
import dev.herald.internal.Checks;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * The state of one delivery: one message of one dispatch step for one device of one player (or,
 * for a player without a matching device, for the player). Its {@link #key()} — source, step,
 * player, device — is claimed in the {@link dev.herald.spi.DeliveryStore} before any provider call,
 * which is what makes dispatch idempotent; its {@link #deliveryId()} travels in the push payload so
 * a click can be reported back.
 *
 * @param sourceId the campaign, trigger rule or transactional send this delivery belongs to
 * @param step the occurrence within the source: a recurring campaign's run, a trigger's event
 * @param playerId the player
 * @param deviceId the device, empty for a player-level suppression (no device)
 * @param platform the device's platform, empty without a device
 * @param brand the device's brand; for a player-level record, the brand the dispatch targeted,
 *     empty when it targeted every brand
 * @param deliveryId the opaque id derived from the key
 * @param variant the A/B variant ({@code "default"} without variants, {@code "control"} for the
 *     control group)
 * @param type the notification type, which carries the purpose
 * @param category the opt-in category the message was sent under (the type's, unless the
 *     template overrides it); frequency caps by category count it
 * @param state where the delivery stands
 * @param reason why it was suppressed or failed ({@link Suppression} codes); empty otherwise
 * @param detail the provider's reason text or other detail; may be empty
 * @param createdAt when it was decided or claimed
 * @param updatedAt when it last changed
 * @param attempts provider calls made
 * @param httpStatus the push service's last HTTP status, 0 for none
 * @param messageId the push service's message id, when accepted
 * @param clickedAt when the player first clicked, if ever
 * @param conversions goals credited to this delivery's click
 * @param conversionValue the summed value of those goals
 */
public record DeliveryRecord(
    String sourceId,
    String step,
    String playerId,
    Optional<String> deviceId,
    Optional<Platform> platform,
    Optional<Brand> brand,
    String deliveryId,
    String variant,
    NotificationType type,
    String category,
    DeliveryState state,
    String reason,
    String detail,
    Instant createdAt,
    Instant updatedAt,
    int attempts,
    int httpStatus,
    Optional<String> messageId,
    Optional<Instant> clickedAt,
    int conversions,
    BigDecimal conversionValue) {

  /** The variant of a dispatch without A/B variants. */
  public static final String DEFAULT_VARIANT = "default";
  /** The pseudo-variant of players held out in the control group. */
  public static final String CONTROL_VARIANT = "control";

  /**
   * Validates the fields.
   *
   * @param sourceId the campaign, trigger rule or transactional send this delivery belongs to
   * @param step the occurrence within the source: a recurring campaign's run, a trigger's event
   * @param playerId the player
   * @param deviceId the device, empty for a player-level suppression (no device)
   * @param platform the device's platform, empty without a device
   * @param brand the device's brand; for a player-level record, the brand the dispatch targeted,
   *     empty when it targeted every brand
   * @param deliveryId the opaque id derived from the key
   * @param variant the A/B variant ({@code "default"} without variants, {@code "control"} for the
   *     control group)
   * @param type the notification type, which carries the purpose
   * @param category the opt-in category the message was sent under (the type's, unless the template
   *     overrides it); frequency caps by category count it
   * @param state where the delivery stands
   * @param reason why it was suppressed or failed ({@link Suppression} codes); empty otherwise
   * @param detail the provider's reason text or other detail; may be empty
   * @param createdAt when it was decided or claimed
   * @param updatedAt when it last changed
   * @param attempts provider calls made
   * @param httpStatus the push service's last HTTP status, 0 for none
   * @param messageId the push service's message id, when accepted
   * @param clickedAt when the player first clicked, if ever
   * @param conversions goals credited to this delivery's click
   * @param conversionValue the summed value of those goals
   */
  public DeliveryRecord {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.nonBlank(playerId, "playerId");
    Checks.required(deviceId, "deviceId");
    Checks.required(platform, "platform");
    Checks.required(brand, "brand");
    Checks.nonBlank(deliveryId, "deliveryId");
    Checks.nonBlank(variant, "variant");
    Checks.required(type, "type");
    Checks.nonBlank(category, "category");
    Checks.required(state, "state");
    Checks.required(reason, "reason");
    detail = detail == null ? "" : detail;
    Checks.required(createdAt, "createdAt");
    Checks.required(updatedAt, "updatedAt");
    Checks.required(messageId, "messageId");
    Checks.required(clickedAt, "clickedAt");
    Checks.required(conversionValue, "conversionValue");
  }

  /**
   * A record of the {@link Brand#DEFAULT default brand} when it has a device, of no brand
   * otherwise: the shape of records before brands, for single-brand hosts and stores.
   *
   * @param sourceId the campaign, trigger rule or transactional send this delivery belongs to
   * @param step the occurrence within the source
   * @param playerId the player
   * @param deviceId the device, empty for a player-level suppression (no device)
   * @param platform the device's platform, empty without a device
   * @param deliveryId the opaque id
   * @param variant the A/B variant
   * @param type the notification type
   * @param category the opt-in category the message was sent under
   * @param state where the delivery stands
   * @param reason why it was suppressed or failed; empty otherwise
   * @param detail the provider's reason text or other detail; may be empty
   * @param createdAt when it was decided or claimed
   * @param updatedAt when it last changed
   * @param attempts provider calls made
   * @param httpStatus the push service's last HTTP status, 0 for none
   * @param messageId the push service's message id, when accepted
   * @param clickedAt when the player first clicked, if ever
   * @param conversions goals credited to this delivery's click
   * @param conversionValue the summed value of those goals
   */
  public DeliveryRecord(String sourceId, String step, String playerId, Optional<String> deviceId,
      Optional<Platform> platform, String deliveryId, String variant, NotificationType type,
      String category, DeliveryState state, String reason, String detail, Instant createdAt,
      Instant updatedAt, int attempts, int httpStatus, Optional<String> messageId,
      Optional<Instant> clickedAt, int conversions, BigDecimal conversionValue) {
    this(sourceId, step, playerId, deviceId, platform,
        Checks.required(deviceId, "deviceId").isPresent() ? Optional.of(Brand.DEFAULT)
            : Optional.empty(),
        deliveryId, variant, type, category, state, reason, detail, createdAt, updatedAt,
        attempts, httpStatus, messageId, clickedAt, conversions, conversionValue);
  }

  /**
   * The idempotency key: source, step, player and device, each escaped, joined by {@code |}.
   *
   * @return the key
   */
  public String key() {
    return key(sourceId, step, playerId, deviceId.orElse(""));
  }

  /**
   * The idempotency key of a delivery.
   *
   * @param sourceId the source
   * @param step the step
   * @param playerId the player
   * @param deviceId the device, or {@code ""} for none
   * @return the key
   */
  public static String key(String sourceId, String step, String playerId, String deviceId) {
    return escape(Checks.required(sourceId, "sourceId")) + '|' + escape(Checks.required(step, "step"))
        + '|' + escape(Checks.required(playerId, "playerId")) + '|'
        + escape(Checks.required(deviceId, "deviceId"));
  }

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int ID_BYTES = 16;
  private static final int IDS_PER_FILL = 64;
  /**
   * The random bits of the next ids, per thread: one {@link SecureRandom#nextBytes} call fills
   * the bits of {@link #IDS_PER_FILL} ids (each call of the JDK's default {@code NativePRNG} costs
   * about as much as one id's bytes, so a call per id was ~5 % of a delivery's dispatch). Every id
   * still has its own 128 bits from the same generator; no bit is used twice. A JDK type, so a
   * host's pooled thread holds no Herald class after a redeploy.
   */
  private static final ThreadLocal<ByteBuffer> ID_BITS = ThreadLocal.withInitial(() ->
      ByteBuffer.allocate(ID_BYTES * IDS_PER_FILL).position(ID_BYTES * IDS_PER_FILL));
  private static final byte[] BASE64URL =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
          .getBytes(StandardCharsets.US_ASCII);

  /**
   * A new delivery id: {@code d} followed by 22 base64url characters of 128 random bits from a
   * {@link SecureRandom}. Ids travel in push payloads and come back from public click endpoints,
   * so they must not be guessable from player or campaign ids; the store keeps each one with its
   * delivery.
   *
   * @return a fresh id
   */
  public static String newDeliveryId() {
    ByteBuffer bits = ID_BITS.get();
    if (!bits.hasRemaining()) {
      RANDOM.nextBytes(bits.array());
      bits.clear();
    }
    byte[] id = new byte[23];
    id[0] = 'd';
    int at = 1;
    for (int group = 0; group < 5; group++) { // 5 groups of 3 bytes, 4 characters each
      int v = (bits.get() & 0xff) << 16 | (bits.get() & 0xff) << 8 | bits.get() & 0xff;
      id[at++] = BASE64URL[v >>> 18];
      id[at++] = BASE64URL[(v >>> 12) & 0x3f];
      id[at++] = BASE64URL[(v >>> 6) & 0x3f];
      id[at++] = BASE64URL[v & 0x3f];
    }
    int last = bits.get() & 0xff; // the 16th byte: 2 characters
    id[at++] = BASE64URL[last >>> 2];
    id[at] = BASE64URL[(last & 0x03) << 4];
    return new String(id, StandardCharsets.US_ASCII);
  }

  private static String escape(String part) {
    if (part.indexOf('|') < 0 && part.indexOf('\\') < 0) {
      return part;
    }
    return part.replace("\\", "\\\\").replace("|", "\\|");
  }

  /**
   * A copy in another state.
   *
   * @param newState the state
   * @param newReason the reason code, or {@code ""}
   * @param newDetail the detail, or {@code ""}
   * @param at when
   * @return the changed copy
   */
  public DeliveryRecord withState(
      DeliveryState newState, String newReason, String newDetail, Instant at) {
    return new DeliveryRecord(sourceId, step, playerId, deviceId, platform, brand, deliveryId,
        variant, type, category, newState, newReason, newDetail, createdAt, at, attempts, httpStatus,
        messageId, clickedAt, conversions, conversionValue);
  }

  /**
   * A copy with the provider's answer recorded.
   *
   * @param newState DELIVERED or FAILED
   * @param newReason the failure reason, or {@code ""}
   * @param newDetail the provider's reason text
   * @param at when
   * @param totalAttempts provider calls made in all
   * @param status the last HTTP status
   * @param id the provider's message id, or null
   * @return the changed copy
   */
  public DeliveryRecord withOutcome(DeliveryState newState, String newReason, String newDetail,
      Instant at, int totalAttempts, int status, String id) {
    return new DeliveryRecord(sourceId, step, playerId, deviceId, platform, brand, deliveryId,
        variant, type, category, newState, newReason, newDetail, createdAt, at, totalAttempts, status,
        Optional.ofNullable(id), clickedAt, conversions, conversionValue);
  }

  /**
   * A copy with the first click recorded (later clicks keep the first time).
   *
   * @param at when the player clicked
   * @return the changed copy
   */
  public DeliveryRecord withClick(Instant at) {
    return new DeliveryRecord(sourceId, step, playerId, deviceId, platform, brand, deliveryId,
        variant, type, category, state, reason, detail, createdAt, updatedAt, attempts, httpStatus,
        messageId, Optional.of(clickedAt.orElse(at)), conversions, conversionValue);
  }

  /**
   * A copy with one more conversion credited.
   *
   * @param value the conversion's value, zero when it has none
   * @return the changed copy
   */
  public DeliveryRecord withConversion(BigDecimal value) {
    return new DeliveryRecord(sourceId, step, playerId, deviceId, platform, brand, deliveryId,
        variant, type, category, state, reason, detail, createdAt, updatedAt, attempts, httpStatus,
        messageId, clickedAt, conversions + 1, conversionValue.add(value));
  }
}
