package dev.herald.benchmarks.webpush;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import dev.herald.webpush.internal.PayloadJson;
import java.lang.reflect.Method;
import java.security.Security;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.PushAsyncService;
import nl.martijndwars.webpush.PushService;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
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
 * Herald against webpush-java 5.1.2 (nl.martijndwars:web-push), side by side: the same payload,
 * the same VAPID key, the same local {@link MockWebPushService} over plain HTTP/1.1 (webpush-java
 * speaks no HTTP/2), {@value #BATCH} concurrent sends per invocation, aes128gcm. The mock decrypts
 * and verifies every message from both, so both do the full protocol correctly or the run fails.
 *
 * <ul>
 *   <li>{@code herald}: {@link WebPushProvider#send}.
 *   <li>{@code webpush-java-async}: {@code PushAsyncService.send} (one AsyncHttpClient).
 *   <li>{@code webpush-java}: {@code PushService.sendAsync}, which creates an Apache async client
 *       per message (how most users call it).
 * </ul>
 *
 * <p>webpush-java needs BouncyCastle registered as a JCA provider and drops the port from the VAPID
 * {@code aud} claim; the benchmark registers the provider (benchmark-only) and tells the mock to
 * tolerate the port-less audience, otherwise every webpush-java send would be refused with 403.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WebPushPeerBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class WebPushPeerBenchmark {
  static final int BATCH = 64;

  @Param({"herald", "webpush-java-async", "webpush-java"})
  public String client;

  private MockWebPushService mock;
  private WebPushProvider herald;
  private PushMessage message;
  private PushAsyncService asyncService;
  private PushService service;
  private nl.martijndwars.webpush.Notification peerNotification;
  // webpush-java's send methods declare jose4j, Apache and AsyncHttpClient types that it keeps in
  // Maven's runtime scope, so they are called reflectively (a cost of nanoseconds per send).
  private Method asyncSend;
  private Method sendAsync;

  /** The notification every benchmark sends: a typical tournament alert. */
  public static Notification notification() {
    return Notification.builder()
        .title("Slots tournament starts in 10 minutes")
        .body("€5,000 prize pool. Tap to join before the first spin.")
        .icon("https://casino.example/icons/t.png")
        .deepLink("https://casino.example/tournaments/42")
        .data("tournamentId", "42")
        .ttl(Duration.ofHours(1))
        .build();
  }

  @Setup(Level.Trial)
  public void start() throws Exception {
    mock = MockWebPushService.builder().tolerateAudienceWithoutPort().retainedMessages(16).start();
    VapidKeys keys = VapidKeys.generate();
    MockSubscription browser = mock.newSubscription(keys.publicKeyBase64Url());
    message = PushMessage.of("bench", browser.address(), notification(), Instant.now());
    String subject = "mailto:bench@casino.example";
    switch (client) {
      case "herald" -> herald = WebPushProvider.builder().vapid(keys, subject)
          .allowHost(mock.host()).build();
      case "webpush-java-async", "webpush-java" -> {
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
          Security.addProvider(new BouncyCastleProvider()); // webpush-java requires it
        }
        byte[] payload = PayloadJson.of(message, null);
        peerNotification = nl.martijndwars.webpush.Notification.builder()
            .endpoint(browser.endpoint())
            .userPublicKey(browser.p256dh())
            .userAuth(browser.auth())
            .payload(payload)
            .ttl(3600)
            .build();
        if (client.equals("webpush-java")) {
          service = new PushService(keys.publicKeyBase64Url(), keys.exportPrivateKeyBase64Url(),
              subject);
          sendAsync = PushService.class.getMethod(
              "sendAsync", nl.martijndwars.webpush.Notification.class, Encoding.class);
        } else {
          asyncService = new PushAsyncService(keys.publicKeyBase64Url(),
              keys.exportPrivateKeyBase64Url(), subject);
          asyncSend = PushAsyncService.class.getMethod(
              "send", nl.martijndwars.webpush.Notification.class, Encoding.class);
        }
      }
      default -> throw new IllegalArgumentException(client);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    if (herald != null) {
      herald.close();
    }
    if (asyncService != null) {
      closeAsyncHttpClient(asyncService);
    }
    requireAllAccepted(mock);
    mock.close();
  }

  /**
   * PushAsyncService offers no close; its AsyncHttpClient's event loop would keep the forked JVM
   * alive after the run, so close it through its field (benchmark only).
   */
  public static void closeAsyncHttpClient(PushAsyncService service) throws Exception {
    for (java.lang.reflect.Field field : PushAsyncService.class.getDeclaredFields()) {
      if (AutoCloseable.class.isAssignableFrom(field.getType())) {
        field.setAccessible(true);
        ((AutoCloseable) field.get(service)).close();
      }
    }
  }

  /** {@value #BATCH} concurrent sends with the chosen client, all answered. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void send() throws Exception {
    switch (client) {
      case "herald" -> {
        @SuppressWarnings("unchecked")
        CompletableFuture<SendResult>[] futures = new CompletableFuture[BATCH];
        for (int i = 0; i < BATCH; i++) {
          futures[i] = herald.send(message);
        }
        CompletableFuture.allOf(futures).join();
      }
      case "webpush-java-async" -> {
        CompletableFuture<?>[] futures = new CompletableFuture<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
          futures[i] = (CompletableFuture<?>) asyncSend.invoke(
              asyncService, peerNotification, Encoding.AES128GCM);
        }
        CompletableFuture.allOf(futures).join();
      }
      default -> {
        Future<?>[] futures = new Future<?>[BATCH];
        for (int i = 0; i < BATCH; i++) {
          futures[i] = (Future<?>) sendAsync.invoke(service, peerNotification, Encoding.AES128GCM);
        }
        for (Future<?> future : futures) {
          future.get();
        }
      }
    }
  }

  /** Fails the run unless the mock accepted (decrypted and verified) every request it got. */
  static void requireAllAccepted(MockWebPushService mock) {
    long accepted = mock.answeredCount(201);
    if (accepted == 0 || accepted != mock.requestCount()) {
      throw new IllegalStateException("the mock accepted " + accepted + " of "
          + mock.requestCount() + " requests (400: " + mock.answeredCount(400) + ", 401: "
          + mock.answeredCount(401) + ", 403: " + mock.answeredCount(403) + ")");
    }
  }
}
