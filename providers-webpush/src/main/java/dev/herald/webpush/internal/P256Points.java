package dev.herald.webpush.internal;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;
import org.bouncycastle.math.raw.Nat;
import org.bouncycastle.math.raw.Nat256;

/**
 * P-256 scalar multiplication that allocates nothing per point operation: Jacobian coordinates over
 * BouncyCastle's constant-time {@code SecP256R1Field} arithmetic (eight 32-bit limbs, canonical
 * values below p), with every temporary in one {@link Work} per multiplication.
 *
 * <p>Why not {@code ECPoint.multiply}: BouncyCastle's point layer allocates fresh limb arrays and
 * point objects for every doubling and addition, about 200 KB per Web Push message (one key
 * generation and one ECDH), and the garbage collector's share of that cost was as large as the
 * arithmetic's. The formulas are the standard ones (EFD "dbl-2001-b" for a = -3, "madd-2004-hmv"),
 * and {@code P256PointsTest} checks every result against BouncyCastle's own point arithmetic.
 *
 * <p>Both multiplications use a signed (Booth) recoding of the scalar into 52 digits in [-16, 16],
 * so their sequence of field operations does not depend on the scalar: every window does the same
 * doublings and one addition, table entries are read by a full constant-time scan, a negative
 * digit negates by a masked select, and a zero digit or the point at infinity is handled by masks
 * rather than branches. The only branch on data is the exceptional addition of a point to itself or
 * its negation, which no scalar in [1, n-1] reaches with these tables.
 *
 * <ul>
 *   <li>{@link #multiplyBase}: k·G from a table of m·2<sup>5i</sup>·G (m = 1..16, i = 0..51) built
 *       once, so 52 mixed additions and no doubling.
 *   <li>{@link #multiply}: k·P for a validated point P, from a per-call table of 1P..16P: 255
 *       doublings and 52 mixed additions.
 * </ul>
 */
final class P256Points {
  /** Number of 5-bit Booth windows covering a 256-bit scalar (the top one reads bits 254–259). */
  private static final int WINDOWS = 52;
  /** Table entries per window: 1..16 times the window's base point. */
  private static final int ENTRIES = 16;
  /** Longs per affine table entry: x then y, eight 32-bit limbs each, two limbs to a long. */
  private static final int ENTRY_LONGS = 8;

  private P256Points() {}

  /** The fixed-base table, built on first use (a few milliseconds, 53 KB). */
  private static final class BaseTable {
    static final long[] TABLE = build();

    private static long[] build() {
      X9ECParameters params = CustomNamedCurves.getByName("secp256r1");
      ECCurve curve = params.getCurve();
      ECPoint[] points = new ECPoint[WINDOWS * ENTRIES];
      ECPoint base = params.getG();
      for (int i = 0; i < WINDOWS; i++) {
        ECPoint multiple = base;
        for (int m = 0; m < ENTRIES; m++) {
          points[i * ENTRIES + m] = multiple;
          multiple = multiple.add(base);
        }
        base = base.timesPow2(5);
      }
      curve.normalizeAll(points);
      long[] table = new long[WINDOWS * ENTRIES * ENTRY_LONGS];
      for (int e = 0; e < points.length; e++) {
        store(Nat256.fromBigInteger(points[e].getAffineXCoord().toBigInteger()),
            Nat256.fromBigInteger(points[e].getAffineYCoord().toBigInteger()), table, e);
      }
      return table;
    }
  }

  /** Every temporary of one multiplication, so that the point operations allocate nothing. */
  static final class Work {
    // The accumulator, in Jacobian coordinates (x = X/Z², y = Y/Z³).
    final int[] x = new int[8];
    final int[] y = new int[8];
    final int[] z = new int[8];
    // The result of the last addition, before it is selected into the accumulator.
    final int[] sumX = new int[8];
    final int[] sumY = new int[8];
    final int[] sumZ = new int[8];
    // The table entry of the current digit, affine.
    final int[] qx = new int[8];
    final int[] qy = new int[8];
    final int[] negQy = new int[8];
    final long[] entry = new long[ENTRY_LONGS];
    final int[] t1 = new int[8];
    final int[] t2 = new int[8];
    final int[] t3 = new int[8];
    final int[] t4 = new int[8];
    final int[] t5 = new int[8];
    final int[] ext = new int[16];
    final int[] one = {1, 0, 0, 0, 0, 0, 0, 0};
    /** Whether the accumulator is the point at infinity: -1 (all bits) or 0. */
    int infinity;
    /** Whether the last sum is the point at infinity (only after an exceptional addition). */
    int sumInfinity;

