package dev.herald.benchmarks.race;

import dev.herald.benchmarks.webpush.WebPushPeerBenchmark;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the CPU of a Web Push send goes, thread by thread: Herald's sends alone, driven as
 * {@link PeerRace} drives them (2,000 messages a round, 64 in flight, the same answering HTTP/1.1
 * server in a child process), for many rounds, printing per round the CPU per message of each
 * group of threads (the sending thread, which encrypts; OkHttp's dispatcher, connection pool and
 * watchdog threads; the JIT compilers; the garbage collector) from Linux's
 * {@code /proc/self/task/*}{@code /schedstat}. CPU time does not depend on how loaded the machine
 * is, so the breakdown holds on a shared machine; the last rounds show the steady state, the first
 * ones what the JIT compilers add while they work.
 *
 * <pre>
 * java -Drounds=20 -cp benchmarks/target/benchmarks.jar dev.herald.benchmarks.race.WebPushSendCpu
 * </pre>
 */
public final class WebPushSendCpu {
  private WebPushSendCpu() {}

  /**
   * Runs the rounds.
   *
   * @param args unused; {@code -Drounds=N} (20) and {@code -Dmessages=N} (2000)
   * @throws Exception when the server does not start or a send fails
   */
  public static void main(String[] args) throws Exception {
    int rounds = Integer.getInteger("rounds", 20);
    int messages = Integer.getInteger("messages", 2_000);
    int inFlight = 64;
    Path dir = Files.createTempDirectory("herald-send-cpu");
    Process servers = RaceServers.startInChildProcess(dir, false, "");
    try {
      String endpoint = Files.readString(dir.resolve("webpush-endpoint")).strip();
      MockSubscription keys;
      try (MockWebPushService mock = MockWebPushService.start()) {
        keys = mock.newSubscription(); // any valid keys: nobody decrypts
      }
      com.sun.management.ThreadMXBean threads =
          (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      try (WebPushProvider provider = WebPushProvider.builder()
          .vapid(VapidKeys.generate(), "mailto:bench@casino.example")
          .allowHost("localhost").build()) {
        PushMessage message = PushMessage.of("bench",
            WebPushAddress.allowingHttp(endpoint, keys.p256dh(), keys.auth()),
            WebPushPeerBenchmark.notification(), Instant.now());
        for (int r = 0; r < rounds; r++) {
          System.gc();
          Map<String, Long> cpu0 = cpuByThread();
          long process0 = os.getProcessCpuTime();
          long allocated0 = allocated(threads);
          Semaphore permits = new Semaphore(inFlight);
          CountDownLatch done = new CountDownLatch(messages);
          AtomicInteger notAccepted = new AtomicInteger();
          long start = System.nanoTime();
          for (int i = 0; i < messages; i++) {
            permits.acquireUninterruptibly();
            provider.send(message).whenComplete((result, error) -> {
              if (error != null || result.outcome() != SendResult.Outcome.ACCEPTED) {
                notAccepted.incrementAndGet();
              }
              permits.release();
              done.countDown();
            });
          }
          done.await();
          long wall = System.nanoTime() - start;
          if (notAccepted.get() > 0) {
            throw new IllegalStateException(notAccepted.get() + " sends not accepted");
          }
          Map<String, Long> byGroup = new TreeMap<>();
          cpuByThread().forEach((thread, nanos) -> byGroup.merge(group(thread),
              nanos - cpu0.getOrDefault(thread, 0L), Long::sum));
          StringBuilder line = new StringBuilder();
          byGroup.forEach((group, nanos) -> {
            if (nanos / 1_000 / messages > 0) {
              line.append(String.format(Locale.ROOT, "  %s %d", group, nanos / 1_000 / messages));
            }
          });
          System.out.printf(Locale.ROOT, "round %2d %,6.0f /s %5.0f µs CPU/msg %,7d B/msg |%s%n",
              r, messages * 1e9 / wall, (os.getProcessCpuTime() - process0) / 1e3 / messages,
              (allocated(threads) - allocated0) / messages, line);
        }
      }
    } finally {
      servers.destroy();
    }
  }

  private static long allocated(com.sun.management.ThreadMXBean threads) {
    long sum = 0;
    for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) {
      sum += Math.max(0, bytes);
    }
    return sum;
  }

  /** CPU nanoseconds by "tid name" of every live thread of this process. */
  private static Map<String, Long> cpuByThread() throws IOException {
    Map<String, Long> cpu = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String name = Files.readString(task.resolve("comm")).strip();
          long nanos = Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
          cpu.put(task.getFileName() + " " + name, nanos);
        } catch (IOException | RuntimeException ended) {
          // the thread ended while being read
        }
      }
    }
    return cpu;
  }

  private static String group(String thread) {
    String name = thread.substring(thread.indexOf(' ') + 1);
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return "jit";
    }
    if (name.startsWith("GC ") || name.startsWith("G1 ")) {
      return "gc";
    }
    if (name.equals("java") || name.equals("main")) {
      return "sender(encrypts)";
    }
    if (name.startsWith("OkHttp Dispatch") || name.startsWith("OkHttp http")) {
      return "okhttp-calls";
    }
    if (name.startsWith("OkHttp Connecti")) {
      return "okhttp-pool";
    }
    if (name.startsWith("Okio Watchdog")) {
      return "okio-watchdog";
    }
    return "other";
  }
}
