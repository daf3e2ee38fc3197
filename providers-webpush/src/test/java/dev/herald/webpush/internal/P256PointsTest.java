package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.raw.Nat256;
import org.junit.jupiter.api.Test;

/** {@link P256Points} against BouncyCastle's own point arithmetic, scalar by scalar. */
class P256PointsTest {
  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final BigInteger N = CURVE.getN();
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Random scalars and the ones at the edges of the recoding: powers of two, runs of ones, n-k. */
  private static List<BigInteger> scalars() {
    List<BigInteger> scalars = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      scalars.add(BigInteger.valueOf(i));
      scalars.add(N.subtract(BigInteger.valueOf(i)));
    }
    for (int bit = 0; bit < 256; bit++) {
      BigInteger power = BigInteger.ONE.shiftLeft(bit);
      scalars.add(power.mod(N));
      scalars.add(power.subtract(BigInteger.ONE).mod(N)); // a run of ones: digits of +1 and -16
      scalars.add(N.subtract(power.mod(N)).mod(N));
    }
    for (int i = 0; i < 200; i++) {
      scalars.add(new BigInteger(256, RANDOM).mod(N));
    }
    // Digits of 16 in every window (bits 10000 repeated) and of -16 (bits 1_0000 with carries).
    StringBuilder sixteens = new StringBuilder();
    for (int i = 0; i < 51; i++) {
      sixteens.append("10000");
    }
    scalars.add(new BigInteger(sixteens.toString(), 2).mod(N));
    scalars.add(new BigInteger(sixteens.toString().replace('0', '1'), 2).mod(N));
    scalars.removeIf(k -> k.signum() == 0);
    return scalars;
  }

  @Test
  void theBoothDigitsSumToTheScalarAndStayWithinSixteen() {
    for (BigInteger k : scalars()) {
      int[] limbs = P256Points.limbs(k);
      BigInteger sum = BigInteger.ZERO;
      for (int i = 0; i < 52; i++) {
        int digit = P256Points.digit(limbs, i);
        assertThat(digit).isBetween(-16, 16);
        sum = sum.add(BigInteger.valueOf(digit).shiftLeft(5 * i));
      }
      assertThat(sum).as("digits of %s", k.toString(16)).isEqualTo(k);
    }
  }

  @Test
  void theBaseMultipleIsBouncyCastles() {
    for (BigInteger k : scalars()) {
      ECPoint expected = CURVE.getG().multiply(k).normalize();
      assertAffine(k, expected, multiplyBase(k));
    }
  }

  @Test
  void thePointMultipleIsBouncyCastlesForRandomAndSmallPoints() {
    List<ECPoint> points = new ArrayList<>();
    points.add(CURVE.getG());
    points.add(CURVE.getG().negate());
    points.add(CURVE.getG().multiply(new BigInteger(256, RANDOM).mod(N)));
    for (ECPoint point : points) {
      ECPoint p = point.normalize();
      int[] px = Nat256.fromBigInteger(p.getAffineXCoord().toBigInteger());
      int[] py = Nat256.fromBigInteger(p.getAffineYCoord().toBigInteger());
      for (BigInteger k : scalars()) {
        ECPoint expected = p.multiply(k).normalize();
        int[] x = new int[8];
        int[] y = new int[8];
        if (expected.isInfinity()) {
          assertThatThrownBy(() -> P256Points.multiply(P256Points.limbs(k), px, py, x, y))
              .isInstanceOf(IllegalArgumentException.class);
          continue;
        }
        P256Points.multiply(P256Points.limbs(k), px, py, x, y);
        assertAffine(k, expected, new int[][] {x, y});
      }
    }
  }

  @Test
  void nTimesAPointIsInfinityAndRefusedWhileScalarsAboveNWrapAround() {
    // Callers pass scalars in [1, n-1]; n itself reaches the addition of a point to its own
    // negation (the exceptional branch) in the last window, and the result is refused.
    int[] x = new int[8];
    int[] y = new int[8];
    assertThatThrownBy(() -> P256Points.multiplyBase(P256Points.limbs(N), x, y))
        .isInstanceOf(IllegalArgumentException.class);
    ECPoint g = CURVE.getG().normalize();
    int[] gx = Nat256.fromBigInteger(g.getAffineXCoord().toBigInteger());
    int[] gy = Nat256.fromBigInteger(g.getAffineYCoord().toBigInteger());
    assertThatThrownBy(() -> P256Points.multiply(P256Points.limbs(N), gx, gy, x, y))
        .isInstanceOf(IllegalArgumentException.class);
    for (int j = 1; j <= 64; j++) {
      BigInteger k = N.add(BigInteger.valueOf(j));
      assertAffine(k, g.multiply(BigInteger.valueOf(j)).normalize(), multiplyBase(k));
      P256Points.multiply(P256Points.limbs(k), gx, gy, x, y);
      assertAffine(k, g.multiply(BigInteger.valueOf(j)).normalize(), new int[][] {x, y});
    }
  }

  private static int[][] multiplyBase(BigInteger k) {
    int[] x = new int[8];
    int[] y = new int[8];
    P256Points.multiplyBase(P256Points.limbs(k), x, y);
    return new int[][] {x, y};
  }

  private static void assertAffine(BigInteger k, ECPoint expected, int[][] actual) {
    assertThat(Nat256.toBigInteger(actual[0])).as("x of %s·P", k.toString(16))
        .isEqualTo(expected.getAffineXCoord().toBigInteger());
    assertThat(Nat256.toBigInteger(actual[1])).as("y of %s·P", k.toString(16))
        .isEqualTo(expected.getAffineYCoord().toBigInteger());
  }
}