    void setInfinity() {
      // (1, 1, 0) is a fixed point of the doubling formula. What an addition computes from it is
      // discarded (the masks select the table entry instead), and the check for the exceptional
      // case is masked off while the accumulator is at infinity.
      Nat256.copy(one, x);
      Nat256.copy(one, y);
      Nat256.zero(z);
      infinity = -1;
    }
  }

  /**
   * k·G, affine.
   *
   * @param k the scalar, eight little-endian 32-bit limbs, in [1, n-1]
   * @param outX receives x
   * @param outY receives y
   */
  static void multiplyBase(int[] k, int[] outX, int[] outY) {
    long[] table = BaseTable.TABLE;
    Work w = new Work();
    w.setInfinity();
    for (int i = 0; i < WINDOWS; i++) {
      addDigit(w, table, i * ENTRIES, digit(k, i));
    }
    toAffine(w, outX, outY);
  }

  /**
   * k·P, affine.
   *
   * @param k the scalar, eight little-endian 32-bit limbs, in [1, n-1]
   * @param px x of a point on the curve (validated by the caller), canonical
   * @param py y of the point, canonical
   * @param outX receives x
   * @param outY receives y
   */
  static void multiply(int[] k, int[] px, int[] py, int[] outX, int[] outY) {
    Work w = new Work();
    long[] table = pointTable(w, px, py);
    w.setInfinity();
    for (int i = WINDOWS - 1; i >= 0; i--) {
      if (i < WINDOWS - 1) {
        for (int d = 0; d < 5; d++) {
          twice(w, w.x, w.y, w.z);
        }
      }
      addDigit(w, table, 0, digit(k, i));
    }
    toAffine(w, outX, outY);
  }

  /** 1P..16P in affine coordinates: 15 point operations, then one shared inversion. */
  private static long[] pointTable(Work w, int[] px, int[] py) {
    int[][] jx = new int[ENTRIES][];
    int[][] jy = new int[ENTRIES][];
    int[][] jz = new int[ENTRIES][];
    Nat256.copy(px, w.x);
    Nat256.copy(py, w.y);
    Nat256.copy(w.one, w.z);
    w.infinity = 0;
    Nat256.copy(px, w.qx);
    Nat256.copy(py, w.qy);
    for (int m = 0; m < ENTRIES; m++) {
      if (m == 1) {
        twice(w, w.x, w.y, w.z); // 2P
      } else if (m > 1) {
        add(w); // (m+1)P = mP + P
        Nat256.copy(w.sumX, w.x);
        Nat256.copy(w.sumY, w.y);
        Nat256.copy(w.sumZ, w.z);
      }
      jx[m] = w.x.clone();
      jy[m] = w.y.clone();
      jz[m] = w.z.clone();
    }
    // Montgomery's trick: invert the product of all Z once.
    int[][] prefix = new int[ENTRIES][];
    prefix[0] = jz[0].clone();
    for (int m = 1; m < ENTRIES; m++) {
      prefix[m] = Nat256.create();
      SecP256R1Field.multiply(prefix[m - 1], jz[m], prefix[m], w.ext);
    }
    int[] inverse = Nat256.create();
    SecP256R1Field.inv(prefix[ENTRIES - 1], inverse);
    long[] table = new long[ENTRIES * ENTRY_LONGS];
    int[] zInv = w.t1;
    int[] zInv2 = w.t2;
    for (int m = ENTRIES - 1; m >= 0; m--) {
      if (m > 0) {
        SecP256R1Field.multiply(inverse, prefix[m - 1], zInv, w.ext);
        SecP256R1Field.multiply(inverse, jz[m], inverse, w.ext);
      } else {
        Nat256.copy(inverse, zInv);
      }
      SecP256R1Field.square(zInv, zInv2, w.ext);
      SecP256R1Field.multiply(jx[m], zInv2, w.t3, w.ext);
      SecP256R1Field.multiply(zInv2, zInv, zInv2, w.ext);
      SecP256R1Field.multiply(jy[m], zInv2, w.t4, w.ext);
      store(w.t3, w.t4, table, m);
    }
    return table;
  }

  /**
   * The Booth digit of window {@code i}: bits 5i-1 .. 5i+4 of k (bit -1 being 0) read as
   * b(5i-1) + b(5i) + 2 b(5i+1) + 4 b(5i+2) + 8 b(5i+3) - 16 b(5i+4), in [-16, 16]. The sum of
   * digit(i)·2<sup>5i</sup> over the 52 windows is k.
   */
  static int digit(int[] k, int i) {
    int position = 5 * i - 1;
    int v;
    if (position < 0) {
      v = (k[0] << 1) & 0x3f;
    } else {
      int word = position >>> 5;
      long bits = k[word] & 0xffffffffL;
      if (word < 7) {
        bits |= (long) k[word + 1] << 32;
      }
      v = (int) (bits >>> (position & 31)) & 0x3f;
    }
    return (v & 1) + ((v >>> 1) & 0xf) - ((v >>> 5) << 4);
  }

