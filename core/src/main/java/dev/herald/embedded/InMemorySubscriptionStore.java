package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.TransitionReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A thread-safe {@link SubscriptionStore} in memory: the default when the host supplies none, and
 * the reference the contract tests are written against. Nothing survives a restart.
 *
 * <p>Compact, so that a million players with their devices fit a small heap: a player's devices
 * are one small array (replaced whole on every write, so reads take no lock), and a device's
 * status history is packed into a {@code long[]} of two words per change instead of a list of
 * {@link StatusChange} objects, which are rebuilt when {@link #history} is read.
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {
  private static final Slot[] NO_SLOTS = new Slot[0];
  private static final PushStatus[] STATUSES = PushStatus.values();
  private static final TransitionReason[] REASONS = TransitionReason.values();

  /** Devices by player; an array is never changed once stored (copy on write, under compute). */
  private final ConcurrentMap<String, Slot[]> devices = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, AddressOwner> owners = new ConcurrentHashMap<>();
  private final ConcurrentMap<String, PushPreferences> preferences = new ConcurrentHashMap<>();

  /**
   * A device with its packed history: per change, the instant's epoch second, then its nanos with
   * the from-status (ordinal + 1, 0 for none), to-status and reason ordinals in higher bits.
   * {@code details} is null until a change carries a non-empty detail.
   */
  private record Slot(Device device, long[] history, String[] details) {
    Slot append(Device next, Optional<StatusChange> change) {
      if (change.isEmpty()) {
        return new Slot(next, history, details);
      }
      StatusChange c = change.get();
      int n = history.length / 2;
      long[] packed = Arrays.copyOf(history, history.length + 2);
      packed[2 * n] = c.at().getEpochSecond();
      packed[2 * n + 1] = c.at().getNano()
          | (long) c.from().map(s -> s.ordinal() + 1).orElse(0) << 30
          | (long) c.to().ordinal() << 34
          | (long) c.reason().ordinal() << 38;
      String[] texts = details;
      if (texts != null || !c.detail().isEmpty()) {
        texts = texts == null ? new String[n + 1] : Arrays.copyOf(texts, n + 1);
        texts[n] = c.detail();
      }
      return new Slot(next, packed, texts);
    }

    List<StatusChange> changes() {
      int n = history.length / 2;
      List<StatusChange> result = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        long bits = history[2 * i + 1];
        int from = (int) (bits >>> 30 & 0xf);
        String detail = details == null || details[i] == null ? "" : details[i];
        result.add(new StatusChange(device.playerId(), device.deviceId(),
            from == 0 ? Optional.empty() : Optional.of(STATUSES[from - 1]),
            STATUSES[(int) (bits >>> 34 & 0xf)], REASONS[(int) (bits >>> 38 & 0xff)],
            Instant.ofEpochSecond(history[2 * i], bits & 0x3fff_ffffL), detail));
      }
      return List.copyOf(result);
    }
  }

  /** Creates an empty store. */
  public InMemorySubscriptionStore() {}

  private static int indexOf(Slot[] slots, String deviceId) {
    if (slots != null) {
      for (int i = 0; i < slots.length; i++) {
        if (slots[i].device().deviceId().equals(deviceId)) {
          return i;
        }
      }
    }
    return -1;
  }

  private Slot slot(String playerId, String deviceId) {
    Slot[] slots = playerId == null ? null : devices.get(playerId);
    int i = indexOf(slots, deviceId);
    return i < 0 ? null : slots[i];
  }

  @Override
  public Optional<Device> findDevice(String playerId, String deviceId) {
    Slot slot = slot(playerId, deviceId);
    return slot == null ? Optional.empty() : Optional.of(slot.device());
  }

  @Override
  public List<Device> devicesOf(String playerId) {
    Slot[] slots = playerId == null ? NO_SLOTS : devices.getOrDefault(playerId, NO_SLOTS);
    if (slots.length == 1) {
      return List.of(slots[0].device());
    }
    List<Device> result = new ArrayList<>(slots.length);
    for (Slot slot : slots) {
      result.add(slot.device());
    }
    return result;
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
    boolean[] saved = {false};
    devices.compute(next.playerId(), (player, slots) -> {
      int i = indexOf(slots, next.deviceId());
      long stored = i < 0 ? 0 : slots[i].device().version();
      if (stored != expectedVersion) {
        return slots;
      }
      Slot[] copy;
      if (i < 0) {
        copy = slots == null ? new Slot[1] : Arrays.copyOf(slots, slots.length + 1);
        i = copy.length - 1;
        copy[i] = new Slot(next, new long[0], null).append(next, change);
      } else {
        copy = slots.clone();
        copy[i] = slots[i].append(next, change);
      }
      saved[0] = true;
      return copy;
    });
    return saved[0];
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
    Slot slot = slot(playerId, deviceId);
    return slot == null ? List.of() : slot.changes();
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
    Slot[] removed = devices.remove(playerId);
    owners.values().removeIf(owner -> owner.playerId().equals(playerId));
    preferences.remove(playerId);
    return removed == null ? 0 : removed.length;
  }
}
