package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static dev.herald.apns.ApnsFixtures.tokenProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.MutableClock;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsNotification.Authentication;
import dev.herald.testing.apns.MockApnsServer;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** End to end against the mock: both kinds of authentication, every header, the mapping. */
class ApnsProviderTest {
  private static final MockApnsCredentials.ClientCertificate CLIENT_CERT =
      MockApnsCredentials.clientCertificate(TOPIC);

  private final MutableClock clock = MutableClock.at(ApnsFixtures.NOW);
  private MockApnsServer server;

  @BeforeEach
  void startServer() throws Exception {
    server = MockApnsServer.builder().trust(KEY).trust(CLIENT_CERT).topics(TOPIC).clock(clock)
        .start();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private ApnsProvider provider(boolean tokenAuth) {
    ApnsProvider.Builder b = ApnsProvider.builder()
        .endpoint(server.endpoint())
        .trustedCertificates(server.certificate())
        .clock(clock)
        .requestTimeout(Duration.ofSeconds(10));
    if (tokenAuth) {
      b.signingKey(ApnsFixtures.signingKey());
    } else {
      b.clientCertificate(
          ApnsClientCertificate.fromPkcs12(CLIENT_CERT.pkcs12(), CLIENT_CERT.password()));
    }
    return b.build();
  }

  private PushMessage message(Notification n) {
    return PushMessage.of("delivery-42", ApnsAddress.production(randomToken(), TOPIC), n,
        clock.instant());
  }

  @Test
  void statusCountsConnectionsRequestsAndProviderTokens() throws Exception {
    try (ApnsProvider provider = provider(true)) {
      assertThat(provider.status()).isEqualTo(
          dev.herald.spi.ProviderStatus.unknown(dev.herald.subscription.Platform.APNS));

      await(provider.send(message(ApnsFixtures.notification())));

      dev.herald.spi.ProviderStatus status = provider.status();
      assertThat(status.connectionsOpen()).isEqualTo(1);
      assertThat(status.requestsInFlight()).isZero();
      assertThat(status.requestsQueued()).isZero();
      assertThat(status.tokenRefreshes()).isEqualTo(1);
      assertThat(status.tokenRefreshFailures()).isZero();
      assertThat(status.lastTokenRefresh()).contains(clock.instant());
      assertThat(status.lastOutcome()).contains(SendResult.Outcome.ACCEPTED);
    }
  }

  @Test
  void trustsAServerCertificateGivenAsAPemFile(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("mock-apns.pem"),
        server.certificatePem());
    try (ApnsProvider provider = ApnsProvider.builder()
        .endpoint(server.endpoint())
        .trustedCertificate(pem)
        .signingKey(ApnsFixtures.signingKey())
        .clock(clock)
        .build()) {
      assertThat(await(provider.send(message(ApnsFixtures.notification()))).outcome())
          .isEqualTo(SendResult.Outcome.ACCEPTED);
    }
    java.nio.file.Path notPem = java.nio.file.Files.writeString(dir.resolve("x.pem"), "hello");
    assertThatThrownBy(() -> ApnsProvider.builder().trustedCertificate(notPem))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("apns.trustedCertificate");
  }

  @ParameterizedTest(name = "token authentication: {0}")
  @ValueSource(booleans = {true, false})
  void deliversWithEitherKindOfCredential(boolean tokenAuth) throws Exception {
    try (ApnsProvider provider = provider(tokenAuth)) {
      SendResult result = await(provider.send(message(ApnsFixtures.notification())));

      assertThat(result).isInstanceOf(SendResult.Accepted.class);
      assertThat(result.httpStatus()).isEqualTo(200);
      MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
      assertThat(((SendResult.Accepted) result).messageId()).contains(received.apnsId().get());
      assertThat(received.authentication())
          .isEqualTo(tokenAuth ? Authentication.TOKEN : Authentication.CERTIFICATE);
      assertThat(received.header("authorization").isPresent()).isEqualTo(tokenAuth);
    }
  }

