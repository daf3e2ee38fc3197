package dev.herald.spi;

import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Herald keeps push subscription state: devices, address ownership, the status history and
 * preferences. The host implements it over its own database; {@code
 * dev.herald.embedded.InMemorySubscriptionStore} is the default.
 *
 * <p>The state machine in {@link dev.herald.subscription.Subscriptions} needs only two atomic
 * primitives, each over a single record, which a relational database gives with
 * {@code UPDATE … WHERE version = ?} (or {@code INSERT} for a new row):
 * <ul>
 *   <li>{@link #saveDevice}: compare-and-set on the device's version, storing the history entry
 *       in the same transaction;
 *   <li>{@link #compareAndSetOwner}: compare-and-set on an address's ownership epoch.
 * </ul>
 * Everything else is plain reads. Implementations must be thread-safe. The abstract contract test
 * {@code dev.herald.testing.SubscriptionStoreContract} in {@code herald-testing} checks an
 * implementation.
 */
public interface SubscriptionStore {

  /**
   * Reads one device.
   *
   * @param playerId the player
   * @param deviceId the device
   * @return the stored device, or empty
   */
  Optional<Device> findDevice(String playerId, String deviceId);

  /**
   * Reads every device of a player.
   *
   * @param playerId the player
   * @return the devices, empty for an unknown player
   */
  List<Device> devicesOf(String playerId);

  /**
   * Stores {@code next} if the stored version of that device is {@code expectedVersion} (0 when
   * the device must not exist yet), and in the same atomic step appends {@code change} to the
   * history when present.
   *
   * @param next the new state; {@code next.version()} is {@code expectedVersion + 1}
   * @param expectedVersion the version the caller read, 0 for a new device
   * @param change the history entry to append with it, if any
   * @return true when stored, false when another writer got there first (nothing is changed)
   */
  boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change);

  /**
   * Reads who owns an address.
   *
   * @param addressKey a {@link dev.herald.subscription.DeviceAddress#key()}
   * @return the current owner, or empty when the address was never claimed
   */
  Optional<AddressOwner> ownerOf(String addressKey);

  /**
   * Makes {@code next} the owner of its address if the stored epoch is {@code expectedEpoch}
   * (0 when the address must not have an owner yet).
   *
   * @param expectedEpoch the epoch the caller read, 0 for none
   * @param next the new owner; {@code next.epoch()} is {@code expectedEpoch + 1}
   * @return true when stored, false when another claim got there first
   */
  boolean compareAndSetOwner(long expectedEpoch, AddressOwner next);

  /**
   * Reads a device's history, oldest first.
   *
   * @param playerId the player
   * @param deviceId the device
   * @return every change appended for the device
   */
  List<StatusChange> history(String playerId, String deviceId);

  /**
   * Reads a player's preferences.
   *
   * @param playerId the player
   * @return the preferences, or empty when never reported
   */
  Optional<PushPreferences> preferences(String playerId);

  /**
   * Stores a player's preferences, replacing earlier ones.
   *
   * @param preferences the new preferences
   */
  void savePreferences(PushPreferences preferences);

  /**
   * Reads the devices of several players, as {@link #devicesOf} does each: a campaign reads its
   * audience's devices a page at a time rather than one round trip per player.
   *
   * <p>The default calls {@link #devicesOf} for each player; a store over a database should
   * override it with one query.
   *
   * @param playerIds the players, distinct
   * @return the devices of each player that has any; players without devices may be left out
   */
  default Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
    Map<String, List<Device>> devices = new HashMap<>();
    for (String playerId : playerIds) {
      List<Device> found = devicesOf(playerId);
      if (!found.isEmpty()) {
        devices.put(playerId, found);
      }
    }
    return devices;
  }

  /**
   * Reads the preferences of several players, as {@link #preferences} does each.
   *
   * <p>The default calls {@link #preferences} for each player; a store over a database should
   * override it with one query.
   *
   * @param playerIds the players, distinct
   * @return the preferences of each player that reported any
   */
  default Map<String, PushPreferences> preferencesOfAll(Collection<String> playerIds) {
    Map<String, PushPreferences> preferences = new HashMap<>();
    for (String playerId : playerIds) {
      preferences(playerId).ifPresent(p -> preferences.put(playerId, p));
    }
    return preferences;
  }

  /**
   * Reads the owners of several addresses, as {@link #ownerOf} does each.
   *
   * <p>The default calls {@link #ownerOf} for each key; a store over a database should override
   * it with one query.
   *
   * @param addressKeys {@link dev.herald.subscription.DeviceAddress#key() address keys}, distinct
   * @return the owner of each address that was ever claimed, by address key
   */
  default Map<String, AddressOwner> ownersOfAll(Collection<String> addressKeys) {
    Map<String, AddressOwner> owners = new HashMap<>();
    for (String key : addressKeys) {
      ownerOf(key).ifPresent(o -> owners.put(key, o));
    }
    return owners;
  }

  /**
   * Erases a player (the right to erasure): removes the player's devices with their addresses
   * and status history, the address ownerships the player holds, and the player's preferences.
   * Idempotent.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a store that keeps personal
   * data must implement it ({@code dev.herald.testing.SubscriptionStoreContract} checks it).
   *
   * @param playerId the player
   * @return how many devices were removed
   */
  default int erasePlayer(String playerId) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not implement erasePlayer");
  }
}
