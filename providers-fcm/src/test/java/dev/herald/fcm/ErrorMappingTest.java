package dev.herald.fcm;

import static dev.herald.fcm.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.testing.MutableClock;
import dev.herald.testing.fcm.MockFcmAnswer;
import dev.herald.testing.fcm.MockFcmService;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every FCM error the issue names, answered by the mock service, and the outcome it maps to. */
class ErrorMappingTest {
  // One mock and one provider for the class: each test programs its own answers after clear().
  private static final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private static MockFcmService mock;
  private static FcmProvider fcm;

  @BeforeAll
  static void start() {
    mock = MockFcmService.builder().clock(clock).start();
    fcm = FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(mock.serviceAccountJson()))
        .baseUrl(mock.baseUrl())
        .trustCertificate(mock.certificate())
        .clock(clock)
        .build();
  }

  @BeforeEach
  void forgetAnswers() {
    mock.clear();
  }

  @AfterAll
  static void close() {
    fcm.close();
    mock.close();
  }

  private SendResult sendTo(String token) throws Exception {
    return await(fcm.send(Fixtures.message(token, Fixtures.notification(), clock.instant())));
  }

  private SendResult answered(MockFcmAnswer answer) throws Exception {
    mock.answer("tok", answer);
    return sendTo("tok");
  }

  @Test
  void unregisteredIsAnInvalidAddress() throws Exception {
    assertThat(answered(MockFcmAnswer.unregistered()))
        .isInstanceOfSatisfying(SendResult.InvalidAddress.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(404);
          assertThat(r.reason()).startsWith("UNREGISTERED: Requested entity was not found.");
          assertThat(r.invalidatedAt()).isEqualTo(clock.instant());
        });
  }

  @Test
  void senderIdMismatchIsAnInvalidAddressForThisProject() throws Exception {
    assertThat(answered(MockFcmAnswer.senderIdMismatch()))
        .isInstanceOfSatisfying(SendResult.InvalidAddress.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(403);
          assertThat(r.reason()).startsWith("SENDER_ID_MISMATCH")
              .contains("different Firebase project than herald-mock",
                  "invalid for this project");
        });
  }

  @Test
  void invalidArgumentIsRejectedWithGooglesFieldViolations() throws Exception {
    assertThat(answered(MockFcmAnswer.invalidArgument("message.android.ttl", "bad duration")))
        .isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
          assertThat(r.kind()).isEqualTo(RejectionKind.INVALID_MESSAGE);
          assertThat(r.httpStatus()).isEqualTo(400);
          assertThat(r.reason()).isEqualTo("INVALID_ARGUMENT: Request contains an invalid argument."
              + " [message.android.ttl: bad duration]");
        });
  }

  @Test
  void anInvalidRegistrationTokenIsAnInvalidAddress() throws Exception {
    assertThat(answered(MockFcmAnswer.invalidRegistrationToken()))
        .isInstanceOfSatisfying(SendResult.InvalidAddress.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(400);
          assertThat(r.reason()).contains("not a valid FCM registration token");
        });
  }

  @Test
  void aFieldViolationOnTheTokenIsAnInvalidAddress() throws Exception {
    assertThat(answered(MockFcmAnswer.invalidArgument("message.token", "Invalid registration")))
        .isInstanceOf(SendResult.InvalidAddress.class);
  }

  @Test
  void anInvalidArgumentForATopicSendIsNeverAnInvalidAddress() throws Exception {
    mock.enqueue(MockFcmAnswer.invalidRegistrationToken());

    SendResult result = await(fcm.send(FcmTarget.topic("news"), "d-1", Fixtures.notification(),
        clock.instant().plusSeconds(60)));

    assertThat(result).isInstanceOf(SendResult.Rejected.class);
  }

  @Test
  void quotaExceededWaitsOneMinuteWithoutRetryAfter() throws Exception {
    assertThat(answered(MockFcmAnswer.quotaExceeded()))
        .isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(429);
          assertThat(r.retryAfter()).contains(Duration.ofMinutes(1));
          assertThat(r.reason()).startsWith("QUOTA_EXCEEDED");
        });
  }

  @Test
  void quotaExceededHonoursRetryAfterSeconds() throws Exception {
    assertThat(answered(MockFcmAnswer.quotaExceeded().withRetryAfter(Duration.ofSeconds(90))))
        .isInstanceOfSatisfying(SendResult.RetryLater.class,
            r -> assertThat(r.retryAfter()).contains(Duration.ofSeconds(90)));
  }

  @Test
  void retryAfterMayBeAnHttpDateReadOnTheProvidersClock() throws Exception {
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
        clock.instant().plusSeconds(120).atOffset(ZoneOffset.UTC));

    assertThat(answered(MockFcmAnswer.unavailable().withRetryAfter(date)))
        .isInstanceOfSatisfying(SendResult.RetryLater.class,
            r -> assertThat(r.retryAfter()).contains(Duration.ofSeconds(120)));
  }

  @Test
  void unavailableWithoutRetryAfterLeavesTheBackoffToTheCaller() throws Exception {
    assertThat(answered(MockFcmAnswer.unavailable()))
        .isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(503);
          assertThat(r.retryAfter()).isEmpty();
          assertThat(r.reason()).startsWith("UNAVAILABLE");
        });
  }

  @Test
  void unavailableHonoursRetryAfter() throws Exception {
    assertThat(answered(MockFcmAnswer.unavailable().withRetryAfter(Duration.ofSeconds(5))))
        .isInstanceOfSatisfying(SendResult.RetryLater.class,
            r -> assertThat(r.retryAfter()).contains(Duration.ofSeconds(5)));
  }

  @Test
  void internalIsRetryLater() throws Exception {
    assertThat(answered(MockFcmAnswer.internal()))
        .isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
          assertThat(r.httpStatus()).isEqualTo(500);
          assertThat(r.retryAfter()).isEmpty();
        });
  }

  @Test
  void thirdPartyAuthErrorNamesTheFirebaseConsoleCredentialsAndIsNotRetried() throws Exception {
    assertThat(answered(MockFcmAnswer.thirdPartyAuthError()))
        .isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
          assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
          assertThat(r.httpStatus()).isEqualTo(401);
          assertThat(r.reason()).startsWith("THIRD_PARTY_AUTH_ERROR")
              .contains("APNs authentication key or certificate", "Web Push",
                  "Firebase console");
        });
    // Not mistaken for a refused access token: no refresh, no second attempt.
    assertThat(mock.sendRequestCount()).isEqualTo(1);
  }

  @Test
  void aMessageForAnotherProjectIsAPermissionProblem() throws Exception {
    try (FcmProvider other = FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(
            mock.serviceAccountJson().replace("\"herald-mock\"", "\"other-project\"")))
        .baseUrl(mock.baseUrl()).trustCertificate(mock.certificate()).clock(clock).build()) {
      SendResult result = await(other.send(
          Fixtures.message("tok", Fixtures.notification(), clock.instant())));

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
        assertThat(r.httpStatus()).isEqualTo(403);
        assertThat(r.reason()).startsWith("PERMISSION_DENIED").contains("other-project");
      });
    }
  }

  @Test
  void theLegacyApnsAuthErrorCodeMeansThirdPartyAuthError() throws Exception {
    String body = "{\"error\":{\"code\":401,\"message\":\"Auth error from APNS\",\"status\":"
        + "\"UNAUTHENTICATED\",\"details\":[{\"@type\":\"type.googleapis.com/google.firebase."
        + "fcm.v1.FcmError\",\"errorCode\":\"APNS_AUTH_ERROR\"}]}}";

    SendResult result = scripted(TlsServer.json(401, body));

    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
      assertThat(r.reason()).startsWith("THIRD_PARTY_AUTH_ERROR");
    });
  }

  @Test
  void aProxysHtmlErrorPageIsMappedByItsStatus() throws Exception {
    SendResult result = scripted(new MockResponse.Builder().code(502)
        .body("<html><body>Bad gateway</body></html>").build());

    assertThat(result).isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
      assertThat(r.httpStatus()).isEqualTo(502);
      assertThat(r.reason()).contains("HTTP_502", "Bad gateway");
    });
  }

  @Test
  void aBare429WithoutABodyStillWaitsAMinute() throws Exception {
    SendResult result = scripted(new MockResponse.Builder().code(429).build());

    assertThat(result).isInstanceOfSatisfying(SendResult.RetryLater.class,
        r -> assertThat(r.retryAfter()).contains(Duration.ofMinutes(1)));
  }

  /** Sends one message to a server that grants any token and answers the send with this. */
  private SendResult scripted(MockResponse sendAnswer) throws Exception {
    Dispatcher dispatcher = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (request.getUrl().encodedPath().equals("/token")) {
          return TlsServer.json(200, "{\"access_token\":\"t\",\"expires_in\":3600}");
        }
        return sendAnswer;
      }
    };
    try (TlsServer tls = new TlsServer(dispatcher);
        FcmProvider provider = tls.provider().clock(clock).build()) {
      return await(provider.send(Fixtures.message("tok", Fixtures.notification(),
          Instant.parse("2026-11-22T10:00:00Z"))));
    }
  }
}
