package dev.herald.segmentation.internal;

import dev.herald.segmentation.internal.ColumnStore.BoolColumn;
import dev.herald.segmentation.internal.ColumnStore.Column;
import dev.herald.segmentation.internal.ColumnStore.NumberColumn;
import dev.herald.segmentation.internal.ColumnStore.SetColumn;
import dev.herald.segmentation.internal.ColumnStore.StringColumn;
import dev.herald.segmentation.internal.ColumnStore.TimeColumn;
import dev.herald.segmentation.internal.CompiledTest.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.PrimitiveIterator;

/**
 * Evaluates a {@link Plan} over a {@link ColumnStore} 64 players at a time: every node answers
 * with a 64-bit word whose bit {@code j} says whether player {@code 64 * block + j} is TRUE.
 * Tests scan a column slice into a word without branching; AND and OR combine words and stop
 * early when the word is already all zero (AND) or all one (OR). Cheap children (bitmaps) run
 * before scans. Counting sums bit counts; streaming walks the set bits block by block, so members
 * come out in ascending row (and so id) order and nothing is materialised.
 *
 * <p>A bound evaluator is immutable and may be shared by threads.
 */
public final class BlockEvaluator {
  private final ColumnStore store;
  private final Node root;

  private BlockEvaluator(ColumnStore store, Node root) {
    this.store = store;
    this.root = root;
  }

  /**
   * Binds a plan to a store at an evaluation time.
   *
   * @param plan the compiled rule
   * @param store the columns
   * @param nowMillis the time {@code now} stands for
   * @return the evaluator
   */
  public static BlockEvaluator bind(Plan plan, ColumnStore store, long nowMillis) {
    return new BlockEvaluator(store, new Binder(store, nowMillis).bind(plan));
  }

  /** @return the number of 64-player blocks */
  public int blocks() {
    return store.words;
  }

  /**
   * The members among one block of 64 players.
   *
   * @param block the block
   * @return bit {@code j} set when row {@code 64 * block + j} is in the segment
   */
  public long word(int block) {
    return root.word(block);
  }

  /**
   * Counts the members without materialising them.
   *
   * @return the audience size
   */
  public long count() {
    long n = 0;
    for (int b = 0, words = store.words; b < words; b++) {
      n += Long.bitCount(root.word(b));
    }
    return n;
  }

