package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;
import org.junit.jupiter.api.Test;

/** Herald's P-256 against the JDK's own ECDH (SunEC) for many random keys, and bad peer keys. */
class BouncyCastleP256Test {
  private static final BouncyCastleP256 ENGINE = BouncyCastleP256.INSTANCE;

  @Test
  void freshAgreementsMatchTheJdksEcdhForRandomKeys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (int i = 0; i < 300; i++) {
      KeyPair browser = generator.generateKeyPair();
      byte[] browserPublic = JdkP256.encode(((ECPublicKey) browser.getPublic()).getW());
      P256Engine.Agreement agreement = ENGINE.agreeWithFreshKey(browserPublic);
      // The browser derives the same secret from Herald's ephemeral public key.
      KeyAgreement jdk = KeyAgreement.getInstance("ECDH");
      jdk.init(browser.getPrivate());
      jdk.doPhase(JdkP256.publicKey(agreement.ephemeralPublicKey()), true);
      assertThat(agreement.sharedSecret()).isEqualTo(jdk.generateSecret());
    }
  }

  @Test
  void givenPrivateKeysAgreeAndDeriveTheirPublicKeysAsTheJdkDoes() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    for (int i = 0; i < 200; i++) {
      KeyPair ours = generator.generateKeyPair();
      KeyPair theirs = generator.generateKeyPair();
      byte[] scalar = toScalar(((ECPrivateKey) ours.getPrivate()).getS());
      byte[] theirPublic = JdkP256.encode(((ECPublicKey) theirs.getPublic()).getW());
      KeyAgreement jdk = KeyAgreement.getInstance("ECDH");
      jdk.init(ours.getPrivate());
      jdk.doPhase(theirs.getPublic(), true);
      assertThat(ENGINE.agree(scalar, theirPublic)).isEqualTo(jdk.generateSecret());
      assertThat(ENGINE.publicKeyOf(scalar))
          .isEqualTo(JdkP256.encode(((ECPublicKey) ours.getPublic()).getW()));
    }
  }

  @Test
  void refusesPeerKeysThatAreNotUncompressedPointsOnTheCurve() {
    byte[] valid = WebPushEncryptionTest.UA_PUBLIC;
    byte[] offCurve = valid.clone();
    offCurve[64] ^= 1;
    byte[] compressed = Arrays.copyOf(valid, 33);
    compressed[0] = (byte) (2 + (valid[64] & 1));
    byte[] infinity = new byte[65];
    infinity[0] = 0x04; // (0, 0) is not on P-256; BouncyCastle's own infinity encoding is 0x00
    byte[] xAboveP = valid.clone();
    Arrays.fill(xAboveP, 1, 33, (byte) 0xff); // x = 2^256 - 1 ≥ p
    byte[] wrongPrefix = valid.clone();
    wrongPrefix[0] = 0x06;
    for (byte[] bad : new byte[][] {offCurve, compressed, infinity, {0}, xAboveP, wrongPrefix,
        Arrays.copyOf(valid, 64), Arrays.copyOf(valid, 66), null}) {
      assertThatThrownBy(() -> ENGINE.agreeWithFreshKey(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("P-256");
      assertThat(ENGINE.isValidPublicKey(bad)).isFalse();
    }
    assertThat(ENGINE.isValidPublicKey(valid)).isTrue();
  }

  @Test
  void refusesPrivateScalarsOutsideOneToNMinusOne() {
    byte[] peer = WebPushEncryptionTest.UA_PUBLIC;
    BigInteger n = new BigInteger(
        "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);
    for (BigInteger bad : new BigInteger[] {BigInteger.ZERO, n, n.add(BigInteger.ONE)}) {
      assertThatThrownBy(() -> ENGINE.agree(toScalar(bad), peer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("private key");
    }
    assertThat(ENGINE.agree(toScalar(n.subtract(BigInteger.ONE)), peer)).hasSize(32);
  }

  private static byte[] toScalar(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] scalar = new byte[32];
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, scalar, 32 - length, length);
    return scalar;
  }
}
