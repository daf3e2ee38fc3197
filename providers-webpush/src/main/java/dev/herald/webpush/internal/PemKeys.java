package dev.herald.webpush.internal;

import dev.herald.InvalidInputException;
import java.io.IOException;
import java.io.StringReader;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.util.BigIntegers;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/** Reads a P-256 private key from PEM (PKCS#8 or SEC1) with BouncyCastle's ASN.1 classes. */
public final class PemKeys {
  private static final String FIELD = "vapid.privateKey";

  private PemKeys() {}

  /**
   * The private scalar of the first P-256 private key in the PEM text.
   *
   * @param pem PEM text
   * @return 32 bytes
   * @throws InvalidInputException when there is none
   */
  public static byte[] p256PrivateScalar(String pem) {
    try (PemReader reader = new PemReader(new StringReader(pem))) {
      PemObject object;
      boolean sawAny = false;
      while ((object = reader.readPemObject()) != null) {
        sawAny = true;
        switch (object.getType()) {
          case "PRIVATE KEY" -> {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(object.getContent());
            if (!X9ObjectIdentifiers.id_ecPublicKey.equals(info.getPrivateKeyAlgorithm().getAlgorithm())) {
              throw new InvalidInputException(FIELD, "is not an EC key (expected P-256)");
            }
            requireP256(info.getPrivateKeyAlgorithm().getParameters());
            return scalar(ECPrivateKey.getInstance(info.parsePrivateKey()));
          }
          case "EC PRIVATE KEY" -> {
            ECPrivateKey key = ECPrivateKey.getInstance(object.getContent());
            if (key.getParametersObject() != null) {
              requireP256(key.getParametersObject());
            }
            return scalar(key);
          }
          case "ENCRYPTED PRIVATE KEY" -> throw new InvalidInputException(FIELD,
              "is an encrypted PEM key; decrypt it first (openssl pkcs8 -in key.pem -nocrypt)");
          default -> {
            // EC PARAMETERS, PUBLIC KEY, CERTIFICATE: keep looking for the private key.
          }
        }
      }
      throw new InvalidInputException(FIELD, sawAny
          ? "the PEM text holds no PRIVATE KEY or EC PRIVATE KEY block"
          : "is not PEM text (expected -----BEGIN PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    } catch (IOException | IllegalArgumentException | IllegalStateException e) {
      if (e instanceof InvalidInputException invalid) {
        throw invalid;
      }
      throw new InvalidInputException(FIELD, "is malformed PEM or DER");
    }
  }

  private static void requireP256(ASN1Encodable parameters) {
    if (!(parameters instanceof ASN1ObjectIdentifier oid)
        || !X9ObjectIdentifiers.prime256v1.equals(oid)) {
      throw new InvalidInputException(FIELD, "is not on the P-256 curve (prime256v1)");
    }
  }

  private static byte[] scalar(ECPrivateKey key) {
    return BigIntegers.asUnsignedByteArray(32, key.getKey());
  }
}