  /**
   * The members' rows in ascending order, computed a block at a time as the iterator advances.
   *
   * @return the rows
   */
  public PrimitiveIterator.OfInt rows() {
    return new PrimitiveIterator.OfInt() {
      private int block = -1;
      private long word;

      @Override
      public boolean hasNext() {
        while (word == 0) {
          if (++block >= store.words) {
            block = store.words;
            return false;
          }
          word = root.word(block);
        }
        return true;
      }

      @Override
      public int nextInt() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        int row = (block << 6) + Long.numberOfTrailingZeros(word);
        word &= word - 1;
        return row;
      }
    };
  }

  /** One node's answer per block. */
  interface Node {
    long word(int block);

    /** Relative cost per block, to run cheap children first. */
    int cost();
  }

  private static final class Binder {
    final ColumnStore store;
    final long now;
    final long lastMask;

    Binder(ColumnStore store, long now) {
      this.store = store;
      this.now = now;
      int tail = store.size & 63;
      this.lastMask = tail == 0 ? -1L : (1L << tail) - 1;
    }

    Node bind(Plan plan) {
      if (plan instanceof Plan.And and) {
        return new AndNode(sorted(and.children));
      }
      if (plan instanceof Plan.Or or) {
        return new OrNode(sorted(or.children), store.words, lastMask);
      }
      Plan.Leaf leaf = (Plan.Leaf) plan;
      return leaf(leaf.test, leaf.negated);
    }

    private Node[] sorted(List<Plan> children) {
      List<Node> nodes = new ArrayList<>();
      for (Plan p : children) {
        nodes.add(bind(p));
      }
      nodes.sort(Comparator.comparingInt(Node::cost));
      return nodes.toArray(new Node[0]);
    }

    private Node leaf(CompiledTest t, boolean negated) {
      Column column = t.column < store.columns.length ? store.columns[t.column] : null;
      if (t.kind == Kind.EXISTS) {
        boolean want = t.negate == negated;
        long[] present = column == null ? new long[store.words] : column.present;
        return new PresenceNode(present, want, store.words, lastMask);
      }
      if (column == null) {
        return Constant.NONE; // every value missing: UNKNOWN, so never TRUE, negated or not
      }
      long flip = t.negate != negated ? -1L : 0L;
      if (column instanceof NumberColumn c) {
        return new NumberNode(c, t, flip, store.size);
      }
      if (column instanceof TimeColumn c) {
        return new TimeNode(c, t.kind, t.bound1(now), t.bound2(now), flip, store.size);
      }
      if (column instanceof BoolColumn c) {
        return new BoolNode(c, t.bool, flip);
      }
      if (column instanceof StringColumn c) {
        return StringNode.of(c, t, flip, store.size);
      }
      return SetNode.of((SetColumn) column, t.text, flip, store.words);
    }
  }

  private enum Constant implements Node {
    NONE;

    @Override
    public long word(int block) {
      return 0;
    }

    @Override
    public int cost() {
      return 0;
    }
  }

  private static final class AndNode implements Node {
    final Node[] children;
    final int cost;

    AndNode(Node[] children) {
      this.children = children;
      this.cost = Arrays.stream(children).mapToInt(Node::cost).sum();
    }

    @Override
    public long word(int block) {
      Node[] c = children;
      long m = c[0].word(block);
      for (int i = 1; i < c.length && m != 0; i++) {
        m &= c[i].word(block);
      }
      return m;
    }

    @Override
    public int cost() {
      return cost;
    }
  }

  private static final class OrNode implements Node {
    final Node[] children;
    final int cost;
    final int lastBlock;
    final long lastMask;

    OrNode(Node[] children, int words, long lastMask) {
      this.children = children;
      this.cost = Arrays.stream(children).mapToInt(Node::cost).sum();
      this.lastBlock = words - 1;
      this.lastMask = lastMask;
    }

    @Override
    public long word(int block) {
      long full = block == lastBlock ? lastMask : -1L;
      Node[] c = children;
      long m = c[0].word(block);
      for (int i = 1; i < c.length && m != full; i++) {
        m |= c[i].word(block);
      }
      return m;
    }

    @Override
    public int cost() {
      return cost;
    }
  }

  private static final class PresenceNode implements Node {
    final long[] present;
    final boolean want;
    final int lastBlock;
    final long lastMask;

    PresenceNode(long[] present, boolean want, int words, long lastMask) {
      this.present = present;
      this.want = want;
      this.lastBlock = words - 1;
      this.lastMask = lastMask;
    }

    @Override
    public long word(int block) {
      long p = present[block];
      if (want) {
        return p;
      }
      return ~p & (block == lastBlock ? lastMask : -1L);
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  private static final class BoolNode implements Node {
    final long[] present;
    final long[] trues;
    final long flip;

    BoolNode(BoolColumn c, boolean wanted, long flip) {
      this.present = c.present;
      this.trues = c.trues;
      this.flip = wanted ? flip : ~flip;
    }

    @Override
    public long word(int block) {
      return present[block] & (trues[block] ^ flip);
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  private static final class SetNode implements Node {
    final long[] present;
    final long[] bits;
    final long flip;

    private SetNode(long[] present, long[] bits, long flip) {
      this.present = present;
      this.bits = bits;
      this.flip = flip;
    }

    static SetNode of(SetColumn c, String element, long flip, int words) {
      long[] bits = new long[words];
      int e = Arrays.binarySearch(c.elements, element);
      if (e >= 0) {
        for (int i = c.starts[e], end = c.starts[e + 1]; i < end; i++) {
          int row = c.postings[i];
          bits[row >>> 6] |= 1L << row;
        }
      }
      return new SetNode(c.present, bits, flip);
    }

    @Override
    public long word(int block) {
      return present[block] & (bits[block] ^ flip);
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  private static final class StringNode implements Node {
    final long[] present;
    final int[] codes;
    final int lo;
    final int span;
    final boolean[] table;
    final long flip;
    final int size;

    private StringNode(StringColumn c, int lo, int hi, boolean[] table, long flip, int size) {
      this.present = c.present;
      this.codes = c.codes;
      this.lo = lo;
      this.span = hi - lo;
      this.table = table;
      this.flip = flip;
      this.size = size;
    }

    static StringNode of(StringColumn c, CompiledTest t, long flip, int size) {
      if (t.kind == Kind.EQ) {
        int code = c.code(t.text);
        return code < 0
            ? new StringNode(c, 0, 0, null, flip, size)
            : new StringNode(c, code, code + 1, null, flip, size);
      }
      if (t.kind == Kind.STARTS_WITH) {
        int lo = Arrays.binarySearch(c.dictionary, t.text);
        lo = lo >= 0 ? lo : -lo - 1;
        int hi = lo;
        while (hi < c.dictionary.length && c.dictionary[hi].startsWith(t.text)) {
          hi++;
        }
        return new StringNode(c, lo, hi, null, flip, size);
      }
      boolean[] table = new boolean[c.dictionary.length + 1]; // [code + 1]; [0] is "missing"
      for (String s : t.texts) {
        int code = c.code(s);
        if (code >= 0) {
          table[code + 1] = true;
        }
      }
      return new StringNode(c, 0, 0, table, flip, size);
    }

    @Override
    public long word(int block) {
      long p = present[block];
      if (p == 0) {
        return 0;
      }
      int base = block << 6;
      int n = Math.min(64, size - base);
      int[] v = codes;
      long m = 0;
      if (table == null) {
        int from = lo;
        int width = span;
        for (int j = 0; j < n; j++) {
          m |= (Integer.compareUnsigned(v[base + j] - from, width) < 0 ? 1L : 0L) << j;
        }
      } else {
        boolean[] in = table;
        for (int j = 0; j < n; j++) {
          m |= (in[v[base + j] + 1] ? 1L : 0L) << j;
        }
      }
      return p & (m ^ flip);
    }

    @Override
    public int cost() {
      return 2;
    }
  }

  private static final class NumberNode implements Node {
    final long[] present;
    final double[] values;
    final Kind kind;
    final double a;
    final double b;
    final double[] list;
    final long flip;
    final int size;

    NumberNode(NumberColumn c, CompiledTest t, long flip, int size) {
      this.present = c.present;
      this.values = c.values;
      this.kind = t.kind;
      this.a = t.n1;
      this.b = t.n2;
      this.list = t.numbers;
      this.flip = flip;
      this.size = size;
    }

    @Override
    public long word(int block) {
      long p = present[block];
      if (p == 0) {
        return 0;
      }
      int base = block << 6;
      int n = Math.min(64, size - base);
      double[] v = values;
      double x = a;
      long m = 0;
      switch (kind) {
        case EQ:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] == x ? 1L : 0L) << j;
          }
          break;
        case LT:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] < x ? 1L : 0L) << j;
          }
          break;
        case LE:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] <= x ? 1L : 0L) << j;
          }
          break;
        case GT:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] > x ? 1L : 0L) << j;
          }
          break;
        case GE:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] >= x ? 1L : 0L) << j;
          }
          break;
        case BETWEEN: {
          double y = b;
          for (int j = 0; j < n; j++) {
            double d = v[base + j];
            m |= (d >= x & d <= y ? 1L : 0L) << j;
          }
          break;
        }
        default: {
          double[] in = list;
          for (long bits = p; bits != 0; bits &= bits - 1) {
            int j = Long.numberOfTrailingZeros(bits);
            if (Arrays.binarySearch(in, v[base + j] + 0.0) >= 0) {
              m |= 1L << j;
            }
          }
        }
      }
      return p & (m ^ flip);
    }

    @Override
    public int cost() {
      return kind == Kind.IN ? 4 : 3;
    }
  }

  private static final class TimeNode implements Node {
    final long[] present;
    final long[] values;
    final Kind kind;
    final long a;
    final long b;
    final long flip;
    final int size;

    TimeNode(TimeColumn c, Kind kind, long a, long b, long flip, int size) {
      this.present = c.present;
      this.values = c.values;
      this.kind = kind;
      this.a = a;
      this.b = b;
      this.flip = flip;
      this.size = size;
    }

    @Override
    public long word(int block) {
      long p = present[block];
      if (p == 0) {
        return 0;
      }
      int base = block << 6;
      int n = Math.min(64, size - base);
      long[] v = values;
      long x = a;
      long m = 0;
      switch (kind) {
        case EQ:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] == x ? 1L : 0L) << j;
          }
          break;
        case LT:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] < x ? 1L : 0L) << j;
          }
          break;
        case LE:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] <= x ? 1L : 0L) << j;
          }
          break;
        case GT:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] > x ? 1L : 0L) << j;
          }
          break;
        case GE:
          for (int j = 0; j < n; j++) {
            m |= (v[base + j] >= x ? 1L : 0L) << j;
          }
          break;
        default: {
          long y = b;
          for (int j = 0; j < n; j++) {
            long d = v[base + j];
            m |= (d >= x & d <= y ? 1L : 0L) << j;
          }
        }
      }
      return p & (m ^ flip);
    }

    @Override
    public int cost() {
      return 3;
    }
  }
}
