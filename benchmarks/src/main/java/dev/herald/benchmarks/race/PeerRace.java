package dev.herald.benchmarks.race;

import com.eatthepath.pushy.apns.ApnsClient;
import com.eatthepath.pushy.apns.ApnsClientBuilder;
import com.eatthepath.pushy.apns.DeliveryPriority;
import com.eatthepath.pushy.apns.PushType;
import com.eatthepath.pushy.apns.util.SimpleApnsPushNotification;
import com.google.api.core.ApiFuture;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.firebase.FirebaseApp;
import com.google.firebase.FirebaseOptions;
import com.google.firebase.messaging.FirebaseMessaging;
import com.google.firebase.messaging.Message;
import dev.herald.apns.ApnsNotification;
import dev.herald.apns.ApnsPayload;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsPushType;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.benchmarks.fcm.FcmSendBenchmark;
import dev.herald.benchmarks.fcm.RedirectingTransport;
import dev.herald.benchmarks.webpush.WebPushPeerBenchmark;
import dev.herald.content.Notification;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Security;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import okhttp3.tls.HandshakeCertificates;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * Herald raced against the clients teams use today, in one run, against servers none of the
 * clients owns: Pushy 0.15.4 on Pushy's own {@code MockApnsServer} (accept-all), firebase-admin
 * 9.11.0 on a plain Netty HTTP/2 answering server, webpush-java 5.1.2 on a plain HTTP/1.1
 * answering server. The servers run in a child process ({@link RaceServers}), so this process's
 * CPU time is the clients' (and the driver's, which is the same for both).
 *
 * <p>Per protocol, the clients first send full warm-up rounds in turn (2 each by default), then
 * measured rounds alternate: peer, Herald,
 * peer, Herald… Each round sends the same pre-built messages with at most {@code inFlight}
 * unanswered, checks that every one was accepted, and records throughput, process CPU time per
 * message ({@code OperatingSystemMXBean.getProcessCpuTime()} / messages), the server process's CPU
 * time per message beside it (on 2 shared cores the throughput is bounded by the two together),
 * how many threads used CPU during the round, and the median latency. The client's CPU is split
 * out too: how much of it the JIT's compiler threads and the garbage collector's threads used
 * ({@code /proc/self/task}), so a round still being compiled shows as such. The table shows each client's median round.
 *
 * <pre>
 * mvn -q -pl benchmarks -am -DskipTests package
 * java -cp benchmarks/target/benchmarks.jar dev.herald.benchmarks.race.PeerRace
 * java -Drace.rounds=5 -Drace.only=apns -cp benchmarks/target/benchmarks.jar \
 *     dev.herald.benchmarks.race.PeerRace
 * </pre>
 *
 * <p>{@code webpush} also races the encryption alone ({@code webpush-encryption} runs only that):
 * each message is encrypted (RFC 8291 aes128gcm, a fresh key pair and salt) on a pool of two
 * threads, by webpush-java's {@code AbstractPushService.encrypt} and by Herald's encryption.
 *
 * <p>System properties: {@code race.rounds} (3 per client), {@code race.warmup} (2 per client),
 * {@code race.only}
 * (apns,fcm,webpush,webpush-sends,webpush-encryption), {@code race.apns.messages} (20000),
 * {@code race.fcm.messages} (20000), {@code race.webpush.messages} (2000),
 * {@code race.webpush.encryptions} (4000), {@code race.inFlight} (1000; Web Push 64),
 * {@code race.apns.connections} (1), {@code race.servers.jvmArgs} (extra JVM options of the
 * servers' process, space-separated, such as a JFR recording), {@code race.openssl} (false: the
 * JDK's TLS everywhere; true: BoringSSL for Herald, Pushy and the Netty servers, which pick it up
 * when it loads, while firebase-admin and webpush-java stay on the JDK's), {@code race.webpush.warmup}
 * (as {@code race.warmup}).
 */
public final class PeerRace {
  private PeerRace() {}

  /** One raced client. */
  private interface Client extends AutoCloseable {
    String name();

    /** Sends message {@code i}; completes with whether the server accepted it. */
    CompletableFuture<Boolean> send(int i) throws Exception;

    @Override
    void close() throws Exception;
  }

  /** One measured round. */
  record Round(String client, double perSecond, double cpuMicrosPerMessage,
      double serverCpuMicrosPerMessage, int threadsRan, double p50Millis,
      double jitMicrosPerMessage, double gcMicrosPerMessage, double allocatedBytesPerMessage,
      double serverJitMicrosPerMessage, double busiestThreadMicrosPerMessage) {}

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.OperatingSystemMXBean OS =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  /** The servers' process, whose CPU time per message is reported beside the client's. */
  private static ProcessHandle serverProcess;

  /**
   * Runs the race and prints a Markdown table.
   *
   * @param args unused; see the class comment for the system properties
   * @throws Exception when a client fails or a server does not start
   */
  public static void main(String[] args) throws Exception {
    // BoringSSL is on the class path, and Herald, Pushy and the Netty servers each use it when it
    // loads, but firebase-admin and webpush-java cannot: the JDK's TLS everywhere unless asked.
    boolean openSsl = Boolean.getBoolean("race.openssl");
    String jdkTls = "-Dio.netty.handler.ssl.noOpenSsl=true";
    if (!openSsl) {
      System.setProperty("io.netty.handler.ssl.noOpenSsl", "true");
    }
    int rounds = Integer.getInteger("race.rounds", 3);
    List<String> only = List.of(System.getProperty("race.only", "apns,fcm,webpush").split(","));
    Path dir = Files.createTempDirectory("herald-race");
    Process servers = RaceServers.startInChildProcess(dir, true, (openSsl ? "" : jdkTls + " ")
        + System.getProperty("race.servers.jvmArgs", "")); // such as a JFR recording
    serverProcess = servers.toHandle();
    try {
      Map<String, List<Round>> results = new LinkedHashMap<>();
      System.out.printf(Locale.ROOT, "TLS of Herald, Pushy and the Netty servers: %s%n",
          io.netty.handler.ssl.OpenSsl.isAvailable() ? "BoringSSL (-Drace.openssl=true)"
              : "the JDK's (BoringSSL with -Drace.openssl=true)");
      int inFlight = Integer.getInteger("race.inFlight", 1000);
      if (only.contains("apns")) {
        int n = Integer.getInteger("race.apns.messages", 20_000);
        int connections = Integer.getInteger("race.apns.connections", 1);
        race("APNs, " + connections + " connection(s)", n, inFlight, rounds, warmups(), results,
            pushy(dir, n, connections), heraldApns(dir, n, connections));
      }
      if (only.contains("fcm")) {
        // As many as APNs: in a round of 10,000 the JIT's late compilations of Netty's code (which
        // continue for several rounds on a loaded machine) were a third of the client's CPU.
        int n = Integer.getInteger("race.fcm.messages", 20_000);
        race("FCM", n, inFlight, rounds, warmups(), results, firebaseAdmin(dir, n),
            heraldFcm(dir, n));
      }
      if (only.contains("webpush") || only.contains("webpush-sends")) {
        int n = Integer.getInteger("race.webpush.messages", 2_000);
        int webInFlight = Integer.getInteger("race.webpush.inFlight", 64);
        race("Web Push sends", n, webInFlight, rounds, webPushWarmups(), results,
            webpushJava(dir), heraldWebPush(dir));
      }
      if (only.contains("webpush") || only.contains("webpush-encryption")) {
        int n = Integer.getInteger("race.webpush.encryptions", 4_000);
        race("Web Push encryption, 2 threads", n, 64, rounds, webPushWarmups(), results,
            webpushJavaEncryption(), heraldEncryption());
      }
      print(results);
    } finally {
      servers.destroy();
      servers.waitFor(10, TimeUnit.SECONDS);
    }
    System.exit(0); // peers leave non-daemon threads behind
  }

  private static int warmups() {
    return Integer.getInteger("race.warmup", 2);
  }

  /**
   * Web Push rounds are short (2,000 messages) and both clients' paths are long (encryption,
   * HTTP/1.1, JSON): {@code race.webpush.warmup} gives them more warm-up rounds than the other
   * protocols when set; by default they get {@code race.warmup}.
   */
  private static int webPushWarmups() {
    return Integer.getInteger("race.webpush.warmup", warmups());
  }

  private static void race(String title, int messages, int inFlight, int rounds, int warmups,
      Map<String, List<Round>> results, Client peer, Client herald) throws Exception {
    try (peer; herald) {
      System.out.printf(Locale.ROOT, "%s: %d messages per round, %d in flight, %d warm-up rounds"
          + " each%n", title, messages, inFlight, warmups);
      // Warm-up: full rounds, alternating, until the JIT has compiled both clients' hot paths;
      // a short warm-up leaves compilation (which counts as process CPU) inside the first rounds.
      for (int w = 0; w < warmups; w++) {
        run(peer, messages, inFlight);
        run(herald, messages, inFlight);
      }
      List<Round> peerRounds = new ArrayList<>();
      List<Round> heraldRounds = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        peerRounds.add(report(run(peer, messages, inFlight)));
        heraldRounds.add(report(run(herald, messages, inFlight)));
      }
      results.put(title + " | " + peer.name(), peerRounds);
      results.put(title + " | " + herald.name(), heraldRounds);
    }
  }

  private static Round report(Round r) {
    System.out.printf(Locale.ROOT, "  %-22s %,10.0f /s  %7.1f µs CPU/msg  server %7.1f µs/msg"
        + " (its JIT %.1f)  %4d threads ran  p50 %.1f ms  (of the client's: JIT %.1f, GC %.1f,"
        + " busiest thread but the driver %.1f µs/msg; %,.0f bytes/msg allocated)%n",
        r.client(), r.perSecond(), r.cpuMicrosPerMessage(), r.serverCpuMicrosPerMessage(),
        r.serverJitMicrosPerMessage(), r.threadsRan(), r.p50Millis(), r.jitMicrosPerMessage(),
        r.gcMicrosPerMessage(), r.busiestThreadMicrosPerMessage(), r.allocatedBytesPerMessage());
    return r;
  }

  private static Round run(Client client, int messages, int inFlight) throws Exception {
    Semaphore permits = new Semaphore(inFlight);
    long[] latency = new long[messages];
    AtomicInteger refused = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(messages);
    System.gc();
    Map<Long, Long> threadCpu0 = threadCpu();
    long cpu0 = OS.getProcessCpuTime();
    long serverCpu0 = serverCpuNanos();
    long[] jvm0 = jitAndGcTicks("self");
    long[] serverJvm0 = jitAndGcTicks(serverTask());
    long allocated0 = allocatedBytes();
    long t0 = System.nanoTime();
    for (int i = 0; i < messages; i++) {
      permits.acquireUninterruptibly();
      long start = System.nanoTime();
      int index = i;
      client.send(i).whenComplete((accepted, error) -> {
        latency[index] = System.nanoTime() - start;
        if (error != null) {
          failure.compareAndSet(null, error);
        } else if (!accepted) {
          refused.incrementAndGet();
        }
        permits.release();
        done.countDown();
      });
    }
    if (!done.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(client.name() + ": answers missing after 10 minutes");
    }
    long wall = System.nanoTime() - t0;
    long cpu = OS.getProcessCpuTime() - cpu0;
    long serverCpu = serverCpuNanos() - serverCpu0;
    long[] jvm1 = jitAndGcTicks("self");
    long[] serverJvm1 = jitAndGcTicks(serverTask());
    long allocated = allocatedBytes() - allocated0;
    int threadsRan = 0;
    long busiest = 0;
    long driver = Thread.currentThread().getId();
    for (Map.Entry<Long, Long> t : threadCpu().entrySet()) {
      long used = t.getValue() - threadCpu0.getOrDefault(t.getKey(), 0L);
      if (used > 0) {
        threadsRan++;
      }
      if (t.getKey() != driver) {
        busiest = Math.max(busiest, used);
      }
    }
    if (failure.get() != null || refused.get() > 0) {
      throw new IllegalStateException(client.name() + ": " + refused.get() + " refused, failure "
          + failure.get(), failure.get());
    }
    Arrays.sort(latency);
    return new Round(client.name(), messages * 1e9 / wall, cpu / 1e3 / messages,
        serverCpu / 1e3 / messages, threadsRan, latency[messages / 2] / 1e6,
        (jvm1[0] - jvm0[0]) * TICK_MICROS / messages, (jvm1[1] - jvm0[1]) * TICK_MICROS / messages,
        (double) allocated / messages,
        (serverJvm1[0] - serverJvm0[0]) * TICK_MICROS / messages, busiest / 1e3 / messages);
  }

  /**
   * Bytes allocated so far by the live threads (HotSpot's per-thread counters): independent of
   * the machine's load, unlike CPU time. Threads that end during a round are not counted.
   */
  private static long allocatedBytes() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) THREADS;
    long total = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      total += Math.max(0, bytes);
    }
    return total;
  }

  /** Linux's clock tick, the unit of {@code /proc/<pid>/task/<tid>/stat}'s times: 10 ms. */
  private static final double TICK_MICROS = 10_000;

  /**
   * CPU ticks of this JVM's compiler threads and of its garbage collector's threads, from
   * {@code /proc/self/task}: a client's CPU per message includes both, and a round where the JIT
   * still compiles says so here. Zeros where there is no {@code /proc}.
   */
  private static long[] jitAndGcTicks(String process) {
    long[] ticks = new long[2];
    try (var tasks = Files.list(Path.of("/proc", process, "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          int kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? 0
              : name.startsWith("GC Thread") || name.startsWith("G1 ") ? 1 : -1;
          if (kind >= 0) {
            String stat = Files.readString(task.resolve("stat"));
            // Fields after the parenthesised name: state is the 3rd, utime the 14th, stime 15th.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            ticks[kind] += Long.parseLong(f[11]) + Long.parseLong(f[12]);
          }
        } catch (java.io.IOException | RuntimeException gone) {
          // The thread ended meanwhile.
        }
      }
    } catch (java.io.IOException noProc) {
      return ticks;
    }
    return ticks;
  }

  /** The servers' process id for {@code /proc}, or {@code self} when there is none. */
  private static String serverTask() {
    return serverProcess == null ? "self" : Long.toString(serverProcess.pid());
  }

  /**
   * The server process's CPU time (user + system, from {@code /proc/<pid>/stat} on Linux, in
   * clock ticks of 10 ms: about 0.5 µs per message over a round of 20,000), or 0 when the
   * platform does not tell.
   */
  private static long serverCpuNanos() {
    return serverProcess == null ? 0
        : serverProcess.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
  }

  /**
   * CPU time by live thread. A thread that used CPU during a round counts as one the client ran
   * on (the driver's main thread included, for every client alike); idle threads another client
   * left behind do not.
   */
  private static Map<Long, Long> threadCpu() {
    Map<Long, Long> cpu = new java.util.HashMap<>();
    for (long id : THREADS.getAllThreadIds()) {
      long t = THREADS.getThreadCpuTime(id);
      if (t >= 0) {
        cpu.put(id, t);
      }
    }
    return cpu;
  }

  private static void print(Map<String, List<Round>> results) {
    System.out.println();
    System.out.println("| protocol | client | messages/s | client CPU µs/msg"
        + " | of which JIT / GC | server CPU µs/msg | threads that ran | p50 latency ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (Map.Entry<String, List<Round>> e : results.entrySet()) {
      List<Round> rounds = new ArrayList<>(e.getValue());
      rounds.sort((a, b) -> Double.compare(a.perSecond(), b.perSecond()));
      Round median = rounds.get(rounds.size() / 2);
      String[] title = e.getKey().split(" \\| ");
      System.out.printf(Locale.ROOT, "| %s | %s | %,.0f | %.1f | %.0f / %.0f | %.1f | %d | %.1f |%n",
          title[0], title[1], median.perSecond(), median.cpuMicrosPerMessage(),
          median.jitMicrosPerMessage(), median.gcMicrosPerMessage(),
          median.serverCpuMicrosPerMessage(), median.threadsRan(), median.p50Millis());
    }
  }

  // ---- APNs

  private static final String TOPIC = "com.example.casino";

  private static String[] tokens(int n) {
    Random random = new Random(1);
    String[] tokens = new String[n];
    for (int i = 0; i < n; i++) {
      byte[] bytes = new byte[32];
      random.nextBytes(bytes);
      tokens[i] = HexFormat.of().formatHex(bytes);
    }
    return tokens;
  }

  private static String apnsPayloadJson() {
    Random random = new Random(2);
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < 1024; i++) {
      body.append((char) ('a' + random.nextInt(26)));
    }
    return ApnsPayload.builder().alertBody(body.toString()).build().json();
  }

  private static final MockApnsCredentials.SigningKey KEY =
      MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");

  private static Client heraldApns(Path dir, int n, int connections) throws Exception {
    int port = Integer.parseInt(Files.readString(dir.resolve("apns-port")).strip());
    ApnsProvider provider = ApnsProvider.builder()
        .signingKey(ApnsSigningKey.of(KEY.privateKey(), KEY.teamId(), KEY.keyId()))
        .endpoint("https://localhost:" + port)
        .trustedCertificate(dir.resolve("apns.pem"))
        .connections(connections)
        .build();
    String[] tokens = tokens(n);
    ApnsPayload payload = ApnsPayload.ofJson(apnsPayloadJson());
    Instant expiration = Instant.now().plus(1, ChronoUnit.DAYS);
    ApnsNotification[] notifications = new ApnsNotification[n];
    for (int i = 0; i < n; i++) {
      notifications[i] = ApnsNotification.builder(ApnsAddress.production(tokens[i], TOPIC))
          .pushType(ApnsPushType.ALERT).expiration(expiration).payload(payload).build();
    }
    return new Client() {
      @Override
      public String name() {
        return "Herald";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        return provider.send(notifications[i])
            .thenApply(r -> r.outcome() == SendResult.Outcome.ACCEPTED);
      }

      @Override
      public void close() {
        provider.close();
      }
    };
  }

  private static Client pushy(Path dir, int n, int connections) throws Exception {
    int port = Integer.parseInt(Files.readString(dir.resolve("apns-port")).strip());
    ApnsClient client = new ApnsClientBuilder()
        .setApnsServer("localhost", port)
        .setTrustedServerCertificateChain(dir.resolve("apns.pem").toFile())
        .setSigningKey(new com.eatthepath.pushy.apns.auth.ApnsSigningKey(
            KEY.keyId(), KEY.teamId(), KEY.privateKey()))
        .setConcurrentConnections(connections)
        .setUseAlpn(true)
        .build();
    String[] tokens = tokens(n);
    String payload = apnsPayloadJson();
    Instant expiration = Instant.now().plus(1, ChronoUnit.DAYS);
    SimpleApnsPushNotification[] notifications = new SimpleApnsPushNotification[n];
    for (int i = 0; i < n; i++) {
      notifications[i] = new SimpleApnsPushNotification(tokens[i], TOPIC, payload, expiration,
          DeliveryPriority.IMMEDIATE, PushType.ALERT);
    }
    return new Client() {
      @Override
      public String name() {
        return "Pushy 0.15.4";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        return client.sendNotification(notifications[i]).thenApply(r -> r.isAccepted());
      }

      @Override
      public void close() throws Exception {
        client.close().get(30, TimeUnit.SECONDS);
      }
    };
  }

  // ---- FCM

  private static Client heraldFcm(Path dir, int n) throws Exception {
    FcmProvider provider = FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(Files.readString(dir.resolve("fcm-account.json"))))
        .baseUrl(Files.readString(dir.resolve("fcm-url")).strip())
        .trustCertificate(dir.resolve("fcm.pem"))
        .maxConcurrentRequests(Integer.getInteger("race.fcm.herald.maxConcurrentRequests", 500))
        .build();
    Notification notification = FcmSendBenchmark.notification();
    Instant now = Instant.now();
    PushMessage[] messages = new PushMessage[n];
    for (int i = 0; i < n; i++) {
      messages[i] = PushMessage.of("d-" + i, new FcmAddress(FcmSendBenchmark.token(i)),
          notification, now);
    }
    return new Client() {
      @Override
      public String name() {
        return "Herald";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        return provider.send(messages[i]).thenApply(r -> r instanceof SendResult.Accepted);
      }

      @Override
      public void close() {
        provider.close();
      }
    };
  }

  private static Client firebaseAdmin(Path dir, int n) throws Exception {
    String baseUrl = Files.readString(dir.resolve("fcm-url")).strip();
    String account = Files.readString(dir.resolve("fcm-account.json"));
    HandshakeCertificates trust = new HandshakeCertificates.Builder()
        .addPlatformTrustedCertificates()
        .addTrustedCertificate(dev.herald.internal.Certificates.read(dir.resolve("fcm.pem"),
            "fcm.pem").get(0))
        .build();
    RedirectingTransport transport = new RedirectingTransport(trust.sslContext(), baseUrl);
    GoogleCredentials credentials = GoogleCredentials.fromStream(
        new ByteArrayInputStream(account.getBytes(StandardCharsets.UTF_8)), () -> transport);
    FirebaseApp app = FirebaseApp.initializeApp(FirebaseOptions.builder()
        .setCredentials(credentials)
        .setHttpTransport(transport)
        .setProjectId("herald-bench")
        .build(), "herald-race-" + UUID.randomUUID());
    FirebaseMessaging messaging = FirebaseMessaging.getInstance(app);
    Notification n0 = FcmSendBenchmark.notification();
    Message[] messages = new Message[n];
    for (int i = 0; i < n; i++) {
      messages[i] = Message.builder()
          .setToken(FcmSendBenchmark.token(i))
          .setNotification(com.google.firebase.messaging.Notification.builder()
              .setTitle(n0.title().orElseThrow()).setBody(n0.body().orElseThrow()).build())
          .putAllData(n0.data())
          .putData("herald_delivery_id", "d-" + i)
          .build();
    }
    return new Client() {
      @Override
      public String name() {
        return "firebase-admin 9.11.0";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        ApiFuture<String> sent = messaging.sendAsync(messages[i]);
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        sent.addListener(() -> {
          try {
            result.complete(sent.get() != null);
          } catch (Exception e) {
            result.completeExceptionally(e);
          }
        }, Runnable::run);
        return result;
      }

      @Override
      public void close() {
        app.delete();
      }
    };
  }

  // ---- Web Push

  private static final String SUBJECT = "mailto:bench@casino.example";
  private static final VapidKeys VAPID = VapidKeys.generate();

  private static MockSubscription subscriptionKeys() {
    try (MockWebPushService unused = MockWebPushService.start()) {
      return unused.newSubscription(); // any valid keys: nobody decrypts
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static Client heraldWebPush(Path dir) throws Exception {
    String endpoint = Files.readString(dir.resolve("webpush-endpoint")).strip();
    MockSubscription keys = subscriptionKeys();
    WebPushProvider provider = WebPushProvider.builder().vapid(VAPID, SUBJECT)
        .allowHost("localhost").build();
    PushMessage message = PushMessage.of("bench",
        WebPushAddress.allowingHttp(endpoint, keys.p256dh(), keys.auth()),
        WebPushPeerBenchmark.notification(),
        Instant.now());
    return new Client() {
      @Override
      public String name() {
        return "Herald";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        return provider.send(message).thenApply(r -> r.outcome() == SendResult.Outcome.ACCEPTED);
      }

      @Override
      public void close() {
        provider.close();
      }
    };
  }

  /** Encryption alone, on two threads: each "send" encrypts one message on the pool. */
  private static Client encryptionClient(String name, java.util.concurrent.Callable<?> encrypt) {
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    return new Client() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public CompletableFuture<Boolean> send(int i) {
        return CompletableFuture.supplyAsync(() -> {
          try {
            return encrypt.call() != null;
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool);
      }

      @Override
      public void close() {
        pool.shutdown();
      }
    };
  }

  private static Client heraldEncryption() {
    MockSubscription keys = subscriptionKeys();
    byte[] p256dh = java.util.Base64.getUrlDecoder().decode(keys.p256dh());
    byte[] auth = java.util.Base64.getUrlDecoder().decode(keys.auth());
    byte[] payload = encryptionPayload(keys);
    dev.herald.webpush.internal.WebPushEncryption encryption =
        dev.herald.webpush.internal.WebPushEncryption.withDefaultEngine();
    return encryptionClient("Herald", () -> encryption.encrypt(payload, 0, p256dh, auth));
  }

  private static Client webpushJavaEncryption() throws Exception {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider()); // webpush-java requires it
    }
    MockSubscription keys = subscriptionKeys();
    org.bouncycastle.jce.interfaces.ECPublicKey p256dh =
        (org.bouncycastle.jce.interfaces.ECPublicKey) nl.martijndwars.webpush.Utils.loadPublicKey(
            keys.p256dh());
    byte[] auth = java.util.Base64.getUrlDecoder().decode(keys.auth());
    byte[] payload = encryptionPayload(keys);
    return encryptionClient("webpush-java 5.1.2", () -> nl.martijndwars.webpush.AbstractPushService
        .encrypt(payload, p256dh, auth, nl.martijndwars.webpush.Encoding.AES128GCM));
  }

  private static byte[] encryptionPayload(MockSubscription keys) {
    return dev.herald.webpush.internal.PayloadJson.of(PushMessage.of("bench",
        WebPushAddress.allowingHttp("http://localhost/push", keys.p256dh(), keys.auth()),
        WebPushPeerBenchmark.notification(), Instant.now()), null);
  }

  private static Client webpushJava(Path dir) throws Exception {
    if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
      Security.addProvider(new BouncyCastleProvider()); // webpush-java requires it
    }
    String endpoint = Files.readString(dir.resolve("webpush-endpoint")).strip();
    MockSubscription keys = subscriptionKeys();
    byte[] payload = dev.herald.webpush.internal.PayloadJson.of(PushMessage.of("bench",
        WebPushAddress.allowingHttp(endpoint, keys.p256dh(), keys.auth()),
        WebPushPeerBenchmark.notification(),
        Instant.now()), null);
    nl.martijndwars.webpush.Notification notification = nl.martijndwars.webpush.Notification
        .builder().endpoint(endpoint).userPublicKey(keys.p256dh()).userAuth(keys.auth())
        .payload(payload).ttl(3600).build();
    nl.martijndwars.webpush.PushAsyncService service = new nl.martijndwars.webpush.PushAsyncService(
        VAPID.publicKeyBase64Url(), VAPID.exportPrivateKeyBase64Url(), SUBJECT);
    // Its send method declares AsyncHttpClient types kept in Maven's runtime scope.
    Method send = nl.martijndwars.webpush.PushAsyncService.class.getMethod("send",
        nl.martijndwars.webpush.Notification.class, nl.martijndwars.webpush.Encoding.class);
    return new Client() {
      @Override
      public String name() {
        return "webpush-java 5.1.2";
      }

      @Override
      public CompletableFuture<Boolean> send(int i) throws Exception {
        CompletableFuture<?> sent = (CompletableFuture<?>) send.invoke(service, notification,
            nl.martijndwars.webpush.Encoding.AES128GCM);
        return sent.thenApply(response -> {
          try {
            int status = (int) response.getClass().getMethod("getStatusCode").invoke(response);
            return status == 201;
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        });
      }

      @Override
      public void close() throws Exception {
        WebPushPeerBenchmark.closeAsyncHttpClient(service);
      }
    };
  }
}
