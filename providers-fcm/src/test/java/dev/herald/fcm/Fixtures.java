package dev.herald.fcm;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Shared test data: generated RSA keys, service-account JSON, messages. */
final class Fixtures {
  static final String PROJECT = "casino-prod";
  static final String EMAIL = "push@casino-prod.iam.gserviceaccount.com";
  static final String KEY_ID = "0123456789abcdef0123456789abcdef01234567";
  private static final AtomicInteger ids = new AtomicInteger();
  private static KeyPair keys;

  private Fixtures() {}

  /** A 2048-bit RSA key pair, generated once per test run (never committed). */
  static synchronized KeyPair keys() {
    if (keys == null) {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new AssertionError(e);
      }
    }
    return keys;
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  static String serviceAccountJson(String tokenUri) {
    return """
        {
          "type": "service_account",
          "project_id": "%s",
          "private_key_id": "%s",
          "private_key": "%s",
          "client_email": "%s",
          "client_id": "1",
          "token_uri": "%s"
        }
        """.formatted(PROJECT, KEY_ID, pem(keys()).replace("\n", "\\n"), EMAIL, tokenUri);
  }

  static Notification notification() {
    return Notification.builder().title("Slots tournament starts in 10 minutes")
        .body("€5,000 prize pool. Tap to join.").build();
  }

  static PushMessage message(String token, Notification notification, Instant now) {
    return PushMessage.of("d-" + ids.incrementAndGet(), new FcmAddress(token), notification, now);
  }

  static SendResult await(CompletableFuture<SendResult> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }
}
