package dev.herald.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Shares one instance among equal immutable values (zone ids, category sets, attribute-name
 * lists) so that a million profiles or preferences that repeat a handful of values hold
 * references to them rather than copies. Bounded: past {@code capacity} distinct values it stops
 * remembering and hands values back as they are, so values that never repeat (ids, tokens) cannot
 * grow it without limit.
 *
 * @param <T> an immutable type with value equality
 */
public final class Interner<T> {
  private final ConcurrentHashMap<T, T> values = new ConcurrentHashMap<>();
  private final int capacity;

  /**
   * Creates an interner.
   *
   * @param capacity how many distinct values it remembers at most
   */
  public Interner(int capacity) {
    this.capacity = capacity;
  }

  /**
   * Returns the shared instance equal to {@code value}, remembering {@code value} when there is
   * none yet and room is left.
   *
   * @param value an immutable value, or null
   * @return the shared equal instance, {@code value} itself when new or when the interner is full
   */
  public T intern(T value) {
    if (value == null) {
      return null;
    }
    T shared = values.get(value);
    if (shared != null) {
      return shared;
    }
    if (values.size() >= capacity) {
      return value;
    }
    shared = values.putIfAbsent(value, value);
    return shared == null ? value : shared;
  }
}
