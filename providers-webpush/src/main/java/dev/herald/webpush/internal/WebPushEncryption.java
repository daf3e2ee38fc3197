package dev.herald.webpush.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Message encryption for Web Push (RFC 8291) in the {@code aes128gcm} content coding (RFC 8188):
 * one record, an 86-byte header (salt, record size, key id length, the sender's ephemeral public
 * key), then the AES-128-GCM ciphertext of the plaintext, a 0x02 delimiter and optional zero
 * padding.
 *
 * <p>Every message gets a fresh ephemeral P-256 key pair and a fresh 16-byte salt (RFC 8291 §3.1,
 * RFC 8188 §2.1: a salt must never be reused with the same keying material). Thread-safe.
 */
public final class WebPushEncryption {
  /** The largest body a push service must accept (RFC 8030 §7.2). */
  public static final int MAX_BODY_BYTES = 4096;
  /** Salt (16) + record size (4) + key id length (1) + key id (65). */
  public static final int HEADER_BYTES = 16 + 4 + 1 + P256Engine.PUBLIC_KEY_LENGTH;
  /** The AES-GCM authentication tag. */
  public static final int TAG_BYTES = 16;
  /** The largest plaintext, padding included, that fits one 4096-byte body: 3993. */
  public static final int MAX_PLAINTEXT_BYTES = MAX_BODY_BYTES - HEADER_BYTES - 1 - TAG_BYTES;
  /** The record size written in the header; larger than any single record we produce. */
  static final int RECORD_SIZE = 4096;
  private static final int SALT_BYTES = 16;

