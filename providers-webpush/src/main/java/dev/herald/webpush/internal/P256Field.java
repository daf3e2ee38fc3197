package dev.herald.webpush.internal;

import java.math.BigInteger;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Field;

/**
 * Arithmetic modulo the P-256 prime p = 2<sup>256</sup> - 2<sup>224</sup> + 2<sup>192</sup> +
 * 2<sup>96</sup> - 1 in Montgomery form, five 52-bit limbs to a {@code long[5]} (little-endian),
 * every value canonical (below p), every operation constant-time (no branch or index depends on a
 * value).
 *
 * <p>Why not BouncyCastle's {@code SecP256R1Field}, which {@code P256Points} used before: its
 * multiplication works on eight 32-bit limbs, 64 products each feeding a serial chain of carries.
 * With 52-bit limbs a multiplication is 25 independent 104-bit products ({@code a * b} and
 * {@link Math#multiplyHigh}, both single instructions on x86-64 and AArch64) summed into columns
 * without carries, and because p ≡ -1 modulo 2<sup>52</sup> the Montgomery reduction
 * (R = 2<sup>260</sup>) needs only shifts and additions. Measured about twice as fast per
 * multiplication on the benchmark machine; this is the layout OpenJDK itself adopted for P-256
 * ({@code MontgomeryIntegerPolynomialP256}, JDK 22), not available on Java 17.
 *
 * <p>{@code P256FieldTest} checks every operation against {@link BigInteger} arithmetic.
 */
