package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A thread-safe {@link PlayerDirectory} in memory, streamed in player id order. The host (or a
 * test, or the demo) fills it with {@link #put}.
 *
 * <p>Compact, so that a million profiles fit a small heap (about 80 bytes for a profile of eight
 * attributes): each profile is one byte array — the id, then the locale, the time zone, the
 * attribute names and short strings as numbers in small dictionaries, numbers as variable-length
 * integers, instants as seconds and microseconds — found through an open-address table. Each
 * read decodes a fresh {@link PlayerProfile}. {@link #all()} sorts the ids when players were
 * added since its last call. A read-write lock guards the rows.
 */
public final class InMemoryPlayerDirectory implements PlayerDirectory {
  private static final int DICTIONARY_CAPACITY = 1 << 16;
  /** Longer strings are kept in the row; shorter ones (countries, names, tiers) shared. */
  private static final int SHARED_STRING_BYTES = 24;
  private static final int STRING = 1;
  private static final int FALSE = 2;
  private static final int TRUE = 3;
  private static final int LONG = 4;
  private static final int DOUBLE = 5;
  private static final int DECIMAL = 6;
  private static final int BIG_DECIMAL = 7;
  private static final int INSTANT = 8;
  private static final int SET = 9;

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final RowTable profiles = new RowTable();
  private final Packed.Dictionary<Object> shared = new Packed.Dictionary<>(DICTIONARY_CAPACITY);
  private final Packed.Dictionary<List<String>> names =
      new Packed.Dictionary<>(DICTIONARY_CAPACITY);
  /** Row numbers in id order; null after a player is added or removed. */
  private int[] sorted;

  /** Creates an empty directory. */
  public InMemoryPlayerDirectory() {}

  /**
   * Adds or replaces a profile.
   *
   * @param profile the profile
   * @return this directory
   */
  public InMemoryPlayerDirectory put(PlayerProfile profile) {
    Checks.required(profile, "profile");
    lock.writeLock().lock();
    try {
      byte[] row = encode(profile);
      int existing = profiles.find(row);
      if (existing >= 0) {
        profiles.replace(existing, row);
      } else {
        profiles.insert(row);
        sorted = null;
      }
      return this;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /**
   * Removes a profile.
   *
   * @param playerId the player
   * @return true when there was one
   */
  public boolean remove(String playerId) {
    if (playerId == null) {
      return false;
    }
    lock.writeLock().lock();
    try {
      int row = profiles.find(key(playerId));
      if (row < 0) {
        return false;
      }
      profiles.remove(row);
      sorted = null;
      return true;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** @return how many players are held */
  public int size() {
    lock.readLock().lock();
    try {
      return profiles.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public Optional<PlayerProfile> find(String playerId) {
    if (playerId == null) {
      return Optional.empty();
    }
    lock.readLock().lock();
    try {
      int row = profiles.find(key(playerId));
      return row < 0 ? Optional.empty() : Optional.of(decode(playerId, profiles.row(row)));
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Streams every profile in ascending id order ({@link String#compareTo}), as of the call:
   * players added later are not in it; one removed before its turn is skipped.
   */
  @Override
  public Stream<PlayerProfile> all() {
    return rowsAfter(null).mapToObj(this::decodeRow).filter(p -> p != null);
  }

  /**
   * Streams the profiles after an id, as {@link #all()} would from there: the start is found by
   * a binary search of the sorted order, not by a pass over the ids before it.
   */
  @Override
  public Stream<PlayerProfile> allAfter(String afterPlayerId) {
    IntStream rows = rowsAfter(afterPlayerId);
    return rows == null ? PlayerDirectory.super.allAfter(afterPlayerId)
        : rows.mapToObj(this::decodeRow).filter(p -> p != null);
  }

  /** The ids of {@link #allAfter}, read without decoding the profiles. */
  @Override
  public Stream<String> idsAfter(String afterPlayerId) {
    IntStream rows = rowsAfter(afterPlayerId);
    return rows == null ? PlayerDirectory.super.idsAfter(afterPlayerId)
        : rows.mapToObj(this::idOfRow).filter(id -> id != null);
  }

  /**
   * @param afterPlayerId the last id not wanted, or null
   * @return the row numbers of the players after it in id order, or null when a row was removed
   *     since the order was taken (the caller skips by comparing instead)
   */
  private IntStream rowsAfter(String afterPlayerId) {
    int[] order;
    lock.writeLock().lock();
    try {
      if (sorted == null) {
        sorted = sortedRows();
      }
      order = sorted;
      if (afterPlayerId == null) {
        return IntStream.of(order);
      }
      int low = 0;
      int high = order.length;
      while (low < high) { // the first position whose id is after afterPlayerId
        int mid = (low + high) >>> 1;
        byte[] row = profiles.row(order[mid]);
        if (row == null) { // removed since the order was taken: skip by comparing instead
          return null;
        }
        if (new Packed.Reader(row, 0).string().compareTo(afterPlayerId) <= 0) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return IntStream.of(order).skip(low);
    } finally {
      lock.writeLock().unlock();
    }
  }

  private String idOfRow(int rowNumber) {
    lock.readLock().lock();
    try {
      byte[] row = profiles.row(rowNumber);
      return row == null ? null : new Packed.Reader(row, 0).string();
    } finally {
      lock.readLock().unlock();
    }
  }

  private PlayerProfile decodeRow(int rowNumber) {
    lock.readLock().lock();
    try {
      byte[] row = profiles.row(rowNumber);
      if (row == null) {
        return null;
      }
      Packed.Reader in = new Packed.Reader(row, 0);
      return decode(in.string(), row);
    } finally {
      lock.readLock().unlock();
    }
  }

  // -------------------------------------------------------------------------------- encoding

  private static byte[] key(String playerId) {
    return Packed.string(playerId);
  }

  private byte[] encode(PlayerProfile profile) {
    Packed.Writer out = new Packed.Writer(96);
    out.string(profile.playerId());
    sharedValue(profile.locale().orElse(null), out);
    sharedValue(profile.timeZone().orElse(null), out);
    Map<String, Object> attributes = profile.attributes();
    List<String> keys = List.copyOf(attributes.keySet());
    int list = names.indexOf(keys);
    out.unsigned(list + 1);
    if (list < 0) {
      out.unsigned(keys.size());
      keys.forEach(out::string);
    }
    for (Object value : attributes.values()) {
      value(value, out);
    }
    return out.toArray();
  }

  private void sharedValue(Object value, Packed.Writer out) {
    out.unsigned(value == null ? 0 : shared.indexOf(value) + 1);
    if (value != null && shared.find(value) < 0) {
      throw new IllegalStateException("more than " + DICTIONARY_CAPACITY
          + " distinct locales and time zones");
    }
  }

  private void value(Object value, Packed.Writer out) {
    if (value instanceof String s) {
      out.write(STRING);
      int index = s.length() <= SHARED_STRING_BYTES ? shared.indexOf(s) : -1;
      out.unsigned(index + 1);
      if (index < 0) {
        out.string(s);
      }
    } else if (value instanceof Boolean b) {
      out.write(b ? TRUE : FALSE);
    } else if (value instanceof Long l) {
      out.write(LONG).signed(l);
    } else if (value instanceof Double d) {
      out.write(DOUBLE).signed(Double.doubleToRawLongBits(d));
    } else if (value instanceof BigDecimal d) {
      BigInteger unscaled = d.unscaledValue();
      if (unscaled.bitLength() < 63) {
        out.write(DECIMAL).signed(d.scale()).signed(unscaled.longValue());
      } else {
        out.write(BIG_DECIMAL).signed(d.scale()).blob(unscaled.toByteArray());
      }
    } else if (value instanceof Instant i) {
      out.write(INSTANT).instant(i);
    } else if (value instanceof Set<?> set) {
      out.write(SET);
      int index = shared.indexOf(set);
      out.unsigned(index + 1);
      if (index < 0) {
        out.unsigned(set.size());
        set.forEach(e -> out.string((String) e));
      }
    } else {
      throw new IllegalStateException("unsupported attribute type " + value.getClass());
    }
  }

  @SuppressWarnings("unchecked")
  private PlayerProfile decode(String playerId, byte[] row) {
    Packed.Reader in = new Packed.Reader(row, 0);
    in.skipBlob();
    PlayerProfile.Builder b = PlayerProfile.builder(playerId);
    int locale = in.unsignedInt();
    b.locale(locale == 0 ? null : (Locale) shared.get(locale - 1));
    int zone = in.unsignedInt();
    b.timeZone(zone == 0 ? null : (ZoneId) shared.get(zone - 1));
    int list = in.unsignedInt();
    List<String> keys;
    if (list > 0) {
      keys = names.get(list - 1);
    } else {
      int n = in.unsignedInt();
      keys = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        keys.add(in.string());
      }
    }
    for (String name : keys) {
      int tag = in.read();
      Object value = switch (tag) {
        case STRING -> {
          int index = in.unsignedInt();
          yield index > 0 ? shared.get(index - 1) : in.string();
        }
        case FALSE -> Boolean.FALSE;
        case TRUE -> Boolean.TRUE;
        case LONG -> in.signed();
        case DOUBLE -> Double.longBitsToDouble(in.signed());
        case DECIMAL -> {
          int scale = (int) in.signed();
          yield BigDecimal.valueOf(in.signed(), scale);
        }
        case BIG_DECIMAL -> {
          int scale = (int) in.signed();
          yield new BigDecimal(new BigInteger(in.blob()), scale);
        }
        case INSTANT -> in.instant();
        case SET -> {
          int index = in.unsignedInt();
          if (index > 0) {
            yield shared.get(index - 1);
          }
          int n = in.unsignedInt();
          Set<String> set = new TreeSet<>();
          for (int i = 0; i < n; i++) {
            set.add(in.string());
          }
          yield set;
        }
        default -> throw new IllegalStateException("corrupt profile row, tag " + tag);
      };
      b.attribute(name, value);
    }
    return b.build();
  }

  // --------------------------------------------------------------------------------- order

  /** Row numbers sorted by id, comparing the UTF-8 bytes in place (no id is decoded). */
  private int[] sortedRows() {
    int[] rows = profiles.rowNumbers();
    int[] buffer = new int[rows.length];
    mergeSort(rows, buffer, 0, rows.length);
    return rows;
  }

  private void mergeSort(int[] a, int[] buffer, int from, int to) {
    if (to - from < 2) {
      return;
    }
    int mid = (from + to) >>> 1;
    mergeSort(a, buffer, from, mid);
    mergeSort(a, buffer, mid, to);
    if (compareRows(a[mid - 1], a[mid]) <= 0) {
      return;
    }
    System.arraycopy(a, from, buffer, from, to - from);
    int i = from;
    int j = mid;
    for (int k = from; k < to; k++) {
      if (j >= to || i < mid && compareRows(buffer[i], buffer[j]) <= 0) {
        a[k] = buffer[i++];
      } else {
        a[k] = buffer[j++];
      }
    }
  }

  /**
   * Orders two rows' ids as {@link String#compareTo} does. UTF-8 byte order is code point order,
   * which is UTF-16 order except between a supplementary character and one from U+E000 to
   * U+FFFF; there (a differing byte from 0xEE up) the ids are decoded and compared as strings.
   */
  private int compareRows(int left, int right) {
    byte[] a = profiles.row(left);
    byte[] b = profiles.row(right);
    Packed.Reader ra = new Packed.Reader(a, 0);
    Packed.Reader rb = new Packed.Reader(b, 0);
    int la = ra.unsignedInt();
    int lb = rb.unsignedInt();
    int mismatch = Arrays.mismatch(a, ra.position(), ra.position() + la,
        b, rb.position(), rb.position() + lb);
    if (mismatch < 0) {
      return 0;
    }
    if (mismatch >= la || mismatch >= lb) {
      return la - lb;
    }
    int x = a[ra.position() + mismatch] & 0xff;
    int y = b[rb.position() + mismatch] & 0xff;
    if (x >= 0xee || y >= 0xee) {
      return new String(a, ra.position(), la, StandardCharsets.UTF_8)
          .compareTo(new String(b, rb.position(), lb, StandardCharsets.UTF_8));
    }
    return x - y;
  }
}
