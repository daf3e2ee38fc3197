package dev.herald.benchmarks.webpush;

import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
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
 * Web Push sends per second from Herald's {@link WebPushProvider} to a local server on the same
 * machine: the {@link MockWebPushService}, which decrypts every message and verifies its VAPID JWT
 * (so the figure includes that work), or a server that only answers 201. Each invocation sends {@value #BATCH}
 * messages concurrently and waits for all answers.
 *
 * <p>{@code protocol}: {@code h2} is HTTP/2 over TLS (one multiplexed connection, as with real push
 * services), {@code http1} plain HTTP/1.1 (a pool of connections).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WebPushSendBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class WebPushSendBenchmark {
  static final int BATCH = 64;

  @Param({"h2", "http1"})
  public String protocol;

  /**
   * {@code mock}: the verifying {@link MockWebPushService}; {@code answering}: a server that answers
   * 201 without looking, to show the client's own ceiling.
   */
  @Param({"mock", "answering"})
  public String server;

  private MockWebPushService mock;
  private AnsweringServer answering;
  private WebPushProvider provider;
  private PushMessage message;

  @Setup(Level.Trial)
  public void start() throws IOException {
    boolean https = protocol.equals("h2");
    VapidKeys keys = VapidKeys.generate();
    WebPushProvider.Builder p = WebPushProvider.builder()
        .vapid(keys, "mailto:bench@casino.example")
        .allowHost("localhost");
    WebPushAddress address;
    if (server.equals("mock")) {
      MockWebPushService.Builder builder = MockWebPushService.builder().retainedMessages(16);
      mock = https ? builder.https().start() : builder.start();
      address = mock.newSubscription(keys.publicKeyBase64Url()).address();
      if (https) {
        p.trustedCertificates(mock.certificate());
      }
    } else {
      answering = new AnsweringServer(https);
      // Any valid subscription keys will do: nobody decrypts.
      MockSubscription keysOnly;
      try (MockWebPushService unused = MockWebPushService.start()) {
        keysOnly = unused.newSubscription();
      }
      address = WebPushAddress.allowingHttp(answering.endpoint(), keysOnly.p256dh(),
          keysOnly.auth());
      if (https) {
        p.trustedCertificates(answering.certificate());
      }
    }
    provider = p.build();
    message = PushMessage.of("bench", address, WebPushPeerBenchmark.notification(), Instant.now());
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    provider.close();
    if (mock != null) {
      WebPushPeerBenchmark.requireAllAccepted(mock);
      mock.close();
    }
    if (answering != null) {
      answering.close();
    }
  }

  /** {@value #BATCH} concurrent sends, all answered. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void send() {
    @SuppressWarnings("unchecked")
    CompletableFuture<SendResult>[] futures = new CompletableFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      futures[i] = provider.send(message);
    }
    for (CompletableFuture<SendResult> future : futures) {
      if (!(future.join() instanceof SendResult.Accepted)) {
        throw new IllegalStateException("not accepted: " + future.join());
      }
    }
  }

}
