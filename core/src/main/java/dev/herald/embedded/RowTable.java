package dev.herald.embedded;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Rows of bytes found by a key their encoding starts with (a {@link Packed} string or blob: a
 * length, then the bytes): an open-address table of row numbers with linear probing, instead of
 * a map of key objects to value objects. A row costs its array, two ints and a table slot, about
 * 30 bytes besides its content. Not thread-safe: the store that owns it calls it under its lock.
 */
final class RowTable {
  private static final int EMPTY = 0;

  private byte[][] rows = new byte[16][];
  private int[] hashes = new int[16];
  private int rowCount;
  private int[] freeRows = new int[0];
  private int freeCount;
  /** Row number + 1; 0 is an empty slot. */
  private int[] slots = new int[32];
  private int size;

  int size() {
    return size;
  }

  /** The length of the key at the start of {@code bytes}: its length prefix and its bytes. */
  static int keyLength(byte[] bytes) {
    int length = 0;
    int position = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[position++];
      length |= (b & 0x7f) << shift;
      if (b >= 0) {
        return position + length;
      }
    }
  }

  /**
   * The row whose key equals the start of {@code key}.
   *
   * @param key an encoded key (length prefix and bytes)
   * @return its row, or -1
   */
  int find(byte[] key) {
    int keyLength = keyLength(key);
    int hash = Packed.hash(key, 0, keyLength);
    int mask = slots.length - 1;
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      int slot = slots[i];
      if (slot == EMPTY) {
        return -1;
      }
      int row = slot - 1;
      if (hashes[row] == hash && Arrays.equals(rows[row], 0, keyLength, key, 0, keyLength)) {
        return row;
      }
    }
  }

  byte[] row(int row) {
    return rows[row];
  }

  /** Replaces a row's bytes; its key must stay the same. */
  void replace(int row, byte[] bytes) {
    rows[row] = bytes;
  }

  /** Adds a row whose key is not in the table yet. */
  int insert(byte[] bytes) {
    int keyLength = keyLength(bytes);
    int hash = Packed.hash(bytes, 0, keyLength);
    int row;
    if (freeCount > 0) {
      row = freeRows[--freeCount];
    } else {
      if (rowCount == rows.length) {
        rows = Arrays.copyOf(rows, rows.length * 2);
        hashes = Arrays.copyOf(hashes, hashes.length * 2);
      }
      row = rowCount++;
    }
    rows[row] = bytes;
    hashes[row] = hash;
    if (++size * 4 > slots.length * 3) { // at most three quarters full
      rehash(slots.length * 2);
    } else {
      place(row);
    }
    return row;
  }

  private void place(int row) {
    int mask = slots.length - 1;
    int i = hashes[row] & mask;
    while (slots[i] != EMPTY) {
      i = (i + 1) & mask;
    }
    slots[i] = row + 1;
  }

  private void rehash(int capacity) {
    slots = new int[capacity];
    for (int row = 0; row < rowCount; row++) {
      if (rows[row] != null) {
        place(row);
      }
    }
  }

  /** Removes a row (backward-shift deletion, so no tombstones slow later probes). */
  void remove(int row) {
    int mask = slots.length - 1;
    int i = hashes[row] & mask;
    while (slots[i] != row + 1) {
      i = (i + 1) & mask;
    }
    slots[i] = EMPTY;
    for (int j = (i + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
      int home = hashes[slots[j] - 1] & mask;
      // move slot j back to the hole at i unless its home lies cyclically in (i, j]
      if (((j - home) & mask) >= ((j - i) & mask)) {
        slots[i] = slots[j];
        slots[j] = EMPTY;
        i = j;
      }
    }
    rows[row] = null;
    if (freeCount == freeRows.length) {
      freeRows = Arrays.copyOf(freeRows, Math.max(16, freeRows.length * 2));
    }
    freeRows[freeCount++] = row;
    size--;
  }

  /** Every row's bytes, in row order. */
  void forEach(Consumer<byte[]> action) {
    for (int row = 0; row < rowCount; row++) {
      if (rows[row] != null) {
        action.accept(rows[row]);
      }
    }
  }

  /** Every row number in use, in row order. */
  int[] rowNumbers() {
    int[] result = new int[size];
    int n = 0;
    for (int row = 0; row < rowCount; row++) {
      if (rows[row] != null) {
        result[n++] = row;
      }
    }
    return result;
  }
}
