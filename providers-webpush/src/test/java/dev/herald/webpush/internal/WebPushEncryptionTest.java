package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** RFC 8291 Appendix A, byte for byte, and fresh keys and salts per message. */
class WebPushEncryptionTest {
  // RFC 8291 Appendix A.
  static final byte[] PLAINTEXT = b64("V2hlbiBJIGdyb3cgdXAsIEkgd2FudCB0byBiZSBhIHdhdGVybWVsb24");
  static final byte[] AS_PUBLIC = b64(
      "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8");
  static final byte[] AS_PRIVATE = b64("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw");
  static final byte[] UA_PUBLIC = b64(
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
  static final byte[] UA_PRIVATE = b64("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94");
  static final byte[] SALT = b64("DGv6ra1nlYgDCS1FRnbzlw");
  static final byte[] AUTH = b64("BTBZMqHH6r4Tts7J_aSIgg");
  static final byte[] ECDH_SECRET = b64("kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs");
  static final String BODY =
      "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS"
          + "6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxs"
          + "j_Qulcy4a-fN";

  static Stream<P256Engine> engines() {
    return Stream.of(BouncyCastleP256.INSTANCE, JdkP256.INSTANCE);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void ecdhMatchesTheRfcVectorFromBothSides(P256Engine engine) {
    assertThat(engine.agree(AS_PRIVATE, UA_PUBLIC)).isEqualTo(ECDH_SECRET);
    assertThat(engine.agree(UA_PRIVATE, AS_PUBLIC)).isEqualTo(ECDH_SECRET);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void reproducesRfc8291AppendixAByteForByte(P256Engine engine) {
    byte[] secret = engine.agree(AS_PRIVATE, UA_PUBLIC);
    byte[] body = WebPushEncryption.encrypt(PLAINTEXT, 0, UA_PUBLIC, AUTH, AS_PUBLIC, secret, SALT);
    assertThat(body).hasSize(144);
    assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(body)).isEqualTo(BODY);
  }

  @Test
  void publicKeyDerivedFromThePrivateKeyMatchesTheVector() {
    assertThat(BouncyCastleP256.INSTANCE.publicKeyOf(AS_PRIVATE)).isEqualTo(AS_PUBLIC);
    assertThat(BouncyCastleP256.INSTANCE.publicKeyOf(UA_PRIVATE)).isEqualTo(UA_PUBLIC);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void freshKeyAndSaltEveryMessageAndTheUserAgentCanDecrypt(P256Engine engine) throws Exception {
    WebPushEncryption encryption = new WebPushEncryption(engine);
    byte[] first = encryption.encrypt(PLAINTEXT, 0, UA_PUBLIC, AUTH);
    byte[] second = encryption.encrypt(PLAINTEXT, 0, UA_PUBLIC, AUTH);
    assertThat(Arrays.copyOfRange(first, 0, 16)).isNotEqualTo(Arrays.copyOfRange(second, 0, 16));
    assertThat(Arrays.copyOfRange(first, 21, 86)).isNotEqualTo(Arrays.copyOfRange(second, 21, 86));
    assertThat(decrypt(first)).isEqualTo(PLAINTEXT);
    assertThat(decrypt(second)).isEqualTo(PLAINTEXT);
  }

  @Test
  void threadsEncryptingAtOnceEachProduceMessagesTheUserAgentDecrypts() throws Exception {
    // Each thread reuses its own HMAC and AES-GCM instances; none may leak state into another's
    // message, and every message keeps its own ephemeral key.
    WebPushEncryption encryption = WebPushEncryption.withDefaultEngine();
    java.util.concurrent.ExecutorService threads =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<byte[]>> bodies = new java.util.ArrayList<>();
      for (int i = 0; i < 200; i++) {
        byte[] plaintext = ("message " + i).getBytes(StandardCharsets.UTF_8);
        bodies.add(threads.submit(() -> encryption.encrypt(plaintext, 0, UA_PUBLIC, AUTH)));
      }
      java.util.Set<String> senderKeys = new java.util.HashSet<>();
      for (int i = 0; i < bodies.size(); i++) {
        byte[] body = bodies.get(i).get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(new String(decrypt(body), StandardCharsets.UTF_8)).isEqualTo("message " + i);
        senderKeys.add(Base64.getEncoder().encodeToString(Arrays.copyOfRange(body, 21, 86)));
      }
      assertThat(senderKeys).hasSize(200);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void paddingIsZeroesAfterTheDelimiterAndCountsAgainstTheLimit() throws Exception {
    WebPushEncryption encryption = WebPushEncryption.withDefaultEngine();
    byte[] body = encryption.encrypt(PLAINTEXT, 100, UA_PUBLIC, AUTH);
    assertThat(body).hasSize(86 + PLAINTEXT.length + 1 + 100 + 16);
    byte[] record = decryptRecord(body);
    assertThat(record[PLAINTEXT.length]).isEqualTo((byte) 2);
    assertThat(Arrays.copyOfRange(record, PLAINTEXT.length + 1, record.length)).containsOnly(0);
    assertThat(decrypt(body)).isEqualTo(PLAINTEXT);

    assertThatThrownBy(() -> encryption.encrypt(new byte[3990], 4, UA_PUBLIC, AUTH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3993");
  }

  @Test
  void theLargestPlaintextMakesExactlyA4096ByteBody() {
    byte[] body = WebPushEncryption.withDefaultEngine()
        .encrypt(new byte[WebPushEncryption.MAX_PLAINTEXT_BYTES], 0, UA_PUBLIC, AUTH);
    assertThat(WebPushEncryption.MAX_PLAINTEXT_BYTES).isEqualTo(3993);
    assertThat(body).hasSize(4096);
  }

  @ParameterizedTest
  @MethodSource("engines")
  void refusesAPublicKeyOffTheCurve(P256Engine engine) {
    byte[] bad = UA_PUBLIC.clone();
    bad[64] ^= 1;
    assertThatThrownBy(() -> engine.agreeWithFreshKey(bad))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** An independent decryption as the user agent does it (RFC 8291 §3.4, RFC 8188 §2). */
  static byte[] decrypt(byte[] body) throws GeneralSecurityException {
    byte[] record = decryptRecord(body);
    int end = record.length - 1;
    while (record[end] == 0) {
      end--;
    }
    assertThat(record[end]).isEqualTo((byte) 2);
    return Arrays.copyOf(record, end);
  }

  static byte[] decryptRecord(byte[] body) throws GeneralSecurityException {
    byte[] salt = Arrays.copyOfRange(body, 0, 16);
    assertThat(body[20]).isEqualTo((byte) 65);
    byte[] senderPublic = Arrays.copyOfRange(body, 21, 86);
    byte[] secret = JdkP256.INSTANCE.agree(UA_PRIVATE, senderPublic);
    byte[] prkKey = hmac(AUTH, secret);
    byte[] ikm = hmac(prkKey, concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
        UA_PUBLIC, senderPublic, new byte[] {1}));
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(
        StandardCharsets.US_ASCII)), 16);
    byte[] nonce = Arrays.copyOf(hmac(prk, "Content-Encoding: nonce\0\1".getBytes(
        StandardCharsets.US_ASCII)), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    return cipher.doFinal(body, 86, body.length - 86);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int offset = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, offset, p.length);
      offset += p.length;
    }
    return out;
  }

  static byte[] b64(String s) {
    return Base64.getUrlDecoder().decode(s);
  }
}
