package dev.herald.benchmarks.apns;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushNotificationResponse;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.eatthepath.pushy.apns.util.concurrent.PushNotificationFuture;
import dev.herald.apns.ApnsNotification;
import dev.herald.apns.ApnsPayload;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsPushType;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Random;
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
 * Notifications per second from Herald's {@link ApnsProvider} and from Pushy 0.15.4 to the same
 * local {@link MockApnsServer} (HTTP/2 over TLS, token authentication, every provider token's
 * signature checked), over one and several connections.
 *
 * <p>Each operation sends a batch of {@value #BATCH} pre-built notifications (a 1,024-character
 * alert body, as in Pushy's own benchmark) and waits for every answer; JMH reports the rate per
 * notification. Client and mock share the machine, so the mock's cost is in both figures.
 *
 * <p>Parameters: {@code connections} per client; {@code heraldStreams} is {@code server} (the
 * default: up to the server's advertised limit) or a cap on streams per connection;
 * {@code mockDelayMs} delays every answer of the mock, to play a distant APNs. For the race
 * against Pushy on Pushy's own mock server, with CPU per message, see
 * {@link dev.herald.benchmarks.race.PeerRace}.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar ApnsSendBenchmark
 * java -jar benchmarks/target/benchmarks.jar ApnsSendBenchmark -p heraldStreams=server,32
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ApnsSendBenchmark {
  static {
    // BoringSSL is on the benchmarks' class path for PeerRace -Drace.openssl=true; these
    // benchmarks keep the JDK's TLS they were measured with (and firebase-admin can only use).
    if (!Boolean.getBoolean("race.openssl")) {
      System.setProperty("io.netty.handler.ssl.noOpenSsl", "true");
    }
  }

  /** Notifications per benchmark operation. */
  public static final int BATCH = 5_000;
  private static final String TOPIC = "com.example.casino";

  /** The mock and the notifications, shared by both clients' states. */
  @State(Scope.Benchmark)
  public static class Server {
    @Param({"1", "4"})
    public int connections;

    @Param({"0"})
    public int mockDelayMs;

    MockApnsServer mock;
    MockApnsCredentials.SigningKey key;
    String[] tokens = new String[BATCH];
    String payload;

    @Setup(Level.Trial)
    public void start() throws Exception {
      key = MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");
      mock = MockApnsServer.builder().trust(key).topics(TOPIC).recordNotifications(false)
          .responseDelay(java.time.Duration.ofMillis(mockDelayMs)).start();
      Random random = new Random(1);
      for (int i = 0; i < BATCH; i++) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        tokens[i] = HexFormat.of().formatHex(bytes);
      }
      StringBuilder body = new StringBuilder();
      for (int i = 0; i < 1024; i++) {
        body.append((char) ('a' + random.nextInt(26)));
      }
      payload = ApnsPayload.builder().alertBody(body.toString()).build().json();
    }

    @TearDown(Level.Trial)
    public void stop() {
      mock.close();
    }
  }

  /** Herald's provider. */
  @State(Scope.Benchmark)
  public static class Herald {
    @Param({"server"})
    public String heraldStreams;

    ApnsProvider provider;
    ApnsNotification[] notifications = new ApnsNotification[BATCH];

    @Setup(Level.Trial)
    public void start(Server server) throws Exception {
      ApnsProvider.Builder b = ApnsProvider.builder()
          .signingKey(ApnsSigningKey.of(server.key.privateKey(), server.key.teamId(),
              server.key.keyId()))
          .endpoint(server.mock.endpoint())
          .trustedCertificates(server.mock.certificate())
          .connections(server.connections);
      if (!heraldStreams.equals("server")) {
        b.maxConcurrentStreams(Integer.parseInt(heraldStreams));
      }
      provider = b.build();
      ApnsPayload payload = ApnsPayload.ofJson(server.payload);
      Instant expiration = Instant.now().plus(1, ChronoUnit.DAYS);
      for (int i = 0; i < BATCH; i++) {
        notifications[i] = ApnsNotification.builder(ApnsAddress.production(server.tokens[i], TOPIC))
            .pushType(ApnsPushType.ALERT).expiration(expiration).payload(payload).build();
      }
    }

    @TearDown(Level.Trial)
    public void stop() {
      provider.close();
    }
  }

  /** Pushy's client, configured as its README shows, with ALPN on (the mock negotiates h2). */
  @State(Scope.Benchmark)
  public static class Pushy {
    ApnsClient client;
    SimpleApnsPushNotification[] notifications = new SimpleApnsPushNotification[BATCH];

    @Setup(Level.Trial)
    public void start(Server server) throws Exception {
      client = new ApnsClientBuilder()
          .setApnsServer("localhost", server.mock.port())
          .setTrustedServerCertificateChain(server.mock.certificate())
          .setSigningKey(new com.eatthepath.pushy.apns.auth.ApnsSigningKey(
              server.key.keyId(), server.key.teamId(), server.key.privateKey()))
          .setConcurrentConnections(server.connections)
          .setUseAlpn(true)
          .build();
      Instant expiration = Instant.now().plus(1, ChronoUnit.DAYS);
      for (int i = 0; i < BATCH; i++) {
        notifications[i] = new SimpleApnsPushNotification(server.tokens[i], TOPIC,
            server.payload, expiration, DeliveryPriority.IMMEDIATE, PushType.ALERT);
      }
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      client.close().get(30, TimeUnit.SECONDS);
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int herald(Herald herald) {
    @SuppressWarnings("unchecked")
    CompletableFuture<SendResult>[] futures = new CompletableFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      futures[i] = herald.provider.send(herald.notifications[i]);
    }
    int accepted = 0;
    for (CompletableFuture<SendResult> f : futures) {
      if (f.join().outcome() == SendResult.Outcome.ACCEPTED) {
        accepted++;
      }
    }
    return check(accepted);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int pushy(Pushy pushy) {
    @SuppressWarnings("unchecked")
    PushNotificationFuture<SimpleApnsPushNotification,
        PushNotificationResponse<SimpleApnsPushNotification>>[] futures =
        new PushNotificationFuture[BATCH];
    for (int i = 0; i < BATCH; i++) {
      futures[i] = pushy.client.sendNotification(pushy.notifications[i]);
    }
    int accepted = 0;
    for (PushNotificationFuture<SimpleApnsPushNotification,
        PushNotificationResponse<SimpleApnsPushNotification>> f : futures) {
      if (f.join().isAccepted()) {
        accepted++;
      }
    }
    return check(accepted);
  }

  private static int check(int accepted) {
    if (accepted != BATCH) {
      throw new IllegalStateException("only " + accepted + " of " + BATCH + " accepted");
    }
    return accepted;
  }
}
