package dev.herald.apns;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/** Shared test fixtures: credentials, tokens, providers pointed at a mock. */
final class ApnsFixtures {
  static final String TEAM_ID = "TEAM123456";
  static final String KEY_ID = "KEY1234567";
  static final String TOPIC = "com.example.casino";
  static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  /** Generated once per test run: P-256 key generation is cheap, but there is no need. */
  static final MockApnsCredentials.SigningKey KEY = MockApnsCredentials.signingKey(TEAM_ID, KEY_ID);

  private ApnsFixtures() {}

  static String randomToken() {
    byte[] bytes = new byte[32];
    ThreadLocalRandom.current().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static ApnsSigningKey signingKey() {
    return ApnsSigningKey.fromPem(KEY.pkcs8Pem(), TEAM_ID, KEY_ID);
  }

  static ApnsProvider.Builder tokenProvider(MockApnsServer server) {
    return ApnsProvider.builder()
        .signingKey(signingKey())
        .endpoint(server.endpoint())
        .trustedCertificates(server.certificate())
        .requestTimeout(Duration.ofSeconds(10));
  }

  static Notification notification() {
    return Notification.builder().title("Tournament starts").body("Join now").build();
  }

  static PushMessage message(String token) {
    return PushMessage.of("delivery-" + token.substring(0, 8), ApnsAddress.production(token, TOPIC),
        notification(), Instant.now());
  }

  static SendResult await(CompletableFuture<SendResult> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }
}
