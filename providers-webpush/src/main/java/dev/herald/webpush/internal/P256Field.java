package dev.herald.webpush.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;

/**
 * Arithmetic modulo the P-256 prime p = 2<sup>256</sup> - 2<sup>224</sup> + 2<sup>192</sup> +
 * 2<sup>96</sup> - 1 in Montgomery form, five 52-bit limbs to a {@code long[5]} (little-endian),
 * every operation constant-time (no branch or index depends on a value).
 *
 * <p>Values are kept below 2p, not below p: the Montgomery reduction of a product of two such
 * values is below 2p without a final subtraction (see {@code reduce}), which saves a masked
 * subtraction of p in every multiplication and squaring; addition and subtraction bring their
 * result back below 2p with a masked subtraction or addition of 2p, and {@link #multiplySmall}
 * with an unconditional fold of its top bits. Only {@link #toInts} (and so every value leaving the
 * class) and {@link #isZero} reduce to the canonical value below p, again by masks. The bound is a
 * property of the arithmetic, never tested at run time, so it adds no branch.
 *
 * <p>Why not BouncyCastle's {@code SecP256R1Field}, which {@code P256Points} used before: its
 * multiplication works on eight 32-bit limbs, 64 products each feeding a serial chain of carries.
 * With 52-bit limbs a multiplication is 25 independent 104-bit products ({@code a * b} and
 * {@link Math#multiplyHigh}, both single instructions on x86-64 and AArch64) summed into columns
 * without carries, and because p ≡ -1 modulo 2<sup>52</sup> the Montgomery reduction
 * (R = 2<sup>260</sup>) needs only shifts, additions and one multiplication pair per limb.
 * Measured about twice as fast per multiplication on the benchmark machine; this is the layout OpenJDK itself adopted for P-256
 * ({@code MontgomeryIntegerPolynomialP256}, JDK 22), not available on Java 17.
 *
 * <p>Each product a<sub>i</sub>·b<sub>j</sub> (below 2<sup>104</sup>) is split with two
 * instructions: {@code a * b} masked to 52 bits for its low limb, and {@code Math.multiplyHigh} of
 * the operands shifted left by 6 bits (still positive, below 2<sup>59</sup>), which is exactly
 * a·b·2<sup>12</sup>/2<sup>64</sup>, the bits from 52 up: no shift or or per product.
 *
 * <p>{@code P256FieldTest} checks every operation against {@link BigInteger} arithmetic, with
 * inputs both below p and in [p, 2p).
 */
final class P256Field {
  static final int LIMBS = 5;
  private static final long M = (1L << 52) - 1;
  /** p in 52-bit limbs: bits 0..95, bit 192 and bits 224..255 are set. */
  private static final long P0 = M;
  private static final long P1 = (1L << 44) - 1;
  private static final long P3 = 1L << 36;
  private static final long P4 = 0xFFFF_FFFF_0000L;
  /** P4·2^6, for multiplyHigh(m·2^6, P4_SHIFTED) = m·P4 / 2^52. */
  private static final long P4_SHIFTED = P4 << 6;
  /** 2p in 52-bit limbs, the bound of every element: 2^52 - 2, 2^45 - 1, 0, 2^37, 2^49 - 2^17. */
  private static final long Q0 = 0xF_FFFF_FFFF_FFFEL;
  private static final long Q1 = 0x1FFF_FFFF_FFFFL;
  private static final long Q3 = 0x20_0000_0000L;
  private static final long Q4 = 0x1_FFFF_FFFE_0000L;

