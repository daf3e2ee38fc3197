package dev.herald.fcm;

import static dev.herald.fcm.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.testing.MutableClock;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** The OAuth2 JWT-bearer grant, against a scripted MockWebServer. */
class AccessTokenTest {
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");

  /** Answers token requests with numbered tokens and sends with a message name. */
  private static final class Scripted extends Dispatcher {
    final List<String> tokenBodies = new ArrayList<>();
    final List<String> authorizations = new ArrayList<>();
    final AtomicInteger tokensIssued = new AtomicInteger();
    volatile CountDownLatch holdTokens = new CountDownLatch(0);

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      if (request.getUrl().encodedPath().equals("/token")) {
        synchronized (this) {
          tokenBodies.add(request.getBody().utf8());
        }
        holdTokens.await(20, TimeUnit.SECONDS);
        return TlsServer.json(200, "{\"access_token\":\"at-" + tokensIssued.incrementAndGet()
            + "\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
      }
      synchronized (this) {
        authorizations.add(request.getHeaders().get("Authorization"));
      }
      return TlsServer.json(200, "{\"name\":\"projects/casino-prod/messages/1\"}");
    }
  }

  @Test
  void signsAnRs256AssertionWithTheDocumentedClaims() throws Exception {
    Scripted script = new Scripted();
    try (TlsServer tls = new TlsServer(script);
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      await(fcm.send(Fixtures.message("tok-1", Fixtures.notification(), clock.instant())));

      Map<String, String> form = form(script.tokenBodies.get(0));
      assertThat(form).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
      SignedJWT jwt = SignedJWT.parse(form.get("assertion"));
      assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
      assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
      assertThat(jwt.getHeader().getKeyID()).isEqualTo(Fixtures.KEY_ID);
      assertThat(jwt.verify(new RSASSAVerifier((RSAPublicKey) Fixtures.keys().getPublic())))
          .isTrue();
      JWTClaimsSet claims = jwt.getJWTClaimsSet();
      assertThat(claims.getIssuer()).isEqualTo(Fixtures.EMAIL);
      assertThat(claims.getStringClaim("scope"))
          .isEqualTo("https://www.googleapis.com/auth/firebase.messaging");
      assertThat(claims.getAudience()).containsExactly(tls.tokenUri());
      assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
      assertThat(claims.getExpirationTime().toInstant())
          .isEqualTo(clock.instant().plus(Duration.ofHours(1)));
      assertThat(script.authorizations).containsExactly("Bearer at-1");
    }
  }

  @Test
  void assertionSignedWithAnotherKeyDoesNotVerify() throws Exception {
    Scripted script = new Scripted();
    try (TlsServer tls = new TlsServer(script);
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      await(fcm.send(Fixtures.message("tok-1", Fixtures.notification(), clock.instant())));
      SignedJWT jwt = SignedJWT.parse(form(script.tokenBodies.get(0)).get("assertion"));
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      RSAPublicKey other = (RSAPublicKey) generator.generateKeyPair().getPublic();

      assertThat(jwt.verify(new RSASSAVerifier(other))).isFalse();
    }
  }

  @Test
  void reusesTheTokenUntilFiveMinutesBeforeExpiryThenRefreshesInTheBackground() throws Exception {
    Scripted script = new Scripted();
    try (TlsServer tls = new TlsServer(script);
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      Instant start = clock.instant();
      await(fcm.send(Fixtures.message("a", Fixtures.notification(), clock.instant())));
      clock.advance(Duration.ofMinutes(54));
      await(fcm.send(Fixtures.message("b", Fixtures.notification(), clock.instant())));
      assertThat(script.tokensIssued).hasValue(1);

      clock.advance(Duration.ofMinutes(2)); // 56 min: inside the refresh margin, still valid
      SendResult duringRefresh =
          await(fcm.send(Fixtures.message("c", Fixtures.notification(), clock.instant())));
      assertThat(duringRefresh).isInstanceOf(SendResult.Accepted.class);
      clock.set(start.plus(Duration.ofMinutes(61))); // the first token has expired
      await(fcm.send(Fixtures.message("d", Fixtures.notification(), clock.instant())));

      assertThat(script.tokensIssued).hasValue(2);
      assertThat(script.authorizations)
          .containsExactly("Bearer at-1", "Bearer at-1", "Bearer at-1", "Bearer at-2");
      // The refreshed assertion was issued at the refresh, not at the start.
      SignedJWT second = SignedJWT.parse(form(script.tokenBodies.get(1)).get("assertion"));
      assertThat(second.getJWTClaimsSet().getIssueTime().toInstant())
          .isEqualTo(start.plus(Duration.ofMinutes(56)));
    }
  }

  @Test
  void concurrentSendsShareOneTokenRequest() throws Exception {
    Scripted script = new Scripted();
    script.holdTokens = new CountDownLatch(1);
    try (TlsServer tls = new TlsServer(script);
        FcmProvider fcm = tls.provider().clock(clock).maxConcurrentRequests(64).build()) {
      List<CompletableFuture<SendResult>> sends = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        sends.add(fcm.send(Fixtures.message("tok-" + i, Fixtures.notification(), clock.instant())));
      }
      // Every send has asked for a token while the only token request is held at the server.
      assertThat(sends).allMatch(f -> !f.isDone());
      script.holdTokens.countDown();
      for (CompletableFuture<SendResult> send : sends) {
        assertThat(await(send)).isInstanceOf(SendResult.Accepted.class);
      }
      assertThat(script.tokenBodies).hasSize(1);
      assertThat(script.authorizations).hasSize(200).containsOnly("Bearer at-1");
    }
  }

  @Test
  void aRefusedAssertionRejectsTheSendsNamingTheCredentials() throws Exception {
    Dispatcher refuse = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return TlsServer.json(400,
            "{\"error\":\"invalid_grant\",\"error_description\":\"Invalid JWT Signature.\"}");
      }
    };
    try (TlsServer tls = new TlsServer(refuse);
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      SendResult result =
          await(fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant())));

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
        assertThat(r.httpStatus()).isEqualTo(400);
        assertThat(r.reason()).contains("invalid_grant (Invalid JWT Signature.)", Fixtures.EMAIL);
      });
      assertThat(tls.server.getRequestCount()).isEqualTo(1); // nothing was sent to FCM
    }
  }

  @Test
  void anUnavailableTokenEndpointMeansRetryLaterWithItsRetryAfter() throws Exception {
    Dispatcher down = new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return new MockResponse.Builder().code(503).addHeader("Retry-After", "17")
            .body("{\"error\":\"temporarily_unavailable\"}").build();
      }
    };
    try (TlsServer tls = new TlsServer(down);
        FcmProvider fcm = tls.provider().clock(clock).build()) {
      SendResult result =
          await(fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant())));

      assertThat(result).isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
        assertThat(r.retryAfter()).contains(Duration.ofSeconds(17));
        assertThat(r.reason()).contains("token endpoint", "temporarily_unavailable");
      });
    }
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return form;
  }
}
