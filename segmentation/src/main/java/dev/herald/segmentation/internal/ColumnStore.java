package dev.herald.segmentation.internal;

import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.AttributeType;
import dev.herald.segmentation.PlayerAttributes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Player attributes laid out column by column in primitive arrays, one row per player in
 * ascending id order: no object per player. Numbers are a {@code double[]}, timestamps a
 * {@code long[]} of epoch milliseconds, booleans two bitmaps, strings with at most
 * {@value #BITMAP_VALUES} distinct values one bitmap per value (an inverted index), other strings
 * an {@code int[]} of codes into a sorted dictionary, sets of strings one sorted posting list per
 * distinct element. Each
 * column has a presence bitmap; a column whose attribute is missing for every player takes no
 * memory. Player ids are kept as UTF-8 bytes in one array.
 */
public final class ColumnStore {
  final AttributeCatalogue catalogue;
  final int size;
  final int words;
  final byte[] idBytes;
  final int[] idOffsets;
  final Column[] columns;
  final long[] ignored;

  private ColumnStore(Builder b) {
    this.catalogue = b.catalogue;
    this.size = b.size;
    this.words = wordsFor(size);
    this.idBytes = Arrays.copyOf(b.idBytes, b.idLength);
    this.idOffsets = Arrays.copyOf(b.idOffsets, size + 1);
    this.columns = new Column[b.columns.length];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = b.columns[i] == null ? null : b.columns[i].build(size);
    }
    this.ignored = b.ignored.clone();
  }

  static int wordsFor(int rows) {
    return (rows + 63) >>> 6;
  }

  /** @return the number of players */
  public int size() {
    return size;
  }

  /** @return the catalogue the columns follow */
  public AttributeCatalogue catalogue() {
    return catalogue;
  }

  /**
   * The id of the player in a row.
   *
   * @param row the row
   * @return the player id
   */
  public String playerId(int row) {
    int from = idOffsets[row];
    return new String(idBytes, from, idOffsets[row + 1] - from, StandardCharsets.UTF_8);
  }

  /**
   * How many values were ignored per attribute because their Java type did not fit.
   *
   * @return attribute name to count, only those above zero
   */
  public Map<String, Long> ignoredValues() {
    Map<String, Long> out = new java.util.TreeMap<>();
    List<Attribute> attributes = catalogue.attributes();
    for (int i = 0; i < ignored.length; i++) {
      if (ignored[i] > 0) {
        out.put(attributes.get(i).name(), ignored[i]);
      }
    }
    return out;
  }

  /** @return an estimate of the heap the arrays take */
  public long estimatedBytes() {
    long bytes = idBytes.length + 4L * idOffsets.length;
    for (Column c : columns) {
      if (c != null) {
        bytes += c.bytes();
      }
    }
    return bytes;
  }

  /** A column: presence bits plus values. */
  abstract static class Column {
    final long[] present;

    Column(long[] present) {
      this.present = present;
    }

    abstract long bytes();
  }

  /**
   * Numbers: one double per row, or, when the column has at most {@value #CODED_NUMBERS} distinct
   * values (levels, counts, flags), one byte per row numbering a value in {@code dictionary}.
   */
  static final class NumberColumn extends Column {
    /** Null when coded. */
    final double[] values;
    /** Null when not coded. */
    final byte[] codes;
    final double[] dictionary;

    NumberColumn(long[] present, double[] values, byte[] codes, double[] dictionary) {
      super(present);
      this.values = values;
      this.codes = codes;
      this.dictionary = dictionary;
    }

    @Override
    long bytes() {
      return 8L * present.length
          + (codes != null ? codes.length + 8L * dictionary.length : 8L * values.length);
    }
  }

  /** Number columns with at most this many distinct values keep a byte per row. */
  static final int CODED_NUMBERS = 256;

  static final class TimeColumn extends Column {
    final long[] values;

    TimeColumn(long[] present, long[] values) {
      super(present);
      this.values = values;
    }

    @Override
    long bytes() {
      return 8L * present.length + 8L * values.length;
    }
  }

  static final class BoolColumn extends Column {
    final long[] trues;

    BoolColumn(long[] present, long[] trues) {
      super(present);
      this.trues = trues;
    }

    @Override
    long bytes() {
      return 16L * present.length;
    }
  }

  /**
   * Strings with at most this many distinct values are kept as one bitmap per value (an
   * inverted index), which takes no more memory than an {@code int} code per row and turns
   * {@code =}, {@code in} and {@code starts with} into bitmap operations.
   */
  static final int BITMAP_VALUES = 32;

  static final class StringColumn extends Column {
    /** Code per row into {@link #dictionary}, -1 when missing; null when {@link #bitmaps} hold the column. */
    final int[] codes;
    /** Per dictionary code, the rows holding that value; null when {@link #codes} hold the column. */
    final long[][] bitmaps;
    /** Distinct values, sorted by {@link String#compareTo}. */
    final String[] dictionary;

    StringColumn(long[] present, int[] codes, long[][] bitmaps, String[] dictionary) {
      super(present);
      this.codes = codes;
      this.bitmaps = bitmaps;
      this.dictionary = dictionary;
    }

    int code(String value) {
      int i = Arrays.binarySearch(dictionary, value);
      return i >= 0 ? i : -2;
    }

    @Override
    long bytes() {
      long strings = 0;
      for (String s : dictionary) {
        strings += 40 + 2L * s.length();
      }
      long values = codes != null ? 4L * codes.length : 8L * present.length * bitmaps.length;
      return 8L * present.length + values + strings;
    }
  }

  static final class SetColumn extends Column {
    /** Distinct elements, sorted. */
    final String[] elements;
    /** Element {@code e}'s rows are {@code postings[starts[e] .. starts[e + 1])}, ascending. */
    final int[] starts;
    final int[] postings;

    SetColumn(long[] present, String[] elements, int[] starts, int[] postings) {
      super(present);
      this.elements = elements;
      this.starts = starts;
      this.postings = postings;
    }

    @Override
    long bytes() {
      long strings = 0;
      for (String s : elements) {
        strings += 40 + 2L * s.length();
      }
      return 8L * present.length + 4L * starts.length + 4L * postings.length + strings;
    }
  }

  /**
   * Builds a store from players added in ascending id order.
   *
   * @param catalogue the attributes to keep
   * @return a builder
   */
  public static Builder builder(AttributeCatalogue catalogue) {
    return new Builder(catalogue);
  }

  /** Appends players; not thread-safe. */
  public static final class Builder {
    private final AttributeCatalogue catalogue;
    private final String[] names;
    private final AttributeType[] types;
    private final ColumnBuilder[] columns;
    private final long[] ignored;
    private int size;
    private int capacity;
    private byte[] idBytes = new byte[1024];
    private int idLength;
    private int[] idOffsets = new int[65];
    private String lastId;

    Builder(AttributeCatalogue catalogue) {
      this.catalogue = catalogue;
      List<Attribute> attributes = catalogue.attributes();
      this.names = attributes.stream().map(Attribute::name).toArray(String[]::new);
      this.types = attributes.stream().map(Attribute::type).toArray(AttributeType[]::new);
      this.columns = new ColumnBuilder[names.length];
      this.ignored = new long[names.length];
      this.capacity = 64;
    }

    /** @return how many players were added */
    public int size() {
      return size;
    }

    /**
     * Appends a player.
     *
     * @param playerId the id, greater than the previous one
     * @param player the values
     * @throws IllegalArgumentException when ids are not strictly ascending
     */
    public void add(String playerId, PlayerAttributes player) {
      if (lastId != null && lastId.compareTo(playerId) >= 0) {
        throw new IllegalArgumentException("players must be added in strictly ascending id order:"
            + " '" + playerId + "' came after '" + lastId + "'");
      }
      if (size == Integer.MAX_VALUE - 64) {
        throw new IllegalStateException("an index holds at most " + size + " players");
      }
      lastId = playerId;
      if (size == capacity) {
        grow();
      }
      byte[] id = playerId.getBytes(StandardCharsets.UTF_8);
      if (idLength + id.length > idBytes.length) {
        idBytes = Arrays.copyOf(idBytes, Math.max(idLength + id.length, idBytes.length * 3 / 2));
      }
      System.arraycopy(id, 0, idBytes, idLength, id.length);
      idLength += id.length;
      idOffsets[size + 1] = idLength;
      int row = size;
      for (int i = 0; i < names.length; i++) {
        Object raw = player.value(names[i]);
        if (raw != null) {
          set(i, row, raw);
        }
      }
      size++;
    }

    private void set(int i, int row, Object raw) {
      switch (types[i]) {
        case NUMBER: {
          double d = Values.number(raw);
          if (Double.isNaN(d)) {
            ignored[i]++;
            return;
          }
          ((NumberBuilder) column(i)).set(row, d);
          return;
        }
        case TIMESTAMP:
          if (!(raw instanceof Instant instant)) {
            ignored[i]++;
            return;
          }
          ((TimeBuilder) column(i)).set(row, Values.millis(instant));
          return;
        case BOOLEAN:
          if (!(raw instanceof Boolean b)) {
            ignored[i]++;
            return;
          }
          ((BoolBuilder) column(i)).set(row, b);
          return;
        case STRING:
          if (!(raw instanceof String s)) {
            ignored[i]++;
            return;
          }
          ((TextBuilder) column(i)).set(row, s);
          return;
        default:
          if (!(raw instanceof Collection<?> c)) {
            ignored[i]++;
            return;
          }
          ((SetBuilder) column(i)).set(row, c);
      }
    }

    private ColumnBuilder column(int i) {
      ColumnBuilder c = columns[i];
      if (c == null) {
        c = switch (types[i]) {
          case NUMBER -> new NumberBuilder();
          case TIMESTAMP -> new TimeBuilder();
          case BOOLEAN -> new BoolBuilder();
          case STRING -> new TextBuilder();
          case STRING_SET -> new SetBuilder();
        };
        c.grow(capacity);
        columns[i] = c;
      }
      return c;
    }

    private void grow() {
      long next = Math.min((long) Integer.MAX_VALUE - 1, (long) capacity * 3 / 2 + 64);
      capacity = (int) next;
      idOffsets = Arrays.copyOf(idOffsets, capacity + 1);
      for (ColumnBuilder c : columns) {
        if (c != null) {
          c.grow(capacity);
        }
      }
    }

    /**
     * Freezes the columns. The builder must not be used afterwards.
     *
     * @return the store
     */
    public ColumnStore build() {
      return new ColumnStore(this);
    }
  }

  private abstract static class ColumnBuilder {
    long[] present = new long[0];

    void grow(int capacity) {
      present = Arrays.copyOf(present, wordsFor(capacity));
    }

    void mark(int row) {
      present[row >>> 6] |= 1L << row;
    }

    long[] presentFor(int rows) {
      return Arrays.copyOf(present, wordsFor(rows));
    }

    abstract Column build(int rows);
  }

  private static final class NumberBuilder extends ColumnBuilder {
    double[] values = new double[0];

    @Override
    void grow(int capacity) {
      super.grow(capacity);
      values = Arrays.copyOf(values, capacity);
    }

    void set(int row, double v) {
      values[row] = v;
      mark(row);
    }

    @Override
    Column build(int rows) {
      // distinct by bits, so a code's value is exactly the row's (0.0 and -0.0, NaNs kept apart)
      java.util.HashMap<Long, Integer> numbers = new java.util.HashMap<>();
      byte[] codes = new byte[rows];
      for (int row = 0; row < rows; row++) {
        Integer code = numbers.get(Double.doubleToRawLongBits(values[row]));
        if (code == null) {
          if (numbers.size() == CODED_NUMBERS) {
            return new NumberColumn(presentFor(rows), Arrays.copyOf(values, rows), null, null);
          }
          code = numbers.size();
          numbers.put(Double.doubleToRawLongBits(values[row]), code);
        }
        codes[row] = (byte) (int) code;
      }
      double[] dictionary = new double[numbers.size()];
      numbers.forEach((bits, code) -> dictionary[code] = Double.longBitsToDouble(bits));
      return new NumberColumn(presentFor(rows), null, codes, dictionary);
    }
  }

  private static final class TimeBuilder extends ColumnBuilder {
    long[] values = new long[0];

    @Override
    void grow(int capacity) {
      super.grow(capacity);
      values = Arrays.copyOf(values, capacity);
    }

    void set(int row, long v) {
      values[row] = v;
      mark(row);
    }

    @Override
    Column build(int rows) {
      return new TimeColumn(presentFor(rows), Arrays.copyOf(values, rows));
    }
  }

  private static final class BoolBuilder extends ColumnBuilder {
    long[] trues = new long[0];

    @Override
    void grow(int capacity) {
      super.grow(capacity);
      trues = Arrays.copyOf(trues, wordsFor(capacity));
    }

    void set(int row, boolean v) {
      if (v) {
        trues[row >>> 6] |= 1L << row;
      }
      mark(row);
    }

    @Override
    Column build(int rows) {
      return new BoolColumn(presentFor(rows), Arrays.copyOf(trues, wordsFor(rows)));
    }
  }

  private static final class TextBuilder extends ColumnBuilder {
    int[] codes = new int[0];
    final Map<String, Integer> codeOf = new HashMap<>();
    final List<String> distinct = new ArrayList<>();

    @Override
    void grow(int capacity) {
      super.grow(capacity);
      int old = codes.length;
      codes = Arrays.copyOf(codes, capacity);
      Arrays.fill(codes, old, capacity, -1);
    }

    void set(int row, String v) {
      Integer code = codeOf.get(v);
      if (code == null) {
        code = distinct.size();
        codeOf.put(v, code);
        distinct.add(v);
      }
      codes[row] = code;
      mark(row);
    }

    @Override
    Column build(int rows) {
      String[] dictionary = distinct.toArray(new String[0]);
      Arrays.sort(dictionary);
      int[] remap = new int[dictionary.length];
      for (int i = 0; i < dictionary.length; i++) {
        remap[codeOf.get(dictionary[i])] = i;
      }
      if (dictionary.length <= BITMAP_VALUES) {
        long[][] bitmaps = new long[dictionary.length][wordsFor(rows)];
        for (int r = 0; r < rows; r++) {
          if (codes[r] >= 0) {
            bitmaps[remap[codes[r]]][r >>> 6] |= 1L << r;
          }
        }
        return new StringColumn(presentFor(rows), null, bitmaps, dictionary);
      }
      int[] out = Arrays.copyOf(codes, rows);
      for (int r = 0; r < rows; r++) {
        if (out[r] >= 0) {
          out[r] = remap[out[r]];
        }
      }
      return new StringColumn(presentFor(rows), out, null, dictionary);
    }
  }

  private static final class SetBuilder extends ColumnBuilder {
    final Map<String, IntList> postings = new HashMap<>();

    void set(int row, Collection<?> elements) {
      for (Object e : elements) {
        if (e instanceof String s) {
          postings.computeIfAbsent(s, k -> new IntList()).addRow(row);
        }
      }
      mark(row);
    }

    @Override
    Column build(int rows) {
      String[] elements = postings.keySet().toArray(new String[0]);
      Arrays.sort(elements);
      int[] starts = new int[elements.length + 1];
      long total = 0;
      for (int e = 0; e < elements.length; e++) {
        total += postings.get(elements[e]).size;
      }
      if (total > Integer.MAX_VALUE - 8) {
        throw new IllegalStateException("too many set elements in one column: " + total);
      }
      int[] all = new int[(int) total];
      int at = 0;
      for (int e = 0; e < elements.length; e++) {
        IntList list = postings.get(elements[e]);
        starts[e] = at;
        System.arraycopy(list.values, 0, all, at, list.size);
        at += list.size;
      }
      starts[elements.length] = at;
      return new SetColumn(presentFor(rows), elements, starts, all);
    }
  }

  private static final class IntList {
    int[] values = new int[4];
    int size;

    void addRow(int row) {
      if (size > 0 && values[size - 1] == row) {
        return; // a repeated element in a list-valued attribute
      }
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = row;
    }
  }
}