  private static final byte[] KEY_INFO_PREFIX = "WebPush: info\0".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] CEK_INFO =
      "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NONCE_INFO =
      "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII);

  private final P256Engine engine;

  /**
   * An encryptor using a P-256 engine.
   *
   * @param engine the elliptic-curve implementation
   */
  public WebPushEncryption(P256Engine engine) {
    this.engine = Objects.requireNonNull(engine, "engine");
  }

  /**
   * Encryption with {@link P256Engine#defaultEngine()}.
   *
   * @return the encryptor
   */
  public static WebPushEncryption withDefaultEngine() {
    return new WebPushEncryption(P256Engine.defaultEngine());
  }

  /**
   * Encrypts with a fresh ephemeral key and salt.
   *
   * @param plaintext the payload; with the padding at most {@link #MAX_PLAINTEXT_BYTES}
   * @param paddingBytes zero bytes to append after the delimiter, to hide the length
   * @param userAgentPublicKey the subscription's {@code p256dh} (65 bytes)
   * @param authSecret the subscription's {@code auth} (16 bytes)
   * @return the request body: header then ciphertext
   */
  public byte[] encrypt(
      byte[] plaintext, int paddingBytes, byte[] userAgentPublicKey, byte[] authSecret) {
    checkSize(plaintext, paddingBytes);
    P256Engine.Agreement agreement = engine.agreeWithFreshKey(userAgentPublicKey);
    byte[] salt = new byte[SALT_BYTES];
    SecureRandoms.current().nextBytes(salt);
    try {
      Primitives primitives = PRIMITIVES.get();
      return seal(primitives.hmac, primitives.aesGcm, plaintext, paddingBytes,
          userAgentPublicKey, authSecret, agreement.ephemeralPublicKey(),
          agreement.sharedSecret(), salt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM or HMAC-SHA256 failed", e);
    }
  }

  /**
   * Encrypts with given keys and salt: deterministic, for test vectors (RFC 8291 Appendix A). Never
   * use fixed values in production.
   *
   * @param plaintext the payload
   * @param paddingBytes zero bytes to append after the delimiter
   * @param userAgentPublicKey the subscription's {@code p256dh} (65 bytes)
   * @param authSecret the subscription's {@code auth} (16 bytes)
   * @param senderPublicKey the ephemeral public key (65 bytes), written as the key id
   * @param ecdhSecret the ECDH shared secret between the ephemeral key and {@code p256dh}
   * @param salt 16 bytes
   * @return the request body
   */
  public static byte[] encrypt(
      byte[] plaintext,
      int paddingBytes,
      byte[] userAgentPublicKey,
      byte[] authSecret,
      byte[] senderPublicKey,
      byte[] ecdhSecret,
      byte[] salt) {
    checkSize(plaintext, paddingBytes);
    if (salt.length != SALT_BYTES) {
      throw new IllegalArgumentException("the salt is 16 bytes");
    }
    if (senderPublicKey.length != P256Engine.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("the sender key is 65 bytes");
    }
    try {
      // Fresh instances: the JDK refuses to encrypt twice with one Cipher under the same key and
      // nonce, which is what fixed test inputs do.
      return seal(Mac.getInstance("HmacSHA256"), Cipher.getInstance("AES/GCM/NoPadding"),
          plaintext, paddingBytes, userAgentPublicKey, authSecret, senderPublicKey, ecdhSecret,
          salt);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM or HMAC-SHA256 is unavailable in this JDK", e);
    }
  }

  /**
   * The HMAC-SHA256 and AES-GCM instances of one thread, reused for every message it encrypts, so
   * that a message costs no JCA provider lookup. Each message still gets its own key and nonce.
   */
  private record Primitives(Mac hmac, Cipher aesGcm) {
    static Primitives create() {
      try {
        return new Primitives(
            Mac.getInstance("HmacSHA256"), Cipher.getInstance("AES/GCM/NoPadding"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM or HMAC-SHA256 is unavailable in this JDK", e);
      }
    }
  }

  private static final ThreadLocal<Primitives> PRIMITIVES =
      ThreadLocal.withInitial(Primitives::create);

  private static byte[] seal(Mac hmac, Cipher cipher, byte[] plaintext, int paddingBytes,
      byte[] userAgentPublicKey, byte[] authSecret, byte[] senderPublicKey, byte[] ecdhSecret,
      byte[] salt) throws GeneralSecurityException {
    // RFC 8291 §3.4: combine the ECDH secret with the authentication secret ...
    byte[] prkKey = hmac(hmac, authSecret, ecdhSecret);
    byte[] keyInfo = concat(KEY_INFO_PREFIX, userAgentPublicKey, senderPublicKey, new byte[] {1});
    byte[] ikm = hmac(hmac, prkKey, keyInfo);
    // ... then RFC 8188 §2.2/2.3: the content-encryption key and nonce from the salt.
    byte[] prk = hmac(hmac, salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(hmac, prk, CEK_INFO), 16);
    byte[] nonce = Arrays.copyOf(hmac(hmac, prk, NONCE_INFO), 12);

    byte[] record = new byte[plaintext.length + 1 + paddingBytes];
    System.arraycopy(plaintext, 0, record, 0, plaintext.length);
    record[plaintext.length] = 0x02; // the last (and only) record's delimiter

    cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(cek, "AES"),
        new GCMParameterSpec(TAG_BYTES * 8, nonce));
    byte[] body = new byte[HEADER_BYTES + record.length + TAG_BYTES];
    System.arraycopy(salt, 0, body, 0, SALT_BYTES);
    body[16] = (byte) (RECORD_SIZE >>> 24);
    body[17] = (byte) (RECORD_SIZE >>> 16);
    body[18] = (byte) (RECORD_SIZE >>> 8);
    body[19] = (byte) RECORD_SIZE;
    body[20] = (byte) P256Engine.PUBLIC_KEY_LENGTH;
    System.arraycopy(senderPublicKey, 0, body, 21, P256Engine.PUBLIC_KEY_LENGTH);
    cipher.doFinal(record, 0, record.length, body, HEADER_BYTES);
    return body;
  }

  /**
   * The name of the elliptic-curve engine.
   *
   * @return the engine name
   */
  public String engineName() {
    return engine.name();
  }

  private static void checkSize(byte[] plaintext, int paddingBytes) {
    if (paddingBytes < 0) {
      throw new IllegalArgumentException("padding must not be negative");
    }
    if (plaintext.length + paddingBytes > MAX_PLAINTEXT_BYTES) {
      throw new IllegalArgumentException("plaintext of " + plaintext.length + " bytes with "
          + paddingBytes + " bytes of padding exceeds " + MAX_PLAINTEXT_BYTES + " bytes");
    }
  }

  private static byte[] hmac(Mac mac, byte[] key, byte[] data) throws GeneralSecurityException {
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] out = new byte[length];
    int offset = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, out, offset, part.length);
      offset += part.length;
    }
    return out;
  }
}
