package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.message;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static dev.herald.apns.ApnsFixtures.tokenProvider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.spi.SendResult.Outcome;
import dev.herald.testing.MutableClock;
import dev.herald.testing.apns.MockApnsAnswer;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsReason;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Provider-token lifetimes on a fake clock shared with the mock, which enforces Apple's rules:
 * ExpiredProviderToken past 60 minutes, TooManyProviderTokenUpdates for a change within 20.
 */
class ProviderTokenTest {
  private final MutableClock clock = MutableClock.at(ApnsFixtures.NOW);

  private MockApnsServer server() throws Exception {
    return MockApnsServer.builder().trust(KEY).clock(clock).start();
  }

  private static Instant issuedAt(MockApnsNotification n) {
    return n.tokenIssuedAt().orElseThrow();
  }

  @Test
  void reusesATokenForFiftyMinutesThenSignsANewOne() throws Exception {
    try (MockApnsServer server = server();
        ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      Instant start = clock.instant();
      for (Duration step : List.of(Duration.ZERO, Duration.ofMinutes(19), Duration.ofMinutes(30),
          Duration.ofSeconds(59))) {
        clock.advance(step);
        assertThat(await(provider.send(message(randomToken()))).outcome())
            .isEqualTo(Outcome.ACCEPTED);
      }
      assertThat(provider.providerTokensSigned()).isEqualTo(1);
      assertThat(server.received()).extracting(ProviderTokenTest::issuedAt).containsOnly(start);

      clock.advance(Duration.ofSeconds(1)); // 50 minutes after the first token
      assertThat(await(provider.send(message(randomToken()))).outcome())
          .isEqualTo(Outcome.ACCEPTED);

      assertThat(provider.providerTokensSigned()).isEqualTo(2);
      assertThat(issuedAt(server.received().get(4))).isEqualTo(start.plus(Duration.ofMinutes(50)));
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void keepsWithinApplesWindowForHours() throws Exception {
    // Every 7 minutes for 6 hours: the mock refuses any token over 60 minutes old and any change
    // within 20 minutes on a connection; all are accepted, with a new token every 56 minutes
    // (the first send at or after the 50-minute mark).
    try (MockApnsServer server = server();
        ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      Instant start = clock.instant();
      for (int i = 0; i <= 6 * 60 / 7; i++) {
        SendResult result = await(provider.send(message(randomToken())));
        assertThat(result.outcome()).as("send at minute %d: %s", i * 7, result)
            .isEqualTo(Outcome.ACCEPTED);
        clock.advance(Duration.ofMinutes(7));
      }
      assertThat(provider.providerTokensSigned()).isEqualTo(7);
      List<MockApnsNotification> received = server.received();
      for (int i = 0; i < received.size(); i++) {
        Instant sentAt = start.plus(Duration.ofMinutes(7L * i));
        Duration age = Duration.between(issuedAt(received.get(i)), sentAt);
        assertThat(age).isBetween(Duration.ZERO, Duration.ofMinutes(56));
        if (i > 0 && !issuedAt(received.get(i)).equals(issuedAt(received.get(i - 1)))) {
          assertThat(Duration.between(issuedAt(received.get(i - 1)), issuedAt(received.get(i))))
              .isGreaterThanOrEqualTo(Duration.ofMinutes(20));
        }
      }
    }
  }

  @Test
  void aShorterRefreshIntervalIsHonoured() throws Exception {
    try (MockApnsServer server = server();
        ApnsProvider provider = tokenProvider(server).clock(clock)
            .tokenRefreshInterval(Duration.ofMinutes(20)).build()) {
      await(provider.send(message(randomToken())));
      clock.advance(Duration.ofMinutes(19));
      await(provider.send(message(randomToken())));
      assertThat(provider.providerTokensSigned()).isEqualTo(1);
      clock.advance(Duration.ofMinutes(1));
      SendResult result = await(provider.send(message(randomToken())));
      assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED); // 20 minutes is allowed
      assertThat(provider.providerTokensSigned()).isEqualTo(2);
    }
  }

  @Test
  void expiredProviderTokenIsRefreshedOnceAndTheNotificationRetried() throws Exception {
    try (MockApnsServer server = server();
        ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      await(provider.send(message(randomToken()))); // warm connection 0 with a token
      server.enqueue(MockApnsAnswer.reject(MockApnsReason.EXPIRED_PROVIDER_TOKEN));
      clock.advance(Duration.ofMinutes(3));

      SendResult result = await(provider.send(message(randomToken())));

      assertThat(result.outcome()).isEqualTo(Outcome.ACCEPTED);
      List<MockApnsNotification> received = server.received();
      assertThat(received).hasSize(3);
      MockApnsNotification refused = received.get(1);
      MockApnsNotification retried = received.get(2);
      assertThat(refused.status()).isEqualTo(403);
      assertThat(retried.deviceToken()).isEqualTo(refused.deviceToken());
      assertThat(retried.apnsId()).isEqualTo(refused.apnsId());
      // A new connection with a new token: the refused one is not updated in place.
      assertThat(retried.connectionIndex()).isNotEqualTo(refused.connectionIndex());
      assertThat(issuedAt(retried)).isEqualTo(clock.instant());
      assertThat(retried.header("authorization")).isNotEqualTo(refused.header("authorization"));
      assertThat(provider.providerTokensSigned()).isEqualTo(2);
    }
  }

  @Test
  void aTokenStillExpiredAfterRefreshPointsAtTheClock() throws Exception {
    // The server's clock runs 61 minutes ahead of ours: every token we sign looks expired.
    MutableClock serverClock = MutableClock.at(clock.instant().plus(Duration.ofMinutes(61)));
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).clock(serverClock).start();
        ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      SendResult result = await(provider.send(message(randomToken())));

      assertThat(result).isInstanceOf(SendResult.Rejected.class);
      assertThat(((SendResult.Rejected) result).kind()).isEqualTo(RejectionKind.CREDENTIALS);
      assertThat(result.reason()).startsWith("ExpiredProviderToken: ").contains("clock");
      assertThat(server.received()).hasSize(2); // the first attempt and one retry, no more
    }
  }

  @Test
  void tooManyProviderTokenUpdatesRetiresTheConnection() throws Exception {
    try (MockApnsServer server = server();
        ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      server.enqueue(MockApnsAnswer.reject(MockApnsReason.TOO_MANY_PROVIDER_TOKEN_UPDATES));
      SendResult first = await(provider.send(message(randomToken())));
      SendResult second = await(provider.send(message(randomToken())));

      assertThat(first.outcome()).isEqualTo(Outcome.RETRY_LATER);
      assertThat(second.outcome()).isEqualTo(Outcome.ACCEPTED);
      assertThat(server.received().get(1).connectionIndex())
          .isNotEqualTo(server.received().get(0).connectionIndex());
    }
  }

  @Test
  void eachConnectionHasItsOwnToken() throws Exception {
    // One stream per connection: forty notifications at once wait for streams, so the provider
    // opens its second connection. Each answer takes 100 ms, so the first connection cannot work
    // through all forty (4 s) before the second one's TLS handshake ends, even on a busy machine.
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).clock(clock)
            .maxConcurrentStreams(1).responseDelay(java.time.Duration.ofMillis(100)).start();
        ApnsProvider provider = tokenProvider(server).clock(clock).connections(2).build()) {
      List<CompletableFuture<SendResult>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        futures.add(provider.send(message(randomToken())));
      }
      for (CompletableFuture<SendResult> f : futures) {
        assertThat(await(f).outcome()).isEqualTo(Outcome.ACCEPTED);
      }

      assertThat(server.connectionCount()).isEqualTo(2);
      assertThat(provider.providerTokensSigned()).isEqualTo(2);
      // One token per connection, never shared.
      java.util.Map<Integer, java.util.Set<String>> tokensByConnection = new java.util.HashMap<>();
      for (MockApnsNotification n : server.received()) {
        tokensByConnection.computeIfAbsent(n.connectionIndex(), k -> new java.util.HashSet<>())
            .add(n.header("authorization").get());
      }
      assertThat(tokensByConnection).hasSize(2);
      assertThat(tokensByConnection.values()).allSatisfy(t -> assertThat(t).hasSize(1));
      assertThat(tokensByConnection.values().stream().flatMap(java.util.Set::stream))
          .doesNotHaveDuplicates();
    }
  }
}
