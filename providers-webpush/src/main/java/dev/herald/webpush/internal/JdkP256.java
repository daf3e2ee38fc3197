package dev.herald.webpush.internal;

import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import javax.crypto.KeyAgreement;

/** P-256 with the JDK's own provider (SunEC), for comparison in the benchmarks. */
public final class JdkP256 implements P256Engine {
  /** The shared instance. */
  public static final JdkP256 INSTANCE = new JdkP256();

  /** The P-256 domain parameters as the JDK knows them. */
  public static final ECParameterSpec PARAMS = params();

  private static final ThreadLocal<KeyPairGenerator> GENERATOR =
      ThreadLocal.withInitial(JdkP256::newGenerator);

  private JdkP256() {}

  @Override
  public Agreement agreeWithFreshKey(byte[] peerPublicKey) {
    PublicKey peer = publicKey(peerPublicKey);
    KeyPair pair = GENERATOR.get().generateKeyPair();
    try {
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(pair.getPrivate());
      agreement.doPhase(peer, true);
      return new Agreement(encode(((ECPublicKey) pair.getPublic()).getW()),
          agreement.generateSecret());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ECDH failed: " + e.getMessage(), e);
    }
  }

  @Override
  public byte[] agree(byte[] privateScalar, byte[] peerPublicKey) {
    try {
      KeyFactory factory = KeyFactory.getInstance("EC");
      KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
      agreement.init(factory.generatePrivate(
          new ECPrivateKeySpec(new BigInteger(1, privateScalar), PARAMS)));
      agreement.doPhase(publicKey(peerPublicKey), true);
      return agreement.generateSecret();
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("ECDH failed: " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "jdk";
  }

  /**
   * Decodes an uncompressed point into a JCA public key.
   *
   * @param encoded 65 bytes
   * @return the key
   */
  public static ECPublicKey publicKey(byte[] encoded) {
    if (encoded == null || encoded.length != PUBLIC_KEY_LENGTH || encoded[0] != 0x04) {
      throw new IllegalArgumentException("expected a 65-byte uncompressed P-256 point");
    }
    ECPoint w = new ECPoint(
        new BigInteger(1, Arrays.copyOfRange(encoded, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(encoded, 33, 65)));
    try {
      return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a point on the P-256 curve", e);
    }
  }

  /**
   * Encodes a point uncompressed.
   *
   * @param w the point
   * @return 65 bytes
   */
  public static byte[] encode(ECPoint w) {
    byte[] out = new byte[PUBLIC_KEY_LENGTH];
    out[0] = 0x04;
    copyUnsigned(w.getAffineX(), out, 1);
    copyUnsigned(w.getAffineY(), out, 33);
    return out;
  }

  private static void copyUnsigned(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int start = bytes.length > SCALAR_LENGTH ? bytes.length - SCALAR_LENGTH : 0;
    int length = bytes.length - start;
    System.arraycopy(bytes, start, out, offset + SCALAR_LENGTH - length, length);
  }

  private static KeyPairGenerator newGenerator() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), SecureRandoms.current());
      return generator;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no P-256 support", e);
    }
  }

  private static ECParameterSpec params() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no P-256 support", e);
    }
  }
}
