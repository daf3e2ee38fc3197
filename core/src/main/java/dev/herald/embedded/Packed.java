package dev.herald.embedded;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte encoding the compact in-memory stores keep their rows in: unsigned and zig-zag
 * variable-length integers, UTF-8 strings with a length, instants as seconds and a sub-second
 * part, and small dictionaries for values that repeat (brands, topics, endpoint prefixes).
 * Not thread-safe: each store calls it under its own lock.
 */
final class Packed {
  private Packed() {}

  /** Instants this close (a year) are written as microseconds apart. */
  private static final long NEAR_SECONDS = 366L * 24 * 3600;

  /**
   * A string as {@link Writer#string} writes it, alone: the lookup key of a row, built for every
   * read, so without a growable buffer.
   */
  static byte[] string(String value) {
    byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
    int n = utf8.length;
    int lengthBytes = 1;
    for (int v = n >>> 7; v != 0; v >>>= 7) {
      lengthBytes++;
    }
    byte[] out = new byte[lengthBytes + n];
    int at = 0;
    int v = n;
    while ((v & ~0x7f) != 0) {
      out[at++] = (byte) ((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    System.arraycopy(utf8, 0, out, at, n);
    return out;
  }

  /** A growable byte buffer that writes the encoding. */
  static final class Writer {
    private byte[] bytes;
    private int size;

    Writer(int capacity) {
      bytes = new byte[capacity];
    }

    int size() {
      return size;
    }

    void reset() {
      size = 0;
    }

    byte[] toArray() {
      return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }

    Writer write(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
      return this;
    }

    Writer write(byte[] source, int offset, int length) {
      ensure(length);
      System.arraycopy(source, offset, bytes, size, length);
      size += length;
      return this;
    }

    Writer unsigned(long value) {
      ensure(10);
      while ((value & ~0x7fL) != 0) {
        bytes[size++] = (byte) ((value & 0x7f) | 0x80);
        value >>>= 7;
      }
      bytes[size++] = (byte) value;
      return this;
    }

    Writer signed(long value) {
      return unsigned((value << 1) ^ (value >> 63));
    }

    Writer string(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      unsigned(utf8.length);
      return write(utf8, 0, utf8.length);
    }

    /** Bytes with their length. */
    Writer blob(byte[] value) {
      unsigned(value.length);
      return write(value, 0, value.length);
    }

    /** An instant: its epoch second, then microseconds (even) or nanoseconds (odd). */
    Writer instant(Instant value) {
      signed(value.getEpochSecond());
      return subSecond(value.getNano());
    }

    /**
     * An instant relative to {@code base}: the microseconds between them when both are whole
     * microseconds less than a year apart (one byte when equal, two or three for a few
     * milliseconds), else the seconds between them and the sub-second part.
     */
    Writer instant(Instant value, Instant base) {
      long seconds = value.getEpochSecond() - base.getEpochSecond();
      if (value.getNano() % 1000 == 0 && base.getNano() % 1000 == 0
          && Math.abs(seconds) < NEAR_SECONDS) {
        long micros = seconds * 1_000_000 + (value.getNano() - base.getNano()) / 1000;
        return unsigned(((micros << 1) ^ (micros >> 63)) << 1);
      }
      unsigned(((seconds << 1) ^ (seconds >> 63)) << 1 | 1);
      return subSecond(value.getNano());
    }

    private Writer subSecond(int nanos) {
      return nanos % 1000 == 0 ? unsigned((long) (nanos / 1000) << 1) : unsigned((long) nanos << 1 | 1);
    }
  }

  /** Reads the encoding from an array, from a position it advances. */
  static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes, int position) {
      this.bytes = bytes;
      this.position = position;
    }

    int position() {
      return position;
    }

    void skip(int length) {
      position += length;
    }

    int read() {
      return bytes[position++] & 0xff;
    }

    long unsigned() {
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        byte b = bytes[position++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
    }

    int unsignedInt() {
      return (int) unsigned();
    }

    long signed() {
      long raw = unsigned();
      return (raw >>> 1) ^ -(raw & 1);
    }

    String string() {
      int length = unsignedInt();
      String value = new String(bytes, position, length, StandardCharsets.UTF_8);
      position += length;
      return value;
    }

    byte[] blob() {
      int length = unsignedInt();
      byte[] value = Arrays.copyOfRange(bytes, position, position + length);
      position += length;
      return value;
    }

    /** Skips a string or blob. */
    void skipBlob() {
      int length = unsignedInt();
      position += length;
    }

    void skipInstant() {
      unsigned();
      unsigned();
    }

    /** Skips an instant written relative to another. */
    void skipRelativeInstant() {
      if ((unsigned() & 1) != 0) {
        unsigned();
      }
    }

    Instant instant() {
      long seconds = signed();
      return Instant.ofEpochSecond(seconds, subSecond());
    }

    Instant instant(Instant base) {
      long raw = unsigned();
      long value = (raw >>> 1 >>> 1) ^ -(raw >>> 1 & 1);
      if ((raw & 1) == 0) {
        return base.plusNanos(value * 1000);
      }
      return Instant.ofEpochSecond(base.getEpochSecond() + value, subSecond());
    }

    private long subSecond() {
      long raw = unsigned();
      return (raw & 1) == 0 ? (raw >>> 1) * 1000 : raw >>> 1;
    }
  }

  /**
   * Numbers for values that repeat across rows, so a row holds a small index rather than a copy.
   * Bounded: when full, {@link #indexOf} answers -1 and the caller writes the value inline.
   *
   * @param <T> an immutable value type
   */
  static final class Dictionary<T> {
    private final Map<T, Integer> indexes = new HashMap<>();
    private final List<T> values = new ArrayList<>();
    private final int capacity;

    Dictionary(int capacity) {
      this.capacity = capacity;
    }

    /** The value's number, adding it when there is room; -1 when full. */
    int indexOf(T value) {
      Integer index = indexes.get(value);
      if (index != null) {
        return index;
      }
      if (values.size() >= capacity) {
        return -1;
      }
      values.add(value);
      indexes.put(value, values.size() - 1);
      return values.size() - 1;
    }

    /** The value's number without adding it; -1 when unknown. */
    int find(T value) {
      Integer index = indexes.get(value);
      return index == null ? -1 : index;
    }

    T get(int index) {
      return values.get(index);
    }
  }

  /** A 32-bit hash of bytes (FNV-1a, then mixed), for the open-address tables. */
  static int hash(byte[] bytes, int offset, int length) {
    int h = 0x811c9dc5;
    for (int i = offset; i < offset + length; i++) {
      h = (h ^ bytes[i]) * 0x01000193;
    }
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}
