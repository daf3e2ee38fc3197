package dev.herald.internal;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;

/**
 * An immutable attribute map in name order held as two arrays: the names, shared by every map
 * with the same names (players of one backend all carry the same few attribute names), and the
 * values. About 40 bytes plus 4 per attribute, against about 40 per attribute plus 80 for an
 * unmodifiable {@code TreeMap}; a million player profiles are the reason.
 *
 * <p>Short string values and small string sets are shared too (countries, tiers, tags repeat),
 * through a bounded interner.
 */
public final class CompactAttributes extends AbstractMap<String, Object> {
  private static final CompactAttributes EMPTY = new CompactAttributes(List.of(), new Object[0]);
  private static final Interner<List<String>> NAMES = new Interner<>(4_096);
  private static final Interner<Object> VALUES = new Interner<>(16_384);
  private static final int SHARED_STRING_CHARS = 24;
  private static final int SHARED_SET_SIZE = 16;

  private final List<String> names;
  private final Object[] values;

  private CompactAttributes(List<String> names, Object[] values) {
    this.names = names;
    this.values = values;
  }

  /**
   * Copies validated attributes.
   *
   * @param sorted the attributes, in name order, values already checked by {@link Attributes}
   * @return the compact copy
   */
  public static Map<String, Object> of(SortedMap<String, Object> sorted) {
    if (sorted.isEmpty()) {
      return EMPTY;
    }
    String[] names = new String[sorted.size()];
    Object[] values = new Object[names.length];
    int i = 0;
    for (Map.Entry<String, Object> e : sorted.entrySet()) {
      names[i] = e.getKey();
      values[i] = share(e.getValue());
      i++;
    }
    return new CompactAttributes(NAMES.intern(List.of(names)), values);
  }

  private static Object share(Object value) {
    if (value instanceof String s && s.length() <= SHARED_STRING_CHARS
        || value instanceof Set<?> set && set.size() <= SHARED_SET_SIZE) {
      return VALUES.intern(value);
    }
    return value;
  }

  private int indexOf(Object name) {
    return name instanceof String s ? Collections.binarySearch(names, s) : -1;
  }

  @Override
  public Object get(Object name) {
    int i = indexOf(name);
    return i < 0 ? null : values[i];
  }

  @Override
  public boolean containsKey(Object name) {
    return indexOf(name) >= 0;
  }

  @Override
  public int size() {
    return values.length;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    // a fresh view per call: a cached one would cost every stored profile a field and an object
    return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, Object>> iterator() {
          return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
              return next < values.length;
            }

            @Override
            public Map.Entry<String, Object> next() {
              if (next >= values.length) {
                throw new NoSuchElementException();
              }
              int i = next++;
              return new AbstractMap.SimpleImmutableEntry<>(names.get(i), values[i]);
            }
          };
        }

        @Override
        public int size() {
          return values.length;
        }
      };
  }
}
