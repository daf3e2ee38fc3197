package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.math.raw.Nat256;
import org.junit.jupiter.api.Test;

/** {@link P256Field} against {@link BigInteger} arithmetic modulo p, value by value. */
class P256FieldTest {
  private static final BigInteger P = P256Field.P;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Random values and the edges: 0, 1, p-1, p-2^k, 2^k, and values with all limb bits set. */
  private static List<BigInteger> values() {
    List<BigInteger> values = new ArrayList<>();
    values.add(BigInteger.ZERO);
    values.add(BigInteger.ONE);
    values.add(P.subtract(BigInteger.ONE));
    values.add(P.subtract(BigInteger.TWO));
    for (int bit = 0; bit < 256; bit += 13) {
      values.add(BigInteger.ONE.shiftLeft(bit).mod(P));
      values.add(P.subtract(BigInteger.ONE.shiftLeft(bit)).mod(P));
      values.add(BigInteger.ONE.shiftLeft(bit).subtract(BigInteger.ONE).mod(P));
    }
    for (int i = 0; i < 300; i++) {
      values.add(new BigInteger(256, RANDOM).mod(P));
    }
    return values;
  }

  private static final BigInteger R = BigInteger.ONE.shiftLeft(260);

  private static long[] element(BigInteger value) {
    long[] x = P256Field.create();
    P256Field.fromInts(Nat256.fromBigInteger(value), x);
    return x;
  }

  /** The value's other representation: its Montgomery form plus p, in [p, 2p). */
  private static long[] elementPlusP(BigInteger value) {
    return P256Field.fromBigInteger(value.multiply(R).mod(P).add(P));
  }

  /** The Montgomery-form integer the limbs hold, not reduced. */
  private static BigInteger held(long[] x) {
    BigInteger held = BigInteger.ZERO;
    for (int l = P256Field.LIMBS - 1; l >= 0; l--) {
      held = held.shiftLeft(52).add(BigInteger.valueOf(x[l]));
    }
    return held;
  }

  /** Below 2p, with limbs 0 to 3 below 2^52: what every operation may assume of its inputs. */
  private static void assertInRange(long[] x) {
    for (int l = 0; l < P256Field.LIMBS - 1; l++) {
      assertThat(x[l]).isBetween(0L, (1L << 52) - 1);
    }
    assertThat(held(x)).isGreaterThanOrEqualTo(BigInteger.ZERO).isLessThan(P.shiftLeft(1));
  }

  @Test
  void everyOperationAgreesWithBigIntegerModP() {
    List<BigInteger> values = values();
    long[] z = P256Field.create();
    for (int i = 0; i < values.size(); i++) {
      BigInteger u = values.get(i);
      long[] x = element(u);
      assertThat(P256Field.toBigInteger(x)).isEqualTo(u);
      P256Field.square(x, z);
      assertThat(P256Field.toBigInteger(z)).as("%s²", u).isEqualTo(u.multiply(u).mod(P));
      P256Field.negate(x, z);
      assertThat(P256Field.toBigInteger(z)).as("-%s", u).isEqualTo(u.negate().mod(P));
      if (u.signum() == 0) {
        assertThatThrownBy(() -> P256Field.invert(x, z)).isInstanceOf(ArithmeticException.class);
      } else {
        P256Field.invert(x, z);
        assertThat(P256Field.toBigInteger(z)).as("1/%s", u).isEqualTo(u.modInverse(P));
      }
      assertThat(P256Field.isZero(x)).isEqualTo(u.signum() == 0 ? -1L : 0L);
      for (int j = 0; j < values.size(); j += 7) {
        BigInteger v = values.get((i + j) % values.size());
        long[] y = element(v);
        P256Field.multiply(x, y, z);
        assertThat(P256Field.toBigInteger(z)).as("%s·%s", u, v).isEqualTo(u.multiply(v).mod(P));
        P256Field.add(x, y, z);
        assertThat(P256Field.toBigInteger(z)).as("%s+%s", u, v).isEqualTo(u.add(v).mod(P));
        P256Field.subtract(x, y, z);
        assertThat(P256Field.toBigInteger(z)).as("%s-%s", u, v).isEqualTo(u.subtract(v).mod(P));
      }
    }
  }

