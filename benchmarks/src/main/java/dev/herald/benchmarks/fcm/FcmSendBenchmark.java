package dev.herald.benchmarks.fcm;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.BatchResponse;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.Message;
import dev.herald.content.Notification;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.fcm.MockFcmService;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.tls.HandshakeCertificates;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * FCM sends per second to the {@code testing} module's {@link MockFcmService} on loopback, over
 * HTTP/2 and TLS, with the OAuth2 access token already cached: Herald's {@link FcmProvider}
 * against firebase-admin 9.11.0's {@code sendEachAsync}, the Admin SDK's fastest way to send many
 * messages since the batch endpoint was shut down.
 *
 * <p>Each invocation sends {@value #BATCH} messages (the most {@code sendEachAsync} takes) to
 * distinct tokens and waits for all answers; the score is messages per second. Both clients send
 * the same notification (title, body, two data entries), obtain their token from the mock's token
 * endpoint with a verified RS256 assertion, and every answer is checked to be a success.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FcmSendBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// firebase-admin needs about a minute of sending before its throughput stops rising.
@Warmup(iterations = 12, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"})
public class FcmSendBenchmark {
  static {
    // BoringSSL is on the benchmarks' class path for PeerRace -Drace.openssl=true; these
    // benchmarks keep the JDK's TLS they were measured with (and firebase-admin can only use).
    if (!Boolean.getBoolean("race.openssl")) {
      System.setProperty("io.netty.handler.ssl.noOpenSsl", "true");
    }
  }

  /** Messages per invocation: {@code sendEachAsync}'s maximum list size. */
  public static final int BATCH = 500;

  /**
   * The local server both clients send to: {@code mock} is the {@code testing} module's
   * {@link MockFcmService} (MockWebServer, verifying every request: its own cost per request is
   * about half of the CPU on loopback); {@code answering} is a lean Netty HTTP/2 server that
   * answers without checking, so the figure is mostly the clients' own cost.
   */
  @State(Scope.Benchmark)
  public static class Mock {
    /**
     * Which server to send to; {@code external} is an {@link AnsweringFcmServer} already running
     * in another process (pinned to its own core), found through {@code -Dherald.bench.fcm=DIR}.
     */
    @Param({"answering", "mock"})
    public String server;

    MockFcmService mockService;
    AnsweringFcmServer answering;
    String baseUrl;
    java.security.cert.X509Certificate certificate;
    String serviceAccountJson;
    String projectId;

    @Setup(Level.Trial)
    public void start() throws Exception {
      if (server.equals("external")) {
        java.nio.file.Path dir = java.nio.file.Path.of(System.getProperty("herald.bench.fcm"));
        baseUrl = java.nio.file.Files.readString(dir.resolve("url")).strip();
        certificate = okhttp3.tls.Certificates.decodeCertificatePem(
            java.nio.file.Files.readString(dir.resolve("cert.pem")));
        serviceAccountJson = java.nio.file.Files.readString(dir.resolve("service-account.json"));
        projectId = "herald-bench";
      } else if (server.equals("mock")) {
        mockService = MockFcmService.builder().recordMessages(false).start();
        baseUrl = mockService.baseUrl();
        certificate = mockService.certificate();
        serviceAccountJson = mockService.serviceAccountJson();
        projectId = mockService.projectId();
      } else {
        answering = new AnsweringFcmServer();
        baseUrl = answering.baseUrl();
        certificate = answering.certificate();
        projectId = "herald-bench";
        serviceAccountJson = MockFcmService.throwAwayServiceAccountJson(projectId, baseUrl + "/token");
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      if (mockService != null) {
        mockService.close();
      }
      if (answering != null) {
        answering.close();
      }
    }
  }

  /** Herald's provider, with its access token cached. */
  @State(Scope.Benchmark)
  public static class Herald {
    /** How many requests Herald keeps in flight (firebase-admin runs 100 threads). */
    @Param({"100"})
    public int maxConcurrentRequests;

    FcmProvider provider;
    List<PushMessage> messages;

    @Setup(Level.Trial)
    public void start(Mock mock) {
      provider = FcmProvider.builder()
          .serviceAccount(ServiceAccount.fromJson(mock.serviceAccountJson))
          .baseUrl(mock.baseUrl)
          .trustCertificate(mock.certificate)
          .maxConcurrentRequests(maxConcurrentRequests)
          .build();
      Notification notification = notification();
      messages = new ArrayList<>(BATCH);
      Instant now = Instant.now();
      for (int i = 0; i < BATCH; i++) {
        messages.add(PushMessage.of("d-" + i, new FcmAddress(token(i)), notification, now));
      }
      // Caches the access token and opens the HTTP/2 connection.
      SendResult first = provider.send(messages.get(0)).join();
      check(first instanceof SendResult.Accepted, "Herald warm-up: " + first);
    }

    @TearDown(Level.Trial)
    public void stop() {
      provider.close();
    }
  }

  /** firebase-admin, through its own HTTP/2 transport pointed at the mock. */
  @State(Scope.Benchmark)
  public static class Firebase {
    FirebaseApp app;
    FirebaseMessaging messaging;
    List<Message> messages;

    @Setup(Level.Trial)
    public void start(Mock mock) throws Exception {
      HandshakeCertificates trust = new HandshakeCertificates.Builder()
          .addPlatformTrustedCertificates()
          .addTrustedCertificate(mock.certificate)
          .build();
      RedirectingTransport transport =
          new RedirectingTransport(trust.sslContext(), mock.baseUrl);
      GoogleCredentials credentials = GoogleCredentials.fromStream(
          new ByteArrayInputStream(
              mock.serviceAccountJson.getBytes(StandardCharsets.UTF_8)),
          () -> transport);
      FirebaseOptions options = FirebaseOptions.builder()
          .setCredentials(credentials)
          .setHttpTransport(transport)
          .setProjectId(mock.projectId)
          .build();
      app = FirebaseApp.initializeApp(options, "herald-benchmark-" + UUID.randomUUID());
      messaging = FirebaseMessaging.getInstance(app);
      Notification n = notification();
      messages = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        messages.add(Message.builder()
            .setToken(token(i))
            .setNotification(com.google.firebase.messaging.Notification.builder()
                .setTitle(n.title().orElseThrow()).setBody(n.body().orElseThrow()).build())
            .putAllData(n.data())
            .putData("herald_delivery_id", "d-" + i)
            .build());
      }
      // Caches the access token and opens the HTTP/2 connection.
      messaging.send(messages.get(0));
    }

    @TearDown(Level.Trial)
    public void stop() {
      app.delete();
    }
  }

  /** Herald: {@value #BATCH} concurrent sends, multiplexed over HTTP/2. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void herald(Herald herald) {
    CompletableFuture<?>[] sends = new CompletableFuture<?>[BATCH];
    for (int i = 0; i < BATCH; i++) {
      sends[i] = herald.provider.send(herald.messages.get(i)).thenAccept(result -> {
        if (!(result instanceof SendResult.Accepted)) {
          throw new IllegalStateException("Herald send: " + result);
        }
      });
    }
    CompletableFuture.allOf(sends).join();
  }

  /** firebase-admin: one {@code sendEachAsync} of {@value #BATCH} messages. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public BatchResponse firebaseAdminSendEachAsync(Firebase firebase) throws Exception {
    BatchResponse response = firebase.messaging.sendEachAsync(firebase.messages).get();
    if (response.getFailureCount() != 0) {
      throw new IllegalStateException("firebase-admin: " + response.getFailureCount()
          + " failures, first: " + response.getResponses().stream()
              .filter(r -> !r.isSuccessful()).findFirst()
              .map(r -> String.valueOf(r.getException())).orElse(""));
    }
    return response;
  }

  /** @return the notification both clients send */
  public static Notification notification() {
    return Notification.builder()
        .title("Slots tournament starts in 10 minutes")
        .body("€5,000 prize pool. Tap to join.")
        .data("tournamentId", "42")
        .data("game", "slots")
        .build();
  }

  /** @return the registration token of message {@code i} */
  public static String token(int i) {
    return "fcm-token-" + i + "-APA91bHun4MxP5egoKMwt2KZFBaFUH-1RYqx";
  }

  static void check(boolean ok, String what) {
    if (!ok) {
      throw new IllegalStateException(what);
    }
  }
}
