package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.InvalidInputException;
import dev.herald.content.Action;
import dev.herald.content.Notification;
import dev.herald.content.NotificationType;
import dev.herald.content.Urgency;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.MutableClock;
import dev.herald.testing.webpush.MockAnswer;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.webpush.internal.PayloadJson;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The provider against the mock Web Push service: a real local HTTP/2 + TLS server. */
class WebPushProviderTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final String SUBJECT = "mailto:push-ops@casino.example";

  private final MutableClock clock = MutableClock.at(Instant.now().truncatedTo(
      java.time.temporal.ChronoUnit.SECONDS));
  private final VapidKeys keys = VapidKeys.generate();
  private MockWebPushService mock;
  private WebPushProvider provider;
  private MockSubscription browser;

  @BeforeEach
  void start() throws IOException {
    mock = MockWebPushService.builder().https().clock(clock).start();
    provider = providerBuilder().build();
    browser = mock.newSubscription(keys.publicKeyBase64Url());
  }

  @AfterEach
  void stop() throws IOException {
    provider.close();
    mock.close();
  }

  private WebPushProvider.Builder providerBuilder() {
    return WebPushProvider.builder()
        .vapid(keys, SUBJECT)
        .clock(clock)
        .allowHost(mock.host())
        .trustedCertificates(mock.certificate());
  }

  private static Notification.Builder notification() {
    return Notification.builder().title("Slots tournament starts in 10 minutes");
  }

  private PushMessage message(Notification n) {
    return PushMessage.of("delivery-1", browser.address(), n, clock.instant());
  }

  private SendResult send(Notification n) throws Exception {
    return provider.send(message(n)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void statusReportsConnectionsRequestsAndTheLastOutcome() throws Exception {
    assertThat(provider.status()).isEqualTo(
        dev.herald.spi.ProviderStatus.unknown(dev.herald.subscription.Platform.WEB_PUSH));

    assertThat(send(notification().build()).outcome()).isEqualTo(SendResult.Outcome.ACCEPTED);

    dev.herald.spi.ProviderStatus status = provider.status();
    assertThat(status.connectionsOpen()).isEqualTo(1); // kept for the next send
    assertThat(status.requestsQueued()).isZero();
    assertThat(status.tokenRefreshes()).isZero();
    assertThat(status.lastOutcome()).contains(SendResult.Outcome.ACCEPTED);
  }

  @Test
  void trustsTheServiceCertificateGivenAsAPemFile(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            .encodeToString(mock.certificate().getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    java.nio.file.Path file = java.nio.file.Files.writeString(dir.resolve("push.pem"), pem);
    try (WebPushProvider fromFile = WebPushProvider.builder()
        .vapid(keys, SUBJECT)
        .clock(clock)
        .allowHost(mock.host())
        .trustedCertificate(file)
        .build()) {
      assertThat(fromFile.send(message(notification().build()))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS).outcome())
          .isEqualTo(SendResult.Outcome.ACCEPTED);
    }
  }

  @Test
  void aMessageArrivesDecryptedOverHttp2WithItsHeadersAndPayload() throws Exception {
    Notification n = notification()
        .type(NotificationType.TOURNAMENT)
        .body("€5,000 prize pool. Tap to join.")
        .icon("https://casino.example/icon.png")
        .image("https://casino.example/banner.jpg")
        .badge(3)
        .action(Action.of("join", "Join now", "https://casino.example/t/42/join"))
        .action(Action.of("later", "Later"))
        .deepLink("https://casino.example/t/42")
        .data("tournamentId", "42")
        .collapseKey("tournament-42")
        .urgency(Urgency.HIGH)
        .ttl(Duration.ofMinutes(10))
        .build();

    SendResult result = send(n);

    assertThat(result).isInstanceOfSatisfying(SendResult.Accepted.class, accepted -> {
      assertThat(accepted.httpStatus()).isEqualTo(201);
      assertThat(accepted.messageId()).hasValueSatisfying(
          id -> assertThat(id).startsWith(mock.baseUrl() + "message/"));
    });
    ReceivedWebPush received = mock.takeMessage(WAIT);
    assertThat(received.subscriptionId()).isEqualTo(browser.id());
    assertThat(received.protocol()).isEqualTo("HTTP/2");
    assertThat(received.ttlSeconds()).isEqualTo(600);
    assertThat(received.urgency()).hasValue("high");
    assertThat(received.topic()).hasValue("tournament-42");
    assertThat(received.recordSize()).isEqualTo(4096);
    assertThat(received.paddingBytes()).isZero();
    JsonNode json = received.json();
    assertThat(json.get("title").asText()).isEqualTo("Slots tournament starts in 10 minutes");
    assertThat(json.get("body").asText()).isEqualTo("€5,000 prize pool. Tap to join.");
    assertThat(json.get("icon").asText()).isEqualTo("https://casino.example/icon.png");
    assertThat(json.get("image").asText()).isEqualTo("https://casino.example/banner.jpg");
    assertThat(json.get("badgeCount").asInt()).isEqualTo(3);
    assertThat(json.get("url").asText()).isEqualTo("https://casino.example/t/42");
    assertThat(json.get("tag").asText()).isEqualTo("tournament-42");
    assertThat(json.get("type").asText()).isEqualTo("TOURNAMENT");
    assertThat(json.get("deliveryId").asText()).isEqualTo("delivery-1");
    assertThat(json.get("data").get("tournamentId").asText()).isEqualTo("42");
    assertThat(json.get("actions")).hasSize(2);
    assertThat(json.get("actions").get(0).get("action").asText()).isEqualTo("join");
    assertThat(json.get("actions").get(0).get("url").asText())
        .isEqualTo("https://casino.example/t/42/join");
    assertThat(json.get("actions").get(1).has("url")).isFalse();
    assertThat(json.has("badge")).isFalse();
  }

  @Test
  void theVapidJwtVerifiesWithNimbusAndCarriesTheOriginWithItsPort() throws Exception {
    send(notification().build());
    ReceivedWebPush received = mock.takeMessage(WAIT);
    SignedJWT jwt = SignedJWT.parse(received.vapidToken().orElseThrow());
    assertThat(jwt.verify(new ECDSAVerifier(keys.jcaPublicKey()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getAudience())
        .containsExactly("https://localhost:" + mock.port());
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo(SUBJECT);
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(clock.instant().plus(Duration.ofHours(12)));
    assertThat(received.vapidPublicKey()).hasValue(keys.publicKeyBase64Url());
    assertThat(received.senderPublicKey()).isNotEqualTo(keys.publicKeyBase64Url());
  }

  @Test
  void theJwtIsReusedAcrossMessagesAndRenewedBeforeItExpires() throws Exception {
    send(notification().build());
    send(notification().build());
    clock.advance(Duration.ofHours(10));
    send(notification().build());
    clock.advance(Duration.ofHours(1));
    send(notification().build());
    List<String> tokens = List.of(
        mock.takeMessage(WAIT).vapidToken().orElseThrow(),
        mock.takeMessage(WAIT).vapidToken().orElseThrow(),
        mock.takeMessage(WAIT).vapidToken().orElseThrow(),
        mock.takeMessage(WAIT).vapidToken().orElseThrow());
    assertThat(tokens.get(1)).isEqualTo(tokens.get(0));
    assertThat(tokens.get(2)).isEqualTo(tokens.get(0));
    assertThat(tokens.get(3)).isNotEqualTo(tokens.get(0));
  }

  @Test
  void everyMessageHasAFreshEphemeralKey() throws Exception {
    send(notification().build());
    send(notification().build());
    assertThat(mock.takeMessage(WAIT).senderPublicKey())
        .isNotEqualTo(mock.takeMessage(WAIT).senderPublicKey());
  }

  @Test
  void aPayloadOf3993BytesIsAcceptedAnd3994IsRejectedBeforeAnyRequest() throws Exception {
    Notification fits = notificationWithPayloadBytes(3993);
    Notification tooBig = notificationWithPayloadBytes(3994);

    assertThat(send(fits)).isInstanceOf(SendResult.Accepted.class);
    ReceivedWebPush received = mock.takeMessage(WAIT);
    assertThat(received.plaintext()).hasSize(3993);
    assertThat(received.bodyBytes()).isEqualTo(4096);

    long requestsBefore = mock.requestCount();
    SendResult result = send(tooBig);
    assertThat(result).isEqualTo(SendResult.rejected(RejectionKind.PAYLOAD_TOO_LARGE,
        "payload is 3994 bytes, the limit is 3993 bytes (a 4096-byte encrypted body); shorten"
            + " the title, body or data", 0));
    assertThat(mock.requestCount()).isEqualTo(requestsBefore);
  }

  @Test
  void aBodyOf600EmojiTravelsAsUtf8AndFits() throws Exception {
    String body = "\uD83C\uDFB0".repeat(600); // 🎰: 2 UTF-16 units, 4 bytes of UTF-8
    Notification n = notification().body(body).build();

    byte[] payload = PayloadJson.of(message(n), null);
    assertThat(new String(payload, StandardCharsets.UTF_8)).contains(body).doesNotContain("\\u");
    assertThat(payload.length).isLessThan(2400 + 200);
    assertThat(send(n)).isInstanceOf(SendResult.Accepted.class);
    ReceivedWebPush received = mock.takeMessage(WAIT);
    assertThat(received.plaintext()).isEqualTo(payload);
    assertThat(received.json().get("body").asText()).isEqualTo(body);
  }

  private Notification notificationWithPayloadBytes(int size) {
    Notification.Builder b = notification();
    for (int i = 0; i < (size - 500) / 1030; i++) {
      b.data("d" + i, "x".repeat(1000));
    }
    int base = PayloadJson.of(message(b.body("y").build()), null).length;
    Notification n = b.body("y".repeat(1 + size - base)).build();
    assertThat(PayloadJson.of(message(n), null)).hasSize(size);
    return n;
  }

  @Test
  void paddingRoundsThePlaintextUpToTheBlock() throws Exception {
    try (WebPushProvider padded = providerBuilder().padding(Padding.toMultipleOf(512)).build()) {
      padded.send(message(notification().build())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    ReceivedWebPush received = mock.takeMessage(WAIT);
    assertThat(received.plaintext().length + received.paddingBytes()).isEqualTo(512);
    assertThat(received.json().get("title").asText()).startsWith("Slots");
  }

  @Test
  void paddingNeverPushesAFittingPayloadOverTheLimit() throws Exception {
    try (WebPushProvider padded = providerBuilder().padding(Padding.toMaximum()).build()) {
      assertThat(padded.send(message(notificationWithPayloadBytes(3000)))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(SendResult.Accepted.class);
    }
    ReceivedWebPush received = mock.takeMessage(WAIT);
    assertThat(received.paddingBytes()).isEqualTo(993);
    assertThat(received.bodyBytes()).isEqualTo(4096);
  }

  @Test
  void theBadgeImageFromTheBuilderGoesIntoEveryPayload() throws Exception {
    try (WebPushProvider withBadge =
        providerBuilder().badgeUrl("https://casino.example/badge.png").build()) {
      withBadge.send(message(notification().build())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
    assertThat(mock.takeMessage(WAIT).json().get("badge").asText())
        .isEqualTo("https://casino.example/badge.png");
  }

  @Test
  void gone410AndNotFound404MakeTheAddressInvalid() throws Exception {
    browser.unsubscribe();
    assertThat(send(notification().build())).isInstanceOfSatisfying(
        SendResult.InvalidAddress.class, invalid -> {
          assertThat(invalid.httpStatus()).isEqualTo(410);
          assertThat(invalid.reason()).isEqualTo("push subscription has unsubscribed or expired.");
          assertThat(invalid.invalidatedAt()).isEqualTo(clock.instant());
        });
    MockSubscription other = mock.newSubscription(keys.publicKeyBase64Url());
    other.enqueue(MockAnswer.notFound());
    SendResult result = provider.send(PushMessage.of("d-2", other.address(),
        notification().build(), clock.instant())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result.outcome()).isEqualTo(SendResult.Outcome.INVALID_ADDRESS);
    assertThat(result.httpStatus()).isEqualTo(404);
  }

  @Test
  void scriptedErrorsMapToTheirOutcomes() throws Exception {
    mock.enqueue(
        MockAnswer.payloadTooLarge(),
        MockAnswer.badRequest("TTL header is invalid"),
        MockAnswer.unauthorized(),
        MockAnswer.forbidden("BadJwtToken"),
        MockAnswer.tooManyRequests(Duration.ofSeconds(30)),
        MockAnswer.serviceUnavailable(Duration.ofSeconds(5)),
        MockAnswer.status(500, "boom"),
        MockAnswer.status(502, "upstream"));

    SendResult tooLarge = send(notification().build());
    assertThat(tooLarge).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.PAYLOAD_TOO_LARGE);
      assertThat(r.httpStatus()).isEqualTo(413);
    });
    assertThat(send(notification().build())).isEqualTo(
        SendResult.rejected(RejectionKind.INVALID_MESSAGE, "TTL header is invalid", 400));
    for (int status : new int[] {401, 403}) {
      assertThat(send(notification().build())).isInstanceOfSatisfying(SendResult.Rejected.class,
          r -> {
            assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
            assertThat(r.httpStatus()).isEqualTo(status);
            assertThat(r.reason()).contains("VAPID").contains("applicationServerKey")
                .contains("subject");
          });
    }
    assertThat(send(notification().build())).isEqualTo(
        SendResult.retryLater("Too many requests", Duration.ofSeconds(30), 429));
    assertThat(send(notification().build())).isEqualTo(
        SendResult.retryLater("Service unavailable", Duration.ofSeconds(5), 503));
    assertThat(send(notification().build())).isEqualTo(SendResult.retryLater("boom", null, 500));
    assertThat(send(notification().build()).httpStatus()).isEqualTo(502);
  }

  @Test
  void aKeyTheBrowserDidNotSubscribeWithIsRefusedAsCredentials() throws Exception {
    try (WebPushProvider wrongKey = WebPushProvider.builder()
        .vapid(VapidKeys.generate(), SUBJECT).clock(clock)
        .allowHost(mock.host()).trustedCertificates(mock.certificate()).build()) {
      SendResult result = wrongKey.send(message(notification().build()))
          .get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS);
        assertThat(r.httpStatus()).isEqualTo(403);
        assertThat(r.reason()).contains("BadJwtToken");
      });
    }
    assertThat(mock.answeredCount(403)).isEqualTo(1);
  }

  @Test
  void anUnknownHostIsRefusedBeforeAnyRequest() throws Exception {
    WebPushAddress elsewhere = WebPushAddress.of("https://169.254.169.254/latest/meta-data",
        browser.p256dh(), browser.auth());
    SendResult result = provider.send(PushMessage.of("d", elsewhere, notification().build(),
        clock.instant())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.CONFIGURATION);
      assertThat(r.httpStatus()).isZero();
      assertThat(r.reason()).contains("169.254.169.254 is not a known push service");
    });
    assertThat(provider.endpointRefusal(elsewhere.endpoint())).isPresent();
    assertThat(provider.endpointRefusal(browser.address().endpoint())).isEmpty();
  }

  @Test
  void theMockHostIsRefusedUnlessAllowed() throws Exception {
    try (WebPushProvider strict = WebPushProvider.builder().vapid(keys, SUBJECT)
        .trustedCertificates(mock.certificate()).build()) {
      SendResult result = strict.send(message(notification().build())).get(5, TimeUnit.SECONDS);
      assertThat(result.outcome()).isEqualTo(SendResult.Outcome.REJECTED);
      assertThat(result.reason()).contains("localhost is not a known push service");
    }
    assertThat(mock.requestCount()).isZero();
  }

  @Test
  void aCollapseKeyOutsideTheTopicAlphabetMapsToAStableTopic() throws Exception {
    assertThat(send(notification().collapseKey("tournament 42!").build()).outcome())
        .isEqualTo(SendResult.Outcome.ACCEPTED);
    assertThat(send(notification().collapseKey("tournament 42!").build()).outcome())
        .isEqualTo(SendResult.Outcome.ACCEPTED);
    assertThat(send(notification().collapseKey("x".repeat(33)).build()).outcome())
        .isEqualTo(SendResult.Outcome.ACCEPTED);
    List<String> topics = mock.messages().stream().map(m -> m.topic().orElseThrow()).toList();
    assertThat(topics).hasSize(3).allMatch(WebPushProvider::isValidTopic);
    assertThat(topics.get(0)).hasSize(32).isEqualTo(topics.get(1))
        .isEqualTo(WebPushProvider.topicOf("tournament 42!")).isNotEqualTo(topics.get(2));
    assertThat(WebPushProvider.topicOf("cashback")).isEqualTo("cashback");
  }

  @Test
  void anExpiredMessageIsRejectedAndTheTtlCountsDownFromExpiresAt() throws Exception {
    PushMessage m = PushMessage.of("d", browser.address(),
        notification().ttl(Duration.ofMinutes(5)).build(), clock.instant());
    clock.advance(Duration.ofMinutes(2));
    assertThat(provider.send(m).get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(SendResult.Accepted.class);
    assertThat(mock.takeMessage(WAIT).ttlSeconds()).isEqualTo(180);
    clock.advance(Duration.ofMinutes(4));
    assertThat(provider.send(m).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isInstanceOfSatisfying(
        SendResult.Rejected.class, r -> assertThat(r.kind()).isEqualTo(RejectionKind.EXPIRED));
  }

  @Test
  void aTtlOfZeroIsSent() throws Exception {
    send(notification().ttl(Duration.ZERO).build());
    assertThat(mock.takeMessage(WAIT).ttlSeconds()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"VERY_LOW", "LOW", "NORMAL", "HIGH"})
  void urgencyIsAlwaysSent(Urgency urgency) throws Exception {
    send(notification().urgency(urgency).build());
    assertThat(mock.takeMessage(WAIT).urgency()).hasValue(urgency.headerValue());
  }

  @Test
  void anApnsAddressIsRejectedNotThrown() throws Exception {
    PushMessage m = PushMessage.of("d", ApnsAddress.production("a".repeat(64), "com.casino.app"),
        notification().build(), clock.instant());
    assertThat(provider.send(m).get()).isInstanceOfSatisfying(SendResult.Rejected.class,
        r -> assertThat(r.kind()).isEqualTo(RejectionKind.CONFIGURATION));
  }

  @Test
  void aPlainHttpMockWorksOverHttp1WhenItsHostIsAllowed() throws Exception {
    try (MockWebPushService http = MockWebPushService.builder().clock(clock).start();
        WebPushProvider p = WebPushProvider.builder().vapid(keys, SUBJECT).clock(clock)
            .allowHost("localhost").build()) {
      MockSubscription sub = http.newSubscription(keys.publicKeyBase64Url());
      assertThat(p.send(PushMessage.of("d", sub.address(), notification().build(),
          clock.instant())).get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(SendResult.Accepted.class);
      ReceivedWebPush received = http.takeMessage(WAIT);
      assertThat(received.protocol()).isEqualTo("HTTP/1.1");
      assertThat(received.vapidAudience()).hasValue("http://localhost:" + http.port());
    }
  }

  @Test
  void http1ConnectionsOfOneBurstAreReusedByTheNext() throws Exception {
    // HTTP/1.1 needs a connection per request in flight. The server holds every request of a
    // wave until all 16 are in, so each wave runs on 16 connections at once; the second wave must
    // find the first wave's connections in the pool rather than open new ones. (With the earlier
    // pool of 8 idle connections, 8 were closed after the first wave and 8 opened again.)
    int wave = 16;
    java.util.concurrent.CyclicBarrier allIn = new java.util.concurrent.CyclicBarrier(wave);
    java.util.concurrent.atomic.AtomicInteger connections =
        new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService serving =
        java.util.concurrent.Executors.newCachedThreadPool();
    try (ServerSocket server = new ServerSocket(0);
        WebPushProvider p = WebPushProvider.builder().vapid(keys, SUBJECT).clock(clock)
            .allowHost("localhost").build()) {
      serving.execute(() -> {
        while (!server.isClosed()) {
          try {
            Socket connection = server.accept();
            connections.incrementAndGet();
            serving.execute(() -> answerEach(connection, allIn));
          } catch (IOException closed) {
            return;
          }
        }
      });
      WebPushAddress address = WebPushAddress.allowingHttp(
          "http://localhost:" + server.getLocalPort() + "/push/x", browser.p256dh(),
          browser.auth());
      for (int round = 0; round < 2; round++) {
        List<CompletableFuture<SendResult>> sends = new java.util.ArrayList<>();
        for (int i = 0; i < wave; i++) {
          sends.add(p.send(PushMessage.of("d" + i, address, notification().build(),
              clock.instant())));
        }
        for (CompletableFuture<SendResult> send : sends) {
          assertThat(send.get(WAIT.toSeconds(), TimeUnit.SECONDS))
              .isInstanceOf(SendResult.Accepted.class);
        }
        assertThat(connections.get()).as("connections after wave %d", round + 1).isEqualTo(wave);
      }
      assertThat(p.status().connectionsOpen()).isEqualTo(wave);
    } finally {
      serving.shutdownNow();
    }
  }

  /** Answers 201 to each request on a connection once the whole wave has arrived. */
  private static void answerEach(Socket connection, java.util.concurrent.CyclicBarrier allIn) {
    try (connection) {
      java.io.InputStream in = new java.io.BufferedInputStream(connection.getInputStream());
      java.io.OutputStream out = connection.getOutputStream();
      while (true) {
        int contentLength = -1;
        StringBuilder line = new StringBuilder();
        boolean headersDone = false;
        while (!headersDone) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          if (c == '\n') {
            String header = line.toString().strip();
            if (header.isEmpty()) {
              headersDone = true;
            } else if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
              contentLength = Integer.parseInt(header.substring(15).strip());
            }
            line.setLength(0);
          } else {
            line.append((char) c);
          }
        }
        in.readNBytes(contentLength);
        allIn.await(WAIT.toSeconds(), TimeUnit.SECONDS);
        out.write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
    } catch (Exception e) {
      // the connection or the test ended
    }
  }

  @Test
  void aConnectionRefusedFailsTheFuture() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    WebPushAddress nowhere = WebPushAddress.allowingHttp(
        "http://localhost:" + closedPort + "/push/x", browser.p256dh(), browser.auth());
    CompletableFuture<SendResult> future =
        provider.send(PushMessage.of("d", nowhere, notification().build(), clock.instant()));
    assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
  }

  @Test
  void aServiceThatNeverAnswersTimesOutInsteadOfHanging() throws Exception {
    try (ServerSocket silent = new ServerSocket(0);
        WebPushProvider p = WebPushProvider.builder().vapid(keys, SUBJECT).clock(clock)
            .allowHost("localhost").requestTimeout(Duration.ofMillis(300)).build()) {
      WebPushAddress stuck = WebPushAddress.allowingHttp(
          "http://localhost:" + silent.getLocalPort() + "/push/x", browser.p256dh(),
          browser.auth());
      CompletableFuture<SendResult> future =
          p.send(PushMessage.of("d", stuck, notification().build(), clock.instant()));
      try (Socket accepted = silent.accept()) {
        assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(InterruptedIOException.class);
        assertThat(accepted.isConnected()).isTrue();
      }
    }
  }

  @Test
  void closingWithASendInFlightCompletesItsFuture() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      WebPushProvider p = WebPushProvider.builder().vapid(keys, SUBJECT).clock(clock)
          .allowHost("localhost").build();
      WebPushAddress stuck = WebPushAddress.allowingHttp(
          "http://localhost:" + silent.getLocalPort() + "/push/x", browser.p256dh(),
          browser.auth());
      CompletableFuture<SendResult> future =
          p.send(PushMessage.of("d", stuck, notification().build(), clock.instant()));
      try (Socket accepted = silent.accept()) {
        p.close();
        assertThatThrownBy(() -> future.get(WAIT.toSeconds(), TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(IOException.class);
        assertThat(accepted.isClosed()).isFalse();
      }
    }
  }

  @Test
  void afterCloseSendsFailAndCloseIsIdempotent() {
    provider.close();
    provider.close();
    assertThat(provider.send(message(notification().build())))
        .failsWithin(Duration.ofSeconds(1))
        .withThrowableOfType(ExecutionException.class)
        .withCauseInstanceOf(IllegalStateException.class)
        .withMessageContaining("closed");
    assertThat(provider.toString()).contains("closed").doesNotContain(keys.exportPrivateKeyBase64Url());
  }

  @Test
  void aSharedClientIsUsedAndLeftOpen() throws Exception {
    OkHttpClient shared = new OkHttpClient();
    try (WebPushProvider p = providerBuilder().httpClient(shared).build()) {
      assertThat(p.send(message(notification().build())).get(WAIT.toSeconds(), TimeUnit.SECONDS))
          .isInstanceOf(SendResult.Accepted.class);
    }
    assertThat(shared.dispatcher().executorService().isShutdown()).isFalse();
    shared.dispatcher().executorService().shutdown();
    shared.connectionPool().evictAll();
  }

  @Test
  void manyConcurrentSendsAllComplete() throws Exception {
    List<CompletableFuture<SendResult>> futures = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      futures.add(provider.send(PushMessage.of("d-" + i, browser.address(),
          notification().build(), clock.instant())));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(futures).allSatisfy(f -> assertThat(f.join()).isInstanceOf(SendResult.Accepted.class));
    assertThat(mock.answeredCount(201)).isEqualTo(100);
  }

  @Test
  void theBuilderExplainsWhatToFix() {
    assertThatThrownBy(() -> WebPushProvider.builder().build())
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("vapid: is required");
    assertThatThrownBy(() -> WebPushProvider.builder().vapid(keys, "mailto:me@localhost"))
        .hasMessageStartingWith("vapid.subject: must not point at localhost");
    assertThatThrownBy(() -> WebPushProvider.builder().vapidTokenLifetime(Duration.ofHours(25)))
        .hasMessageStartingWith("vapidTokenLifetime: must be between");
    assertThatThrownBy(() -> WebPushProvider.builder().vapid(keys, SUBJECT)
        .httpClient(new OkHttpClient()).maxConcurrentRequests(10).build())
        .hasMessageContaining("Dispatcher");
    assertThatThrownBy(() -> WebPushProvider.builder().allowHost("http://localhost:8080"))
        .hasMessageStartingWith("allowHost: must be a bare host name");
  }
}
