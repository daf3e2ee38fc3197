package dev.herald.subscription;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Optional;

/**
 * One entry of a device's history: a status transition, or an address change that kept the
 * status. Stores keep them append-only; they are the audit trail of who could be reached when.
 *
 * @param playerId the player
 * @param deviceId the device
 * @param from the status before, empty when the device was created by this change
 * @param to the status after
 * @param reason why
 * @param at when, by Herald's clock
 * @param detail a human-readable note, for example the provider's invalidation reason; may be empty
 */
public record StatusChange(
    String playerId,
    String deviceId,
    Optional<PushStatus> from,
    PushStatus to,
    TransitionReason reason,
    Instant at,
    String detail) {

  /**
   * Validates the fields.
   *
   * @param playerId the player
   * @param deviceId the device
   * @param from the status before, empty when the device was created by this change
   * @param to the status after
   * @param reason why
   * @param at when, by Herald's clock
   * @param detail a human-readable note, for example the provider's invalidation reason; may be
   *     empty
   */
  public StatusChange {
    Checks.nonBlank(playerId, "playerId");
    Checks.nonBlank(deviceId, "deviceId");
    Checks.required(from, "from");
    Checks.required(to, "to");
    Checks.required(reason, "reason");
    Checks.required(at, "at");
    detail = detail == null ? "" : detail;
  }
}
