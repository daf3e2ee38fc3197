package dev.herald.apns;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An APNs authentication key (the {@code AuthKey_XXXXXXXXXX.p8} file from the Apple Developer
 * account) with its key id and the team id: the credential for token authentication. Herald
 * signs short-lived ES256 provider tokens with it; the key itself never leaves the process.
 *
 * <pre>{@code
 * ApnsSigningKey key = ApnsSigningKey.fromP8File(
 *     Path.of("AuthKey_ABC123DEFG.p8"), "DEF123GHIJ", "ABC123DEFG");
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the ids only.
 */
public final class ApnsSigningKey {
  private static final Pattern APPLE_ID = Pattern.compile("[A-Z0-9]{10}");
  private static final BigInteger P256_ORDER = new BigInteger(
      "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551", 16);

  private final ECPrivateKey privateKey;
  private final String teamId;
  private final String keyId;

  private ApnsSigningKey(ECPrivateKey privateKey, String teamId, String keyId) {
    this.privateKey = privateKey;
    this.teamId = teamId;
    this.keyId = keyId;
  }

  /**
   * Reads a {@code .p8} file.
   *
   * @param p8File the PKCS#8 PEM file downloaded from Apple
   * @param teamId the 10-character team id
   * @param keyId the 10-character key id (also in the file name, {@code AuthKey_<keyId>.p8})
   * @return the key
   * @throws IOException when the file cannot be read
   * @throws InvalidInputException when the file is not a P-256 PKCS#8 key or an id is malformed
   */
  public static ApnsSigningKey fromP8File(Path p8File, String teamId, String keyId)
      throws IOException {
    Checks.required(p8File, "apns.signingKey.file");
    return fromPem(Files.readString(p8File, StandardCharsets.US_ASCII), teamId, keyId);
  }

  /**
   * Reads the text of a {@code .p8} file.
   *
   * @param pkcs8Pem {@code -----BEGIN PRIVATE KEY----- ... -----END PRIVATE KEY-----}
   * @param teamId the 10-character team id
   * @param keyId the 10-character key id
   * @return the key
   * @throws InvalidInputException when the text is not a P-256 PKCS#8 key or an id is malformed
   */
  public static ApnsSigningKey fromPem(String pkcs8Pem, String teamId, String keyId) {
    Checks.nonBlank(pkcs8Pem, "apns.signingKey");
    if (pkcs8Pem.contains("BEGIN EC PRIVATE KEY") || pkcs8Pem.contains("ENCRYPTED")) {
      throw new InvalidInputException(
          "apns.signingKey",
          "expected an unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----) as in Apple's .p8"
              + " files; convert with: openssl pkcs8 -topk8 -nocrypt");
    }
    String base64 = pkcs8Pem
        .replace("-----BEGIN PRIVATE KEY-----", "")
        .replace("-----END PRIVATE KEY-----", "")
        .replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(
          "apns.signingKey", "is not PEM: the text between the markers is not base64");
    }
    PrivateKey key;
    try {
      key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(
          "apns.signingKey", "is not an elliptic-curve PKCS#8 private key");
    }
    return of((ECPrivateKey) key, teamId, keyId);
  }

  /**
   * Wraps a key already loaded.
   *
   * @param privateKey a P-256 private key
   * @param teamId the 10-character team id
   * @param keyId the 10-character key id
   * @return the key
   * @throws InvalidInputException when the key is not on P-256 or an id is malformed
   */
  public static ApnsSigningKey of(ECPrivateKey privateKey, String teamId, String keyId) {
    Checks.required(privateKey, "apns.signingKey");
    if (!privateKey.getParams().getOrder().equals(P256_ORDER)) {
      throw new InvalidInputException(
          "apns.signingKey", "must be a P-256 (secp256r1) key, as Apple issues for APNs");
    }
    return new ApnsSigningKey(
        privateKey, appleId(teamId, "apns.teamId"), appleId(keyId, "apns.keyId"));
  }

  private static String appleId(String value, String field) {
    String v = Checks.nonBlank(value, field);
    if (!APPLE_ID.matcher(v).matches()) {
      throw new InvalidInputException(
          field, "expected Apple's 10-character id of upper-case letters and digits (for example"
              + " ABC123DEFG), got " + v.length() + " characters");
    }
    return v;
  }

  /**
   * The team id: the {@code iss} claim of every provider token.
   *
   * @return 10 upper-case letters and digits
   */
  public String teamId() {
    return teamId;
  }

  /**
   * The key id: the {@code kid} header of every provider token.
   *
   * @return 10 upper-case letters and digits
   */
  public String keyId() {
    return keyId;
  }

  /** The private key, for the token signer only. */
  ECPrivateKey privateKey() {
    return privateKey;
  }

  /** Shows the ids, never the key. */
  @Override
  public String toString() {
    return "ApnsSigningKey{teamId=" + teamId + ", keyId=" + keyId + "}";
  }
}
