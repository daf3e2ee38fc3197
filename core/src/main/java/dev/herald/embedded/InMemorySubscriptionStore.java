package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.internal.Interner;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Invalidation;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.TransitionReason;
import dev.herald.subscription.WebPushAddress;
import java.net.URI;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;

/**
 * A thread-safe {@link SubscriptionStore} in memory: the default when the host supplies none, and
 * the reference the contract tests are written against. Nothing survives a restart.
 *
 * <p>Compact, so that a million players with their devices fit a small heap (about 200 bytes per
 * player with a device, on a 64-bit JVM with compressed references): each player is one byte
 * array holding the id, the preferences and every device with its address and packed status
 * history (instants as seconds and microseconds, statuses as bytes, APNs tokens as raw bytes,
 * brands, topics and Web Push endpoint prefixes as numbers in small dictionaries), found through
 * an open-address table rather than a map of objects. The owner of an address that its owning
 * device holds (nearly every owner) costs an epoch in that device's record and a slot in an
 * open-address table of row numbers; other owners are kept whole.
 * Each read decodes fresh {@link Device}, {@link AddressOwner}, {@link PushPreferences} and
 * {@link StatusChange} values; the player id of a device read is the caller's own string.
 *
 * <p>A read-write lock guards the rows: reads run in parallel, each write is atomic.
 */
public final class InMemorySubscriptionStore implements SubscriptionStore {
  private static final PushStatus[] STATUSES = PushStatus.values();
  private static final TransitionReason[] REASONS = TransitionReason.values();
  private static final Platform[] PLATFORMS = Platform.values();
  private static final ApnsEnvironment[] ENVIRONMENTS = ApnsEnvironment.values();
  private static final HexFormat HEX = HexFormat.of();
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final int DICTIONARY_CAPACITY = 1 << 16;
  private static final int SHARED_DEVICE_ID_CHARS = 16;
  private static final byte KEY_OTHER = 0;
  private static final byte KEY_APNS = 1;
  private static final byte KEY_WEBPUSH = 2;
  private static final byte KEY_FCM = 3;
  /** Device ids repeat ("android", "browser"); shared, so that decoded devices do not copy them. */
  private static final Interner<String> DEVICE_IDS = new Interner<>(4_096);

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** One row per player: id, preferences, devices. */
  private final RowTable players = new RowTable();
  /**
   * The owners of addresses that the owning device holds: an open-address table whose slots are
   * 24 bits of the key's hash, the player's row + 1 (28 bits) and the device's position in the
   * row (12 bits); the epoch is in the device's record. 0 is an empty slot.
   */
  private long[] ownerSlots = new long[64];
  private int ownerCount;
  /**
   * The other owners: of an address claimed before its device stores it, of one the device has
   * since given up, of a player or device not stored. Few: a claim is followed by its device.
   */
  private final Map<String, AddressOwner> looseOwners = new HashMap<>();
  private final Packed.Dictionary<Brand> brands = new Packed.Dictionary<>(DICTIONARY_CAPACITY);
  private final Packed.Dictionary<String> texts = new Packed.Dictionary<>(DICTIONARY_CAPACITY);
  private final Packed.Dictionary<Set<String>> categorySets =
      new Packed.Dictionary<>(DICTIONARY_CAPACITY);
  private final Packed.Writer scratch = new Packed.Writer(512);

  /** Creates an empty store. */
  public InMemorySubscriptionStore() {}

  // ------------------------------------------------------------------------------------ reads

