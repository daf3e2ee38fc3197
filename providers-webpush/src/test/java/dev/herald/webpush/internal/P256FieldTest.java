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

  private static long[] element(BigInteger value) {
    long[] x = P256Field.create();
    P256Field.fromInts(Nat256.fromBigInteger(value), x);
    return x;
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
  void resultsMayOverwriteTheirOperandsAndStayCanonical() {
    for (BigInteger u : values()) {
      long[] x = element(u);
      P256Field.multiply(x, x, x);
      P256Field.twice(x, x);
      P256Field.subtract(x, element(BigInteger.ONE), x);
      BigInteger expected = u.multiply(u).shiftLeft(1).subtract(BigInteger.ONE).mod(P);
      assertThat(P256Field.toBigInteger(x)).isEqualTo(expected);
      // Canonical: every limb below 2^52, the value below p, so equal values have equal limbs.
      assertThat(x).isEqualTo(element(expected));
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
