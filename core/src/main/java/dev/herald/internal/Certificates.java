package dev.herald.internal;

import dev.herald.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Reads the certificates providers trust beyond the platform's roots. */
public final class Certificates {
  private Certificates() {}

  /**
   * Reads every X.509 certificate in a PEM (or DER) file.
   *
   * @param file the file
   * @param field the builder field, for the error message
   * @return the certificates, at least one
   * @throws InvalidInputException naming the field when the file cannot be read or holds no
   *     certificate
   */
  public static List<X509Certificate> read(Path file, String field) {
    Checks.required(file, field);
    try (InputStream in = Files.newInputStream(file)) {
      Collection<? extends Certificate> read =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : read) {
        if (c instanceof X509Certificate x509) {
          out.add(x509);
        }
      }
      if (out.isEmpty()) {
        throw new InvalidInputException(field, file + " holds no X.509 certificate");
      }
      return List.copyOf(out);
    } catch (IOException e) {
      throw new InvalidInputException(field, "cannot read " + file + ": " + e.getMessage());
    } catch (CertificateException e) {
      throw new InvalidInputException(field, file + " is not a PEM or DER X.509 certificate");
    }
  }
}