  @Override
  public Optional<Device> findDevice(String playerId, String deviceId) {
    if (playerId == null || deviceId == null) {
      return Optional.empty();
    }
    lock.readLock().lock();
    try {
      byte[] row = playerRow(playerId);
      if (row == null) {
        return Optional.empty();
      }
      PlayerRow parsed = new PlayerRow(row);
      int i = parsed.indexOf(deviceId);
      return i < 0 ? Optional.empty() : Optional.of(decodeDevice(playerId, row, parsed.start(i)));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public List<Device> devicesOf(String playerId) {
    if (playerId == null) {
      return List.of();
    }
    lock.readLock().lock();
    try {
      return devicesOfLocked(playerId);
    } finally {
      lock.readLock().unlock();
    }
  }

  private List<Device> devicesOfLocked(String playerId) {
    byte[] row = playerRow(playerId);
    if (row == null) {
      return List.of();
    }
    PlayerRow parsed = new PlayerRow(row);
    if (parsed.count == 0) {
      return List.of();
    }
    List<Device> result = new ArrayList<>(parsed.count);
    for (int i = 0; i < parsed.count; i++) {
      result.add(decodeDevice(playerId, row, parsed.start(i)));
    }
    return result;
  }

  @Override
  public Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
    return readAll(playerIds, id -> {
      List<Device> found = devicesOfLocked(id);
      return found.isEmpty() ? Optional.empty() : Optional.of(found);
    });
  }

  /** Reads many keys under one read lock; null keys and empty answers are left out. */
  private <T> Map<String, T> readAll(Collection<String> keys,
      Function<String, Optional<T>> readLocked) {
    Map<String, T> result = new HashMap<>(keys.size() * 2); // sized: a dispatch page reads 100s
    lock.readLock().lock();
    try {
      for (String key : keys) {
        if (key != null) {
          readLocked.apply(key).ifPresent(value -> result.put(key, value));
        }
      }
    } finally {
      lock.readLock().unlock();
    }
    return result;
  }

  @Override
  public List<StatusChange> history(String playerId, String deviceId) {
    if (playerId == null || deviceId == null) {
      return List.of();
    }
    lock.readLock().lock();
    try {
      byte[] row = playerRow(playerId);
      if (row == null) {
        return List.of();
      }
      PlayerRow parsed = new PlayerRow(row);
      int i = parsed.indexOf(deviceId);
      if (i < 0) {
        return List.of();
      }
      return decodeHistory(playerId, DEVICE_IDS.intern(deviceId), row,
          historyStart(row, parsed.start(i)), createdAt(row, parsed.start(i)));
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<PushPreferences> preferences(String playerId) {
    if (playerId == null) {
      return Optional.empty();
    }
    lock.readLock().lock();
    try {
      return preferencesLocked(playerId);
    } finally {
      lock.readLock().unlock();
    }
  }

  private Optional<PushPreferences> preferencesLocked(String playerId) {
    byte[] row = playerRow(playerId);
    if (row == null) {
      return Optional.empty();
    }
    Packed.Reader in = new Packed.Reader(row, 0);
    in.skipBlob();
    return decodePreferences(playerId, in);
  }

  @Override
  public Map<String, PushPreferences> preferencesOfAll(Collection<String> playerIds) {
    return readAll(playerIds, this::preferencesLocked);
  }

  @Override
  public Optional<AddressOwner> ownerOf(String addressKey) {
    if (addressKey == null) {
      return Optional.empty();
    }
    lock.readLock().lock();
    try {
      return ownerLocked(addressKey);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Map<String, AddressOwner> ownersOfAll(Collection<String> addressKeys) {
    return readAll(addressKeys, this::ownerLocked);
  }

  private Optional<AddressOwner> ownerLocked(String addressKey) {
    int slot = findOwnerSlot(addressKey);
    if (slot < 0) {
      return Optional.ofNullable(looseOwners.get(addressKey));
    }
    long value = ownerSlots[slot];
    byte[] row = players.row(slotRow(value));
    int start = deviceStart(row, slotDevice(value));
    Packed.Reader in = new Packed.Reader(row, 0);
    String player = in.string();
    in = new Packed.Reader(row, start);
    in.unsigned();
    in.unsigned();
    String device = readDeviceId(in);
    return Optional.of(new AddressOwner(addressKey, player, device, ownerEpochAt(row, start)));
  }

  // ----------------------------------------------------------------------------------- writes

  @Override
  public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
    Checks.required(next, "device");
    Checks.required(change, "change");
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException(
          "device.version must be expectedVersion + 1 = " + (expectedVersion + 1)
              + ", got " + next.version());
    }
    lock.writeLock().lock();
    try {
      byte[] key = playerKey(next.playerId());
      int rowNumber = players.find(key);
      byte[] row = rowNumber < 0 ? null : players.row(rowNumber);
      PlayerRow parsed = row == null ? null : new PlayerRow(row);
      int i = parsed == null ? -1 : parsed.indexOf(next.deviceId());
      long stored = i < 0 ? 0 : storedVersion(row, parsed.start(i));
      if (stored != expectedVersion) {
        return false;
      }
      // the ownership this device holds stays with it while its address stays the same
      String newKey = next.address().map(DeviceAddress::key).orElse(null);
      long ownerEpoch = 0;
      if (i >= 0) {
        long held = ownerEpochAt(row, parsed.start(i));
        String oldKey = addressKeyAt(row, parsed.start(i));
        if (held > 0 && oldKey.equals(newKey)) {
          ownerEpoch = held;
        } else if (held > 0) {
          removeOwnerSlot(findOwnerSlot(oldKey));
          looseOwners.put(oldKey, new AddressOwner(oldKey, next.playerId(), next.deviceId(), held));
        }
      }
      boolean attach = false;
      int ordinal = i < 0 ? (parsed == null ? 0 : parsed.count) : i;
      if (ownerEpoch == 0 && newKey != null && ordinal <= MAX_DEVICE_ORDINAL) {
        AddressOwner loose = looseOwners.get(newKey);
        if (loose != null && loose.is(next.playerId(), next.deviceId())) {
          looseOwners.remove(newKey);
          ownerEpoch = loose.epoch();
          attach = true;
        }
      }
      byte[] record = encodeDevice(next, ownerEpoch, i < 0 ? null : row,
          i < 0 ? -1 : parsed.start(i), change);
      Packed.Writer out = scratch;
      out.reset();
      if (row == null) {
        out.write(key, 0, key.length);
        out.write(0); // no preferences
        out.unsigned(1);
        out.blob(record);
        rowNumber = players.insert(out.toArray());
      } else {
        players.replace(rowNumber, withRecord(row, parsed, i, record));
      }
      if (attach) {
        insertOwnerSlot(ownerHash(newKey), rowNumber, ordinal);
      }
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The row with device {@code i}'s record replaced, or the record appended when i is -1. */
  private byte[] withRecord(byte[] row, PlayerRow parsed, int i, byte[] record) {
    Packed.Writer out = scratch;
    out.reset();
    out.write(row, 0, parsed.devicesAt);
    out.unsigned(i < 0 ? parsed.count + 1 : parsed.count);
    for (int d = 0; d < parsed.count; d++) {
      if (d == i) {
        out.blob(record);
      } else {
        out.write(row, parsed.start(d), parsed.end(d) - parsed.start(d));
      }
    }
    if (i < 0) {
      out.blob(record);
    }
    return out.toArray();
  }

  @Override
  public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
    Checks.required(next, "owner");
    if (next.epoch() != expectedEpoch + 1) {
      throw new IllegalArgumentException(
          "owner.epoch must be expectedEpoch + 1 = " + (expectedEpoch + 1)
              + ", got " + next.epoch());
    }
    lock.writeLock().lock();
    try {
      String key = next.addressKey();
      int slot = findOwnerSlot(key);
      long current;
      if (slot >= 0) {
        long value = ownerSlots[slot];
        byte[] row = players.row(slotRow(value));
        current = ownerEpochAt(row, new PlayerRow(row).start(slotDevice(value)));
      } else {
        AddressOwner loose = looseOwners.get(key);
        current = loose == null ? 0 : loose.epoch();
      }
      if (current != expectedEpoch) {
        return false;
      }
      if (slot >= 0) {
        long value = ownerSlots[slot];
        removeOwnerSlot(slot);
        setOwnerEpoch(slotRow(value), slotDevice(value), 0);
      } else {
        looseOwners.remove(key);
      }
      // attached to the claiming device when it already holds the address, else loose until it
      // is saved with it
      int rowNumber = players.find(playerKey(next.playerId()));
      if (rowNumber >= 0) {
        byte[] row = players.row(rowNumber);
        PlayerRow parsed = new PlayerRow(row);
        int i = parsed.indexOf(next.deviceId());
        if (i >= 0 && i <= MAX_DEVICE_ORDINAL && key.equals(addressKeyAt(row, parsed.start(i)))) {
          setOwnerEpoch(rowNumber, i, next.epoch());
          insertOwnerSlot(ownerHash(key), rowNumber, i);
          return true;
        }
      }
      looseOwners.put(key, next);
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public void savePreferences(PushPreferences value) {
    Checks.required(value, "preferences");
    lock.writeLock().lock();
    try {
      byte[] key = playerKey(value.playerId());
      int rowNumber = players.find(key);
      Packed.Writer out = scratch;
      out.reset();
      out.write(key, 0, key.length);
      out.write(value.marketingConsent() ? 2 : 1);
      int set = categorySets.indexOf(value.categories());
      out.unsigned(set + 1);
      if (set < 0) {
        out.unsigned(value.categories().size());
        value.categories().forEach(out::string);
      }
      out.instant(value.updatedAt());
      if (rowNumber < 0) {
        out.unsigned(0);
        players.insert(out.toArray());
      } else {
        byte[] row = players.row(rowNumber);
        PlayerRow parsed = new PlayerRow(row);
        out.write(row, parsed.devicesAt, row.length - parsed.devicesAt);
        players.replace(rowNumber, out.toArray());
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    lock.writeLock().lock();
    try {
      int rowNumber = players.find(playerKey(playerId));
      int devices = 0;
      if (rowNumber >= 0) {
        byte[] row = players.row(rowNumber);
        PlayerRow parsed = new PlayerRow(row);
        devices = parsed.count;
        for (int i = 0; i < parsed.count; i++) {
          if (ownerEpochAt(row, parsed.start(i)) > 0) {
            removeOwnerSlot(findOwnerSlot(addressKeyAt(row, parsed.start(i))));
          }
        }
        players.remove(rowNumber);
      }
      looseOwners.values().removeIf(owner -> owner.playerId().equals(playerId));
      return devices;
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------------------- owner table

  private static final int MAX_DEVICE_ORDINAL = 0xfff;

  private static int ownerHash(String addressKey) {
    int h = addressKey.hashCode() * 0x9e3779b9;
    return (h ^ h >>> 16) & 0xffffff;
  }

  private static int slotRow(long value) {
    return (int) (value >>> 12 & 0xfffffff) - 1;
  }

  private static int slotDevice(long value) {
    return (int) (value & MAX_DEVICE_ORDINAL);
  }

  /** The slot of the attached owner of this key, or -1. */
  private int findOwnerSlot(String addressKey) {
    int hash = ownerHash(addressKey);
    int mask = ownerSlots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      long value = ownerSlots[i];
      if (value == 0) {
        return -1;
      }
      if ((int) (value >>> 40) == hash) {
        byte[] row = players.row(slotRow(value));
        if (addressKey.equals(addressKeyAt(row, deviceStart(row, slotDevice(value))))) {
          return i;
        }
      }
    }
  }

  private void insertOwnerSlot(int hash, int row, int device) {
    // at most three quarters full: a probe compares 24 bits of hash before it reads a row
    if (++ownerCount * 4 > ownerSlots.length * 3) {
      long[] old = ownerSlots;
      ownerSlots = new long[old.length * 2];
      for (long value : old) {
        if (value != 0) {
          placeOwnerSlot(value);
        }
      }
    }
    placeOwnerSlot((long) hash << 40 | (long) (row + 1) << 12 | device);
  }

  private void placeOwnerSlot(long value) {
    int mask = ownerSlots.length - 1;
    int i = (int) (value >>> 40) & mask;
    while (ownerSlots[i] != 0) {
      i = (i + 1) & mask;
    }
    ownerSlots[i] = value;
  }

  /** Empties a slot, moving later ones of the same run back (no tombstones). */
  private void removeOwnerSlot(int i) {
    if (i < 0) {
      return;
    }
    int mask = ownerSlots.length - 1;
    ownerSlots[i] = 0;
    for (int j = (i + 1) & mask; ownerSlots[j] != 0; j = (j + 1) & mask) {
      int home = (int) (ownerSlots[j] >>> 40) & mask;
      if (((j - home) & mask) >= ((j - i) & mask)) {
        ownerSlots[i] = ownerSlots[j];
        ownerSlots[j] = 0;
        i = j;
      }
    }
    ownerCount--;
  }

  /** Rewrites a device's record with another owner epoch. */
  private void setOwnerEpoch(int rowNumber, int device, long epoch) {
    byte[] row = players.row(rowNumber);
    PlayerRow parsed = new PlayerRow(row);
    int start = parsed.start(device);
    Packed.Reader in = new Packed.Reader(row, start);
    in.unsigned(); // record length
    int fieldsLength = in.unsignedInt();
    int fieldsAt = in.position();
    skipDeviceId(in);
    in.skip(2);
    if (in.unsignedInt() == 0) {
      in.skipBlob();
    }
    in.unsigned(); // address epoch
    in.unsigned(); // version
    int epochAt = in.position();
    in.unsigned();
    int epochEnd = in.position();
    int end = parsed.end(device);
    Packed.Writer fields = new Packed.Writer(fieldsLength + 8);
    fields.write(row, fieldsAt, epochAt - fieldsAt).unsigned(epoch)
        .write(row, epochEnd, fieldsAt + fieldsLength - epochEnd);
    Packed.Writer record = new Packed.Writer(end - start + 8);
    record.unsigned(fields.size()).write(fields.toArray(), 0, fields.size())
        .write(row, fieldsAt + fieldsLength, end - fieldsAt - fieldsLength);
    players.replace(rowNumber, withRecord(row, parsed, device, record.toArray()));
  }

  // --------------------------------------------------------------------------------- encoding

  private static byte[] playerKey(String playerId) {
    return Packed.string(playerId);
  }

  private byte[] playerRow(String playerId) {
    int row = players.find(playerKey(playerId));
    return row < 0 ? null : players.row(row);
  }

  /** A reader at the device count of a player's row: past its id and its preferences. */
  private static Packed.Reader atDevices(byte[] row) {
    Packed.Reader in = new Packed.Reader(row, 0);
    in.skipBlob();
    int flag = in.read();
    if (flag != 0) {
      if (in.unsignedInt() == 0) {
        int n = in.unsignedInt();
        for (int i = 0; i < n; i++) {
          in.skipBlob();
        }
      }
      in.skipInstant();
    }
    return in;
  }

  /**
   * Where the record of a player's device starts in its row: what {@link PlayerRow#start} gives,
   * without reading the other devices' places (an owner lookup needs one device).
   */
  private static int deviceStart(byte[] row, int device) {
    Packed.Reader in = atDevices(row);
    in.unsignedInt(); // device count
    for (int i = 0; i < device; i++) {
      in.skipBlob();
    }
    return in.position();
  }

  /**
   * Where a player's devices are in its row: after the id and the preferences, a count, then
   * each device's record with its length.
   */
  private final class PlayerRow {
    final byte[] row;
    final int devicesAt;
    final int count;
    final int[] starts;

    PlayerRow(byte[] row) {
      this.row = row;
      Packed.Reader in = atDevices(row);
      devicesAt = in.position();
      count = in.unsignedInt();
      starts = new int[count + 1];
      for (int i = 0; i < count; i++) {
        starts[i] = in.position();
        in.skipBlob();
      }
      starts[count] = in.position();
    }

    int start(int i) {
      return starts[i];
    }

    int end(int i) {
      return starts[i + 1];
    }

    int indexOf(String deviceId) {
      int known = deviceIdNumber(deviceId);
      byte[] wanted = known >= 0 ? null : deviceId.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < count; i++) {
        Packed.Reader in = new Packed.Reader(row, starts[i]);
        in.unsigned(); // record length
        in.unsigned(); // fields length
        int number = in.unsignedInt();
        if (number > 0) {
          if (number - 1 == known) {
            return i;
          }
          continue;
        }
        int length = in.unsignedInt();
        int at = in.position();
        if (wanted != null && length == wanted.length
            && Arrays.equals(row, at, at + length, wanted, 0, length)) {
          return i;
        }
      }
      return -1;
    }
  }

  /** Short device ids ("android", "browser") are numbered; longer ones (UUIDs) kept inline. */
  private void deviceId(String deviceId, Packed.Writer out) {
    int number = deviceId.length() <= SHARED_DEVICE_ID_CHARS ? texts.indexOf(deviceId) : -1;
    out.unsigned(number + 1);
    if (number < 0) {
      out.string(deviceId);
    }
  }

  private int deviceIdNumber(String deviceId) {
    return deviceId.length() <= SHARED_DEVICE_ID_CHARS ? texts.find(deviceId) : -1;
  }

  private String readDeviceId(Packed.Reader in) {
    int number = in.unsignedInt();
    return number > 0 ? texts.get(number - 1) : DEVICE_IDS.intern(in.string());
  }

  private static void skipDeviceId(Packed.Reader in) {
    if (in.unsignedInt() == 0) {
      in.skipBlob();
    }
  }

  private Optional<PushPreferences> decodePreferences(String playerId, Packed.Reader in) {
    int flag = in.read();
    if (flag == 0) {
      return Optional.empty();
    }
    int set = in.unsignedInt();
    Set<String> categories;
    if (set > 0) {
      categories = categorySets.get(set - 1);
    } else {
      int n = in.unsignedInt();
      categories = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        categories.add(in.string());
      }
    }
    return Optional.of(new PushPreferences(playerId, flag == 2, categories, in.instant()));
  }

  /** A device record: its fields' length, the fields, then the history block. */
  private byte[] encodeDevice(Device d, long ownerEpoch, byte[] oldRow, int oldStart,
      Optional<StatusChange> change) {
    Packed.Writer fields = new Packed.Writer(128);
    deviceId(d.deviceId(), fields);
    fields.write(d.platform().ordinal());
    fields.write(d.status().ordinal());
    int brand = brands.indexOf(d.brand());
    fields.unsigned(brand + 1);
    if (brand < 0) {
      fields.string(d.brand().id());
    }
    fields.unsigned(d.addressEpoch());
    fields.unsigned(d.version());
    fields.unsigned(ownerEpoch);
    Instant created = d.createdAt();
    fields.instant(created);
    fields.instant(d.statusChangedAt(), created);
    fields.instant(d.lastSeenAt(), created);
    DeviceAddress address = d.address().orElse(null);
    if (address == null) {
      fields.write(0);
    } else {
      fields.write(address.platform().ordinal() + 1);
      fields.instant(d.addressSince().orElseThrow(), created);
      encodeAddress(address, fields);
    }
    Invalidation invalidation = d.invalidation().orElse(null);
    if (invalidation == null) {
      fields.write(0);
    } else {
      fields.write(1);
      text(invalidation.reason(), fields);
      fields.instant(invalidation.at(), created);
      fields.blob(encodeKey(invalidation.addressKey(), true));
    }
    // the history: kept from the stored record, with the change appended
    Packed.Writer record = new Packed.Writer(fields.size() + 64);
    record.unsigned(fields.size());
    record.write(fields.toArray(), 0, fields.size());
    int count = 0;
    Instant base = null;
    int entriesAt = -1;
    int entriesEnd = -1;
    if (oldRow != null) {
      Packed.Reader in = new Packed.Reader(oldRow, historyStart(oldRow, oldStart));
      count = in.unsignedInt();
      if (count > 0) {
        base = in.instant(createdAt(oldRow, oldStart));
        entriesAt = in.position();
        Packed.Reader length = new Packed.Reader(oldRow, oldStart);
        long recordLength = length.unsigned();
        entriesEnd = length.position() + (int) recordLength;
      }
    }
    StatusChange c = change.orElse(null);
    record.unsigned(count + (c == null ? 0 : 1));
    if (count + (c == null ? 0 : 1) > 0) {
      if (base == null) {
        base = c.at();
      }
      record.instant(base, created); // the history's first instant, relative to the creation
      if (count > 0) {
        record.write(oldRow, entriesAt, entriesEnd - entriesAt);
      }
      if (c != null) {
        record.write(c.from().map(s -> s.ordinal() + 1).orElse(0));
        record.write(c.to().ordinal());
        record.write(c.reason().ordinal());
        record.instant(c.at(), base);
        record.string(c.detail());
      }
    }
    return record.toArray();
  }

  /** Where a device record's history block starts. */
  private static int historyStart(byte[] row, int start) {
    Packed.Reader in = new Packed.Reader(row, start);
    in.unsigned(); // record length
    int fieldsLength = in.unsignedInt();
    return in.position() + fieldsLength;
  }

  private static long storedVersion(byte[] row, int start) {
    Packed.Reader in = new Packed.Reader(row, start);
    in.unsigned();
    in.unsigned();
    skipDeviceId(in);
    in.skip(2); // platform, status
    if (in.unsignedInt() == 0) {
      in.skipBlob(); // brand inline
    }
    in.unsigned(); // address epoch
    return in.unsigned();
  }

  /** The epoch of the ownership the device holds on its address; 0 when it holds none. */
  private static long ownerEpochAt(byte[] row, int start) {
    Packed.Reader in = fieldsAfterVersion(row, start);
    return in.unsigned();
  }

  private static Packed.Reader fieldsAfterVersion(byte[] row, int start) {
    Packed.Reader in = new Packed.Reader(row, start);
    in.unsigned();
    in.unsigned();
    skipDeviceId(in);
    in.skip(2); // platform, status
    if (in.unsignedInt() == 0) {
      in.skipBlob(); // brand inline
    }
    in.unsigned(); // address epoch
    in.unsigned(); // version
    return in;
  }

  private static Instant createdAt(byte[] row, int start) {
    Packed.Reader in = fieldsAfterVersion(row, start);
    in.unsigned(); // owner epoch
    return in.instant();
  }

  /** The key of the device's address ({@link DeviceAddress#key()}), without building it. */
  private String addressKeyAt(byte[] row, int start) {
    Packed.Reader in = fieldsAfterVersion(row, start);
    in.unsigned(); // owner epoch
    in.skipInstant();
    in.skipRelativeInstant();
    in.skipRelativeInstant();
    int tag = in.read();
    if (tag == 0) {
      return null;
    }
    in.skipRelativeInstant(); // address since
    return switch (PLATFORMS[tag - 1]) {
      case WEB_PUSH -> "webpush:" + readEndpoint(in);
      case APNS -> "apns:" + HEX.formatHex(in.blob());
      case FCM -> "fcm:" + in.string();
    };
  }

  private Device decodeDevice(String playerId, byte[] row, int start) {
    Packed.Reader in = new Packed.Reader(row, start);
    in.unsigned(); // record length
    in.unsigned(); // fields length
    Device.Builder b = Device.builder()
        .playerId(playerId)
        .deviceId(readDeviceId(in));
    Platform platform = PLATFORMS[in.read()];
    b.platform(platform).status(STATUSES[in.read()]);
    int brand = in.unsignedInt();
    b.brand(brand > 0 ? brands.get(brand - 1) : Brand.of(in.string()));
    b.addressEpoch(in.unsigned()).version(in.unsigned());
    in.unsigned(); // owner epoch
    Instant created = in.instant();
    b.createdAt(created).statusChangedAt(in.instant(created)).lastSeenAt(in.instant(created));
    if (in.read() != 0) {
      b.addressSince(in.instant(created));
      b.address(decodeAddress(platform, in));
    }
    if (in.read() != 0) {
      String reason = readText(in);
      Instant at = in.instant(created);
      b.invalidation(new Invalidation(reason, at, decodeKey(in.blob())));
    }
    return b.build();
  }

  private List<StatusChange> decodeHistory(String playerId, String deviceId, byte[] row,
      int at, Instant created) {
    Packed.Reader in = new Packed.Reader(row, at);
    int count = in.unsignedInt();
    if (count == 0) {
      return List.of();
    }
    Instant base = in.instant(created);
    List<StatusChange> result = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = in.read();
      PushStatus to = STATUSES[in.read()];
      TransitionReason reason = REASONS[in.read()];
      Instant when = in.instant(base);
      result.add(new StatusChange(playerId, deviceId,
          from == 0 ? Optional.empty() : Optional.of(STATUSES[from - 1]), to, reason, when,
          in.string()));
    }
    return List.copyOf(result);
  }

  private void text(String value, Packed.Writer out) {
    int index = texts.indexOf(value);
    out.unsigned(index + 1);
    if (index < 0) {
      out.string(value);
    }
  }

  private String readText(Packed.Reader in) {
    int index = in.unsignedInt();
    return index > 0 ? texts.get(index - 1) : in.string();
  }

  // ------------------------------------------------------------------------------- addresses

  private void encodeAddress(DeviceAddress address, Packed.Writer out) {
    if (address instanceof WebPushAddress web) {
      endpoint(web.endpoint().toString(), out, true);
      byte[] p256dh = web.p256dh();
      out.write(p256dh, 0, p256dh.length);
      byte[] auth = web.auth();
      out.write(auth, 0, auth.length);
    } else if (address instanceof ApnsAddress apns) {
      out.blob(HEX.parseHex(apns.deviceToken()));
      text(apns.topic(), out);
      out.write(apns.environment().ordinal());
    } else if (address instanceof FcmAddress fcm) {
      out.string(fcm.token());
    }
  }

  private DeviceAddress decodeAddress(Platform platform, Packed.Reader in) {
    switch (platform) {
      case WEB_PUSH -> {
        String endpoint = readEndpoint(in);
        byte[] p256dh = new byte[WebPushAddress.P256DH_LENGTH];
        byte[] auth = new byte[WebPushAddress.AUTH_LENGTH];
        for (int i = 0; i < p256dh.length; i++) {
          p256dh[i] = (byte) in.read();
        }
        for (int i = 0; i < auth.length; i++) {
          auth[i] = (byte) in.read();
        }
        return endpoint.startsWith("https:")
            ? WebPushAddress.of(URI.create(endpoint), p256dh, auth)
            : WebPushAddress.allowingHttp(endpoint, BASE64.encodeToString(p256dh),
                BASE64.encodeToString(auth));
      }
      case APNS -> {
        String token = HEX.formatHex(in.blob());
        String topic = readText(in);
        return new ApnsAddress(token, topic, ENVIRONMENTS[in.read()]);
      }
      case FCM -> {
        return new FcmAddress(in.string());
      }
      default -> throw new IllegalStateException("unknown platform " + platform);
    }
  }

  /** An endpoint as its prefix up to the last '/' (a number when known) and the rest. */
  private void endpoint(String endpoint, Packed.Writer out, boolean add) {
    int cut = endpoint.lastIndexOf('/') + 1;
    String prefix = endpoint.substring(0, cut);
    int index = add ? texts.indexOf(prefix) : texts.find(prefix);
    out.unsigned(index + 1);
    out.string(index < 0 ? endpoint : endpoint.substring(cut));
  }

  private String readEndpoint(Packed.Reader in) {
    int index = in.unsignedInt();
    String rest = in.string();
    return index > 0 ? texts.get(index - 1) + rest : rest;
  }

  /** An address key's compact form: APNs tokens as bytes, endpoints with a shared prefix. */
  private byte[] encodeKey(String key, boolean add) {
    Packed.Writer out = new Packed.Writer(key.length() + 4);
    if (key.startsWith("apns:") && isLowerHex(key, 5)) {
      out.write(KEY_APNS);
      byte[] token = HEX.parseHex(key, 5, key.length());
      out.write(token, 0, token.length);
    } else if (key.startsWith("webpush:")) {
      out.write(KEY_WEBPUSH);
      endpoint(key.substring(8), out, add);
    } else if (key.startsWith("fcm:")) {
      out.write(KEY_FCM);
      out.string(key.substring(4));
    } else {
      out.write(KEY_OTHER);
      out.string(key);
    }
    return out.toArray();
  }

  private String decodeKey(byte[] encoded) {
    Packed.Reader in = new Packed.Reader(encoded, 1);
    return switch (encoded[0]) {
      case KEY_APNS -> "apns:" + HEX.formatHex(encoded, 1, encoded.length);
      case KEY_WEBPUSH -> "webpush:" + readEndpoint(in);
      case KEY_FCM -> "fcm:" + in.string();
      default -> in.string();
    };
  }

  private static boolean isLowerHex(String s, int from) {
    if ((s.length() - from) % 2 != 0 || s.length() == from) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }
}
