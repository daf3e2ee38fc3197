package dev.herald.webpush.internal;

/**
 * The P-256 work behind one Web Push message: a fresh ephemeral key pair and an ECDH agreement with
 * the browser's public key. Two implementations exist ({@link BouncyCastleP256}, {@link JdkP256})
 * so the benchmarks can compare them; {@link #defaultEngine()} is the faster one measured.
 *
 * <p>Implementations are thread-safe.
 */
public interface P256Engine {

  /** Length of an uncompressed P-256 point: 0x04, x and y. */
  int PUBLIC_KEY_LENGTH = 65;
  /** Length of a P-256 scalar and of an ECDH shared secret. */
  int SCALAR_LENGTH = 32;

  /**
   * The result of one agreement with a fresh key.
   *
   * @param ephemeralPublicKey the fresh key's uncompressed public point (65 bytes)
   * @param sharedSecret the x coordinate of the shared point (32 bytes)
   */
  record Agreement(byte[] ephemeralPublicKey, byte[] sharedSecret) {}

  /**
   * Generates a fresh key pair and agrees with {@code peerPublicKey}; the private key is discarded.
   *
   * @param peerPublicKey the browser's uncompressed public key (65 bytes)
   * @return the ephemeral public key and the shared secret
   * @throws IllegalArgumentException when the peer key is not a point on P-256
   */
  Agreement agreeWithFreshKey(byte[] peerPublicKey);

  /**
   * Agrees with a given private key: for test vectors and for decryption.
   *
   * @param privateScalar the 32-byte big-endian private scalar
   * @param peerPublicKey the peer's uncompressed public key (65 bytes)
   * @return the 32-byte shared secret
   * @throws IllegalArgumentException when a key is invalid
   */
  byte[] agree(byte[] privateScalar, byte[] peerPublicKey);

  /**
   * A short name for benchmarks and logs.
   *
   * @return for example {@code "bouncycastle"}
   */
  String name();

  /**
   * The engine Web Push uses: BouncyCastle's lightweight P-256, which the JMH benchmark
   * ({@code WebPushEncryptionBenchmark}) measured several times faster than JDK 17's SunEC for the
   * key generation and agreement each message needs, with identical output.
   *
   * @return the default engine
   */
  static P256Engine defaultEngine() {
    return BouncyCastleP256.INSTANCE;
  }
}