  @Test
  void providerTokenUsesTheLowerCaseBearerSchemeAndNamesTeamAndKey() throws Exception {
    try (ApnsProvider provider = provider(true)) {
      await(provider.send(message(ApnsFixtures.notification())));

      MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
      assertThat(received.authorizationScheme()).contains("bearer");
      assertThat(received.keyId()).contains(ApnsFixtures.KEY_ID);
      assertThat(received.tokenIssuedAt()).contains(clock.instant());
      String jwt = received.header("authorization").get().substring("bearer ".length());
      String header = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[0]),
          StandardCharsets.UTF_8);
      String claims = new String(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
          StandardCharsets.UTF_8);
      assertThat(header).contains("\"alg\":\"ES256\"").contains("\"kid\":\"KEY1234567\"");
      assertThat(claims).contains("\"iss\":\"TEAM123456\"")
          .contains("\"iat\":" + clock.instant().getEpochSecond());
      // R‖S, as JWS requires: 64 bytes, not DER.
      assertThat(java.util.Base64.getUrlDecoder().decode(jwt.split("\\.")[2])).hasSize(64);
    }
  }

  @Test
  void mapsAHeraldMessageToHeadersAndPayload() throws Exception {
    Notification n = Notification.builder()
        .title("Cashback credited")
        .body("€25 is waiting in your wallet")
        .badge(3)
        .sound("coins.caf")
        .image("https://cdn.casino.example/cashback.png")
        .deepLink("casino://wallet")
        .data("campaign", "c-77")
        .urgency(Urgency.LOW)
        .collapseKey("cashback")
        .ttl(Duration.ofHours(2))
        .build();
    PushMessage message = message(n);
    try (ApnsProvider provider = provider(true)) {
      await(provider.send(message));
    }

    MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.path()).isEqualTo("/3/device/" + message.address().key().substring(5));
    assertThat(received.topic()).contains(TOPIC);
    assertThat(received.pushType()).contains("alert");
    assertThat(received.priority()).contains("5");
    assertThat(received.expiration())
        .contains(Long.toString(clock.instant().plus(Duration.ofHours(2)).getEpochSecond()));
    assertThat(received.collapseId()).contains("cashback");
    assertThat(received.apnsId()).contains(
        UUID.nameUUIDFromBytes("delivery-42".getBytes(StandardCharsets.UTF_8)).toString());
    JsonNode payload = received.payloadJson();
    assertThat(payload.at("/aps/alert/title").asText()).isEqualTo("Cashback credited");
    assertThat(payload.at("/aps/alert/body").asText()).isEqualTo("€25 is waiting in your wallet");
    assertThat(payload.at("/aps/badge").asInt()).isEqualTo(3);
    assertThat(payload.at("/aps/sound").asText()).isEqualTo("coins.caf");
    assertThat(payload.at("/aps/mutable-content").asInt()).isEqualTo(1);
    assertThat(payload.at("/aps/thread-id").asText()).isEqualTo("promotions");
    assertThat(payload.get("image").asText()).isEqualTo("https://cdn.casino.example/cashback.png");
    assertThat(payload.get("deepLink").asText()).isEqualTo("casino://wallet");
    assertThat(payload.get("deliveryId").asText()).isEqualTo("delivery-42");
    assertThat(payload.get("campaign").asText()).isEqualTo("c-77");
  }

  @Test
  void noTimeToLiveLeftMeansDeliverOnce() throws Exception {
    Notification n = Notification.builder().title("Live now").ttl(Duration.ZERO).build();
    try (ApnsProvider provider = provider(true)) {
      await(provider.send(message(n)));
    }
    assertThat(server.takeNotification(Duration.ofSeconds(5)).expiration()).contains("0");
  }

  @ParameterizedTest
  @CsvSource({"HIGH,10", "NORMAL,10", "LOW,5", "VERY_LOW,1"})
  void urgencyBecomesPriority(Urgency urgency, String priority) throws Exception {
    Notification n = Notification.builder().title("t").urgency(urgency).build();
    try (ApnsProvider provider = provider(true)) {
      await(provider.send(message(n)));
    }
    assertThat(server.takeNotification(Duration.ofSeconds(5)).priority()).contains(priority);
  }

  @ParameterizedTest
  @EnumSource(ApnsPushType.class)
  void sendsEveryPushType(ApnsPushType type) throws Exception {
    String topic = TOPIC + type.topicSuffix().orElse("");
    ApnsNotification n = ApnsNotification.builder()
        .address(randomToken(), topic, ApnsEnvironment.PRODUCTION)
        .pushType(type)
        .priority(ApnsPriority.IMMEDIATE)
        .payload(ApnsPayload.builder().contentAvailable(true).build())
        .build();
    try (ApnsProvider provider = provider(true)) {
      SendResult result = await(provider.send(n));
      assertThat(result.outcome()).isEqualTo(SendResult.Outcome.ACCEPTED);
    }
    MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
    assertThat(received.pushType()).contains(type.headerValue());
    assertThat(received.topic()).contains(topic);
    // Background pushes must go at priority 5; the mock answers BadPriority to 10.
    assertThat(received.priority()).contains(type == ApnsPushType.BACKGROUND ? "5" : "10");
  }

  @Test
  void sendsEveryHeaderOfAnApnsNotification() throws Exception {
    UUID apnsId = UUID.randomUUID();
    ApnsNotification n = ApnsNotification.builder(ApnsAddress.production(randomToken(), TOPIC))
        .priority(ApnsPriority.PRIORITIZE_POWER)
        .expiration(Instant.parse("2026-11-23T10:00:00Z"))
        .collapseId("x".repeat(64))
        .apnsId(apnsId)
        .payload(ApnsPayload.builder().alertBody("hi").build())
        .build();
    try (ApnsProvider provider = provider(true)) {
      SendResult result = await(provider.send(n));
      assertThat(((SendResult.Accepted) result).messageId()).contains(apnsId.toString());
    }
    MockApnsNotification received = server.takeNotification(Duration.ofSeconds(5));
    assertThat(received.priority()).contains("1");
    assertThat(received.expiration()).contains("1795428000");
    assertThat(received.collapseId()).contains("x".repeat(64));
    assertThat(received.apnsId()).contains(apnsId.toString());
    assertThat(received.header("apns-topic")).contains(TOPIC);
  }

  @Test
  void refusesAnAddressOfAnotherPlatformWithoutSending() throws Exception {
    PushMessage webMessage = PushMessage.of("d-1", new FcmAddress("fcm-token-123"),
        ApnsFixtures.notification(), clock.instant());
    try (ApnsProvider provider = provider(true)) {
      SendResult result = await(provider.send(webMessage));

      assertThat(result).isInstanceOf(SendResult.Rejected.class);
      assertThat(((SendResult.Rejected) result).kind()).isEqualTo(RejectionKind.INVALID_MESSAGE);
      assertThat(result.httpStatus()).isZero();
      assertThat(result.reason()).contains("APNS addresses").contains("FCM");
    }
    assertThat(server.requestCount()).isZero();
  }

  @Test
  void refusesADataKeyThatCollidesWithAReservedKey() throws Exception {
    Notification n = Notification.builder().title("t").data("deepLink", "x").build();
    try (ApnsProvider provider = provider(true)) {
      SendResult result = await(provider.send(message(n)));
      assertThat(result.outcome()).isEqualTo(SendResult.Outcome.REJECTED);
      assertThat(result.reason()).contains("data.deepLink").contains("reserved");
    }
  }

  @Test
  void aClosedProviderFailsSendsAndClosesOnce() throws Exception {
    ApnsProvider provider = provider(true);
    provider.close();
    provider.close();

    CompletableFuture<SendResult> future = provider.send(message(ApnsFixtures.notification()));
    assertThatThrownBy(() -> future.get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(provider.toString()).contains("closed");
  }

  @Test
  void routesEachEnvironmentToApplesHostOnTheChosenPort() throws Exception {
    List<String> lookups = new CopyOnWriteArrayList<>();
    try (ApnsProvider provider = ApnsProvider.builder()
        .signingKey(ApnsFixtures.signingKey())
        .resolver(host -> {
          lookups.add(host);
          throw new UnknownHostException(host + " (offline test)");
        })
        .port(ApnsProvider.ALTERNATE_PORT)
        .build()) {
      CompletableFuture<SendResult> production = provider.send(
          ApnsNotification.builder(ApnsAddress.production(randomToken(), TOPIC))
              .payload(ApnsPayload.builder().alertBody("p").build()).build());
      CompletableFuture<SendResult> sandbox = provider.send(
          ApnsNotification.builder(ApnsAddress.sandbox(randomToken(), TOPIC))
              .payload(ApnsPayload.builder().alertBody("s").build()).build());

      assertThatThrownBy(() -> production.get(10, TimeUnit.SECONDS))
          .hasMessageContaining("could not connect to APNs at api.push.apple.com:2197");
      assertThatThrownBy(() -> sandbox.get(10, TimeUnit.SECONDS))
          .hasMessageContaining("could not connect to APNs at api.sandbox.push.apple.com:2197");
    }
    assertThat(lookups).contains("api.push.apple.com", "api.sandbox.push.apple.com");
  }

  @Test
  void failsWhenNothingListens() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (ApnsProvider provider = ApnsProvider.builder()
        .signingKey(ApnsFixtures.signingKey())
        .endpoint("https://localhost:" + port)
        .build()) {
      CompletableFuture<SendResult> future = provider.send(message(ApnsFixtures.notification()));
      assertThatThrownBy(() -> future.get(10, TimeUnit.SECONDS))
          .hasMessageContaining("could not connect to APNs at localhost:" + port);
    }
  }

  @Test
  void neverShowsCredentialsInToString() {
    ApnsSigningKey key = ApnsFixtures.signingKey();
    try (ApnsProvider provider = provider(true)) {
      String keyBase64 = java.util.Base64.getEncoder().encodeToString(KEY.privateKey().getEncoded());
      assertThat(provider.toString()).contains("TEAM123456").doesNotContain(keyBase64);
      assertThat(key.toString()).isEqualTo("ApnsSigningKey{teamId=TEAM123456, keyId=KEY1234567}");
    }
  }

  @Test
  void buildNeedsExactlyOneKindOfCredential() {
    assertThatThrownBy(() -> ApnsProvider.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("apns.credentials")
        .hasMessageContaining("signingKey(ApnsSigningKey)")
        .hasMessageContaining("clientCertificate(ApnsClientCertificate)");
    assertThatThrownBy(() -> ApnsProvider.builder()
        .signingKey(ApnsFixtures.signingKey())
        .clientCertificate(
            ApnsClientCertificate.fromPkcs12(CLIENT_CERT.pkcs12(), CLIENT_CERT.password()))
        .build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("not both");
  }

  @Test
  void builderRefusesOptionsApnsCannotUse() {
    ApnsProvider.Builder b = ApnsProvider.builder();
    assertThatThrownBy(() -> b.port(8443)).hasMessageContaining("443 or 2197, got 8443");
    assertThatThrownBy(() -> b.endpoint("http://localhost:8080"))
        .hasMessageContaining("apns.endpoint").hasMessageContaining("https");
    assertThatThrownBy(() -> b.endpoint("https://localhost:8443/3/device"))
        .hasMessageContaining("without a path");
    assertThatThrownBy(() -> b.tokenRefreshInterval(Duration.ofMinutes(19)))
        .hasMessageContaining("apns.tokenRefreshInterval");
    assertThatThrownBy(() -> b.tokenRefreshInterval(Duration.ofMinutes(60)))
        .hasMessageContaining("apns.tokenRefreshInterval");
    assertThatThrownBy(() -> b.connections(0)).hasMessageContaining("apns.connections");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ofMillis(10)))
        .hasMessageContaining("apns.requestTimeout");
  }

  @Test
  void tokenProviderFixtureWorks() throws Exception {
    try (ApnsProvider provider = tokenProvider(server).clock(clock).build()) {
      assertThat(await(provider.send(ApnsFixtures.message(randomToken()))).outcome())
          .isEqualTo(SendResult.Outcome.ACCEPTED);
    }
  }
}
