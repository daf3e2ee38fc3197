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
import dev.herald.testing.apns.MockApnsAnswer;
import dev.herald.testing.apns.MockApnsReason;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every reason APNs documents, answered by the mock, becomes the documented result. */
class ApnsResponseMappingTest {
  private static MockApnsServer server;
  private static ApnsProvider provider;

  @BeforeAll
  static void start() throws Exception {
    server = MockApnsServer.builder().trust(KEY).start();
    provider = tokenProvider(server).build();
  }

  @AfterAll
  static void stop() {
    provider.close();
    server.close();
  }

  /** What the issue specifies for each reason: outcome and, for REJECTED, the kind. */
  private static final Map<String, Object> EXPECTED = Map.ofEntries(
      Map.entry("BadCollapseId", RejectionKind.INVALID_MESSAGE),
      Map.entry("BadDeviceToken", Outcome.INVALID_ADDRESS),
      Map.entry("BadExpirationDate", RejectionKind.INVALID_MESSAGE),
      Map.entry("BadMessageId", RejectionKind.INVALID_MESSAGE),
      Map.entry("BadPriority", RejectionKind.INVALID_MESSAGE),
      Map.entry("BadTopic", RejectionKind.CONFIGURATION),
      Map.entry("DeviceTokenNotForTopic", RejectionKind.CONFIGURATION),
      Map.entry("DuplicateHeaders", RejectionKind.INVALID_MESSAGE),
      Map.entry("IdleTimeout", Outcome.RETRY_LATER),
      Map.entry("InvalidPushType", RejectionKind.INVALID_MESSAGE),
      Map.entry("MissingDeviceToken", RejectionKind.INVALID_MESSAGE),
      Map.entry("MissingTopic", RejectionKind.CONFIGURATION),
      Map.entry("PayloadEmpty", RejectionKind.INVALID_MESSAGE),
      Map.entry("TopicDisallowed", RejectionKind.CONFIGURATION),
      Map.entry("BadCertificate", RejectionKind.CREDENTIALS),
      Map.entry("BadCertificateEnvironment", RejectionKind.CREDENTIALS),
      Map.entry("ExpiredProviderToken", RejectionKind.CREDENTIALS),
      Map.entry("Forbidden", RejectionKind.CREDENTIALS),
      Map.entry("InvalidProviderToken", RejectionKind.CREDENTIALS),
      Map.entry("MissingProviderToken", RejectionKind.CREDENTIALS),
      Map.entry("UnrelatedKeyIdInToken", RejectionKind.CREDENTIALS),
      Map.entry("BadEnvironmentKeyIdInToken", RejectionKind.CREDENTIALS),
      Map.entry("BadEnvironmentKeyInToken", RejectionKind.CREDENTIALS),
      Map.entry("BadPath", RejectionKind.CONFIGURATION),
      Map.entry("MethodNotAllowed", RejectionKind.CONFIGURATION),
      Map.entry("ExpiredToken", Outcome.INVALID_ADDRESS),
      Map.entry("Unregistered", Outcome.INVALID_ADDRESS),
      Map.entry("PayloadTooLarge", RejectionKind.PAYLOAD_TOO_LARGE),
      Map.entry("TooManyProviderTokenUpdates", Outcome.RETRY_LATER),
      Map.entry("TooManyRequests", Outcome.RETRY_LATER),
      Map.entry("InternalServerError", Outcome.RETRY_LATER),
      Map.entry("ServiceUnavailable", Outcome.RETRY_LATER),
      Map.entry("Shutdown", Outcome.RETRY_LATER));

