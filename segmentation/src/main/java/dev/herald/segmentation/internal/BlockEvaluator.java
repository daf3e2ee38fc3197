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
 *
 * <p>Each node is given the players still in question (a "selection" word) and tests only those:
 * an AND passes each child the survivors of the previous ones, an OR passes each child the
 * players not yet accepted. Children run cheapest first (bitmaps, then dictionary codes, then
 * number and time scans), so by the time a scan runs few players are left. A scan over a dense
 * selection runs branch-free over all 64 values; over a sparse one it visits only the selected
 * bits. Counting sums bit counts; streaming walks the set bits block by block, so members come
 * out in ascending row (and so id) order and nothing is materialised.
 *
 * <p>A bound evaluator is immutable and may be shared by threads.
 */
public final class BlockEvaluator {
  private final ColumnStore store;
  private final Node root;
  private final long lastMask;

  private BlockEvaluator(ColumnStore store, Node root) {
    this.store = store;
    this.root = root;
    int tail = store.size & 63;
    this.lastMask = tail == 0 ? -1L : (1L << tail) - 1;
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
    return root.word(block, valid(block));
  }

  private long valid(int block) {
    return block == store.words - 1 ? lastMask : -1L;
  }

  /**
   * Counts the members without materialising them.
   *
   * @return the audience size
   */
  public long count() {
    long n = 0;
    for (int b = 0, words = store.words; b < words; b++) {
      n += Long.bitCount(root.word(b, valid(b)));
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
          word = root.word(block, valid(block));
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

  /** A selection this sparse is tested bit by bit rather than all 64 values at once. */
  static final int SPARSE = 16;

  /** One node's answer per block. */
  interface Node {
    /**
     * The selected players of one block for whom the node is TRUE.
     *
     * @param block the block
     * @param selection the players to decide (never zero), a subset of the block's rows
     * @return a subset of {@code selection}
     */
    long word(int block, long selection);

    /** Relative cost per block, to run cheap children first. */
    int cost();
  }

  private static final class Binder {
    final ColumnStore store;
    final long now;

    Binder(ColumnStore store, long now) {
      this.store = store;
      this.now = now;
    }

    Node bind(Plan plan) {
      if (plan instanceof Plan.And and) {
        Node[] children = fused(sorted(and.children), true);
        return children.length == 1 ? children[0] : new AndNode(children);
      }
      if (plan instanceof Plan.Or or) {
        Node[] children = fused(sorted(or.children), false);
        return children.length == 1 ? children[0] : new OrNode(children);
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

    /**
     * Folds the children that are plain bitmaps (booleans, set membership, presence) into one
     * precomputed word per block, computed column by column in tight loops the JIT vectorises,
     * so per-block evaluation only runs the scans that remain.
     */
    private Node[] fused(Node[] children, boolean and) {
      List<BitmapNode> bitmaps = new ArrayList<>();
      List<Node> rest = new ArrayList<>();
      for (Node n : children) {
        if (n instanceof BitmapNode b) {
          bitmaps.add(b);
        } else {
          rest.add(n);
        }
      }
      if (bitmaps.size() < 2) {
        return children;
      }
      long[] words = new long[store.words];
      if (and) {
        Arrays.fill(words, -1L);
        for (BitmapNode b : bitmaps) {
          b.andInto(words);
        }
      } else {
        for (BitmapNode b : bitmaps) {
          b.orInto(words);
        }
      }
      int tail = store.size & 63;
      if (tail != 0) {
        words[words.length - 1] &= (1L << tail) - 1;
      }
      rest.add(0, new FusedNode(words));
      return rest.toArray(new Node[0]);
    }

    /** A string test over a column kept as one bitmap per value: OR of the matching values. */
    private Node valueBitmaps(StringColumn c, CompiledTest t, long flip) {
      long[] bits = new long[store.words];
      for (int code = 0; code < c.dictionary.length; code++) {
        String value = c.dictionary[code];
        boolean hit = switch (t.kind) {
          case EQ -> value.equals(t.text);
          case STARTS_WITH -> value.startsWith(t.text);
          default -> t.textSet.contains(value);
        };
        if (hit) {
          long[] rows = c.bitmaps[code];
          for (int b = 0; b < bits.length; b++) {
            bits[b] |= rows[b];
          }
        }
      }
      return new SetNode(c.present, bits, flip);
    }

    private Node leaf(CompiledTest t, boolean negated) {
      Column column = t.column < store.columns.length ? store.columns[t.column] : null;
      if (t.kind == Kind.EXISTS) {
        boolean want = t.negate == negated;
        long[] present = column == null ? new long[store.words] : column.present;
        return new PresenceNode(present, want);
      }
      if (column == null) {
        return Constant.NONE; // every value missing: UNKNOWN, so never TRUE, negated or not
      }
      long flip = t.negate != negated ? -1L : 0L;
      if (column instanceof NumberColumn c) {
        return c.codes != null ? new CodedNumberNode(c, t, flip) : new NumberNode(c, t, flip);
      }
      if (column instanceof TimeColumn c) {
        return new TimeNode(c, t.kind, t.bound1(now), t.bound2(now), flip);
      }
      if (column instanceof BoolColumn c) {
        return new BoolNode(c, t.bool, flip);
      }
      if (column instanceof StringColumn c) {
        return c.bitmaps != null ? valueBitmaps(c, t, flip) : StringNode.of(c, t, flip);
      }
      return SetNode.of((SetColumn) column, t.text, flip, store.words);
    }
  }

  /** A node that is a bitmap per block, independent of the selection it is given. */
  interface BitmapNode extends Node {
    /** {@code words[b] &= this node's TRUE bits} for every block. */
    void andInto(long[] words);

    /** {@code words[b] |= this node's TRUE bits} for every block; bits past the end may be set. */
    void orInto(long[] words);
  }

  private static final class FusedNode implements BitmapNode {
    final long[] words;

    FusedNode(long[] words) {
      this.words = words;
    }

    @Override
    public long word(int block, long selection) {
      return selection & words[block];
    }

    @Override
    public void andInto(long[] w) {
      for (int b = 0; b < w.length; b++) {
        w[b] &= words[b];
      }
    }

    @Override
    public void orInto(long[] w) {
      for (int b = 0; b < w.length; b++) {
        w[b] |= words[b];
      }
    }

    @Override
    public int cost() {
      return 0;
    }
  }

  private enum Constant implements BitmapNode {
    NONE;

    @Override
    public long word(int block, long selection) {
      return 0;
    }

    @Override
    public void andInto(long[] w) {
      Arrays.fill(w, 0);
    }

    @Override
    public void orInto(long[] w) {
      // adds nothing
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
    public long word(int block, long selection) {
      Node[] c = children;
      long m = selection;
      for (int i = 0; i < c.length && m != 0; i++) {
        m = c[i].word(block, m);
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

    OrNode(Node[] children) {
      this.children = children;
      this.cost = Arrays.stream(children).mapToInt(Node::cost).sum();
    }

    @Override
    public long word(int block, long selection) {
      Node[] c = children;
      long accepted = 0;
      long open = selection;
      for (int i = 0; i < c.length && open != 0; i++) {
        long yes = c[i].word(block, open);
        accepted |= yes;
        open &= ~yes;
      }
      return accepted;
    }

    @Override
    public int cost() {
      return cost;
    }
  }

  private static final class PresenceNode implements BitmapNode {
    final long[] present;
    final boolean want;

    PresenceNode(long[] present, boolean want) {
      this.present = present;
      this.want = want;
    }

    @Override
    public long word(int block, long selection) {
      long p = present[block];
      return selection & (want ? p : ~p);
    }

    @Override
    public void andInto(long[] w) {
      long[] p = present;
      if (want) {
        for (int b = 0; b < w.length; b++) {
          w[b] &= p[b];
        }
      } else {
        for (int b = 0; b < w.length; b++) {
          w[b] &= ~p[b];
        }
      }
    }

    @Override
    public void orInto(long[] w) {
      long[] p = present;
      if (want) {
        for (int b = 0; b < w.length; b++) {
          w[b] |= p[b];
        }
      } else {
        for (int b = 0; b < w.length; b++) {
          w[b] |= ~p[b];
        }
      }
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  private static final class BoolNode implements BitmapNode {
    final long[] present;
    final long[] trues;
    final long flip;

    BoolNode(BoolColumn c, boolean wanted, long flip) {
      this.present = c.present;
      this.trues = c.trues;
      this.flip = wanted ? flip : ~flip;
    }

    @Override
    public long word(int block, long selection) {
      return selection & present[block] & (trues[block] ^ flip);
    }

    @Override
    public void andInto(long[] w) {
      long[] p = present;
      long[] t = trues;
      long f = flip;
      for (int b = 0; b < w.length; b++) {
        w[b] &= p[b] & (t[b] ^ f);
      }
    }

    @Override
    public void orInto(long[] w) {
      long[] p = present;
      long[] t = trues;
      long f = flip;
      for (int b = 0; b < w.length; b++) {
        w[b] |= p[b] & (t[b] ^ f);
      }
    }

    @Override
    public int cost() {
      return 1;
    }
  }

  private static final class SetNode implements BitmapNode {
    final long[] present;
    final long[] bits;
    final long flip;

    SetNode(long[] present, long[] bits, long flip) {
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
    public long word(int block, long selection) {
      return selection & present[block] & (bits[block] ^ flip);
    }

    @Override
    public void andInto(long[] w) {
      long[] p = present;
      long[] t = bits;
      long f = flip;
      for (int b = 0; b < w.length; b++) {
        w[b] &= p[b] & (t[b] ^ f);
      }
    }

    @Override
    public void orInto(long[] w) {
      long[] p = present;
      long[] t = bits;
      long f = flip;
      for (int b = 0; b < w.length; b++) {
        w[b] |= p[b] & (t[b] ^ f);
      }
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

    private StringNode(StringColumn c, int lo, int hi, boolean[] table, long flip) {
      this.present = c.present;
      this.codes = c.codes;
      this.lo = lo;
      this.span = hi - lo;
      this.table = table;
      this.flip = flip;
    }

    static StringNode of(StringColumn c, CompiledTest t, long flip) {
      if (t.kind == Kind.EQ) {
        int code = c.code(t.text);
        return code < 0
            ? new StringNode(c, 0, 0, null, flip)
            : new StringNode(c, code, code + 1, null, flip);
      }
      if (t.kind == Kind.STARTS_WITH) {
        // the dictionary is sorted, so the values with a prefix are one run of codes
        int lo = Arrays.binarySearch(c.dictionary, t.text);
        lo = lo >= 0 ? lo : -lo - 1;
        int hi = lo;
        while (hi < c.dictionary.length && c.dictionary[hi].startsWith(t.text)) {
          hi++;
        }
        return new StringNode(c, lo, hi, null, flip);
      }
      boolean[] table = new boolean[c.dictionary.length + 1]; // [code + 1]; [0] is "missing"
      for (String s : t.texts) {
        int code = c.code(s);
        if (code >= 0) {
          table[code + 1] = true;
        }
      }
      return new StringNode(c, 0, 0, table, flip);
    }

    @Override
    public long word(int block, long selection) {
      long s = selection & present[block];
      if (s == 0) {
        return 0;
      }
      int base = block << 6;
      int[] v = codes;
      long m = 0;
      if (Long.bitCount(s) <= SPARSE) {
        for (long bits = s; bits != 0; bits &= bits - 1) {
          int j = Long.numberOfTrailingZeros(bits);
          int code = v[base + j];
          boolean hit = table == null
              ? Integer.compareUnsigned(code - lo, span) < 0 : table[code + 1];
          m |= (hit ? 1L : 0L) << j;
        }
      } else {
        int n = 64 - Long.numberOfLeadingZeros(s);
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
      }
      return s & (m ^ flip);
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

    NumberNode(NumberColumn c, CompiledTest t, long flip) {
      this.present = c.present;
      this.values = c.values;
      this.kind = t.kind;
      this.a = t.n1;
      this.b = t.n2;
      this.list = t.numbers;
      this.flip = flip;
    }

    private boolean test(double d) {
      switch (kind) {
        case EQ:
          return d == a;
        case LT:
          return d < a;
        case LE:
          return d <= a;
        case GT:
          return d > a;
        case GE:
          return d >= a;
        case BETWEEN:
          return d >= a && d <= b;
        default:
          return Arrays.binarySearch(list, d + 0.0) >= 0;
      }
    }

    @Override
    public long word(int block, long selection) {
      long s = selection & present[block];
      if (s == 0) {
        return 0;
      }
      int base = block << 6;
      double[] v = values;
      long m = 0;
      if (kind == Kind.IN || Long.bitCount(s) <= SPARSE) {
        for (long bits = s; bits != 0; bits &= bits - 1) {
          int j = Long.numberOfTrailingZeros(bits);
          m |= (test(v[base + j]) ? 1L : 0L) << j;
        }
        return s & (m ^ flip);
      }
      int n = 64 - Long.numberOfLeadingZeros(s);
      double x = a;
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
          double y = b;
          for (int j = 0; j < n; j++) {
            double d = v[base + j];
            m |= (d >= x & d <= y ? 1L : 0L) << j;
          }
        }
      }
      return s & (m ^ flip);
    }

    @Override
    public int cost() {
      return kind == Kind.IN ? 4 : 3;
    }
  }

  /** A number test over a coded column: each distinct value tested once, then a lookup per row. */
  private static final class CodedNumberNode implements Node {
    final long[] present;
    final byte[] codes;
    /** Bit c set when the value numbered c passes the test. */
    final long[] passes = new long[ColumnStore.CODED_NUMBERS / 64];
    final long flip;

    CodedNumberNode(NumberColumn c, CompiledTest t, long flip) {
      this.present = c.present;
      this.codes = c.codes;
      this.flip = flip;
      NumberNode plain = new NumberNode(c, t, flip);
      for (int code = 0; code < c.dictionary.length; code++) {
        if (plain.test(c.dictionary[code])) {
          passes[code >>> 6] |= 1L << code;
        }
      }
    }

    @Override
    public long word(int block, long selection) {
      long s = selection & present[block];
      if (s == 0) {
        return 0;
      }
      int base = block << 6;
      byte[] v = codes;
      long[] p = passes;
      long m = 0;
      for (long bits = s; bits != 0; bits &= bits - 1) {
        int j = Long.numberOfTrailingZeros(bits);
        int code = v[base + j] & 0xff;
        m |= (p[code >>> 6] >>> code & 1L) << j;
      }
      return s & (m ^ flip);
    }

    @Override
    public int cost() {
      return 3;
    }
  }

  private static final class TimeNode implements Node {
    final long[] present;
    final long[] values;
    final Kind kind;
    final long a;
    final long b;
    final long flip;

    TimeNode(TimeColumn c, Kind kind, long a, long b, long flip) {
      this.present = c.present;
      this.values = c.values;
      this.kind = kind;
      this.a = a;
      this.b = b;
      this.flip = flip;
    }

    private boolean test(long t) {
      switch (kind) {
        case EQ:
          return t == a;
        case LT:
          return t < a;
        case LE:
          return t <= a;
        case GT:
          return t > a;
        case GE:
          return t >= a;
        default:
          return t >= a && t <= b;
      }
    }

    @Override
    public long word(int block, long selection) {
      long s = selection & present[block];
      if (s == 0) {
        return 0;
      }
      int base = block << 6;
      long[] v = values;
      long m = 0;
      if (Long.bitCount(s) <= SPARSE) {
        for (long bits = s; bits != 0; bits &= bits - 1) {
          int j = Long.numberOfTrailingZeros(bits);
          m |= (test(v[base + j]) ? 1L : 0L) << j;
        }
        return s & (m ^ flip);
      }
      int n = 64 - Long.numberOfLeadingZeros(s);
      long x = a;
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
      return s & (m ^ flip);
    }

    @Override
    public int cost() {
      return 3;
    }
  }
}
