package dev.herald.jdbc;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One player's subscriptions as {@link JdbcSubscriptionStore#importAll} adds them: the devices a
 * host already has, with what the store keeps beside them. Validated when made: everything names
 * this player, and every status change and address owner names one of its devices.
 *
 * @param playerId the player
 * @param devices the player's devices (at most one per device id, each at version 1 or later)
 * @param history status changes of those devices, oldest first (each device's in its order)
 * @param owners the addresses those devices own, as {@link
 *     dev.herald.spi.SubscriptionStore#compareAndSetOwner} would hold them (an owner's epoch is
 *     its device's {@link Device#addressEpoch()}); a device's address without one is claimed
 *     again by the next device that registers it
 * @param preferences the player's preferences, if any were recorded
 */
public record ImportedPlayer(String playerId, List<Device> devices, List<StatusChange> history,
    List<AddressOwner> owners, Optional<PushPreferences> preferences) {

  /**
   * Validates the fields and copies the lists.
   *
   * @param playerId the player
   * @param devices the player's devices (at most one per device id, each at version 1 or later)
   * @param history status changes of those devices, oldest first
   * @param owners the addresses those devices own
   * @param preferences the player's preferences, if any were recorded
   * @throws InvalidInputException naming the field that breaks a rule, and the rule
   */
  public ImportedPlayer {
    Checks.nonBlank(playerId, "playerId", Device.MAX_PLAYER_ID_CHARS);
    devices = copy(devices, "devices");
    history = copy(history, "history");
    owners = copy(owners, "owners");
    Checks.required(preferences, "preferences");
    Set<String> deviceIds = new HashSet<>();
    for (int i = 0; i < devices.size(); i++) {
      Device d = devices.get(i);
      samePlayer(playerId, d.playerId(), "devices[" + i + "].playerId");
      if (d.version() < 1) {
        throw new InvalidInputException("devices[" + i + "].version",
            "must be at least 1 (a saved device), got " + d.version());
      }
      if (!deviceIds.add(d.deviceId())) {
        throw new InvalidInputException("devices[" + i + "].deviceId",
            "must be unique among the player's devices; '" + d.deviceId() + "' comes twice");
      }
    }
    for (int i = 0; i < history.size(); i++) {
      StatusChange c = history.get(i);
      samePlayer(playerId, c.playerId(), "history[" + i + "].playerId");
      ofADevice(deviceIds, c.deviceId(), "history[" + i + "].deviceId");
    }
    for (int i = 0; i < owners.size(); i++) {
      AddressOwner o = owners.get(i);
      samePlayer(playerId, o.playerId(), "owners[" + i + "].playerId");
      ofADevice(deviceIds, o.deviceId(), "owners[" + i + "].deviceId");
    }
    preferences.ifPresent(p -> samePlayer(playerId, p.playerId(), "preferences.playerId"));
  }

  /**
   * A player with devices only: no history, no address owners, no preferences.
   *
   * @param playerId the player
   * @param devices the player's devices
   * @return the player
   * @throws InvalidInputException naming the field that breaks a rule, and the rule
   */
  public static ImportedPlayer of(String playerId, List<Device> devices) {
    return new ImportedPlayer(playerId, devices, List.of(), List.of(), Optional.empty());
  }

  private static <T> List<T> copy(List<T> values, String field) {
    Checks.required(values, field);
    for (int i = 0; i < values.size(); i++) {
      Checks.required(values.get(i), field + "[" + i + "]");
    }
    return List.copyOf(values);
  }

  private static void samePlayer(String playerId, String named, String field) {
    if (!playerId.equals(named)) {
      throw new InvalidInputException(field, "must be the player's id '" + playerId + "', got '"
          + named + "'");
    }
  }

  private static void ofADevice(Set<String> deviceIds, String deviceId, String field) {
    if (!deviceIds.contains(deviceId)) {
      throw new InvalidInputException(field, "must be one of the player's devices; '" + deviceId
          + "' is not among them");
    }
  }
}