  @ParameterizedTest
  @EnumSource(MockApnsReason.class)
  void everyDocumentedReasonMapsAsSpecified(MockApnsReason reason) throws Exception {
    server.enqueue(MockApnsAnswer.reject(reason));
    if (reason == MockApnsReason.EXPIRED_PROVIDER_TOKEN) {
      server.enqueue(MockApnsAnswer.reject(reason)); // Herald retries once with a new token.
    }

    SendResult result = await(provider.send(message(randomToken())));

    assertThat(result.httpStatus()).isEqualTo(reason.status());
    assertThat(result.reason()).startsWith(reason.text() + ": ");
    Object expected = EXPECTED.get(reason.text());
    if (expected instanceof RejectionKind kind) {
      assertThat(result).isInstanceOf(SendResult.Rejected.class);
      assertThat(((SendResult.Rejected) result).kind()).isEqualTo(kind);
    } else {
      assertThat(result.outcome()).isEqualTo(expected);
    }
    ApnsRejectionReason typed = ApnsRejectionReason.of(result).orElseThrow();
    assertThat(typed.texts()).contains(reason.text());
    assertThat(typed.httpStatus()).isEqualTo(reason.status());
  }

  @Test
  void theEnumsOfClientAndMockAgreeWithEachOtherAndWithTheIssue() {
    Map<String, ApnsRejectionReason> client = Arrays.stream(ApnsRejectionReason.values())
        .flatMap(r -> r.texts().stream().map(t -> Map.entry(t, r)))
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    Map<String, MockApnsReason> mock = Arrays.stream(MockApnsReason.values())
        .collect(Collectors.toMap(MockApnsReason::text, Function.identity()));

    assertThat(client.keySet()).isEqualTo(mock.keySet()).isEqualTo(EXPECTED.keySet());
    mock.forEach((text, m) -> assertThat(client.get(text).httpStatus()).isEqualTo(m.status()));
    for (ApnsRejectionReason r : ApnsRejectionReason.values()) {
      assertThat(r.rejectionKind().isPresent()).isEqualTo(r.outcome() == Outcome.REJECTED);
      assertThat(r.advice()).isNotBlank();
    }
  }

  @Test
  void unregisteredCarriesApplesMillisecondTimestamp() throws Exception {
    Instant since = Instant.parse("2026-10-01T08:30:15.123Z");
    String token = randomToken();
    server.answer(token, MockApnsAnswer.unregistered(since));

    SendResult result = await(provider.send(message(token)));

    assertThat(result).isInstanceOf(SendResult.InvalidAddress.class);
    assertThat(((SendResult.InvalidAddress) result).invalidatedAt()).isEqualTo(since);
    assertThat(result.httpStatus()).isEqualTo(410);
  }

  @Test
  void badDeviceTokenExplainsTheEnvironmentMixUp() throws Exception {
    server.enqueue(MockApnsAnswer.reject(MockApnsReason.BAD_DEVICE_TOKEN));

    SendResult result = await(provider.send(message(randomToken())));

    assertThat(result.outcome()).isEqualTo(Outcome.INVALID_ADDRESS);
    assertThat(result.reason()).contains("sandbox").contains("environment");
  }

  @Test
  void unknownReasonsAreKeptAsTextAndClassifiedByStatus() throws Exception {
    server.enqueue(
        MockApnsAnswer.rejectWith(400, "BrandNewReason"),
        MockApnsAnswer.rejectWith(503, "SomethingTransient"),
        MockApnsAnswer.rejectWith(410, "GoneInAnewWay"),
        MockApnsAnswer.rejectWith(429, "SlowDown"));

    SendResult first = await(provider.send(message(randomToken())));
    SendResult second = await(provider.send(message(randomToken())));
    SendResult third = await(provider.send(message(randomToken())));
    SendResult fourth = await(provider.send(message(randomToken())));

    assertThat(first).isEqualTo(SendResult.rejected(RejectionKind.OTHER, "BrandNewReason", 400));
    assertThat(second).isEqualTo(SendResult.retryLater("SomethingTransient", null, 503));
    assertThat(third.outcome()).isEqualTo(Outcome.INVALID_ADDRESS);
    assertThat(third.reason()).isEqualTo("GoneInAnewWay");
    assertThat(fourth.outcome()).isEqualTo(Outcome.RETRY_LATER);
    assertThat(ApnsRejectionReason.of(first)).isEmpty();
  }
}