  static final BigInteger P = new BigInteger(
      "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
  /** R² mod p, to enter the Montgomery domain (R = 2^260). */
  private static final long[] R2 = fromBigInteger(BigInteger.ONE.shiftLeft(520).mod(P));
  /** 1, to leave it. */
  private static final long[] ONE_PLAIN = {1, 0, 0, 0, 0};
  private static final long[] ZERO = new long[LIMBS];
  /** R mod p: 1 in the Montgomery domain. */
  static final long[] ONE = fromBigInteger(BigInteger.ONE.shiftLeft(260).mod(P));

  private P256Field() {}

  static long[] create() {
    return new long[LIMBS];
  }

  /** z = x·y·R⁻¹ mod p. z may be x or y. */
  static void multiply(long[] x, long[] y, long[] z) {
    long a0 = x[0], a1 = x[1], a2 = x[2], a3 = x[3], a4 = x[4];
    long b0 = y[0], b1 = y[1], b2 = y[2], b3 = y[3], b4 = y[4];
    // The limbs times 2^6 (below 2^58, so positive as signed longs): multiplyHigh of two of them
    // is a_i·b_j·2^12 / 2^64, exactly the product's bits above 52. Each product is thus one
    // multiplication for its low 52 bits and one multiplyHigh for the rest, no shifts or ors.
    long s0 = a0 << 6, s1 = a1 << 6, s2 = a2 << 6, s3 = a3 << 6, s4 = a4 << 6;
    long t0 = b0 << 6, t1 = b1 << 6, t2 = b2 << 6, t3 = b3 << 6, t4 = b4 << 6;
    // Column k gathers the low 52 bits of every a_i·b_j with i + j = k and the high bits of those
    // with i + j = k - 1: at most ten terms below 2^52, so no column overflows.
    long c0, c1, c2, c3, c4, c5, c6, c7, c8, c9;
    c0 = (a0 * b0) & M; c1 = Math.multiplyHigh(s0, t0);
    c1 += (a0 * b1) & M; c2 = Math.multiplyHigh(s0, t1);
    c1 += (a1 * b0) & M; c2 += Math.multiplyHigh(s1, t0);
    c2 += (a0 * b2) & M; c3 = Math.multiplyHigh(s0, t2);
    c2 += (a1 * b1) & M; c3 += Math.multiplyHigh(s1, t1);
    c2 += (a2 * b0) & M; c3 += Math.multiplyHigh(s2, t0);
    c3 += (a0 * b3) & M; c4 = Math.multiplyHigh(s0, t3);
    c3 += (a1 * b2) & M; c4 += Math.multiplyHigh(s1, t2);
    c3 += (a2 * b1) & M; c4 += Math.multiplyHigh(s2, t1);
    c3 += (a3 * b0) & M; c4 += Math.multiplyHigh(s3, t0);
    c4 += (a0 * b4) & M; c5 = Math.multiplyHigh(s0, t4);
    c4 += (a1 * b3) & M; c5 += Math.multiplyHigh(s1, t3);
    c4 += (a2 * b2) & M; c5 += Math.multiplyHigh(s2, t2);
    c4 += (a3 * b1) & M; c5 += Math.multiplyHigh(s3, t1);
    c4 += (a4 * b0) & M; c5 += Math.multiplyHigh(s4, t0);
    c5 += (a1 * b4) & M; c6 = Math.multiplyHigh(s1, t4);
    c5 += (a2 * b3) & M; c6 += Math.multiplyHigh(s2, t3);
    c5 += (a3 * b2) & M; c6 += Math.multiplyHigh(s3, t2);
    c5 += (a4 * b1) & M; c6 += Math.multiplyHigh(s4, t1);
    c6 += (a2 * b4) & M; c7 = Math.multiplyHigh(s2, t4);
    c6 += (a3 * b3) & M; c7 += Math.multiplyHigh(s3, t3);
    c6 += (a4 * b2) & M; c7 += Math.multiplyHigh(s4, t2);
    c7 += (a3 * b4) & M; c8 = Math.multiplyHigh(s3, t4);
    c7 += (a4 * b3) & M; c8 += Math.multiplyHigh(s4, t3);
    c8 += (a4 * b4) & M; c9 = Math.multiplyHigh(s4, t4);
    reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, z);
  }

