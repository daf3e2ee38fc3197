package dev.herald.jdbc.internal;

import dev.herald.analytics.DeliveryRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The delivery rows a store wrote last, as written, each with its row version (PostgreSQL's
 * {@code xmin}: the transaction that wrote the row's current version). A batch change updates
 * such a row only if it is still that version ({@code WHERE xmin = ?}), without reading it first;
 * a row changed since (by another node, a click, any other write) is read under a lock instead.
 * Bounded: the oldest entries go first. Thread-safe.
 */
public final class RowVersions {
  /** A row as written, and its version. */
  public record Versioned(DeliveryRecord row, long version) {}

  private final Map<String, Versioned> rows;

  /**
   * @param capacity how many rows are kept at most
   */
  public RowVersions(int capacity) {
    this.rows = new LinkedHashMap<>(capacity * 4 / 3 + 1) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Versioned> eldest) {
        return size() > capacity;
      }
    };
  }

  /** @return the row this store wrote last under the key, or null */
  public synchronized Versioned get(String key) {
    return rows.get(key);
  }

  /** Keeps a row as written, with the version its write gave it. */
  public synchronized void put(String key, DeliveryRecord row, long version) {
    rows.put(key, new Versioned(row, version));
  }

  /** Forgets a row (written in a way its cached form does not follow). */
  public synchronized void remove(String key) {
    rows.remove(key);
  }
}
