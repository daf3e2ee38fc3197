package dev.herald.testing.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.testing.MutableClock;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import okhttp3.FormBody;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mock FCM service verifies what it receives and answers as Google documents. */
class MockFcmServiceTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";

  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private final MockFcmService mock = MockFcmService.builder().clock(clock).start();
  private final JsonNode account = read(mock.serviceAccountJson());
  private final PrivateKey key = privateKey(account.path("private_key").asText());
  private final OkHttpClient client = client(mock);

  @AfterEach
  void close() {
    mock.close();
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }

  @Test
  void theServiceAccountPointsAtTheMock() {
    assertThat(account.path("type").asText()).isEqualTo("service_account");
    assertThat(account.path("project_id").asText()).isEqualTo("herald-mock");
    assertThat(account.path("token_uri").asText()).isEqualTo(mock.tokenUri())
        .startsWith("https://");
  }

  @Test
  void grantsAnAccessTokenForAValidAssertionOverHttp2() throws Exception {
    try (Response response = tokenRequest(assertion(claims().build(), key, keyId()))) {
      JsonNode body = JSON.readTree(response.body().string());

      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(response.code()).isEqualTo(200);
      assertThat(body.path("access_token").asText()).startsWith("ya29.mock-");
      assertThat(body.path("expires_in").asLong()).isEqualTo(3599);
      assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
    }
    assertThat(mock.refusals()).isEmpty();
  }

  @Test
  void acceptsGooglesCanonicalAudienceAsGoogleLibrariesSendIt() throws Exception {
    JWTClaimsSet claims = claims().audience(MockFcmService.GOOGLE_TOKEN_URI).build();

    try (Response response = tokenRequest(assertion(claims, key, keyId()))) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  @Test
  void refusesAnAssertionSignedWithAnotherKey() throws Exception {
    PrivateKey other = rsa().getPrivate();

    assertInvalidGrant(assertion(claims().build(), other, keyId()), "Invalid JWT Signature.",
        "signature does not verify");
  }

  @Test
  void refusesAnUnknownKeyId() throws Exception {
    assertInvalidGrant(assertion(claims().build(), key, "nope"), "account not found",
        "kid nope");
  }

  @Test
  void refusesAWrongIssuerAudienceOrScope() throws Exception {
    assertInvalidGrant(assertion(claims().issuer("x@y").build(), key, keyId()),
        "Invalid email or User ID", "iss is x@y");
    assertInvalidGrant(assertion(claims().audience("https://evil.example/token").build(), key,
        keyId()), "Failed audience check", "aud is [https://evil.example/token]");
    try (Response response = tokenRequest(assertion(
        claims().claim("scope", "https://www.googleapis.com/auth/userinfo.email").build(), key,
        keyId()))) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).contains("invalid_scope");
    }
  }

  @Test
  void refusesAnAssertionLivingLongerThanAnHourOrAlreadyExpired() throws Exception {
    Instant now = clock.instant();
    assertInvalidGrant(assertion(claims().expirationTime(Date.from(now.plus(Duration.ofMinutes(61))))
        .build(), key, keyId()), "short-lived token (60 minutes)", "exp");
    assertInvalidGrant(assertion(claims().issueTime(Date.from(now.minus(Duration.ofHours(2))))
        .expirationTime(Date.from(now.minus(Duration.ofHours(1)))).build(), key, keyId()),
        "short-lived token", "exp");
  }

  @Test
  void refusesTheWrongGrantType() throws Exception {
    Request request = new Request.Builder().url(mock.tokenUri()).post(new FormBody.Builder()
        .add("grant_type", "client_credentials").build()).build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(400);
      assertThat(response.body().string()).contains("unsupported_grant_type");
    }
  }

  @Test
  void acceptsAValidMessageAndRecordsIt() throws Exception {
    String token = accessToken();

    try (Response response = send(token, "{\"message\":{\"token\":\"abc\",\"notification\":"
        + "{\"title\":\"Hi\"},\"data\":{\"k\":\"v\"}}}")) {
      assertThat(response.code()).isEqualTo(200);
      assertThat(response.protocol()).isEqualTo(Protocol.HTTP_2);
      assertThat(JSON.readTree(response.body().string()).path("name").asText())
          .matches("projects/herald-mock/messages/\\d+");
    }
    assertThat(mock.messages()).singleElement().satisfies(m -> {
      assertThat(m.token()).contains("abc");
      assertThat(m.title()).contains("Hi");
      assertThat(m.data()).containsEntry("k", "v");
      assertThat(m.clientEmail()).isEqualTo(account.path("client_email").asText());
    });
  }

  @Test
  void refusesASendWithoutAValidBearerToken() throws Exception {
    try (Response response = send(null, "{\"message\":{\"token\":\"abc\"}}")) {
      assertThat(response.code()).isEqualTo(401);
      assertThat(JSON.readTree(response.body().string()).path("error").path("status").asText())
          .isEqualTo("UNAUTHENTICATED");
    }
    try (Response response = send("ya29.made-up", "{\"message\":{\"token\":\"abc\"}}")) {
      assertThat(response.code()).isEqualTo(401);
    }
  }

  @Test
  void accessTokensExpireOnTheMocksClockAndCanBeRevoked() throws Exception {
    String token = accessToken();
    clock.advance(Duration.ofSeconds(3599));
    try (Response response = send(token, "{\"message\":{\"token\":\"abc\"}}")) {
      assertThat(response.code()).isEqualTo(401);
    }
    String fresh = accessToken();
    mock.revokeAccessTokens();
    try (Response response = send(fresh, "{\"message\":{\"token\":\"abc\"}}")) {
      assertThat(response.code()).isEqualTo(401);
    }
    assertThat(mock.refusals()).anyMatch(r -> r.contains("expired"))
        .anyMatch(r -> r.contains("unknown or revoked"));
  }

  @Test
  void refusesMalformedMessagesWithGooglesFieldViolations() throws Exception {
    String token = accessToken();
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"topic\":\"b\"}}", "message",
        "oneof field 'target' is already set");
    assertInvalid(token, "{\"message\":{\"notification\":{\"title\":\"x\"}}}", "message",
        "Recipient of the message is not set.");
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"data\":{\"n\":12}}}",
        "message.data[0].value", "(TYPE_STRING), 12");
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"android\":{\"ttl\":3600}}}",
        "message.android.ttl", "Invalid value at 'message.android.ttl'");
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"android\":{\"priority\":\"urgent\"}}}",
        "message.android.priority", "Invalid value");
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"title\":\"x\"}}", "message",
        "Unknown name \"title\"");
    assertInvalid(token, "{\"message\":{\"token\":\"a\",\"data\":{\"k\":\""
        + "x".repeat(4096) + "\"}}}", "message", "Message is too big");
    assertThat(mock.messages()).isEmpty();
  }

  @Test
  void refusesASendForAnotherProject() throws Exception {
    Request request = new Request.Builder()
        .url(mock.baseUrl() + "/v1/projects/someone-else/messages:send")
        .header("Authorization", "Bearer " + accessToken())
        .post(RequestBody.create("{\"message\":{\"token\":\"a\"}}", MediaType.get("application/json")))
        .build();
    try (Response response = client.newCall(request).execute()) {
      assertThat(response.code()).isEqualTo(403);
      assertThat(response.body().string()).contains("PERMISSION_DENIED", "someone-else");
    }
  }

  @Test
  void answersProgrammedErrorsQueuedFirstThenPerToken() throws Exception {
    String token = accessToken();
    mock.answer("dead", MockFcmAnswer.unregistered());
    mock.enqueue(MockFcmAnswer.quotaExceeded().withRetryAfter(Duration.ofSeconds(30)));

    try (Response first = send(token, "{\"message\":{\"token\":\"dead\"}}")) {
      assertThat(first.code()).isEqualTo(429);
      assertThat(first.header("Retry-After")).isEqualTo("30");
      JsonNode error = JSON.readTree(first.body().string()).path("error");
      assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
      assertThat(error.path("details").get(0).path("@type").asText())
          .isEqualTo("type.googleapis.com/google.firebase.fcm.v1.FcmError");
      assertThat(error.path("details").get(0).path("errorCode").asText())
          .isEqualTo("QUOTA_EXCEEDED");
    }
    try (Response second = send(token, "{\"message\":{\"token\":\"dead\"}}")) {
      assertThat(second.code()).isEqualTo(404);
      assertThat(second.body().string()).contains("UNREGISTERED");
    }
    try (Response other = send(token, "{\"message\":{\"token\":\"alive\"}}")) {
      assertThat(other.code()).isEqualTo(200);
    }
  }

  @Test
  void validateOnlyAnswersWithTheFakeMessageName() throws Exception {
    try (Response response = send(accessToken(),
        "{\"validate_only\":true,\"message\":{\"topic\":\"news\"}}")) {
      assertThat(JSON.readTree(response.body().string()).path("name").asText())
          .isEqualTo("projects/herald-mock/messages/fake_message_id");
    }
    assertThat(mock.messages().get(0).validateOnly()).isTrue();
  }

  @Test
  void trustsMoreServiceAccounts() throws Exception {
    KeyPair other = rsa();
    mock.trustServiceAccount("ops@casino.iam.gserviceaccount.com", "k2",
        (RSAPublicKey) other.getPublic(), "casino");
    JWTClaimsSet claims = claims().issuer("ops@casino.iam.gserviceaccount.com").build();

    try (Response response = tokenRequest(assertion(claims, other.getPrivate(), "k2"))) {
      assertThat(response.code()).isEqualTo(200);
    }
  }

  private void assertInvalidGrant(String assertion, String description, String refusal)
      throws Exception {
    try (Response response = tokenRequest(assertion)) {
      JsonNode body = JSON.readTree(response.body().string());
      assertThat(response.code()).isEqualTo(400);
      assertThat(body.path("error").asText()).isEqualTo("invalid_grant");
      assertThat(body.path("error_description").asText()).contains(description);
    }
    assertThat(mock.refusals()).last().asString().contains(refusal);
  }

  private void assertInvalid(String token, String body, String field, String description)
      throws Exception {
    try (Response response = send(token, body)) {
      JsonNode error = JSON.readTree(response.body().string()).path("error");
      assertThat(response.code()).as(body).isEqualTo(400);
      assertThat(error.path("status").asText()).isEqualTo("INVALID_ARGUMENT");
      JsonNode violation = error.path("details").get(1).path("fieldViolations").get(0);
      assertThat(violation.path("field").asText()).as(body).isEqualTo(field);
      assertThat(violation.path("description").asText()).as(body).contains(description);
    }
  }

  private String accessToken() throws Exception {
    try (Response response = tokenRequest(assertion(claims().build(), key, keyId()))) {
      return JSON.readTree(response.body().string()).path("access_token").asText();
    }
  }

  private Response send(String accessToken, String json) throws Exception {
    Request.Builder request = new Request.Builder()
        .url(mock.baseUrl() + "/v1/projects/herald-mock/messages:send")
        .post(RequestBody.create(json, MediaType.get("application/json; charset=utf-8")));
    if (accessToken != null) {
      request.header("Authorization", "Bearer " + accessToken);
    }
    return client.newCall(request.build()).execute();
  }

  private Response tokenRequest(String assertion) throws Exception {
    Request request = new Request.Builder().url(mock.tokenUri()).post(new FormBody.Builder()
        .add("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer")
        .add("assertion", assertion).build()).build();
    return client.newCall(request).execute();
  }

  private JWTClaimsSet.Builder claims() {
    Instant now = clock.instant();
    return new JWTClaimsSet.Builder()
        .issuer(account.path("client_email").asText())
        .audience(mock.tokenUri())
        .claim("scope", SCOPE)
        .issueTime(Date.from(now))
        .expirationTime(Date.from(now.plus(Duration.ofHours(1))));
  }

  private String keyId() {
    return account.path("private_key_id").asText();
  }

  private static String assertion(JWTClaimsSet claims, PrivateKey key, String keyId)
      throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(keyId).build(),
        claims);
    jwt.sign(new RSASSASigner(key));
    return jwt.serialize();
  }

  private static OkHttpClient client(MockFcmService mock) {
    HandshakeCertificates trust = new HandshakeCertificates.Builder()
        .addTrustedCertificate(mock.certificate()).build();
    return new OkHttpClient.Builder()
        .sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static PrivateKey privateKey(String pem) {
    try {
      String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "")
          .replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
      return KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static KeyPair rsa() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }
}