  /** z = x²·R⁻¹ mod p: 15 products instead of 25. z may be x. */
  static void square(long[] x, long[] z) {
    long a0 = x[0], a1 = x[1], a2 = x[2], a3 = x[3], a4 = x[4];
    long d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1, d4 = a4 << 1; // below 2^53
    // As in multiply: s = a·2^6 and e = d·2^6 (below 2^59), so multiplyHigh gives bits 52 and up.
    long s0 = a0 << 6, s1 = a1 << 6, s2 = a2 << 6, s3 = a3 << 6, s4 = a4 << 6;
    long e1 = a1 << 7, e2 = a2 << 7, e3 = a3 << 7, e4 = a4 << 7;
    long c0, c1, c2, c3, c4, c5, c6, c7, c8, c9;
    c0 = (a0 * a0) & M; c1 = Math.multiplyHigh(s0, s0);
    c1 += (a0 * d1) & M; c2 = Math.multiplyHigh(s0, e1);
    c2 += (a0 * d2) & M; c3 = Math.multiplyHigh(s0, e2);
    c2 += (a1 * a1) & M; c3 += Math.multiplyHigh(s1, s1);
    c3 += (a0 * d3) & M; c4 = Math.multiplyHigh(s0, e3);
    c3 += (a1 * d2) & M; c4 += Math.multiplyHigh(s1, e2);
    c4 += (a0 * d4) & M; c5 = Math.multiplyHigh(s0, e4);
    c4 += (a1 * d3) & M; c5 += Math.multiplyHigh(s1, e3);
    c4 += (a2 * a2) & M; c5 += Math.multiplyHigh(s2, s2);
    c5 += (a1 * d4) & M; c6 = Math.multiplyHigh(s1, e4);
    c5 += (a2 * d3) & M; c6 += Math.multiplyHigh(s2, e3);
    c6 += (a2 * d4) & M; c7 = Math.multiplyHigh(s2, e4);
    c6 += (a3 * a3) & M; c7 += Math.multiplyHigh(s3, s3);
    c7 += (a3 * d4) & M; c8 = Math.multiplyHigh(s3, e4);
    c8 += (a4 * a4) & M; c9 = Math.multiplyHigh(s4, s4);
    reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, z);
  }

  /**
   * z = c·2⁻²⁶⁰ mod p for the 520-bit c given as columns: five rounds of adding m·p, m the lowest
   * limb (-p⁻¹ ≡ 1 modulo 2^52), each clearing one limb, then the limbs normalised: below 2p.
   * m·p is shifts and subtractions: p's limbs are 2^52 - 1, 2^44 - 1, 0, 2^36 and 2^48 - 2^16.
   */
  private static void reduce(long c0, long c1, long c2, long c3, long c4, long c5, long c6,
      long c7, long c8, long c9, long[] z) {
    long m;
    // Each round adds m·p, m = the lowest column mod 2^52, to clear it. m·p = m·2^256 - m·2^224
    // + m·2^192 + m·2^96 - m: "- m" clears the column, leaving its carry and m·2^52, which cancels
    // with the "- m" of m·(2^44 - 1), p's second limb; m·2^44 and m·2^36 (p's fourth limb) are
    // split between two columns with shifts, and m·(2^48 - 2^16), p's fifth limb, by the same
    // multiply / multiplyHigh pair as a product (two instructions instead of eight).
    m = c0 & M;
    c1 += (c0 >> 52) + ((m & 0xFF) << 44);
    c2 += m >>> 8;
    c3 += (m & 0xFFFF) << 36;
    c4 += (m >>> 16) + ((m * P4) & M);
    c5 += Math.multiplyHigh(m << 6, P4_SHIFTED);
    m = c1 & M;
    c2 += (c1 >> 52) + ((m & 0xFF) << 44);
    c3 += m >>> 8;
    c4 += (m & 0xFFFF) << 36;
    c5 += (m >>> 16) + ((m * P4) & M);
    c6 += Math.multiplyHigh(m << 6, P4_SHIFTED);
    m = c2 & M;
    c3 += (c2 >> 52) + ((m & 0xFF) << 44);
    c4 += m >>> 8;
    c5 += (m & 0xFFFF) << 36;
    c6 += (m >>> 16) + ((m * P4) & M);
    c7 += Math.multiplyHigh(m << 6, P4_SHIFTED);
    m = c3 & M;
    c4 += (c3 >> 52) + ((m & 0xFF) << 44);
    c5 += m >>> 8;
    c6 += (m & 0xFFFF) << 36;
    c7 += (m >>> 16) + ((m * P4) & M);
    c8 += Math.multiplyHigh(m << 6, P4_SHIFTED);
    m = c4 & M;
    c5 += (c4 >> 52) + ((m & 0xFF) << 44);
    c6 += m >>> 8;
    c7 += (m & 0xFFFF) << 36;
    c8 += (m >>> 16) + ((m * P4) & M);
    c9 += Math.multiplyHigh(m << 6, P4_SHIFTED);
    // The result, below 2p, in c5..c9: normalise the limbs.
    c6 += c5 >> 52;
    c5 &= M;
    c7 += c6 >> 52;
    c6 &= M;
    c8 += c7 >> 52;
    c7 &= M;
    c9 += c8 >> 52;
    c8 &= M;
    // Below 2p: (x·y + m·p)/R < 4p²/2^260 + p < 2p for x, y below 2p. No subtraction of p here;
    // the value stays in [0, 2p), which every operation of this class accepts.
    z[0] = c5;
    z[1] = c6;
    z[2] = c7;
    z[3] = c8;
    z[4] = c9;
  }

  /** z = r - p when r ≥ p, else r; r (normalised limbs) is below 2p. For canonical output only. */
  private static void subtractPIfAtLeastP(long r0, long r1, long r2, long r3, long r4, long[] z) {
    long s0 = r0 - P0;
    long s1 = r1 - P1 + (s0 >> 52);
    long s2 = r2 + (s1 >> 52);
    long s3 = r3 - P3 + (s2 >> 52);
    long s4 = r4 - P4 + (s3 >> 52);
    long keep = s4 >> 63; // all ones when r < p
    z[0] = (r0 & keep) | (s0 & M & ~keep);
    z[1] = (r1 & keep) | (s1 & M & ~keep);
    z[2] = (r2 & keep) | (s2 & M & ~keep);
    z[3] = (r3 & keep) | (s3 & M & ~keep);
    z[4] = (r4 & keep) | (s4 & ~keep);
  }

  /** z ≡ x + y mod p, below 2p: the sum (below 4p) less 2p unless below 2p. */
  static void add(long[] x, long[] y, long[] z) {
    long r0 = x[0] + y[0];
    long r1 = x[1] + y[1] + (r0 >>> 52);
    long r2 = x[2] + y[2] + (r1 >>> 52);
    long r3 = x[3] + y[3] + (r2 >>> 52);
    long r4 = x[4] + y[4] + (r3 >>> 52);
    r0 &= M;
    r1 &= M;
    r2 &= M;
    r3 &= M;
    long s0 = r0 - Q0;
    long s1 = r1 - Q1 + (s0 >> 52);
    long s2 = r2 + (s1 >> 52);
    long s3 = r3 - Q3 + (s2 >> 52);
    long s4 = r4 - Q4 + (s3 >> 52);
    long keep = s4 >> 63; // all ones when the sum is below 2p
    z[0] = (r0 & keep) | (s0 & M & ~keep);
    z[1] = (r1 & keep) | (s1 & M & ~keep);
    z[2] = (r2 & keep) | (s2 & M & ~keep);
    z[3] = (r3 & keep) | (s3 & M & ~keep);
    z[4] = (r4 & keep) | (s4 & ~keep);
  }

  /**
   * z ≡ k·x mod p, below 2p, for a small k: cheaper than k - 1 additions. The limbs times k (below
   * 2^261) are carried, then the bits from 256 up, t, are folded back with 2^256 ≡ 2^224 - 2^192
   * - 2^96 + 1 (mod p): the result is at least t·(2^224 - 2^192 - 2^96 + 1) ≥ 0 and below
   * 2^256 + 2^229 < 2p. No branch, no comparison.
   *
   * @param k from 1 to 16
   */
  static void multiplySmall(long[] x, int k, long[] z) {
    long r0 = x[0] * k;
    long r1 = x[1] * k + (r0 >>> 52);
    long r2 = x[2] * k + (r1 >>> 52);
    long r3 = x[3] * k + (r2 >>> 52);
    long r4 = x[4] * k + (r3 >>> 52);
    long t = r4 >>> 48;
    r0 = (r0 & M) + t;
    r1 = (r1 & M) - (t << 44);
    r3 = (r3 & M) - (t << 36);
    r4 = (r4 & 0xFFFF_FFFF_FFFFL) + (t << 16);
    r1 += r0 >> 52;
    r2 = (r2 & M) + (r1 >> 52);
    r3 += r2 >> 52;
    r4 += r3 >> 52;
    z[0] = r0 & M;
    z[1] = r1 & M;
    z[2] = r2 & M;
    z[3] = r3 & M;
    z[4] = r4;
  }

  /** z = 2x mod p. */
  static void twice(long[] x, long[] z) {
    add(x, x, z);
  }

  /** z ≡ x - y mod p, below 2p: the difference, plus 2p when negative. */
  static void subtract(long[] x, long[] y, long[] z) {
    long r0 = x[0] - y[0];
    long r1 = x[1] - y[1] + (r0 >> 52);
    long r2 = x[2] - y[2] + (r1 >> 52);
    long r3 = x[3] - y[3] + (r2 >> 52);
    long r4 = x[4] - y[4] + (r3 >> 52);
    long borrow = r4 >> 63; // all ones when x < y: add 2p back
    r0 = (r0 & M) + (Q0 & borrow);
    r1 = (r1 & M) + (Q1 & borrow) + (r0 >>> 52);
    r2 = (r2 & M) + (r1 >>> 52);
    r3 = (r3 & M) + (Q3 & borrow) + (r2 >>> 52);
    r4 = r4 + (Q4 & borrow) + (r3 >> 52);
    z[0] = r0 & M;
    z[1] = r1 & M;
    z[2] = r2 & M;
    z[3] = r3 & M;
    z[4] = r4 & M;
  }

  /** z = -x mod p. */
  static void negate(long[] x, long[] z) {
    subtract(ZERO, x, z);
  }

  /** -1 when x ≡ 0 (mod p: its limbs are 0 or p), else 0, without a branch. */
  static long isZero(long[] x) {
    long zero = x[0] | x[1] | x[2] | x[3] | x[4];
    long p = (x[0] ^ P0) | (x[1] ^ P1) | x[2] | (x[3] ^ P3) | (x[4] ^ P4);
    return (((zero | -zero) >> 63) ^ -1L) | (((p | -p) >> 63) ^ -1L);
  }

  /** Where {@code mask} is -1, copies {@code from} into {@code to}; where 0, leaves it. */
  static void select(long mask, long[] from, long[] to) {
    for (int l = 0; l < LIMBS; l++) {
      to[l] ^= (to[l] ^ from[l]) & mask;
    }
  }

  /**
   * z = x⁻¹ mod p in the Montgomery domain, by BouncyCastle's constant-time inverse (safegcd).
   *
   * @throws ArithmeticException when x is 0
   */
  static void invert(long[] x, long[] z) {
    int[] plain = toInts(x);
    SecP256R1Field.inv(plain, plain);
    fromInts(plain, z);
  }

  /** Enters the Montgomery domain: BouncyCastle's eight 32-bit limbs (canonical) to ours. */
  static void fromInts(int[] limbs, long[] z) {
    long w0 = (limbs[0] & 0xFFFF_FFFFL) | (long) limbs[1] << 32;
    long w1 = (limbs[2] & 0xFFFF_FFFFL) | (long) limbs[3] << 32;
    long w2 = (limbs[4] & 0xFFFF_FFFFL) | (long) limbs[5] << 32;
    long w3 = (limbs[6] & 0xFFFF_FFFFL) | (long) limbs[7] << 32;
    z[0] = w0 & M;
    z[1] = ((w0 >>> 52) | (w1 << 12)) & M;
    z[2] = ((w1 >>> 40) | (w2 << 24)) & M;
    z[3] = ((w2 >>> 28) | (w3 << 36)) & M;
    z[4] = w3 >>> 16;
    multiply(z, R2, z);
  }

  /** Leaves the Montgomery domain: eight canonical 32-bit limbs, as BouncyCastle's. */
  static int[] toInts(long[] x) {
    long[] plain = new long[LIMBS];
    multiply(x, ONE_PLAIN, plain);
    subtractPIfAtLeastP(plain[0], plain[1], plain[2], plain[3], plain[4], plain);
    long w0 = plain[0] | (plain[1] << 52);
    long w1 = (plain[1] >>> 12) | (plain[2] << 40);
    long w2 = (plain[2] >>> 24) | (plain[3] << 28);
    long w3 = (plain[3] >>> 36) | (plain[4] << 16);
    return new int[] {(int) w0, (int) (w0 >>> 32), (int) w1, (int) (w1 >>> 32), (int) w2,
        (int) (w2 >>> 32), (int) w3, (int) (w3 >>> 32)};
  }

  /** A canonical value (below p), not in the Montgomery domain, as plain 52-bit limbs. */
  static long[] fromBigInteger(BigInteger value) {
    long[] limbs = new long[LIMBS];
    for (int l = 0; l < LIMBS; l++) {
      limbs[l] = value.shiftRight(52 * l).longValue() & (l < LIMBS - 1 ? M : -1L);
    }
    return limbs;
  }

  /** The plain value of a Montgomery-domain element, for tests. */
  static BigInteger toBigInteger(long[] x) {
    int[] ints = toInts(x);
    BigInteger value = BigInteger.ZERO;
    for (int i = 7; i >= 0; i--) {
      value = value.shiftLeft(32).or(BigInteger.valueOf(ints[i] & 0xFFFF_FFFFL));
    }
    return value;
  }
}