  @Test
  void inputsInPToTwoPGiveTheSameResultsBelowTwoP() {
    List<BigInteger> values = values();
    long[] z = P256Field.create();
    for (int i = 0; i < values.size(); i++) {
      BigInteger u = values.get(i);
      long[] x = elementPlusP(u);
      assertThat(held(x)).isGreaterThanOrEqualTo(P);
      assertThat(P256Field.toBigInteger(x)).isEqualTo(u);
      assertThat(P256Field.toInts(x)).isEqualTo(Nat256.fromBigInteger(u)); // canonical on the way out
      assertThat(P256Field.isZero(x)).isEqualTo(u.signum() == 0 ? -1L : 0L);
      P256Field.square(x, z);
      assertInRange(z);
      assertThat(P256Field.toBigInteger(z)).as("%s²", u).isEqualTo(u.multiply(u).mod(P));
      P256Field.negate(x, z);
      assertInRange(z);
      assertThat(P256Field.toBigInteger(z)).as("-%s", u).isEqualTo(u.negate().mod(P));
      for (long[] y : List.of(element(u), x)) {
        for (int k = 1; k <= 16; k++) {
          P256Field.multiplySmall(y, k, z);
          assertInRange(z);
          assertThat(P256Field.toBigInteger(z)).as("%d·%s", k, u)
              .isEqualTo(u.multiply(BigInteger.valueOf(k)).mod(P));
        }
      }
      for (int j = 0; j < values.size(); j += 7) {
        BigInteger v = values.get((i + j) % values.size());
        for (long[] y : List.of(element(v), elementPlusP(v))) {
          P256Field.multiply(x, y, z);
          assertInRange(z);
          assertThat(P256Field.toBigInteger(z)).as("%s·%s", u, v).isEqualTo(u.multiply(v).mod(P));
          P256Field.add(x, y, z);
          assertInRange(z);
          assertThat(P256Field.toBigInteger(z)).as("%s+%s", u, v).isEqualTo(u.add(v).mod(P));
          P256Field.subtract(x, y, z);
          assertInRange(z);
          assertThat(P256Field.toBigInteger(z)).as("%s-%s", u, v)
              .isEqualTo(u.subtract(v).mod(P));
          P256Field.subtract(y, x, z);
          assertInRange(z);
          assertThat(P256Field.toBigInteger(z)).as("%s-%s", v, u)
              .isEqualTo(v.subtract(u).mod(P));
        }
      }
    }
  }

  @Test
  void theLargestValuesBelowTwoPMultiplyAddAndSubtractWithinRange() {
    // 2p - 1 and 2p - 2^k are the extremes of the range; their products and sums must stay below
    // 2p (the bound the multiplication's missing final subtraction relies on).
    List<long[]> extremes = new ArrayList<>();
    extremes.add(P256Field.fromBigInteger(P.shiftLeft(1).subtract(BigInteger.ONE)));
    extremes.add(P256Field.fromBigInteger(P));
    for (int bit = 0; bit < 256; bit += 17) {
      extremes.add(P256Field.fromBigInteger(P.shiftLeft(1).subtract(BigInteger.ONE.shiftLeft(bit))));
    }
    long[] z = P256Field.create();
    BigInteger rInverse = R.modInverse(P);
    for (long[] x : extremes) {
      for (long[] y : extremes) {
        BigInteger a = held(x);
        BigInteger b = held(y);
        P256Field.multiply(x, y, z);
        assertInRange(z);
        assertThat(held(z).mod(P)).isEqualTo(a.multiply(b).multiply(rInverse).mod(P));
        P256Field.square(x, z);
        assertInRange(z);
        assertThat(held(z).mod(P)).isEqualTo(a.multiply(a).multiply(rInverse).mod(P));
        P256Field.add(x, y, z);
        assertInRange(z);
        assertThat(held(z).mod(P)).isEqualTo(a.add(b).mod(P));
        for (int k = 1; k <= 16; k++) {
          P256Field.multiplySmall(x, k, z);
          assertInRange(z);
          assertThat(held(z).mod(P)).as("%d·%s", k, a)
              .isEqualTo(a.multiply(BigInteger.valueOf(k)).mod(P));
        }
        P256Field.subtract(x, y, z);
        assertInRange(z);
        assertThat(held(z).mod(P)).isEqualTo(a.subtract(b).mod(P));
      }
    }
  }

  @Test
  void resultsMayOverwriteTheirOperandsAndStayBelowTwoP() {
    for (BigInteger u : values()) {
      long[] x = element(u);
      P256Field.multiply(x, x, x);
      P256Field.twice(x, x);
      P256Field.subtract(x, element(BigInteger.ONE), x);
      BigInteger expected = u.multiply(u).shiftLeft(1).subtract(BigInteger.ONE).mod(P);
      assertThat(P256Field.toBigInteger(x)).isEqualTo(expected);
      assertInRange(x);
    }
  }

  @Test
  void selectCopiesOnlyUnderAFullMask() {
    long[] a = element(BigInteger.valueOf(5));
    long[] b = element(BigInteger.valueOf(7));
    long[] to = a.clone();
    P256Field.select(0L, b, to);
    assertThat(to).isEqualTo(a);
    P256Field.select(-1L, b, to);
    assertThat(to).isEqualTo(b);
  }
}
