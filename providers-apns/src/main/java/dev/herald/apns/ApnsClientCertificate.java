package dev.herald.apns;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;

/**
 * An APNs client certificate with its private key, loaded from a PKCS#12 ({@code .p12}) file: the
 * credential for certificate authentication. The certificate is presented in the TLS handshake;
 * no provider token is sent.
 *
 * <pre>{@code
 * ApnsClientCertificate cert = ApnsClientCertificate.fromPkcs12File(
 *     Path.of("apns-production.p12"), password);
 * }</pre>
 *
 * <p>Immutable and thread-safe. {@link #toString()} shows the subject and expiry only.
 */
public final class ApnsClientCertificate {
  private final X509Certificate certificate;
  private final KeyManager[] keyManagers;

  private ApnsClientCertificate(X509Certificate certificate, KeyManager[] keyManagers) {
    this.certificate = certificate;
    this.keyManagers = keyManagers;
  }

  /**
   * Reads a PKCS#12 file.
   *
   * @param p12File the file exported from Keychain Access or openssl
   * @param password its password; the array is not kept
   * @return the certificate
   * @throws IOException when the file cannot be read
   * @throws InvalidInputException when the file cannot be opened with the password, holds no
   *     or several private keys, or the certificate is not valid now
   */
  public static ApnsClientCertificate fromPkcs12File(Path p12File, char[] password)
      throws IOException {
    Checks.required(p12File, "apns.certificate.file");
    return fromPkcs12(Files.readAllBytes(p12File), password);
  }

  /**
   * Reads PKCS#12 bytes.
   *
   * @param pkcs12 the file's content
   * @param password its password; the array is not kept
   * @return the certificate
   * @throws InvalidInputException when the bytes cannot be opened with the password, hold no or
   *     several private keys, or the certificate is not valid now
   */
  public static ApnsClientCertificate fromPkcs12(byte[] pkcs12, char[] password) {
    Checks.required(pkcs12, "apns.certificate");
    Checks.required(password, "apns.certificate.password");
    KeyStore store;
    try {
      store = KeyStore.getInstance("PKCS12");
      store.load(new ByteArrayInputStream(pkcs12), password);
    } catch (IOException | GeneralSecurityException e) {
      throw new InvalidInputException(
          "apns.certificate",
          "could not open the PKCS#12 file: the password is wrong or the file is not PKCS#12");
    }
    try {
      List<String> keyAliases = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (store.isKeyEntry(alias)) {
          keyAliases.add(alias);
        }
      }
      if (keyAliases.size() != 1) {
        throw new InvalidInputException(
            "apns.certificate",
            "the PKCS#12 file must hold exactly one private key with its certificate, found "
                + keyAliases.size() + "; export only the APNs certificate and its key");
      }
      X509Certificate certificate = (X509Certificate) store.getCertificate(keyAliases.get(0));
      try {
        certificate.checkValidity();
      } catch (CertificateExpiredException | CertificateNotYetValidException e) {
        throw new InvalidInputException(
            "apns.certificate",
            "is valid from " + certificate.getNotBefore().toInstant() + " to "
                + certificate.getNotAfter().toInstant() + ", not now; create a new APNs"
                + " certificate in the Apple Developer account");
      }
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return new ApnsClientCertificate(certificate, kmf.getKeyManagers());
    } catch (GeneralSecurityException e) {
      throw new InvalidInputException(
          "apns.certificate",
          "could not read the private key: " + e.getClass().getSimpleName());
    }
  }

  /**
   * The certificate presented to APNs.
   *
   * @return the X.509 certificate
   */
  public X509Certificate certificate() {
    return certificate;
  }

  /**
   * When the certificate stops working; renew it before.
   *
   * @return the end of its validity
   */
  public Instant notAfter() {
    return certificate.getNotAfter().toInstant();
  }

  /** The key managers for the TLS handshake, for the provider only. */
  KeyManager[] keyManagers() {
    return keyManagers;
  }

  /** Shows the subject and expiry, never the key. */
  @Override
  public String toString() {
    return "ApnsClientCertificate{" + certificate.getSubjectX500Principal().getName()
        + ", notAfter=" + notAfter() + "}";
  }
}
