package dev.herald.fcm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Google service-account key: the JSON file downloaded from the Firebase console (Project
 * settings → Service accounts → Generate new private key) or the Google Cloud console.
 *
 * <p>Herald reads {@code project_id}, {@code client_email}, {@code private_key_id},
 * {@code private_key} (an RSA key in PKCS#8 PEM form) and {@code token_uri} (the OAuth2 token
 * endpoint, {@value #DEFAULT_TOKEN_URI} when absent). Other fields are ignored.
 *
 * <pre>{@code
 * ServiceAccount account = ServiceAccount.fromFile(Path.of("/etc/casino/firebase-adminsdk.json"));
 * FcmProvider fcm = FcmProvider.builder().serviceAccount(account).build();
 * }</pre>
 *
 * <p>Immutable. The private key never appears in {@link #toString()} or in any exception message,
 * and it is not exposed: only {@link FcmProvider} signs with it.
 */
public final class ServiceAccount {
  /** Google's OAuth2 token endpoint, used when the file has no {@code token_uri}. */
  public static final String DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token";

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Google's credential types that are not service-account keys, named in the error. */
  private static final java.util.Set<String> OTHER_CREDENTIAL_TYPES =
      java.util.Set.of("authorized_user", "external_account", "impersonated_service_account",
          "external_account_authorized_user", "gdch_service_account");

  private final String projectId;
  private final String clientEmail;
  private final String privateKeyId;
  private final RSAPrivateKey privateKey;
  private final URI tokenUri;

  private ServiceAccount(
      String projectId,
      String clientEmail,
      String privateKeyId,
      RSAPrivateKey privateKey,
      URI tokenUri) {
    this.projectId = projectId;
    this.clientEmail = clientEmail;
    this.privateKeyId = privateKeyId;
    this.privateKey = privateKey;
    this.tokenUri = tokenUri;
  }

  /**
   * Parses a service-account JSON key.
   *
   * @param json the file's content
   * @return the service account
   * @throws InvalidInputException naming the missing or malformed field; the key is never echoed
   */
  public static ServiceAccount fromJson(String json) {
    Checks.nonBlank(json, "serviceAccount");
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      // The parser's message can quote the input, which holds the private key: keep only where.
      throw new InvalidInputException(
          "serviceAccount",
          "is not valid JSON (" + (e.getLocation() == null ? "malformed" : "line "
              + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("serviceAccount", "must be a JSON object");
    }
    String type = text(root, "type", false);
    if (type != null && !type.equals("service_account")) {
      // The value is not echoed: a file pasted into the wrong place may hold anything there.
      // Google's other credential types are named, as they are the usual mistake.
      throw new InvalidInputException(
          "serviceAccount.type",
          "must be service_account, got "
              + (OTHER_CREDENTIAL_TYPES.contains(type) ? type : "another value")
              + " (download a service-account key from the Firebase console: Project settings"
              + " → Service accounts → Generate new private key)");
    }
    String projectId = text(root, "project_id", true);
    String clientEmail = text(root, "client_email", true);
    String privateKeyId = text(root, "private_key_id", true);
    RSAPrivateKey key = parsePrivateKey(text(root, "private_key", true));
    String tokenUriText = text(root, "token_uri", false);
    if (tokenUriText != null && !tokenUriText.regionMatches(true, 0, "https://", 0, 8)) {
      // Checked here so that no part of the value (its scheme) is echoed.
      throw new InvalidInputException("serviceAccount.token_uri", "must be an https URL");
    }
    URI tokenUri =
        Checks.httpUrl(
            tokenUriText == null ? DEFAULT_TOKEN_URI : tokenUriText,
            "serviceAccount.token_uri",
            false);
    return new ServiceAccount(projectId, clientEmail, privateKeyId, key, tokenUri);
  }

  /**
   * Reads and parses a service-account JSON key file.
   *
   * @param file the path of the JSON file
   * @return the service account
   * @throws InvalidInputException when the file is malformed
   * @throws UncheckedIOException when the file cannot be read
   */
  public static ServiceAccount fromFile(Path file) {
    Checks.required(file, "serviceAccount.file");
    try {
      return fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the service-account file " + file, e);
    }
  }

  /**
   * The Firebase (Google Cloud) project the key belongs to: the {@code {project_id}} in
   * {@code /v1/projects/{project_id}/messages:send}.
   *
   * @return the project id
   */
  public String projectId() {
    return projectId;
  }

  /**
   * The service account's e-mail, the issuer of the OAuth2 assertion.
   *
   * @return the client e-mail
   */
  public String clientEmail() {
    return clientEmail;
  }

  /**
   * The id of the private key, sent as the assertion's {@code kid} so Google picks the right
   * public key.
   *
   * @return the key id
   */
  public String privateKeyId() {
    return privateKeyId;
  }

  /**
   * The OAuth2 token endpoint the assertion is posted to.
   *
   * @return the token URI
   */
  public URI tokenUri() {
    return tokenUri;
  }

  /** The signing key; package-private so that only the provider can use it. */
  RSAPrivateKey privateKey() {
    return privateKey;
  }

  /** Names the account and the key id, never the key. */
  @Override
  public String toString() {
    return "ServiceAccount{projectId=" + projectId + ", clientEmail=" + clientEmail
        + ", privateKeyId=" + privateKeyId + ", tokenUri=" + tokenUri + "}";
  }

  private static String text(JsonNode root, String field, boolean required) {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      if (required) {
        throw new InvalidInputException("serviceAccount." + field, "is required");
      }
      return null;
    }
    if (!node.isTextual() || node.asText().isBlank()) {
      throw new InvalidInputException("serviceAccount." + field, "must be a non-blank string");
    }
    return node.asText().strip();
  }

  private static RSAPrivateKey parsePrivateKey(String pem) {
    String field = "serviceAccount.private_key";
    String begin = "-----BEGIN PRIVATE KEY-----";
    String end = "-----END PRIVATE KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new InvalidInputException(
          field,
          pem.contains("BEGIN RSA PRIVATE KEY")
              ? "must be a PKCS#8 PEM key (BEGIN PRIVATE KEY), got PKCS#1 (BEGIN RSA PRIVATE KEY);"
                  + " convert it with: openssl pkcs8 -topk8 -nocrypt"
              : "must be a PKCS#8 PEM block between " + begin + " and " + end);
    }
    String base64 = pem.substring(from + begin.length(), to).replaceAll("\\s", "");
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, "holds invalid base64 between the PEM markers");
    }
    try {
      PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
      RSAPrivateKey rsa = (RSAPrivateKey) key;
      int bits = rsa.getModulus().bitLength();
      if (bits < 2048) {
        throw new InvalidInputException(
            field, "must be an RSA key of at least 2048 bits, got " + bits);
      }
      return rsa;
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new InvalidInputException(field, "is not a PKCS#8-encoded RSA private key");
    }
  }
}
