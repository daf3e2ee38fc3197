package dev.herald.webpush;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.webpush.internal.BouncyCastleP256;
import dev.herald.webpush.internal.JdkP256;
import dev.herald.webpush.internal.PemKeys;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * An application server's VAPID key pair (RFC 8292): a P-256 key whose public half browsers get as
 * {@code applicationServerKey} when they subscribe, and whose private half signs the JWT that
 * proves a push comes from you.
 *
 * <p>Generate one pair per site once ({@link #generate()} or {@code herald vapid-keys}), store the
 * private key as a secret, and load it with {@link #fromBase64Url(String, String)} (the raw form the
 * web-push ecosystem uses: 65-byte public point and 32-byte private scalar, base64url) or
 * {@link #fromPem(String)} (PKCS#8 {@code PRIVATE KEY} or SEC1 {@code EC PRIVATE KEY}, as written
 * by {@code openssl ecparam -name prime256v1 -genkey}).
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows only the public key; the private key
 * leaves the object only through the methods whose names start with {@code export}.
 */
public final class VapidKeys {
  private final byte[] publicKey;
  private final byte[] privateScalar;
  private final ECPrivateKey jcaPrivateKey;
  private final ECPublicKey jcaPublicKey;
  private final String publicKeyBase64Url;

  private VapidKeys(byte[] publicKey, byte[] privateScalar) {
    this.publicKey = publicKey;
    this.privateScalar = privateScalar;
    this.jcaPrivateKey = jcaPrivateKey(privateScalar);
    this.jcaPublicKey = JdkP256.publicKey(publicKey);
    this.publicKeyBase64Url = Base64.getUrlEncoder().withoutPadding().encodeToString(publicKey);
  }

  /**
   * Generates a new random key pair.
   *
   * @return the keys
   */
  public static VapidKeys generate() {
    byte[] scalar = BouncyCastleP256.INSTANCE.generatePrivateScalar();
    return new VapidKeys(BouncyCastleP256.INSTANCE.publicKeyOf(scalar), scalar);
  }

  /**
   * Loads the raw base64url form that {@code web-push generate-vapid-keys}, webpush-java and
   * {@code herald vapid-keys} print. The public key is checked against the private one.
   *
   * @param publicKey the 65-byte uncompressed public point, base64url (standard base64 accepted)
   * @param privateKey the 32-byte private scalar, base64url (standard base64 accepted)
   * @return the keys
   * @throws InvalidInputException naming {@code vapid.publicKey} or {@code vapid.privateKey} when a
   *     key is malformed or the two do not belong together
   */
  public static VapidKeys fromBase64Url(String publicKey, String privateKey) {
    VapidKeys keys = fromPrivateKeyBase64Url(privateKey);
    byte[] given = Checks.base64(publicKey, "vapid.publicKey");
    if (given.length != 65 || given[0] != 0x04) {
      throw new InvalidInputException("vapid.publicKey",
          "expected a 65-byte uncompressed P-256 point in base64url, got " + given.length
              + " bytes");
    }
    if (!Arrays.equals(given, keys.publicKey)) {
      throw new InvalidInputException("vapid.publicKey",
          "does not belong to the private key; pass the public key generated with it");
    }
    return keys;
  }

  /**
   * Loads a private scalar alone and derives the public key from it.
   *
   * @param privateKey the 32-byte private scalar, base64url (standard base64 accepted)
   * @return the keys
   * @throws InvalidInputException naming {@code vapid.privateKey} when it is malformed
   */
  public static VapidKeys fromPrivateKeyBase64Url(String privateKey) {
    return fromPrivateScalar(Checks.base64(privateKey, "vapid.privateKey"));
  }

  /**
   * Loads a PEM private key: PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) or SEC1
   * ({@code -----BEGIN EC PRIVATE KEY-----}, optionally preceded by an {@code EC PARAMETERS}
   * block). The key must be on P-256.
   *
   * @param pem the PEM text
   * @return the keys
   * @throws InvalidInputException naming {@code vapid.privateKey} when no P-256 private key is found
   */
  public static VapidKeys fromPem(String pem) {
    Checks.nonBlank(pem, "vapid.privateKey");
    return fromPrivateScalar(PemKeys.p256PrivateScalar(pem));
  }

  /**
   * Loads a PEM private key from a file; see {@link #fromPem(String)}.
   *
   * @param file the PEM file
   * @return the keys
   * @throws IOException when the file cannot be read
   * @throws InvalidInputException when it holds no P-256 private key
   */
  public static VapidKeys fromPemFile(Path file) throws IOException {
    Checks.required(file, "vapid.privateKeyFile");
    return fromPem(Files.readString(file, StandardCharsets.US_ASCII));
  }

  private static VapidKeys fromPrivateScalar(byte[] scalar) {
    if (scalar.length != 32) {
      throw new InvalidInputException("vapid.privateKey",
          "expected a 32-byte P-256 private key in base64url, got " + scalar.length + " bytes");
    }
    byte[] publicKey;
    try {
      publicKey = BouncyCastleP256.INSTANCE.publicKeyOf(scalar);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException("vapid.privateKey", "is not a valid P-256 private key");
    }
    return new VapidKeys(publicKey, scalar.clone());
  }

  private static ECPrivateKey jcaPrivateKey(byte[] scalar) {
    try {
      return (ECPrivateKey) KeyFactory.getInstance("EC").generatePrivate(
          new ECPrivateKeySpec(new BigInteger(1, scalar), JdkP256.PARAMS));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no P-256 support", e);
    }
  }

  /**
   * The public key as browsers want it for {@code pushManager.subscribe({applicationServerKey})}
   * and as sent in the {@code k=} parameter of the VAPID header.
   *
   * @return the 65-byte uncompressed point, base64url without padding
   */
  public String publicKeyBase64Url() {
    return publicKeyBase64Url;
  }

  /**
   * The public key bytes.
   *
   * @return a copy of the 65-byte uncompressed point
   */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The public key as a JCA key, to verify tokens.
   *
   * @return the public key
   */
  public ECPublicKey jcaPublicKey() {
    return jcaPublicKey;
  }

  /**
   * The private key as a JCA key, to sign tokens. It is a secret: keep it out of logs.
   *
   * @return the private key
   */
  public ECPrivateKey exportJcaPrivateKey() {
    return jcaPrivateKey;
  }

  /**
   * The private key in the raw base64url form, to store it as a secret. It is a secret: keep it out
   * of logs.
   *
   * @return the 32-byte private scalar, base64url without padding
   */
  public String exportPrivateKeyBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(privateScalar);
  }

  /**
   * The private key as PKCS#8 PEM. It is a secret: keep it out of logs.
   *
   * @return {@code -----BEGIN PRIVATE KEY-----} ...
   */
  public String exportPrivateKeyPem() {
    String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(jcaPrivateKey.getEncoded());
    return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
  }

  /** Two key pairs are equal when their public keys are (the private key follows). */
  @Override
  public boolean equals(Object o) {
    return o instanceof VapidKeys other && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }

  /** Shows the public key only. */
  @Override
  public String toString() {
    return "VapidKeys{publicKey=" + publicKeyBase64Url + "}";
  }
}