  /**
   * Adds digit·B (B the window's base, whose multiples 1..16 start at {@code offset} in
   * {@code table}) to the accumulator, with the same operations whatever the digit.
   */
  private static void addDigit(Work w, long[] table, int firstEntry, int digit) {
    int sign = digit >> 31; // -1 when negative
    int magnitude = (digit ^ sign) - sign;
    int nonZero = -((magnitude | -magnitude) >>> 31); // -1 unless the digit is 0
    // Read entry |digit| (entry 1 for a zero digit: computed, then discarded) by scanning all.
    int index = (magnitude - 1) & (ENTRIES - 1) & nonZero;
    long[] entry = w.entry;
    java.util.Arrays.fill(entry, 0L);
    for (int m = 0; m < ENTRIES; m++) {
      long hit = ((m ^ index) - 1) >> 31; // all ones when m == index
      int base = (firstEntry + m) * ENTRY_LONGS;
      for (int l = 0; l < ENTRY_LONGS; l++) {
        entry[l] |= table[base + l] & hit;
      }
    }
    for (int l = 0; l < 4; l++) {
      w.qx[2 * l] = (int) entry[l];
      w.qx[2 * l + 1] = (int) (entry[l] >>> 32);
      w.qy[2 * l] = (int) entry[4 + l];
      w.qy[2 * l + 1] = (int) (entry[4 + l] >>> 32);
    }
    SecP256R1Field.negate(w.qy, w.negQy);
    select(sign, w.negQy, w.qy);

    add(w);
    // Infinity + Q = Q (with Z = 1); A + 0·B = A; otherwise the sum.
    select(w.infinity & nonZero, w.qx, w.sumX);
    select(w.infinity & nonZero, w.qy, w.sumY);
    select(w.infinity & nonZero, w.one, w.sumZ);
    select(nonZero, w.sumX, w.x);
    select(nonZero, w.sumY, w.y);
    select(nonZero, w.sumZ, w.z);
    // Unchanged for a zero digit; else Q when the accumulator was infinity, else the sum.
    w.infinity = (~nonZero & w.infinity) | (nonZero & ~w.infinity & w.sumInfinity);
  }

  /** Writes affine (x, y) as table entry {@code index}. */
  private static void store(int[] x, int[] y, long[] table, int index) {
    int base = index * ENTRY_LONGS;
    for (int l = 0; l < 4; l++) {
      table[base + l] = (x[2 * l] & 0xffffffffL) | (long) x[2 * l + 1] << 32;
      table[base + 4 + l] = (y[2 * l] & 0xffffffffL) | (long) y[2 * l + 1] << 32;
    }
  }

  /** Where {@code mask} is -1, copies {@code from} into {@code to}; where 0, leaves it. */
  private static void select(int mask, int[] from, int[] to) {
    for (int l = 0; l < 8; l++) {
      to[l] ^= (to[l] ^ from[l]) & mask;
    }
  }

  /**
   * sum = accumulator + (qx, qy), the mixed Jacobian-affine addition "madd-2004-hmv" (8M + 3S).
   * When the accumulator is at infinity the sum is meaningless and the caller discards it.
   */
  private static void add(Work w) {
    w.sumInfinity = 0;
    int[] ext = w.ext;
    int[] z1z1 = w.t1;
    int[] h = w.t2;
    int[] r = w.t3;
    SecP256R1Field.square(w.z, z1z1, ext);
    SecP256R1Field.multiply(w.qx, z1z1, h, ext); // U2
    SecP256R1Field.subtract(h, w.x, h); // H = U2 - X1
    SecP256R1Field.multiply(z1z1, w.z, r, ext); // Z1³
    SecP256R1Field.multiply(r, w.qy, r, ext); // S2
    SecP256R1Field.subtract(r, w.y, r); // R = S2 - Y1
    if ((SecP256R1Field.isZero(h) & ~w.infinity) != 0) {
      exceptionalAdd(w, r);
      return;
    }
    int[] hh = w.t1; // Z1Z1 is no longer needed
    int[] hhh = w.t4;
    int[] v = w.t5;
    SecP256R1Field.multiply(w.z, h, w.sumZ, ext); // Z3 = Z1·H
    SecP256R1Field.square(h, hh, ext);
    SecP256R1Field.multiply(hh, h, hhh, ext);
    SecP256R1Field.multiply(w.x, hh, v, ext); // V = X1·HH
    SecP256R1Field.square(r, w.sumX, ext);
    SecP256R1Field.subtract(w.sumX, hhh, w.sumX);
    SecP256R1Field.subtract(w.sumX, v, w.sumX);
    SecP256R1Field.subtract(w.sumX, v, w.sumX); // X3 = R² - HHH - 2V
    SecP256R1Field.subtract(v, w.sumX, v);
    SecP256R1Field.multiply(v, r, w.sumY, ext);
    SecP256R1Field.multiply(w.y, hhh, hhh, ext);
    SecP256R1Field.subtract(w.sumY, hhh, w.sumY); // Y3 = R·(V - X3) - Y1·HHH
  }

