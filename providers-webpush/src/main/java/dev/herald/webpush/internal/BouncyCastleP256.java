package dev.herald.webpush.internal;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.util.BigIntegers;

/**
 * P-256 with BouncyCastle's lightweight API, never through a JCA provider, so nothing is
 * registered globally: BouncyCastle decodes and validates the peer's point and inverts field
 * elements; the scalar multiplications are {@link P256Points}' on {@link P256Field}, branch-free
 * and allocating nothing per point operation.
 */
public final class BouncyCastleP256 implements P256Engine {
  /** The shared instance. */
  public static final BouncyCastleP256 INSTANCE = new BouncyCastleP256();

  private static final X9ECParameters CURVE = CustomNamedCurves.getByName("secp256r1");
  private static final ECDomainParameters DOMAIN =
      new ECDomainParameters(CURVE.getCurve(), CURVE.getG(), CURVE.getN(), CURVE.getH());

  private BouncyCastleP256() {}

  @Override
  public Agreement agreeWithFreshKey(byte[] peerPublicKey) {
    decodePoint(peerPublicKey); // validates: on the curve, coordinates below p
    int[] d = P256Points.limbs(randomScalar(SecureRandoms.current()));
    byte[] publicKey = publicKey(d);
    byte[] secret = sharedSecret(d, peerPublicKey);
    Arrays.fill(d, 0);
    return new Agreement(publicKey, secret);
  }

  @Override
  public byte[] agree(byte[] privateScalar, byte[] peerPublicKey) {
    BigInteger d = scalar(privateScalar);
    decodePoint(peerPublicKey);
    return sharedSecret(P256Points.limbs(d), peerPublicKey);
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
    return publicKey(P256Points.limbs(scalar(privateScalar)));
  }

  /** d·G, uncompressed. */
  private static byte[] publicKey(int[] d) {
    int[] x = new int[8];
    int[] y = new int[8];
    P256Points.multiplyBase(d, x, y);
    byte[] publicKey = new byte[PUBLIC_KEY_LENGTH];
    publicKey[0] = 0x04;
    toBytes(x, publicKey, 1);
    toBytes(y, publicKey, 1 + SCALAR_LENGTH);
    return publicKey;
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

  /** The x coordinate of d·peer, for a peer point already validated. */
  private static byte[] sharedSecret(int[] d, byte[] peerPublicKey) {
    int[] x = new int[8];
    int[] y = new int[8];
    P256Points.multiply(d, fromBytes(peerPublicKey, 1), fromBytes(peerPublicKey, 1 + SCALAR_LENGTH),
        x, y);
    byte[] secret = new byte[SCALAR_LENGTH];
    toBytes(x, secret, 0);
    return secret;
  }

  /** 32 big-endian bytes as eight little-endian 32-bit limbs. */
  private static int[] fromBytes(byte[] bytes, int offset) {
    int[] limbs = new int[8];
    for (int i = 0; i < 8; i++) {
      int at = offset + SCALAR_LENGTH - 4 * (i + 1);
      limbs[i] = (bytes[at] & 0xff) << 24 | (bytes[at + 1] & 0xff) << 16
          | (bytes[at + 2] & 0xff) << 8 | (bytes[at + 3] & 0xff);
    }
    return limbs;
  }

  /** Eight little-endian 32-bit limbs as 32 big-endian bytes. */
  private static void toBytes(int[] limbs, byte[] out, int offset) {
    for (int i = 0; i < 8; i++) {
      int at = offset + SCALAR_LENGTH - 4 * (i + 1);
      out[at] = (byte) (limbs[i] >>> 24);
      out[at + 1] = (byte) (limbs[i] >>> 16);
      out[at + 2] = (byte) (limbs[i] >>> 8);
      out[at + 3] = (byte) limbs[i];
    }
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