final class P256Field {
  static final int LIMBS = 5;
  private static final long M = (1L << 52) - 1;
  /** p in 52-bit limbs: bits 0..95, bit 192 and bits 224..255 are set. */
  private static final long P0 = M;
  private static final long P1 = (1L << 44) - 1;
  private static final long P3 = 1L << 36;
  private static final long P4 = 0xFFFF_FFFF_0000L;

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
    long lo;
    long hi;
    // Column k gathers the low 52 bits of every a_i·b_j with i + j = k and the high bits of those
    // with i + j = k - 1: at most ten terms below 2^52, so no column overflows.
    long c0, c1, c2, c3, c4, c5, c6, c7, c8, c9;
    lo = a0 * b0; hi = Math.multiplyHigh(a0, b0);
    c0 = lo & M; c1 = (hi << 12) | (lo >>> 52);
    lo = a0 * b1; hi = Math.multiplyHigh(a0, b1);
    c1 += lo & M; c2 = (hi << 12) | (lo >>> 52);
    lo = a1 * b0; hi = Math.multiplyHigh(a1, b0);
    c1 += lo & M; c2 += (hi << 12) | (lo >>> 52);
    lo = a0 * b2; hi = Math.multiplyHigh(a0, b2);
    c2 += lo & M; c3 = (hi << 12) | (lo >>> 52);
    lo = a1 * b1; hi = Math.multiplyHigh(a1, b1);
    c2 += lo & M; c3 += (hi << 12) | (lo >>> 52);
    lo = a2 * b0; hi = Math.multiplyHigh(a2, b0);
    c2 += lo & M; c3 += (hi << 12) | (lo >>> 52);
    lo = a0 * b3; hi = Math.multiplyHigh(a0, b3);
    c3 += lo & M; c4 = (hi << 12) | (lo >>> 52);
    lo = a1 * b2; hi = Math.multiplyHigh(a1, b2);
    c3 += lo & M; c4 += (hi << 12) | (lo >>> 52);
    lo = a2 * b1; hi = Math.multiplyHigh(a2, b1);
    c3 += lo & M; c4 += (hi << 12) | (lo >>> 52);
    lo = a3 * b0; hi = Math.multiplyHigh(a3, b0);
    c3 += lo & M; c4 += (hi << 12) | (lo >>> 52);
    lo = a0 * b4; hi = Math.multiplyHigh(a0, b4);
    c4 += lo & M; c5 = (hi << 12) | (lo >>> 52);
    lo = a1 * b3; hi = Math.multiplyHigh(a1, b3);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a2 * b2; hi = Math.multiplyHigh(a2, b2);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a3 * b1; hi = Math.multiplyHigh(a3, b1);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a4 * b0; hi = Math.multiplyHigh(a4, b0);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a1 * b4; hi = Math.multiplyHigh(a1, b4);
    c5 += lo & M; c6 = (hi << 12) | (lo >>> 52);
    lo = a2 * b3; hi = Math.multiplyHigh(a2, b3);
    c5 += lo & M; c6 += (hi << 12) | (lo >>> 52);
    lo = a3 * b2; hi = Math.multiplyHigh(a3, b2);
    c5 += lo & M; c6 += (hi << 12) | (lo >>> 52);
    lo = a4 * b1; hi = Math.multiplyHigh(a4, b1);
    c5 += lo & M; c6 += (hi << 12) | (lo >>> 52);
    lo = a2 * b4; hi = Math.multiplyHigh(a2, b4);
    c6 += lo & M; c7 = (hi << 12) | (lo >>> 52);
    lo = a3 * b3; hi = Math.multiplyHigh(a3, b3);
    c6 += lo & M; c7 += (hi << 12) | (lo >>> 52);
    lo = a4 * b2; hi = Math.multiplyHigh(a4, b2);
    c6 += lo & M; c7 += (hi << 12) | (lo >>> 52);
    lo = a3 * b4; hi = Math.multiplyHigh(a3, b4);
    c7 += lo & M; c8 = (hi << 12) | (lo >>> 52);
    lo = a4 * b3; hi = Math.multiplyHigh(a4, b3);
    c7 += lo & M; c8 += (hi << 12) | (lo >>> 52);
    lo = a4 * b4; hi = Math.multiplyHigh(a4, b4);
    c8 += lo & M; c9 = (hi << 12) | (lo >>> 52);
    reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, z);
  }

  /** z = x²·R⁻¹ mod p: 15 products instead of 25. z may be x. */
  static void square(long[] x, long[] z) {
    long a0 = x[0], a1 = x[1], a2 = x[2], a3 = x[3], a4 = x[4];
    long d1 = a1 << 1, d2 = a2 << 1, d3 = a3 << 1, d4 = a4 << 1; // below 2^53
    long lo;
    long hi;
    long c0, c1, c2, c3, c4, c5, c6, c7, c8, c9;
    lo = a0 * a0; hi = Math.multiplyHigh(a0, a0);
    c0 = lo & M; c1 = (hi << 12) | (lo >>> 52);
    lo = a0 * d1; hi = Math.multiplyHigh(a0, d1);
    c1 += lo & M; c2 = (hi << 12) | (lo >>> 52);
    lo = a0 * d2; hi = Math.multiplyHigh(a0, d2);
    c2 += lo & M; c3 = (hi << 12) | (lo >>> 52);
    lo = a1 * a1; hi = Math.multiplyHigh(a1, a1);
    c2 += lo & M; c3 += (hi << 12) | (lo >>> 52);
    lo = a0 * d3; hi = Math.multiplyHigh(a0, d3);
    c3 += lo & M; c4 = (hi << 12) | (lo >>> 52);
    lo = a1 * d2; hi = Math.multiplyHigh(a1, d2);
    c3 += lo & M; c4 += (hi << 12) | (lo >>> 52);
    lo = a0 * d4; hi = Math.multiplyHigh(a0, d4);
    c4 += lo & M; c5 = (hi << 12) | (lo >>> 52);
    lo = a1 * d3; hi = Math.multiplyHigh(a1, d3);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a2 * a2; hi = Math.multiplyHigh(a2, a2);
    c4 += lo & M; c5 += (hi << 12) | (lo >>> 52);
    lo = a1 * d4; hi = Math.multiplyHigh(a1, d4);
    c5 += lo & M; c6 = (hi << 12) | (lo >>> 52);
    lo = a2 * d3; hi = Math.multiplyHigh(a2, d3);
    c5 += lo & M; c6 += (hi << 12) | (lo >>> 52);
    lo = a2 * d4; hi = Math.multiplyHigh(a2, d4);
    c6 += lo & M; c7 = (hi << 12) | (lo >>> 52);
    lo = a3 * a3; hi = Math.multiplyHigh(a3, a3);
    c6 += lo & M; c7 += (hi << 12) | (lo >>> 52);
    lo = a3 * d4; hi = Math.multiplyHigh(a3, d4);
    c7 += lo & M; c8 = (hi << 12) | (lo >>> 52);
    lo = a4 * a4; hi = Math.multiplyHigh(a4, a4);
    c8 += lo & M; c9 = (hi << 12) | (lo >>> 52);
    reduce(c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, z);
  }

  /**
   * z = c·2⁻²⁶⁰ mod p for the 520-bit c given as columns: five rounds of adding m·p, m the lowest
   * limb (-p⁻¹ ≡ 1 modulo 2^52), each clearing one limb, then one conditional subtraction of p.
   * m·p is shifts and subtractions: p's limbs are 2^52 - 1, 2^44 - 1, 0, 2^36 and 2^48 - 2^16.
   */
  private static void reduce(long c0, long c1, long c2, long c3, long c4, long c5, long c6,
      long c7, long c8, long c9, long[] z) {
    long m;
    // Round 0: c0 + m·(2^52 - 1) leaves c0 >> 52 plus m to carry into c1.
    m = c0 & M;
    c1 += (c0 >> 52) + ((m & 0xFF) << 44);
    c2 += m >>> 8;
    c3 += (m & 0xFFFF) << 36;
    c4 += (m >>> 16) + ((m & 0xF) << 48) - ((m & 0xF_FFFF_FFFFL) << 16);
    c5 += (m >>> 4) - (m >>> 36);
    // (the "+ m - m" of 2^52·m and of m·P1's -m cancel in c1)
    m = c1 & M;
    c2 += (c1 >> 52) + ((m & 0xFF) << 44);
    c3 += m >>> 8;
    c4 += (m & 0xFFFF) << 36;
    c5 += (m >>> 16) + ((m & 0xF) << 48) - ((m & 0xF_FFFF_FFFFL) << 16);
    c6 += (m >>> 4) - (m >>> 36);
    m = c2 & M;
    c3 += (c2 >> 52) + ((m & 0xFF) << 44);
    c4 += m >>> 8;
    c5 += (m & 0xFFFF) << 36;
    c6 += (m >>> 16) + ((m & 0xF) << 48) - ((m & 0xF_FFFF_FFFFL) << 16);
    c7 += (m >>> 4) - (m >>> 36);
    m = c3 & M;
    c4 += (c3 >> 52) + ((m & 0xFF) << 44);
    c5 += m >>> 8;
    c6 += (m & 0xFFFF) << 36;
    c7 += (m >>> 16) + ((m & 0xF) << 48) - ((m & 0xF_FFFF_FFFFL) << 16);
    c8 += (m >>> 4) - (m >>> 36);
    m = c4 & M;
    c5 += (c4 >> 52) + ((m & 0xFF) << 44);
    c6 += m >>> 8;
    c7 += (m & 0xFFFF) << 36;
    c8 += (m >>> 16) + ((m & 0xF) << 48) - ((m & 0xF_FFFF_FFFFL) << 16);
    c9 += (m >>> 4) - (m >>> 36);
    // The result, below 2p, in c5..c9: normalise the limbs, then subtract p unless below it.
    c6 += c5 >> 52;
    c5 &= M;
    c7 += c6 >> 52;
    c6 &= M;
    c8 += c7 >> 52;
    c7 &= M;
    c9 += c8 >> 52;
    c8 &= M;
    subtractPIfAtLeastP(c5, c6, c7, c8, c9, z);
  }

  /** z = r - p when r ≥ p, else r; r (normalised limbs) is below 2p. */
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

  /** z = x + y mod p. */
  static void add(long[] x, long[] y, long[] z) {
    long r0 = x[0] + y[0];
    long r1 = x[1] + y[1] + (r0 >>> 52);
    long r2 = x[2] + y[2] + (r1 >>> 52);
    long r3 = x[3] + y[3] + (r2 >>> 52);
    long r4 = x[4] + y[4] + (r3 >>> 52);
    subtractPIfAtLeastP(r0 & M, r1 & M, r2 & M, r3 & M, r4, z);
  }

  /** z = 2x mod p. */
  static void twice(long[] x, long[] z) {
    add(x, x, z);
  }

  /** z = x - y mod p. */
  static void subtract(long[] x, long[] y, long[] z) {
    long r0 = x[0] - y[0];
    long r1 = x[1] - y[1] + (r0 >> 52);
    long r2 = x[2] - y[2] + (r1 >> 52);
    long r3 = x[3] - y[3] + (r2 >> 52);
    long r4 = x[4] - y[4] + (r3 >> 52);
    long borrow = r4 >> 63; // all ones when x < y: add p back
    r0 = (r0 & M) + (P0 & borrow);
    r1 = (r1 & M) + (P1 & borrow) + (r0 >>> 52);
    r2 = (r2 & M) + (r1 >>> 52);
    r3 = (r3 & M) + (P3 & borrow) + (r2 >>> 52);
    r4 = r4 + (P4 & borrow) + (r3 >> 52);
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

  /** -1 when x is 0, else 0, without a branch. */
  static long isZero(long[] x) {
    long bits = x[0] | x[1] | x[2] | x[3] | x[4];
    return ((bits | -bits) >> 63) ^ -1L;
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
