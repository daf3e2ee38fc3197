package dev.herald.analytics;

import dev.herald.internal.Checks;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of Herald's event log: what happened to a campaign or a delivery, when, and why.
 * Appended through the {@link dev.herald.spi.DeliveryStore}; the communication log of a player and
 * the audit of a campaign are read from it.
 *
 * @param type what happened
 * @param at when, by Herald's clock
 * @param sourceId the campaign, trigger rule or transactional send
 * @param step the occurrence within the source; empty for source-level events
 * @param deliveryId the delivery, for delivery events
 * @param playerId the player, for delivery and conversion events
 * @param deviceId the device, when there is one
 * @param platform the device's platform, when there is one
 * @param variant the A/B variant, for delivery events
 * @param reason the suppression or failure code, the clicked action id, or the conversion goal
 * @param detail the provider's text or another human-readable detail; may be empty
 * @param httpStatus the push service's HTTP status, 0 when none
 * @param value a conversion's value (a deposit amount), when given
 */
public record DeliveryEvent(
    EventType type,
    Instant at,
    String sourceId,
    String step,
    Optional<String> deliveryId,
    Optional<String> playerId,
    Optional<String> deviceId,
    Optional<Platform> platform,
    Optional<String> variant,
    String reason,
    String detail,
    int httpStatus,
    Optional<BigDecimal> value) {

  /**
   * Validates the fields.
   *
   * @param type what happened
   * @param at when, by Herald's clock
   * @param sourceId the campaign, trigger rule or transactional send
   * @param step the occurrence within the source; empty for source-level events
   * @param deliveryId the delivery, for delivery events
   * @param playerId the player, for delivery and conversion events
   * @param deviceId the device, when there is one
   * @param platform the device's platform, when there is one
   * @param variant the A/B variant, for delivery events
   * @param reason the suppression or failure code, the clicked action id, or the conversion goal
   * @param detail the provider's text or another human-readable detail; may be empty
   * @param httpStatus the push service's HTTP status, 0 when none
   * @param value a conversion's value (a deposit amount), when given
   */
  public DeliveryEvent {
    Checks.required(type, "type");
    Checks.required(at, "at");
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.required(deliveryId, "deliveryId");
    Checks.required(playerId, "playerId");
    Checks.required(deviceId, "deviceId");
    Checks.required(platform, "platform");
    Checks.required(variant, "variant");
    reason = reason == null ? "" : reason;
    detail = detail == null ? "" : detail;
    Checks.required(value, "value");
  }

  /**
   * An event about one delivery.
   *
   * @param type what happened
   * @param at when
   * @param delivery the delivery
   * @param reason the reason code, or {@code ""}
   * @param detail detail text, or {@code ""}
   * @param httpStatus HTTP status or 0
   * @return the event
   */
  public static DeliveryEvent of(EventType type, Instant at, DeliveryRecord delivery,
      String reason, String detail, int httpStatus) {
    return new DeliveryEvent(type, at, delivery.sourceId(), delivery.step(),
        Optional.of(delivery.deliveryId()), Optional.of(delivery.playerId()), delivery.deviceId(),
        delivery.platform(), Optional.of(delivery.variant()), reason, detail, httpStatus,
        Optional.empty());
  }

  /**
   * An event about a source as a whole (created, completed, scheduled).
   *
   * @param type what happened
   * @param at when
   * @param sourceId the source
   * @param step the step, or {@code ""}
   * @param detail detail text, or {@code ""}
   * @return the event
   */
  public static DeliveryEvent ofSource(
      EventType type, Instant at, String sourceId, String step, String detail) {
    return new DeliveryEvent(type, at, sourceId, step, Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), "", detail, 0, Optional.empty());
  }
}
