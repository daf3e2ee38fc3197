package dev.herald.fcm;

import static dev.herald.fcm.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.testing.MutableClock;
import java.io.IOException;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: a 3xx from the token endpoint or from FCM is never followed, least of all from https
 * to plain http, where it would re-post the signed assertion or the bearer token in clear text.
 */
class RedirectTest {
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  /** A plain-http server that must never be contacted. */
  private final MockWebServer elsewhere = new MockWebServer();

  @BeforeEach
  void start() throws IOException {
    elsewhere.start();
  }

  @AfterEach
  void stop() {
    elsewhere.close();
  }

  private Dispatcher redirecting(String path) {
    return new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        if (request.getUrl().encodedPath().equals(path)) {
          return new MockResponse.Builder().code(307)
              .addHeader("Location", elsewhere.url("/steal?x=1").toString()).build();
        }
        if (request.getUrl().encodedPath().equals("/token")) {
          return TlsServer.json(200, "{\"access_token\":\"at-1\",\"expires_in\":3600}");
        }
        return TlsServer.json(200, "{\"name\":\"projects/casino-prod/messages/1\"}");
      }
    };
  }

  @Test
  void aRedirectFromTheTokenEndpointRejectsTheSendAndPostsTheAssertionNowhereElse()
      throws Exception {
    try (TlsServer tls = new TlsServer(redirecting("/token"));
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      SendResult result =
          await(fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant())));

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CONFIGURATION);
        assertThat(r.httpStatus()).isEqualTo(307);
        assertThat(r.reason())
            .contains("token endpoint", "redirect", "http://" + elsewhere.getHostName(),
                "token_uri")
            .doesNotContain("steal", "eyJ");
      });
      assertThat(elsewhere.getRequestCount()).isZero();
      assertThat(tls.server.getRequestCount()).isEqualTo(1); // the token request only
    }
  }

  @Test
  void aRedirectFromFcmRejectsTheSendAndPostsTheMessageNowhereElse() throws Exception {
    try (TlsServer tls = new TlsServer(redirecting("/v1/projects/casino-prod/messages:send"));
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      SendResult result =
          await(fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant())));

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CONFIGURATION);
        assertThat(r.httpStatus()).isEqualTo(307);
        assertThat(r.reason()).contains("redirect").doesNotContain("at-1");
      });
      assertThat(elsewhere.getRequestCount()).isZero();
    }
  }
}
