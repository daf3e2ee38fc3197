package dev.herald.webpush.internal;

import java.math.BigInteger;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.raw.Nat256;

/**
 * P-256 scalar multiplication that allocates nothing per point operation: Jacobian coordinates over
 * {@link P256Field} (Montgomery form, five 52-bit limbs, branch-free), with every temporary in one
 * {@link Work} per multiplication.
 *
 * <p>Why not {@code ECPoint.multiply}: BouncyCastle's point layer allocates fresh limb arrays and
 * point objects for every doubling and addition, about 200 KB per Web Push message (one key
 * generation and one ECDH), and the garbage collector's share of that cost was as large as the
 * arithmetic's. Why not BouncyCastle's {@code SecP256R1Field} underneath (used here before): its
 * addition, subtraction and reduction branch on carries, which depend on the secret scalar (a
 * timing leak, and a mispredicted branch in about half of the several thousand field operations
 * per message). The formulas are the standard ones (EFD "dbl-2001-b" for a = -3,
 * "madd-2004-hmv"), and {@code P256PointsTest} checks every result against BouncyCastle's own point
 * arithmetic.
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
  private static final int L = P256Field.LIMBS;
  /** Longs per affine table entry: x then y, Montgomery form. */
  private static final int ENTRY_LONGS = 2 * L;

  private P256Points() {}

  /** The fixed-base table, built on first use (a few milliseconds, 67 KB). */
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
      long[] x = P256Field.create();
      long[] y = P256Field.create();
      for (int e = 0; e < points.length; e++) {
        P256Field.fromInts(Nat256.fromBigInteger(points[e].getAffineXCoord().toBigInteger()), x);
        P256Field.fromInts(Nat256.fromBigInteger(points[e].getAffineYCoord().toBigInteger()), y);
        store(x, y, table, e);
      }
      return table;
    }
  }

  /** Every temporary of one multiplication, so that the point operations allocate nothing. */
  static final class Work {
    // The accumulator, in Jacobian coordinates (x = X/Z², y = Y/Z³).
    final long[] x = P256Field.create();
    final long[] y = P256Field.create();
    final long[] z = P256Field.create();
    // The result of the last addition, before it is selected into the accumulator.
    final long[] sumX = P256Field.create();
    final long[] sumY = P256Field.create();
    final long[] sumZ = P256Field.create();
    // The table entry of the current digit, affine.
    final long[] qx = P256Field.create();
    final long[] qy = P256Field.create();
    final long[] negQy = P256Field.create();
    final long[] t1 = P256Field.create();
    final long[] t2 = P256Field.create();
    final long[] t3 = P256Field.create();
    final long[] t4 = P256Field.create();
    final long[] t5 = P256Field.create();
    /** Whether the accumulator is the point at infinity: -1 (all bits) or 0. */
    long infinity;
    /** Whether the last sum is the point at infinity (only after an exceptional addition). */
    long sumInfinity;

    void setInfinity() {
      // (1, 1, 0) is a fixed point of the doubling formula. What an addition computes from it is
      // discarded (the masks select the table entry instead), and the check for the exceptional
      // case is masked off while the accumulator is at infinity.
      System.arraycopy(P256Field.ONE, 0, x, 0, L);
      System.arraycopy(P256Field.ONE, 0, y, 0, L);
      java.util.Arrays.fill(z, 0L);
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
    long[][] jx = new long[ENTRIES][];
    long[][] jy = new long[ENTRIES][];
    long[][] jz = new long[ENTRIES][];
    P256Field.fromInts(px, w.x);
    P256Field.fromInts(py, w.y);
    System.arraycopy(P256Field.ONE, 0, w.z, 0, L);
    w.infinity = 0;
    System.arraycopy(w.x, 0, w.qx, 0, L);
    System.arraycopy(w.y, 0, w.qy, 0, L);
    for (int m = 0; m < ENTRIES; m++) {
      if (m == 1) {
        twice(w, w.x, w.y, w.z); // 2P
      } else if (m > 1) {
        add(w); // (m+1)P = mP + P
        System.arraycopy(w.sumX, 0, w.x, 0, L);
        System.arraycopy(w.sumY, 0, w.y, 0, L);
        System.arraycopy(w.sumZ, 0, w.z, 0, L);
      }
      jx[m] = w.x.clone();
      jy[m] = w.y.clone();
      jz[m] = w.z.clone();
    }
    // Montgomery's trick: invert the product of all Z once.
    long[][] prefix = new long[ENTRIES][];
    prefix[0] = jz[0].clone();
    for (int m = 1; m < ENTRIES; m++) {
      prefix[m] = P256Field.create();
      P256Field.multiply(prefix[m - 1], jz[m], prefix[m]);
    }
    long[] inverse = P256Field.create();
    P256Field.invert(prefix[ENTRIES - 1], inverse);
    long[] table = new long[ENTRIES * ENTRY_LONGS];
    long[] zInv = w.t1;
    long[] zInv2 = w.t2;
    for (int m = ENTRIES - 1; m >= 0; m--) {
      if (m > 0) {
        P256Field.multiply(inverse, prefix[m - 1], zInv);
        P256Field.multiply(inverse, jz[m], inverse);
      } else {
        System.arraycopy(inverse, 0, zInv, 0, L);
      }
      P256Field.square(zInv, zInv2);
      P256Field.multiply(jx[m], zInv2, w.t3);
      P256Field.multiply(zInv2, zInv, zInv2);
      P256Field.multiply(jy[m], zInv2, w.t4);
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
    int nonZeroInt = -((magnitude | -magnitude) >>> 31); // -1 unless the digit is 0
    long nonZero = nonZeroInt;
    // Read entry |digit| (entry 1 for a zero digit: computed, then discarded) by scanning all.
    int index = (magnitude - 1) & (ENTRIES - 1) & nonZeroInt;
    long[] qx = w.qx;
    long[] qy = w.qy;
    java.util.Arrays.fill(qx, 0L);
    java.util.Arrays.fill(qy, 0L);
    for (int m = 0; m < ENTRIES; m++) {
      long hit = ((m ^ index) - 1) >> 31; // all ones when m == index
      int base = (firstEntry + m) * ENTRY_LONGS;
      for (int l = 0; l < L; l++) {
        qx[l] |= table[base + l] & hit;
        qy[l] |= table[base + L + l] & hit;
      }
    }
    P256Field.negate(qy, w.negQy);
    P256Field.select(sign, w.negQy, qy);

    add(w);
    // Infinity + Q = Q (with Z = 1); A + 0·B = A; otherwise the sum.
    long takeQ = w.infinity & nonZero;
    P256Field.select(takeQ, qx, w.sumX);
    P256Field.select(takeQ, qy, w.sumY);
    P256Field.select(takeQ, P256Field.ONE, w.sumZ);
    P256Field.select(nonZero, w.sumX, w.x);
    P256Field.select(nonZero, w.sumY, w.y);
    P256Field.select(nonZero, w.sumZ, w.z);
    // Unchanged for a zero digit; else Q when the accumulator was infinity, else the sum.
    w.infinity = (~nonZero & w.infinity) | (nonZero & ~w.infinity & w.sumInfinity);
  }

  /** Writes affine (x, y) as table entry {@code index}. */
  private static void store(long[] x, long[] y, long[] table, int index) {
    System.arraycopy(x, 0, table, index * ENTRY_LONGS, L);
    System.arraycopy(y, 0, table, index * ENTRY_LONGS + L, L);
  }

  /**
   * sum = accumulator + (qx, qy), the mixed Jacobian-affine addition "madd-2004-hmv" (8M + 3S).
   * When the accumulator is at infinity the sum is meaningless and the caller discards it.
   */
  private static void add(Work w) {
    w.sumInfinity = 0;
    long[] z1z1 = w.t1;
    long[] h = w.t2;
    long[] r = w.t3;
    P256Field.square(w.z, z1z1);
    P256Field.multiply(w.qx, z1z1, h); // U2
    P256Field.subtract(h, w.x, h); // H = U2 - X1
    P256Field.multiply(z1z1, w.z, r); // Z1³
    P256Field.multiply(r, w.qy, r); // S2
    P256Field.subtract(r, w.y, r); // R = S2 - Y1
    if ((P256Field.isZero(h) & ~w.infinity) != 0) {
      exceptionalAdd(w, r);
      return;
    }
    long[] hh = w.t1; // Z1Z1 is no longer needed
    long[] hhh = w.t4;
    long[] v = w.t5;
    P256Field.multiply(w.z, h, w.sumZ); // Z3 = Z1·H
    P256Field.square(h, hh);
    P256Field.multiply(hh, h, hhh);
    P256Field.multiply(w.x, hh, v); // V = X1·HH
    P256Field.square(r, w.sumX);
    P256Field.subtract(w.sumX, hhh, w.sumX);
    P256Field.subtract(w.sumX, v, w.sumX);
    P256Field.subtract(w.sumX, v, w.sumX); // X3 = R² - HHH - 2V
    P256Field.subtract(v, w.sumX, v);
    P256Field.multiply(v, r, w.sumY);
    P256Field.multiply(w.y, hhh, hhh);
    P256Field.subtract(w.sumY, hhh, w.sumY); // Y3 = R·(V - X3) - Y1·HHH
  }

  /**
   * The accumulator equals ±Q (H = 0): the sum is its double when R = 0 too, else the point at
   * infinity. No scalar in [1, n-1] leads here with this class's tables; handled for correctness.
   */
  private static void exceptionalAdd(Work w, long[] r) {
    if (P256Field.isZero(r) != 0) {
      System.arraycopy(w.x, 0, w.sumX, 0, L);
      System.arraycopy(w.y, 0, w.sumY, 0, L);
      System.arraycopy(w.z, 0, w.sumZ, 0, L);
      twice(w, w.sumX, w.sumY, w.sumZ);
    } else {
      System.arraycopy(P256Field.ONE, 0, w.sumX, 0, L);
      System.arraycopy(P256Field.ONE, 0, w.sumY, 0, L);
      java.util.Arrays.fill(w.sumZ, 0L);
      w.sumInfinity = -1;
    }
  }

  /**
   * (x, y, z) = 2·(x, y, z) in place, "dbl-2001-b" for a = -3 (3M + 5S). The factors 3, 4 and 8
   * are one {@link P256Field#multiplySmall} each (limb products and a fold of the top bits, no
   * branch) rather than chains of additions: four field operations fewer per doubling, 255
   * doublings per ECDH.
   */
  private static void twice(Work w, long[] x, long[] y, long[] z) {
    long[] delta = w.t1;
    long[] gamma = w.t2;
    long[] beta = w.t3;
    long[] alpha = w.t4;
    long[] t = w.t5;
    P256Field.square(z, delta);
    P256Field.square(y, gamma);
    P256Field.multiply(x, gamma, beta);
    P256Field.subtract(x, delta, t);
    P256Field.add(x, delta, alpha);
    P256Field.multiply(alpha, t, alpha);
    P256Field.multiplySmall(alpha, 3, alpha); // alpha = 3(X - delta)(X + delta)
    // Z3 = (Y + Z)² - gamma - delta, before Y and Z are overwritten
    P256Field.add(y, z, z);
    P256Field.square(z, z);
    P256Field.subtract(z, gamma, z);
    P256Field.subtract(z, delta, z);
    // X3 = alpha² - 8 beta
    P256Field.multiplySmall(beta, 4, beta);
    P256Field.square(alpha, x);
    P256Field.subtract(x, beta, x);
    P256Field.subtract(x, beta, x);
    // Y3 = alpha (4 beta - X3) - 8 gamma²
    P256Field.subtract(beta, x, beta);
    P256Field.multiply(alpha, beta, y);
    P256Field.square(gamma, gamma);
    P256Field.multiplySmall(gamma, 8, gamma);
    P256Field.subtract(y, gamma, y);
  }

  /** x = X/Z², y = Y/Z³. */
  private static void toAffine(Work w, int[] outX, int[] outY) {
    if (w.infinity != 0) {
      throw new IllegalArgumentException("the scalar multiple is the point at infinity");
    }
    long[] zInv = w.t1;
    long[] zInv2 = w.t2;
    P256Field.invert(w.z, zInv);
    P256Field.square(zInv, zInv2);
    P256Field.multiply(w.x, zInv2, w.t3);
    P256Field.multiply(zInv2, zInv, zInv2);
    P256Field.multiply(w.y, zInv2, w.t4);
    System.arraycopy(P256Field.toInts(w.t3), 0, outX, 0, 8);
    System.arraycopy(P256Field.toInts(w.t4), 0, outY, 0, 8);
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
