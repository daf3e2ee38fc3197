package dev.herald.fcm;

import static dev.herald.fcm.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.InvalidInputException;
import dev.herald.content.Action;
import dev.herald.content.Notification;
import dev.herald.content.NotificationType;
import dev.herald.content.Urgency;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.testing.MutableClock;
import dev.herald.testing.fcm.MockFcmService;
import dev.herald.testing.fcm.ReceivedFcmMessage;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sending through the {@code testing} module's mock FCM service, over HTTP/2 and TLS. */
class FcmProviderTest {
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private final MockFcmService mock = MockFcmService.builder().clock(clock).start();
  private final List<FcmProvider> providers = new ArrayList<>();

  @AfterEach
  void close() {
    providers.forEach(FcmProvider::close);
    mock.close();
  }

  private FcmProvider.Builder builder() {
    return FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(mock.serviceAccountJson()))
        .baseUrl(mock.baseUrl())
        .trustCertificate(mock.certificate())
        .clock(clock);
  }

  private FcmProvider provider() {
    return track(builder().build());
  }

  private FcmProvider track(FcmProvider provider) {
    providers.add(provider);
    return provider;
  }

  private SendResult send(FcmProvider fcm, String token, Notification n) throws Exception {
    return await(fcm.send(Fixtures.message(token, n, clock.instant())));
  }

  @Test
  void statusCountsConnectionsRequestsAndAccessTokens() throws Exception {
    FcmProvider fcm = provider();
    assertThat(fcm.status()).isEqualTo(
        dev.herald.spi.ProviderStatus.unknown(dev.herald.subscription.Platform.FCM));

    send(fcm, "token-1", Fixtures.notification());
    send(fcm, "token-2", Fixtures.notification());

    dev.herald.spi.ProviderStatus status = fcm.status();
    assertThat(status.connectionsOpen()).isEqualTo(1);
    assertThat(status.requestsInFlight()).isZero();
    assertThat(status.requestsQueued()).isZero();
    assertThat(status.tokenRefreshes()).isEqualTo(1); // one access token serves both
    assertThat(status.tokenRefreshFailures()).isZero();
    assertThat(status.lastTokenRefresh()).contains(clock.instant());
    assertThat(status.lastTokenFailure()).isEmpty();
    assertThat(status.lastOutcome()).contains(SendResult.Outcome.ACCEPTED);
  }

  @Test
  void statusReportsAFailedTokenRequest() throws Exception {
    FcmProvider fcm = provider();
    mock.enqueueTokenError(400, "invalid_grant", "Invalid JWT Signature.");

    SendResult result = send(fcm, "token-1", Fixtures.notification());

    assertThat(result.outcome()).isNotEqualTo(SendResult.Outcome.ACCEPTED);
    dev.herald.spi.ProviderStatus status = fcm.status();
    assertThat(status.tokenRefreshes()).isZero();
    assertThat(status.tokenRefreshFailures()).isEqualTo(1);
    assertThat(status.lastTokenFailure()).hasValueSatisfying(
        text -> assertThat(text).contains("invalid_grant").doesNotContain("BEGIN PRIVATE KEY"));
  }

  @Test
  void trustsTheMockCertificateGivenAsAPemFile(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    java.nio.file.Path pem = java.nio.file.Files.writeString(dir.resolve("mock-fcm.pem"),
        mock.certificatePem());
    FcmProvider fcm = track(FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(mock.serviceAccountJson()))
        .baseUrl(mock.baseUrl())
        .trustCertificate(pem)
        .clock(clock)
        .build());

    assertThat(send(fcm, "token-1", Fixtures.notification()).outcome())
        .isEqualTo(SendResult.Outcome.ACCEPTED);
  }

  @Test
  void deliversToTheMockOverHttp2AndReportsTheMessageName() throws Exception {
    SendResult result = send(provider(), "token-1", Fixtures.notification());

    assertThat(result).isInstanceOfSatisfying(SendResult.Accepted.class, a -> {
      assertThat(a.httpStatus()).isEqualTo(200);
      assertThat(a.messageId()).hasValueSatisfying(
          id -> assertThat(id).startsWith("projects/herald-mock/messages/"));
    });
    assertThat(mock.messages()).singleElement().satisfies(m -> {
      assertThat(m.projectId()).isEqualTo("herald-mock");
      assertThat(m.token()).contains("token-1");
      assertThat(m.title()).contains("Slots tournament starts in 10 minutes");
      assertThat(m.validateOnly()).isFalse();
    });
    assertThat(mock.refusals()).isEmpty();
  }

  @Test
  void mapsHeraldsNotificationOntoEveryPlatform() throws Exception {
    FcmProvider fcm = track(builder()
        .androidChannel(Notification::category)
        .androidClickAction("OPEN_DEEP_LINK")
        .build());
    Notification n = Notification.builder()
        .type(NotificationType.TOURNAMENT)
        .title("Final table")
        .body("You are in the top 10")
        .image("https://cdn.casino.example/final.png")
        .icon("https://cdn.casino.example/icon.png")
        .deepLink("https://casino.example/tournaments/42")
        .data("tournamentId", "42")
        .action(Action.of("join", "Join now", "https://casino.example/t/42/join"))
        .badge(3)
        .sound("default")
        .urgency(Urgency.HIGH)
        .collapseKey("tournament-42")
        .ttl(Duration.ofMinutes(10))
        .build();
    PushMessage message = PushMessage.of("delivery-7", new dev.herald.subscription.FcmAddress("tok"),
        n, clock.instant());

    assertThat(await(fcm.send(message))).isInstanceOf(SendResult.Accepted.class);

    JsonNode m = mock.messages().get(0).message();
    assertThat(m.path("notification").toString()).isEqualTo(
        "{\"title\":\"Final table\",\"body\":\"You are in the top 10\","
            + "\"image\":\"https://cdn.casino.example/final.png\"}");
    assertThat(mock.messages().get(0).data()).containsExactly(
        entry("tournamentId", "42"),
        entry("herald_link", "https://casino.example/tournaments/42"),
        entry("herald_actions",
            "[{\"id\":\"join\",\"title\":\"Join now\",\"link\":\"https://casino.example/t/42/join\"}]"),
        entry("herald_delivery_id", "delivery-7"));
    JsonNode android = m.path("android");
    assertThat(android.path("priority").asText()).isEqualTo("HIGH");
    assertThat(android.path("ttl").asText()).isEqualTo("600s");
    assertThat(android.path("collapse_key").asText()).isEqualTo("tournament-42");
    assertThat(android.path("notification").path("channel_id").asText()).isEqualTo("tournaments");
    assertThat(android.path("notification").path("click_action").asText())
        .isEqualTo("OPEN_DEEP_LINK");
    assertThat(android.path("notification").path("notification_count").asInt()).isEqualTo(3);
    JsonNode apns = m.path("apns");
    assertThat(apns.path("headers").has("apns-priority")).isFalse(); // 10, APNs' default
    assertThat(apns.path("headers").path("apns-expiration").asText())
        .isEqualTo(Long.toString(clock.instant().plus(Duration.ofMinutes(10)).getEpochSecond()));
    assertThat(apns.path("headers").path("apns-collapse-id").asText()).isEqualTo("tournament-42");
    assertThat(apns.path("payload").path("aps").toString())
        .isEqualTo("{\"badge\":3,\"sound\":\"default\",\"mutable-content\":1}");
    assertThat(apns.path("fcm_options").path("image").asText())
        .isEqualTo("https://cdn.casino.example/final.png");
    JsonNode webpush = m.path("webpush");
    assertThat(webpush.path("headers").toString())
        .isEqualTo("{\"TTL\":\"600\",\"Urgency\":\"high\",\"Topic\":\"tournament-42\"}");
    assertThat(webpush.path("notification").path("actions").toString())
        .isEqualTo("[{\"action\":\"join\",\"title\":\"Join now\"}]");
    assertThat(webpush.path("fcm_options").path("link").asText())
        .isEqualTo("https://casino.example/tournaments/42");
  }

  @Test
  void lowUrgencyIsNormalOnAndroidAndPriorityFiveOnApns() throws Exception {
    Notification n = Notification.builder().title("Cashback").urgency(Urgency.LOW).build();

    send(provider(), "tok", n);

    JsonNode m = mock.messages().get(0).message();
    assertThat(m.path("android").has("priority")).isFalse(); // NORMAL, FCM's default
    assertThat(m.path("apns").path("headers").path("apns-priority").asText()).isEqualTo("5");
    assertThat(m.path("webpush").path("headers").path("Urgency").asText()).isEqualTo("low");
    assertThat(m.has("android") && !m.path("android").has("notification")).isTrue();
  }

  @Test
  void sendsToTopicsAndConditions() throws Exception {
    FcmProvider fcm = provider();
    Instant expires = clock.instant().plus(Duration.ofHours(1));

    SendResult topic = await(fcm.send(FcmTarget.topic("/topics/jackpot-alerts"), "d-1",
        Fixtures.notification(), expires));
    SendResult condition = await(fcm.send(
        FcmTarget.condition("'slots' in topics && 'vip' in topics"), "d-2",
        Fixtures.notification(), expires));

    assertThat(topic).isInstanceOf(SendResult.Accepted.class);
    assertThat(condition).isInstanceOf(SendResult.Accepted.class);
    assertThat(mock.messages()).extracting(ReceivedFcmMessage::topic)
        .containsExactly(java.util.Optional.of("jackpot-alerts"), java.util.Optional.empty());
    assertThat(mock.messages().get(1).condition())
        .contains("'slots' in topics && 'vip' in topics");
  }

  @Test
  void validateOnlyAsksFcmForADryRun() throws Exception {
    FcmProvider fcm = track(builder().validateOnly(true).build());

    SendResult result = send(fcm, "tok", Fixtures.notification());

    assertThat(mock.messages().get(0).validateOnly()).isTrue();
    assertThat(result).isInstanceOfSatisfying(SendResult.Accepted.class,
        a -> assertThat(a.messageId()).contains("projects/herald-mock/messages/fake_message_id"));
  }

  @Test
  void manyConcurrentSendsShareOneAccessToken() throws Exception {
    FcmProvider fcm = track(builder().maxConcurrentRequests(50).build());
    List<CompletableFuture<SendResult>> sends = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      sends.add(fcm.send(Fixtures.message("tok-" + i, Fixtures.notification(), clock.instant())));
    }
    for (CompletableFuture<SendResult> send : sends) {
      assertThat(await(send)).isInstanceOf(SendResult.Accepted.class);
    }
    assertThat(mock.tokenRequestCount()).isEqualTo(1);
    assertThat(mock.messages()).hasSize(300);
  }

  @Test
  void aRefusedAccessTokenIsRefreshedOnceAndTheSendRetried() throws Exception {
    FcmProvider fcm = provider();
    send(fcm, "warm-up", Fixtures.notification());
    mock.revokeAccessTokens();

    List<CompletableFuture<SendResult>> sends = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      sends.add(fcm.send(Fixtures.message("tok-" + i, Fixtures.notification(), clock.instant())));
    }
    for (CompletableFuture<SendResult> send : sends) {
      assertThat(await(send)).isInstanceOf(SendResult.Accepted.class);
    }
    // One refresh served every refused send.
    assertThat(mock.tokenRequestCount()).isEqualTo(2);
    assertThat(mock.messages()).hasSize(21);
  }

  @Test
  void aTokenRefusedTwiceIsACredentialsRejection() throws Exception {
    FcmProvider fcm = provider();
    mock.enqueue(dev.herald.testing.fcm.MockFcmAnswer.unauthenticated());
    mock.enqueue(dev.herald.testing.fcm.MockFcmAnswer.unauthenticated());

    SendResult result = send(fcm, "tok", Fixtures.notification());

    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
      assertThat(r.httpStatus()).isEqualTo(401);
      assertThat(r.reason()).startsWith("UNAUTHENTICATED");
    });
    assertThat(mock.tokenRequestCount()).isEqualTo(2);
    assertThat(mock.sendRequestCount()).isEqualTo(2);
  }

  @Test
  void anExpiredTokenIsReplacedBeforeSendingOnTheFakeClock() throws Exception {
    FcmProvider fcm = provider();
    send(fcm, "a", Fixtures.notification());
    clock.advance(Duration.ofMinutes(70));

    assertThat(send(fcm, "b", Fixtures.notification())).isInstanceOf(SendResult.Accepted.class);

    assertThat(mock.tokenRequestCount()).isEqualTo(2);
    assertThat(mock.refusals()).isEmpty(); // the expired token was never presented
  }

  @Test
  void afterATokenEndpointFailureSendsFailFastForTenSecondsThenRecover() throws Exception {
    FcmProvider fcm = provider();
    mock.enqueueTokenError(503, "temporarily_unavailable", "");

    assertThat(send(fcm, "a", Fixtures.notification())).isInstanceOf(SendResult.RetryLater.class);
    clock.advance(Duration.ofSeconds(9));
    assertThat(send(fcm, "b", Fixtures.notification())).isInstanceOf(SendResult.RetryLater.class);
    assertThat(mock.tokenRequestCount()).isEqualTo(1); // no second request during the pause
    clock.advance(Duration.ofSeconds(1));
    assertThat(send(fcm, "c", Fixtures.notification())).isInstanceOf(SendResult.Accepted.class);
    assertThat(mock.tokenRequestCount()).isEqualTo(2);
  }

  @Test
  void aPayloadAtTheLimitIsSentAndOneByteMoreIsRejectedBeforeAnyRequest() throws Exception {
    FcmProvider fcm = provider();
    Notification atLimit = sized(FcmProvider.MAX_PAYLOAD_BYTES);
    Notification overLimit = sized(FcmProvider.MAX_PAYLOAD_BYTES + 1);

    SendResult over = await(fcm.send(PushMessage.of(
        "d-1", new dev.herald.subscription.FcmAddress("tok"), overLimit, clock.instant())));
    assertThat(mock.sendRequestCount()).isZero();
    SendResult at = await(fcm.send(PushMessage.of(
        "d-1", new dev.herald.subscription.FcmAddress("tok"), atLimit, clock.instant())));

    assertThat(over).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.PAYLOAD_TOO_LARGE);
      assertThat(r.httpStatus()).isZero();
      assertThat(r.reason()).contains("4097 bytes", "the limit is 4096 bytes");
    });
    // The mock measures the same way and accepts the message at the limit.
    assertThat(at).isInstanceOf(SendResult.Accepted.class);
    assertThat(mock.refusals()).isEmpty();
  }

  @Test
  void refusesDataKeysFcmReservesBeforeAnyRequest() throws Exception {
    Notification n = Notification.builder().title("t").data("google.campaign", "x").build();

    SendResult result = send(provider(), "tok", n);

    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.INVALID_MESSAGE);
      assertThat(r.reason()).startsWith("data[google.campaign]: is a key FCM reserves");
    });
    assertThat(mock.sendRequestCount()).isZero();
  }

  @Test
  void refusesAnExpiredMessageAndAnotherPlatformsAddress() throws Exception {
    FcmProvider fcm = provider();
    PushMessage expired = new PushMessage("d", new dev.herald.subscription.FcmAddress("tok"),
        Fixtures.notification(), clock.instant().minusSeconds(1));
    PushMessage apns = PushMessage.of("d", new ApnsAddress("a".repeat(64), "com.casino.app",
        ApnsEnvironment.PRODUCTION), Fixtures.notification(), clock.instant());

    assertThat(await(fcm.send(expired))).isInstanceOfSatisfying(SendResult.Rejected.class,
        r -> assertThat(r.kind()).isEqualTo(RejectionKind.EXPIRED));
    assertThat(await(fcm.send(apns))).isInstanceOfSatisfying(SendResult.Rejected.class,
        r -> assertThat(r.reason()).contains("APNS", "only to FCM registration tokens"));
    assertThat(mock.tokenRequestCount()).isZero();
  }

  @Test
  void aZeroTtlMeansDeliverNowOrNever() throws Exception {
    Notification n = Notification.builder().title("Live odds").ttl(Duration.ZERO).build();

    send(provider(), "tok", n);

    JsonNode m = mock.messages().get(0).message();
    assertThat(m.path("android").path("ttl").asText()).isEqualTo("0s");
    assertThat(m.path("apns").path("headers").path("apns-expiration").asText()).isEqualTo("0");
    assertThat(m.path("webpush").path("headers").path("TTL").asText()).isEqualTo("0");
  }

  @Test
  void closeIsIdempotentAndLaterSendsFail() throws Exception {
    FcmProvider fcm = provider();
    send(fcm, "tok", Fixtures.notification());

    fcm.close();
    fcm.close();

    CompletableFuture<SendResult> after =
        fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant()));
    assertThatThrownBy(after::get).isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IllegalStateException.class);
    assertThat(fcm.toString()).contains("closed");
  }

  @Test
  void aDeadServerFailsTheFutureAsTransportTrouble() throws Exception {
    FcmProvider fcm = provider();
    send(fcm, "warm-up", Fixtures.notification());
    mock.close();

    CompletableFuture<SendResult> send =
        fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant()));

    assertThatThrownBy(() -> send.get(20, java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void neverShowsTheAccessTokenOrKeyInToString() throws Exception {
    FcmProvider fcm = provider();
    send(fcm, "tok", Fixtures.notification());

    assertThat(fcm.toString()).contains("herald-mock").doesNotContain("ya29", "PRIVATE");
  }

  @Test
  void theBuilderSaysWhatIsMissingOrWrong() {
    assertThatThrownBy(() -> FcmProvider.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("serviceAccount: is required")
        .hasMessageContaining("ServiceAccount.fromFile");
    assertThatThrownBy(() -> FcmProvider.builder().baseUrl("http://localhost:8080"))
        .hasMessageContaining("baseUrl: must be an https URL");
    assertThatThrownBy(() -> FcmProvider.builder().baseUrl("https://fcm.googleapis.com/v1"))
        .hasMessageContaining("baseUrl: must have no path");
    assertThatThrownBy(() -> FcmProvider.builder().maxConcurrentRequests(0))
        .hasMessage("maxConcurrentRequests: must be between 1 and 10000, got 0");
  }

  @Test
  void aBaseUrlWithATrailingSlashWorks() throws Exception {
    FcmProvider fcm = track(builder().baseUrl(mock.baseUrl() + "/").build());

    assertThat(send(fcm, "tok", Fixtures.notification())).isInstanceOf(SendResult.Accepted.class);
  }

  @Test
  void withoutTrustingTheMockTheTlsHandshakeFails() {
    FcmProvider fcm = track(FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(mock.serviceAccountJson()))
        .baseUrl(mock.baseUrl())
        .clock(clock)
        .build());

    CompletableFuture<SendResult> send =
        fcm.send(Fixtures.message("tok", Fixtures.notification(), clock.instant()));

    assertThatThrownBy(() -> send.get(20, java.util.concurrent.TimeUnit.SECONDS))
        .hasCauseInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }

  /** A notification whose FCM payload is exactly {@code bytes} long. */
  private Notification sized(int bytes) {
    Notification.Builder b = Notification.builder().title("Jackpot").body("x".repeat(2000))
        .data("a", "y".repeat(1000)).data("b", "");
    int base = payloadSize(b.build());
    return b.data("b", "z".repeat(bytes - base)).build();
  }

  private int payloadSize(Notification n) {
    return new dev.herald.fcm.internal.FcmMessageWriter(null, null, false)
        .encode(FcmTarget.token("tok"), "d-1", n, clock.instant().plus(n.ttl()), clock.instant())
        .payloadBytes();
  }

  private static java.util.Map.Entry<String, String> entry(String k, String v) {
    return java.util.Map.entry(k, v);
  }
}
