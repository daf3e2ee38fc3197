package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VapidKeysTest {
  /** Made with {@code openssl ecparam -name prime256v1 -genkey}: SEC1 with a parameters block. */
  static final String OPENSSL_SEC1 = """
      -----BEGIN EC PARAMETERS-----
      BggqhkjOPQMBBw==
      -----END EC PARAMETERS-----
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIP4/5VozVS9Ownn+pBCnJnEmQfsYT69cdfRi3uoo/zlYoAoGCCqGSM49
      AwEHoUQDQgAERkjKLtnzuUnwJsbWRVEjEHUIpNthy3yLbJH5Mr1zM6or0QKdm5E6
      IpiKxRBx7QOu+GMvulOrxU2dPNuuWPUvpw==
      -----END EC PRIVATE KEY-----
      """;
  static final String OPENSSL_PUBLIC =
      "BEZIyi7Z87lJ8CbG1kVRIxB1CKTbYct8i2yR-TK9czOqK9ECnZuROiKYisUQce0DrvhjL7pTq8VNnTzbrlj1L6c";
  static final String OPENSSL_PRIVATE = "_j_lWjNVL07Cef6kEKcmcSZB-xhPr1x19GLe6ij_OVg";
  static final String P384_PKCS8 = """
      -----BEGIN PRIVATE KEY-----
      MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCA4O6Nnj8Ln+xzsOW8
      Gxg36U+X1poKZvWICD3aBGcp+kPHh0I8wuJnonXt+Oolo7ShZANiAARAJuW8mPn/
      DiklMStyodPmmC4/06/BifLWWkSNDeryg2d8MSijoAD7uR+kDeTmoiHNpSswthPG
      YRKXPtR02Ovipoqx/OSzUOEJ12M248Z035QM0PatMI70ckiWqvhpglY=
      -----END PRIVATE KEY-----
      """;

  @Test
  void generatedKeysRoundTripThroughTheRawBase64UrlForm() {
    VapidKeys keys = VapidKeys.generate();
    assertThat(keys.publicKey()).hasSize(65).startsWith(4);
    assertThat(keys.publicKeyBase64Url()).hasSize(87).doesNotContain("=", "+", "/");
    assertThat(keys.exportPrivateKeyBase64Url()).hasSize(43);
    VapidKeys loaded =
        VapidKeys.fromBase64Url(keys.publicKeyBase64Url(), keys.exportPrivateKeyBase64Url());
    assertThat(loaded).isEqualTo(keys);
    assertThat(loaded.exportPrivateKeyBase64Url()).isEqualTo(keys.exportPrivateKeyBase64Url());
    assertThat(VapidKeys.generate()).isNotEqualTo(keys);
  }

  @Test
  void loadsOpensslSec1PemAndDerivesThePublicKey() {
    VapidKeys keys = VapidKeys.fromPem(OPENSSL_SEC1);
    assertThat(keys.publicKeyBase64Url()).isEqualTo(OPENSSL_PUBLIC);
    assertThat(keys.exportPrivateKeyBase64Url()).isEqualTo(OPENSSL_PRIVATE);
    assertThat(VapidKeys.fromPrivateKeyBase64Url(OPENSSL_PRIVATE)).isEqualTo(keys);
  }

  @Test
  void pkcs8PemRoundTrips(@TempDir Path dir) throws Exception {
    VapidKeys keys = VapidKeys.generate();
    String pem = keys.exportPrivateKeyPem();
    assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    assertThat(VapidKeys.fromPem(pem)).isEqualTo(keys);
    Path file = dir.resolve("vapid.pem");
    Files.writeString(file, pem);
    assertThat(VapidKeys.fromPemFile(file)).isEqualTo(keys);
  }

  @Test
  void refusesMismatchedAndMalformedKeysNamingTheField() {
    VapidKeys a = VapidKeys.generate();
    VapidKeys b = VapidKeys.generate();
    assertThatThrownBy(() ->
        VapidKeys.fromBase64Url(b.publicKeyBase64Url(), a.exportPrivateKeyBase64Url()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("vapid.publicKey: does not belong to the private key");
    assertThatThrownBy(() -> VapidKeys.fromPrivateKeyBase64Url("AAAA"))
        .hasMessage("vapid.privateKey: expected a 32-byte P-256 private key in base64url, got 3 bytes");
    assertThatThrownBy(() -> VapidKeys.fromPrivateKeyBase64Url("A".repeat(43)))
        .hasMessageContaining("vapid.privateKey: is not a valid P-256 private key");
    assertThatThrownBy(() -> VapidKeys.fromPrivateKeyBase64Url("not base64 !"))
        .hasMessage("vapid.privateKey: is not base64url or base64");
    assertThatThrownBy(() -> VapidKeys.fromPem(P384_PKCS8))
        .hasMessage("vapid.privateKey: is not on the P-256 curve (prime256v1)");
    assertThatThrownBy(() -> VapidKeys.fromPem("hello"))
        .hasMessageStartingWith("vapid.privateKey: is not PEM text");
  }

  @Test
  void toStringShowsThePublicKeyOnly() {
    VapidKeys keys = VapidKeys.generate();
    assertThat(keys.toString())
        .contains(keys.publicKeyBase64Url())
        .doesNotContain(keys.exportPrivateKeyBase64Url());
  }
}