  /**
   * The accumulator equals ±Q (H = 0): the sum is its double when R = 0 too, else the point at
   * infinity. No scalar in [1, n-1] leads here with this class's tables; handled for correctness.
   */
  private static void exceptionalAdd(Work w, int[] r) {
    if (SecP256R1Field.isZero(r) != 0) {
      Nat256.copy(w.x, w.sumX);
      Nat256.copy(w.y, w.sumY);
      Nat256.copy(w.z, w.sumZ);
      twice(w, w.sumX, w.sumY, w.sumZ);
    } else {
      Nat256.copy(w.one, w.sumX);
      Nat256.copy(w.one, w.sumY);
      Nat256.zero(w.sumZ);
      w.sumInfinity = -1;
    }
  }

  /** (x, y, z) = 2·(x, y, z) in place, "dbl-2001-b" for a = -3 (3M + 5S). */
  private static void twice(Work w, int[] x, int[] y, int[] z) {
    int[] ext = w.ext;
    int[] delta = w.t1;
    int[] gamma = w.t2;
    int[] beta = w.t3;
    int[] alpha = w.t4;
    int[] t = w.t5;
    SecP256R1Field.square(z, delta, ext);
    SecP256R1Field.square(y, gamma, ext);
    SecP256R1Field.multiply(x, gamma, beta, ext);
    SecP256R1Field.subtract(x, delta, t);
    SecP256R1Field.add(x, delta, alpha);
    SecP256R1Field.multiply(alpha, t, alpha, ext);
    SecP256R1Field.twice(alpha, t);
    SecP256R1Field.add(alpha, t, alpha); // alpha = 3(X - delta)(X + delta)
    // Z3 = (Y + Z)² - gamma - delta, before Y and Z are overwritten
    SecP256R1Field.add(y, z, z);
    SecP256R1Field.square(z, z, ext);
    SecP256R1Field.subtract(z, gamma, z);
    SecP256R1Field.subtract(z, delta, z);
    // X3 = alpha² - 8 beta
    SecP256R1Field.reduce32(Nat.shiftUpBits(8, beta, 2, 0), beta); // beta = 4 beta
    SecP256R1Field.square(alpha, x, ext);
    SecP256R1Field.subtract(x, beta, x);
    SecP256R1Field.subtract(x, beta, x);
    // Y3 = alpha (4 beta - X3) - 8 gamma²
    SecP256R1Field.subtract(beta, x, beta);
    SecP256R1Field.multiply(alpha, beta, y, ext);
    SecP256R1Field.square(gamma, gamma, ext);
    SecP256R1Field.reduce32(Nat.shiftUpBits(8, gamma, 3, 0), gamma);
    SecP256R1Field.subtract(y, gamma, y);
  }

  /** x = X/Z², y = Y/Z³. */
  private static void toAffine(Work w, int[] outX, int[] outY) {
    if (w.infinity != 0) {
      throw new IllegalArgumentException("the scalar multiple is the point at infinity");
    }
    int[] zInv = w.t1;
    int[] zInv2 = w.t2;
    SecP256R1Field.inv(w.z, zInv);
    SecP256R1Field.square(zInv, zInv2, w.ext);
    SecP256R1Field.multiply(w.x, zInv2, outX, w.ext);
    SecP256R1Field.multiply(zInv2, zInv, zInv2, w.ext);
    SecP256R1Field.multiply(w.y, zInv2, outY, w.ext);
  }

  /**
   * A scalar as limbs.
   *
   * @param k a non-negative integer below 2<sup>256</sup>
   * @return eight little-endian 32-bit limbs
   */
  static int[] limbs(BigInteger k) {
    return Nat256.fromBigInteger(k);
  }
}
