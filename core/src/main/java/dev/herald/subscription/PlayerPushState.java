package dev.herald.subscription;

import dev.herald.internal.Checks;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Everything Herald knows about one player's push reachability, read in one go: the devices,
 * the preferences, and the answers a back office or a segment asks for.
 *
 * @param playerId the player
 * @param devices every device of the player, in no particular order
 * @param preferences marketing consent and category opt-ins ({@link PushPreferences#none} if never
 *     reported)
 */
public record PlayerPushState(String playerId, List<Device> devices, PushPreferences preferences) {

  /**
   * Validates and copies.
   *
   * @param playerId the player
   * @param devices every device of the player, in no particular order
   * @param preferences marketing consent and category opt-ins ({@link PushPreferences#none} if
   *     never reported)
   */
  public PlayerPushState {
    Checks.nonBlank(playerId, "playerId");
    devices = List.copyOf(Checks.required(devices, "devices"));
    Checks.required(preferences, "preferences");
  }

  /**
   * The push status of the device the player used last (highest {@link Device#lastSeenAt()}).
   *
   * @return the status, empty for a player without devices
   */
  public Optional<PushStatus> lastSessionStatus() {
    return devices.stream()
        .max(Comparator.comparing(Device::lastSeenAt).thenComparing(Device::deviceId))
        .map(Device::status);
  }

  /**
   * Whether at least one device is {@link PushStatus#ALLOWED}.
   *
   * @return true when the player can be reached on some device
   */
  public boolean pushEnabled() {
    return devices.stream().anyMatch(Device::isSendable);
  }

  /**
   * The player's devices on one platform.
   *
   * @param platform the platform
   * @return the devices, possibly none
   */
  public List<Device> devicesOn(Platform platform) {
    return devices.stream().filter(d -> d.platform() == platform).toList();
  }

  /**
   * How many devices on a platform are in a status.
   *
   * @param platform the platform
   * @param status the status
   * @return the count
   */
  public long count(Platform platform, PushStatus status) {
    return devices.stream().filter(d -> d.platform() == platform && d.status() == status).count();
  }

  /**
   * The device classes (apps, browsers) on which the player has an ALLOWED device.
   *
   * @return the reachable classes, empty when push is not enabled anywhere
   */
  public Set<DeviceClass> reachableClasses() {
    EnumSet<DeviceClass> classes = EnumSet.noneOf(DeviceClass.class);
    devices.stream()
        .filter(Device::isSendable)
        .forEach(d -> classes.add(d.platform().deviceClass()));
    return Set.copyOf(classes);
  }

  /**
   * Whether a send aimed at {@code target} would find an ALLOWED device.
   *
   * @param target NATIVE, WEB or ALL
   * @return true when some ALLOWED device is included by the target
   */
  public boolean reachable(TargetDevices target) {
    return devices.stream().anyMatch(d -> d.isSendable() && target.includes(d.platform()));
  }

  /**
   * The ALLOWED devices included by {@code target}.
   *
   * @param target NATIVE, WEB or ALL
   * @return the devices a send would go to
   */
  public List<Device> sendableDevices(TargetDevices target) {
    return devices.stream().filter(d -> d.isSendable() && target.includes(d.platform())).toList();
  }
}
