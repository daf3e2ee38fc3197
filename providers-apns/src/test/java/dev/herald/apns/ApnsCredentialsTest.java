package dev.herald.apns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.testing.apns.MockApnsCredentials;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApnsCredentialsTest {
  @TempDir Path dir;

  @Test
  void readsAnAppleP8File() throws Exception {
    MockApnsCredentials.SigningKey generated =
        MockApnsCredentials.signingKey("ABCDE12345", "FGHIJ67890");
    Path p8 = generated.writeP8(dir);

    ApnsSigningKey key = ApnsSigningKey.fromP8File(p8, "ABCDE12345", "FGHIJ67890");

    assertThat(key.teamId()).isEqualTo("ABCDE12345");
    assertThat(key.keyId()).isEqualTo("FGHIJ67890");
    assertThat(key.privateKey().getS()).isEqualTo(generated.privateKey().getS());
  }

  @Test
  void refusesKeysApnsWouldNotAccept() throws Exception {
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp384r1"));
    ECPrivateKey p384 = (ECPrivateKey) ec.generateKeyPair().getPrivate();
    String pem = MockApnsCredentials.signingKey("ABCDE12345", "FGHIJ67890").pkcs8Pem();

    assertThatThrownBy(() -> ApnsSigningKey.of(p384, "ABCDE12345", "FGHIJ67890"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("P-256");
    assertThatThrownBy(() -> ApnsSigningKey.fromPem(pem, "abcde12345", "FGHIJ67890"))
        .hasMessageContaining("apns.teamId").hasMessageContaining("10-character");
    assertThatThrownBy(() -> ApnsSigningKey.fromPem(pem, "ABCDE12345", "KEY"))
        .hasMessageContaining("apns.keyId").hasMessageContaining("got 3 characters");
    assertThatThrownBy(() -> ApnsSigningKey.fromPem(
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----",
        "ABCDE12345", "FGHIJ67890"))
        .hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(() -> ApnsSigningKey.fromPem(
        "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----", "ABCDE12345", "FGHIJ67890"))
        .hasMessageContaining("not base64");
    String rsa = "-----BEGIN PRIVATE KEY-----\n" + Base64.getEncoder().encodeToString(
        KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----";
    assertThatThrownBy(() -> ApnsSigningKey.fromPem(rsa, "ABCDE12345", "FGHIJ67890"))
        .hasMessageContaining("elliptic-curve");
  }

  @Test
  void readsAPkcs12Certificate() throws Exception {
    MockApnsCredentials.ClientCertificate generated =
        MockApnsCredentials.clientCertificate("com.example.casino");
    Path p12 = generated.writeP12(dir);

    ApnsClientCertificate cert = ApnsClientCertificate.fromPkcs12File(p12, generated.password());

    assertThat(cert.certificate()).isEqualTo(generated.certificate());
    assertThat(cert.notAfter()).isAfter(Instant.now());
    assertThat(cert.toString()).contains("Apple Push Services: com.example.casino")
        .doesNotContain(generated.passwordString());
  }

  @Test
  void aWrongPasswordSaysSoWithoutEchoingIt() {
    MockApnsCredentials.ClientCertificate generated =
        MockApnsCredentials.clientCertificate("com.example.casino");
    assertThatThrownBy(() ->
        ApnsClientCertificate.fromPkcs12(generated.pkcs12(), "hunter2".toCharArray()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("password is wrong")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void anExpiredCertificateIsRefusedWithItsDates() throws Exception {
    long day = 86_400_000L;
    long now = System.currentTimeMillis();
    HeldCertificate expired = new HeldCertificate.Builder()
        .validityInterval(now - 400 * day, now - 35 * day).build();
    char[] password = "secret".toCharArray();
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    store.setKeyEntry("apns", expired.keyPair().getPrivate(), password,
        new Certificate[] {expired.certificate()});
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.store(out, password);

    assertThatThrownBy(() -> ApnsClientCertificate.fromPkcs12(out.toByteArray(), password))
        .hasMessageContaining("not now").hasMessageContaining("create a new APNs certificate");
  }

  @Test
  void aMissingFileIsAnIoError() {
    assertThatThrownBy(() -> ApnsClientCertificate.fromPkcs12File(dir.resolve("nope.p12"),
        new char[0])).isInstanceOf(java.nio.file.NoSuchFileException.class);
    assertThat(Files.exists(dir.resolve("nope.p12"))).isFalse();
  }
}
