package dev.herald.testing.apns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import okhttp3.tls.HeldCertificate;

/**
 * Fresh, throw-away APNs credentials for tests: a .p8 signing key with its ids, or a client
 * certificate in a PKCS#12 file. Generated at run time, so no private key is ever committed.
 * Hand the matching half to {@link MockApnsServer.Builder#trust(SigningKey)} or
 * {@link MockApnsServer.Builder#trust(ClientCertificate)}.
 */
public final class MockApnsCredentials {
  private MockApnsCredentials() {}

  /**
   * A new P-256 signing key, like the .p8 files Apple issues.
   *
   * @param teamId the team id the tokens will name (10 upper-case letters and digits)
   * @param keyId the key id (10 upper-case letters and digits)
   * @return the key
   */
  public static SigningKey signingKey(String teamId, String keyId) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      return new SigningKey(teamId, keyId, generator.generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate P-256 keys", e);
    }
  }

  /**
   * A new self-signed client certificate for a topic, in a PKCS#12 file with a random password.
   *
   * @param topic the bundle id the certificate is for, written into its common name
   * @return the certificate
   */
  public static ClientCertificate clientCertificate(String topic) {
    HeldCertificate held = new HeldCertificate.Builder()
        .commonName("Apple Push Services: " + topic)
        .organizationalUnit("Herald test")
        .build();
    char[] password = HexFormat.of().formatHex(randomBytes(12)).toCharArray();
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("apns", held.keyPair().getPrivate(), password,
          new Certificate[] {held.certificate()});
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      store.store(out, password);
      return new ClientCertificate(held.certificate(), out.toByteArray(), password);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not write a PKCS#12 file", e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }

  /**
   * A signing key with its ids.
   *
   * @param teamId the team id
   * @param keyId the key id
   * @param keyPair the P-256 key pair
   */
  public record SigningKey(String teamId, String keyId, KeyPair keyPair) {
    /** @return the private half, for the client */
    public ECPrivateKey privateKey() {
      return (ECPrivateKey) keyPair.getPrivate();
    }

    /** @return the public half, for the server */
    public ECPublicKey publicKey() {
      return (ECPublicKey) keyPair.getPublic();
    }

    /** @return the private key as the text of a .p8 file (PKCS#8 PEM) */
    public String pkcs8Pem() {
      String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
          .encodeToString(keyPair.getPrivate().getEncoded());
      return "-----BEGIN PRIVATE KEY-----\n" + base64 + "\n-----END PRIVATE KEY-----\n";
    }

    /**
     * Writes {@code AuthKey_<keyId>.p8} into a directory.
     *
     * @param directory where to write, such as a JUnit {@code @TempDir}
     * @return the file
     * @throws IOException when it cannot be written
     */
    public Path writeP8(Path directory) throws IOException {
      return Files.writeString(directory.resolve("AuthKey_" + keyId + ".p8"), pkcs8Pem());
    }

    /** Shows the ids only. */
    @Override
    public String toString() {
      return "SigningKey{teamId=" + teamId + ", keyId=" + keyId + "}";
    }
  }

  /**
   * A client certificate in PKCS#12 form.
   *
   * @param certificate the certificate the server must trust
   * @param pkcs12 the PKCS#12 file's bytes, holding the certificate and its private key
   * @param password the PKCS#12 password
   */
  public record ClientCertificate(X509Certificate certificate, byte[] pkcs12, char[] password) {
    /**
     * Writes the PKCS#12 file into a directory.
     *
     * @param directory where to write
     * @return the file, {@code apns-client.p12}
     * @throws IOException when it cannot be written
     */
    public Path writeP12(Path directory) throws IOException {
      return Files.write(directory.resolve("apns-client.p12"), pkcs12);
    }

    /** @return the password as a string, for command lines */
    public String passwordString() {
      return new String(password);
    }

    /** Shows the subject only. */
    @Override
    public String toString() {
      return "ClientCertificate{" + certificate.getSubjectX500Principal().getName() + "}";
    }
  }
}
