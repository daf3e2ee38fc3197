package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A thread-safe {@link SubscriptionStore} in memory: the default when the host supplies none, and
 * the reference the contract tests are written against. Nothing survives a restart.
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {
  /** Devices by player, then by device id; each player's map is the lock for its writes. */
  private final ConcurrentMap<String, Map<String, Entry>> devices = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AddressOwner> owners = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, PushPreferences> preferences = new ConcurrentHashMap<>();

  /** A device with its history, replaced together. */
  private record Entry(Device device, List<StatusChange> history) {}

  /** Creates an empty store. */
  public InMemorySubscriptionStore() {}

  @Override
  public Optional<Device> findDevice(String playerId, String deviceId) {
    Map<String, Entry> byDevice = devices.get(playerId);
    if (byDevice == null) {
      return Optional.empty();
    }
    synchronized (byDevice) {
      Entry entry = byDevice.get(deviceId);
      return entry == null ? Optional.empty() : Optional.of(entry.device());
    }
  }

  @Override
  public List<Device> devicesOf(String playerId) {
    Map<String, Entry> byDevice = devices.get(playerId);
    if (byDevice == null) {
      return List.of();
    }
    synchronized (byDevice) {
      if (byDevice.size() == 1) {
        return List.of(byDevice.values().iterator().next().device());
      }
      List<Device> result = new ArrayList<>(byDevice.size());
      for (Entry e : byDevice.values()) {
        result.add(e.device());
      }
      return result;
    }
  }

  @Override
  public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
    Checks.required(next, "device");
    Checks.required(change, "change");
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException(
          "device.version must be expectedVersion + 1 = " + (expectedVersion + 1)
              + ", got " + next.version());
    }
    Map<String, Entry> byDevice =
        devices.computeIfAbsent(next.playerId(), k -> new java.util.HashMap<>());
    synchronized (byDevice) {
      Entry current = byDevice.get(next.deviceId());
      long stored = current == null ? 0 : current.device().version();
      if (stored != expectedVersion) {
        return false;
      }
      List<StatusChange> history =
          current == null ? new ArrayList<>() : new ArrayList<>(current.history());
      change.ifPresent(history::add);
      byDevice.put(next.deviceId(), new Entry(next, List.copyOf(history)));
      return true;
    }
  }

  @Override
  public Optional<AddressOwner> ownerOf(String addressKey) {
    return Optional.ofNullable(owners.get(addressKey));
  }

  @Override
  public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
    Checks.required(next, "owner");
    if (next.epoch() != expectedEpoch + 1) {
      throw new IllegalArgumentException(
          "owner.epoch must be expectedEpoch + 1 = " + (expectedEpoch + 1)
              + ", got " + next.epoch());
    }
    if (expectedEpoch == 0) {
      return owners.putIfAbsent(next.addressKey(), next) == null;
    }
    boolean[] swapped = {false};
    owners.computeIfPresent(next.addressKey(), (key, current) -> {
      if (current.epoch() == expectedEpoch) {
        swapped[0] = true;
        return next;
      }
      return current;
    });
    return swapped[0];
  }

  @Override
  public List<StatusChange> history(String playerId, String deviceId) {
    Map<String, Entry> byDevice = devices.get(playerId);
    if (byDevice == null) {
      return List.of();
    }
    synchronized (byDevice) {
      Entry entry = byDevice.get(deviceId);
      return entry == null ? List.of() : entry.history();
    }
  }

  @Override
  public Optional<PushPreferences> preferences(String playerId) {
    return Optional.ofNullable(preferences.get(playerId));
  }

  @Override
  public void savePreferences(PushPreferences value) {
    Checks.required(value, "preferences");
    preferences.put(value.playerId(), value);
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    Map<String, Entry> byDevice = devices.remove(playerId);
    int removed = 0;
    if (byDevice != null) {
      synchronized (byDevice) {
        removed = byDevice.size();
        byDevice.clear(); // a writer that already held this map now saves into nothing visible
      }
    }
    owners.values().removeIf(owner -> owner.playerId().equals(playerId));
    preferences.remove(playerId);
    return removed;
  }
}
