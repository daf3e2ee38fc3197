package dev.herald.webpush.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;
import org.bouncycastle.util.BigIntegers;

/**
 * P-256 with BouncyCastle's lightweight API and its specialised {@code SecP256R1} field arithmetic.
 * Used directly, never through a JCA provider, so nothing is registered globally.
 */
public final class BouncyCastleP256 implements P256Engine {
  /** The shared instance. */
  public static final BouncyCastleP256 INSTANCE = new BouncyCastleP256();

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());
  private static final FixedPointCombMultiplier BASE_MULTIPLIER = new FixedPointCombMultiplier();

  private BouncyCastleP256() {}

  @Override
  public Agreement agreeWithFreshKey(byte[] peerPublicKey) {
    ECPoint peer = decodePoint(peerPublicKey);
    BigInteger d = randomScalar(SecureRandoms.current());
    byte[] publicKey = BASE_MULTIPLIER.multiply(DOMAIN.getG(), d).getEncoded(false);
    return new Agreement(publicKey, sharedSecret(d, peer));
  }

  @Override
  public byte[] agree(byte[] privateScalar, byte[] peerPublicKey) {
    return sharedSecret(scalar(privateScalar), decodePoint(peerPublicKey));
  }

  @Override
  public String name() {
    return "bouncycastle";
  }

  /**
   * The public point of a private scalar.
   *
   * @param privateScalar the 32-byte big-endian scalar
   * @return the uncompressed public key (65 bytes)
   */
  public byte[] publicKeyOf(byte[] privateScalar) {
    return BASE_MULTIPLIER.multiply(DOMAIN.getG(), scalar(privateScalar)).getEncoded(false);
  }

  /**
   * Whether 65 bytes are an uncompressed point on P-256.
   *
   * @param publicKey the candidate
   * @return true for a valid, finite point
   */
  public boolean isValidPublicKey(byte[] publicKey) {
    try {
      decodePoint(publicKey);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * A uniformly random scalar in [1, n-1].
   *
   * @param random the randomness
   * @return the scalar
   */
  static BigInteger randomScalar(SecureRandom random) {
    BigInteger n = DOMAIN.getN();
    while (true) {
      BigInteger d = BigIntegers.createRandomBigInteger(n.bitLength(), random);
      if (d.signum() > 0 && d.compareTo(n) < 0) {
        return d;
      }
    }
  }

  /**
   * Generates a random private scalar.
   *
   * @return 32 big-endian bytes
   */
  public byte[] generatePrivateScalar() {
    return BigIntegers.asUnsignedByteArray(SCALAR_LENGTH, randomScalar(SecureRandoms.current()));
  }

  private static byte[] sharedSecret(BigInteger d, ECPoint peer) {
    ECPoint shared = peer.multiply(d).normalize();
    if (shared.isInfinity()) {
      throw new IllegalArgumentException("ECDH produced the point at infinity");
    }
    return shared.getAffineXCoord().getEncoded();
  }

  private static BigInteger scalar(byte[] privateScalar) {
    if (privateScalar == null || privateScalar.length != SCALAR_LENGTH) {
      throw new IllegalArgumentException("a P-256 private key is 32 bytes");
    }
    BigInteger d = new BigInteger(1, privateScalar);
    if (d.signum() == 0 || d.compareTo(DOMAIN.getN()) >= 0) {
      throw new IllegalArgumentException("the private key is outside the range of P-256 scalars");
    }
    return d;
  }

  private static ECPoint decodePoint(byte[] encoded) {
    if (encoded == null || encoded.length != PUBLIC_KEY_LENGTH || encoded[0] != 0x04) {
      throw new IllegalArgumentException("expected a 65-byte uncompressed P-256 point");
    }
    ECPoint point;
    try {
      point = DOMAIN.getCurve().decodePoint(encoded);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a point on the P-256 curve");
    }
    if (point.isInfinity() || !point.isValid()) {
      throw new IllegalArgumentException("not a point on the P-256 curve");
    }
    return point;
  }
}
