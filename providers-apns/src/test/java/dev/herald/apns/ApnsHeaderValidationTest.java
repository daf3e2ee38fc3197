package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.testing.MutableClock;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: APNs header values (topic, collapse id) and the device token are checked against
 * their alphabets before the network; what cannot be sent becomes a value, never a failed future.
 */
class ApnsHeaderValidationTest {
  private final MutableClock clock = MutableClock.at(ApnsFixtures.NOW);
  private MockApnsServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = MockApnsServer.builder().trust(KEY).topics(TOPIC).clock(clock).start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ApnsProvider provider() {
    return ApnsFixtures.tokenProvider(server).clock(clock).build();
  }

  /** Before the fix OkHttp refused the non-ASCII header value and the future failed. */
  @ParameterizedTest
  @ValueSource(strings = {"турнир 42", "tournament\r\nx-injected: 1", "tab\there", "é"})
  void aCollapseKeyOutsideTheHeaderAlphabetStillCollapsesUnderAStableId(String key)
      throws Exception {
    Notification n = ApnsFixtures.notification().toBuilder().collapseKey(key).build();
    try (ApnsProvider provider = provider()) {
      CompletableFuture<SendResult> first = provider.send(message(n));
      CompletableFuture<SendResult> second = provider.send(message(n));

      assertThat(await(first)).isInstanceOf(SendResult.Accepted.class);
      assertThat(await(second)).isInstanceOf(SendResult.Accepted.class);
      MockApnsNotification a = server.takeNotification(Duration.ofSeconds(5));
      MockApnsNotification b = server.takeNotification(Duration.ofSeconds(5));
      assertThat(a.collapseId()).isPresent().isEqualTo(b.collapseId());
      assertThat(a.collapseId().get()).startsWith("h:").hasSizeLessThanOrEqualTo(64)
          .matches("[ -~]+");
    }
  }

  @Test
  void aPrintableAsciiCollapseKeyIsSentAsItIs() throws Exception {
    Notification n = ApnsFixtures.notification().toBuilder().collapseKey("tournament 42").build();
    try (ApnsProvider provider = provider()) {
      assertThat(await(provider.send(message(n)))).isInstanceOf(SendResult.Accepted.class);
    }
    assertThat(server.takeNotification(Duration.ofSeconds(5)).collapseId())
        .contains("tournament 42");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\r\nb", "a\nb", "caf\u00e9", "\u0000", "a\u007fb"})
  void theBuilderRefusesACollapseIdOutsidePrintableAscii(String id) {
    ApnsNotification.Builder b = ApnsNotification.builder(ApnsAddress.production(randomToken(),
        TOPIC));
    assertThatThrownBy(() -> b.collapseId(id))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("apns.collapseId: must be printable ASCII")
        .hasMessageNotContaining("\r").hasMessageNotContaining("\n");
  }

  @Test
  void collapseIdOfIsStableAndKeepsValidIds() {
    assertThat(ApnsNotification.collapseIdOf("cashback")).isEqualTo("cashback");
    assertThat(ApnsNotification.collapseIdOf("x".repeat(64))).isEqualTo("x".repeat(64));
    assertThat(ApnsNotification.collapseIdOf("x".repeat(65)))
        .isEqualTo(ApnsNotification.collapseIdOf("x".repeat(65))).startsWith("h:").hasSize(45);
    assertThat(ApnsNotification.collapseIdOf("a\nb")).isNotEqualTo(
        ApnsNotification.collapseIdOf("a\rb"));
  }

  @Test
  void aTopicWithCrLfCannotBecomeAnAddress() {
    assertThatThrownBy(() -> ApnsAddress.production(randomToken(), TOPIC + "\r\nx-evil: 1"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("apns.topic:");
  }

  @Test
  void aTokenOfNonAsciiDigitsCannotBecomeAnAddress() {
    assertThatThrownBy(() -> ApnsAddress.production("\u0661\u0662\uFF21\uFF22", TOPIC))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("apns.deviceToken:");
  }

  private PushMessage message(Notification n) {
    return PushMessage.of("delivery-1", ApnsAddress.production(randomToken(), TOPIC), n,
        clock.instant());
  }
}
