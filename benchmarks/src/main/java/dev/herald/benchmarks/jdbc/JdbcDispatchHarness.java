package dev.herald.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryStats;
import dev.herald.campaign.Campaign;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.ImportedPlayer;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A whole campaign on herald-jdbc over a real (embedded) PostgreSQL on the same machine, through
 * Herald's public API and every gate: device status, marketing consent, the responsible-gambling
 * compliance guard (Herald's default, reading each profile), a frequency cap, quiet hours (in each
 * player's zone; none of them is in quiet hours at the clock's time), a 5 % control group, and a
 * personalised Mustache template. The provider accepts every message at once, so the figure is
 * Herald's and the database's cost.
 *
 * <p>Players' devices (one Android device each), address ownerships and preferences are loaded
 * with {@link JdbcSubscriptionStore#importAll}; the player directory (the host's, not Herald's storage) computes profiles
 * from the id. Two ways, each in its own schema: the JDBC stores as they are (the batch SPI), and
 * the same stores with their batch methods hidden ({@link OneRowAtATime}), as a store written
 * against the one-row SPI is driven.
 *
 * <pre>
 * mvn -q -pl benchmarks -am -DskipTests package
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar \
 *     dev.herald.benchmarks.jdbc.JdbcDispatchHarness 1000000 20000
 * </pre>
 * Arguments: players through the batch SPI, players through the one-row path (0 skips either).
 * PostgreSQL runs with {@code synchronous_commit=on}; the pool holds at most 10 connections.
 */
public final class JdbcDispatchHarness {
  private static final Instant START = Instant.parse("2026-11-22T12:00:00Z");
  private static final List<ZoneId> ZONES = List.of(ZoneId.of("Europe/Berlin"),
      ZoneId.of("Europe/London"), ZoneId.of("Europe/Lisbon"), ZoneId.of("Africa/Lagos"));

  private JdbcDispatchHarness() {}

  /**
   * Runs the campaign both ways and prints a row for each.
   *
   * @param args players (batch), players (one row); 0 skips that way
   * @throws Exception when the database fails
   */
  public static void main(String[] args) throws Exception {
    int batched = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int naive = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("shared_preload_libraries", "pg_stat_statements")
        .setServerConfig("pg_stat_statements.track", "all")
        .start()) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(postgres.getPostgresDatabase());
      config.setMaximumPoolSize(10);
      try (HikariDataSource pool = new HikariDataSource(config)) {
        StatementCounter counter = new StatementCounter(pool);
        System.out.printf(Locale.ROOT, "%-8s %9s %11s %8s %13s %11s %10s %10s %6s %11s%n",
            "path", "players", "deliveries", "seconds", "deliveries/s", "stmts/deliv",
            "tx/deliv", "heap MB", "conns", "load 1m");
        if (batched > 0) {
          run("batch", "bench_batch", batched, false, pool, counter);
        }
        if (naive > 0) {
          run("one-row", "bench_one_row", naive, true, pool, counter);
        }
      }
    }
  }

  private static void run(String name, String schema, int players, boolean oneRow,
      HikariDataSource pool, StatementCounter counter) throws Exception {
    HeraldSchema.migrate(pool, schema);
    long loadStart = System.nanoTime();
    load(pool, schema, players);
    System.out.printf(Locale.ROOT, "# %s: loaded %,d players with importAll in %.1f s%n", name,
        players, (System.nanoTime() - loadStart) / 1e9);
    SubscriptionStore subscriptions = new JdbcSubscriptionStore(counter, schema);
    DeliveryStore deliveries = new JdbcDeliveryStore(counter, schema);
    if (oneRow) {
      subscriptions = OneRowAtATime.subscriptions(subscriptions);
      deliveries = OneRowAtATime.deliveries(deliveries);
    }
    CompletableFuture<DispatchReport> finished = new CompletableFuture<>();
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), START));
    AtomicLong sends = new AtomicLong();
    try (Herald herald = Herald.builder()
        .clock(clock)
        .subscriptionStore(subscriptions)
        .deliveryStore(deliveries)
        .campaignStore(new JdbcCampaignStore(counter, schema))
        .playerDirectory(new Directory(players))
        .provider(new AcceptingProvider(sends))
        .listener(new HeraldListener() {
          @Override
          public void dispatchFinished(DispatchReport report) {
            finished.complete(report);
          }
        })
        .build()) {
      String id = "weekend-" + name;
      herald.campaigns().create(Campaign.builder(id, "Weekend spins")
          .audience(Audience.everyone())
          .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
              .title("{{first_name}}, your weekend spins are here")
              .body("50 free spins on Book of Ra until Sunday, {{first_name}}.")
              .build()))
          .controlShare(0.05)
          .policy(DeliveryPolicy.builder()
              .cap(FrequencyCap.marketing(3, CapWindow.localDays(1)))
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0)))
              .build())
          .build());
      double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      long commitsBefore = StatementCounter.commits(pool);
      CpuTime cpu = new CpuTime(pool);
      double jvmCpuBefore = cpu.jvmSeconds();
      java.util.Map<String, Double> jvmThreadsBefore = CpuTime.jvmThreads();
      double pgCpuBefore = cpu.postgresSeconds();
      counter.executions.set(0);
      counter.bySql.clear();
      ServerTime serverTime = new ServerTime(pool);
      serverTime.reset();
      Sampler sampler = new Sampler(pool);
      sampler.start();
      jdk.jfr.Recording profile = profile();
      long start = System.nanoTime();
      herald.campaigns().schedule(id);
      DispatchReport report = finished.get(4, TimeUnit.HOURS);
      double seconds = (System.nanoTime() - start) / 1e9;
      sampler.interrupt();
      sampler.join();
      if (profile != null) {
        profile.stop();
        profile.close();
      }
      double jvmCpu = cpu.jvmSeconds() - jvmCpuBefore;
      java.util.Map<String, Double> jvmThreads = CpuTime.jvmThreads();
      jvmThreads.replaceAll((kind, used) -> used - jvmThreadsBefore.getOrDefault(kind, 0.0));
      double pgCpu = cpu.postgresSeconds() - pgCpuBefore;
      long statements = counter.executions.get();
      long transactions = StatementCounter.commits(pool) - commitsBefore - 1; // minus its own
      double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
      DeliveryStats stats = report.stats();
      if (report.status() != DispatchReport.Status.COMPLETED || stats.delivered() != sends.get()
          || stats.audience() != players) {
        throw new IllegalStateException("the campaign did not run as expected: " + report
            + ", provider calls " + sends.get());
      }
      long delivered = stats.delivered();
      System.out.printf(Locale.ROOT,
          "%-8s %,9d %,11d %8.1f %,13.0f %11.3f %10.4f %10.0f %6d %5.1f-%4.1f%n", name, players,
          delivered, seconds, delivered / seconds, statements / (double) delivered,
          transactions / (double) delivered, sampler.maxHeap.get() / 1e6,
          sampler.maxConnections.get(), loadBefore, loadAfter);
      System.out.printf(Locale.ROOT, "# %s: CPU %.1f s in the JVM + %.1f s in PostgreSQL = %.0f µs"
          + " per delivery: %,.0f deliveries per CPU-second (2 cores to itself: about %,.0f/s)%n",
          name, jvmCpu, pgCpu, (jvmCpu + pgCpu) * 1e6 / delivered,
          delivered / (jvmCpu + pgCpu), 2 * delivered / (jvmCpu + pgCpu));
      System.out.printf(Locale.ROOT, "# %s: JVM CPU by thread kind (µs per delivery): %s%n", name,
          jvmThreads.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.0f",
              e.getKey(), e.getValue() * 1e6 / delivered)).toList());
      System.out.printf(Locale.ROOT, "# %s: suppressed %,d (%s)%n", name, stats.suppressed(),
          stats.suppressedByReason());
      counter.bySql.entrySet().stream()
          .sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
          .forEach(e -> System.out.printf(Locale.ROOT, "#   %,9d  %s%n", e.getValue().sum(),
              e.getKey().replace('\n', ' ')));
      serverTime.print(name, schema, delivered);
    }
  }

  /**
   * With {@code -Dharness.jfr=FILE}, a Java Flight Recording of the campaign alone (the load
   * left out), sampling every thread's stack every millisecond.
   */
  private static jdk.jfr.Recording profile() throws java.io.IOException {
    String file = System.getProperty("harness.jfr");
    if (file == null) {
      return null;
    }
    jdk.jfr.Recording recording = new jdk.jfr.Recording();
    recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
    recording.enable("jdk.NativeMethodSample").withPeriod(Duration.ofMillis(1)).withStackTrace();
    recording.setDestination(java.nio.file.Path.of(file));
    recording.start();
    return recording;
  }

  /** One Android device, its address ownership and marketing consent per player. */
  private static void load(HikariDataSource pool, String schema, int players) throws Exception {
    Instant at = Instant.parse("2026-11-01T10:00:00Z");
    new JdbcSubscriptionStore(pool, schema).importAll(IntStream.range(0, players).mapToObj(i -> {
      String player = playerId(i);
      FcmAddress token = new FcmAddress("tok-" + player);
      Device android = Device.builder().playerId(player).deviceId("android")
          .platform(Platform.FCM).status(PushStatus.ALLOWED).address(token).addressEpoch(1)
          .addressSince(at).createdAt(at).version(1).build();
      return new ImportedPlayer(player, List.of(android), List.of(),
          List.of(new AddressOwner(token.key(), player, "android", 1)),
          Optional.of(new PushPreferences(player, true, Set.of(), at)));
    }));
    try (Connection c = pool.getConnection(); var st = c.createStatement()) {
      st.execute("ANALYZE " + schema + ".herald_device");
      st.execute("ANALYZE " + schema + ".herald_address_owner");
      st.execute("ANALYZE " + schema + ".herald_preferences");
    }
  }

  /** {@code p} and seven digits: cheap, as a host's own player ids are to it (no Formatter). */
  private static String playerId(int i) {
    String digits = Integer.toString(i);
    return "p" + "0000000".substring(Math.min(7, digits.length())) + digits;
  }

  /**
   * The host's player directory, computed from the id (a real host reads its own player table):
   * a time zone, a locale and a first name for the template.
   */
  private static final class Directory implements PlayerDirectory {
    private final int players;

    Directory(int players) {
      this.players = players;
    }

    @Override
    public Optional<PlayerProfile> find(String playerId) {
      int i = Integer.parseInt(playerId.substring(1));
      return i < players ? Optional.of(profile(i)) : Optional.empty();
    }

    @Override
    public Stream<PlayerProfile> all() {
      return IntStream.range(0, players).mapToObj(Directory::profile);
    }

    private static PlayerProfile profile(int i) {
      return PlayerProfile.builder(playerId(i))
          .timeZone(ZONES.get(i % ZONES.size()))
          .locale(Locale.GERMANY)
          .attribute("first_name", "Player" + i)
          .build();
    }
  }

  /** Accepts every message at once. */
  private static final class AcceptingProvider implements PushProvider {
    private final AtomicLong sends;

    AcceptingProvider(AtomicLong sends) {
      this.sends = sends;
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      sends.incrementAndGet();
      return CompletableFuture.completedFuture(SendResult.accepted("m", 200));
    }

    @Override
    public void close() {}
  }

  /**
   * CPU time used so far by this JVM and by the embedded PostgreSQL (its postmaster and every
   * process it started, running or ended, from /proc): a figure the other loads of a shared
   * machine inflate far less than the wall clock.
   */
  private static final class CpuTime {
    private final long postmaster;
    private final long ticksPerSecond = 100; // USER_HZ on Linux

    CpuTime(HikariDataSource pool) throws Exception {
      try (Connection c = pool.getConnection(); var st = c.createStatement();
          var rs = st.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        postmaster = parentOf(rs.getLong(1));
      }
    }

    double jvmSeconds() {
      return ((com.sun.management.OperatingSystemMXBean)
          ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    double postgresSeconds() throws Exception {
      long ticks = 0;
      try (var procs = java.nio.file.Files.list(java.nio.file.Path.of("/proc"))) {
        for (var dir : (Iterable<java.nio.file.Path>) procs::iterator) {
          String pid = dir.getFileName().toString();
          if (!pid.chars().allMatch(Character::isDigit)) {
            continue;
          }
          String[] stat = stat(dir);
          if (stat == null) {
            continue;
          }
          if (Long.parseLong(pid) == postmaster) {
            // its own, and that of its children that ended (autovacuum workers, closed backends)
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) // utime, stime
                + Long.parseLong(stat[13]) + Long.parseLong(stat[14]); // cutime, cstime
          } else if (Long.parseLong(stat[1]) == postmaster) {
            ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]);
          }
        }
      }
      return ticks / (double) ticksPerSecond;
    }

    /**
     * CPU seconds of this JVM's live threads by kind, from /proc/self/task: the JIT compilers and
     * the garbage collector apart from the rest (Herald, the driver, the pool), as the first two
     * are a start-up cost and a heap-size choice more than a cost per delivery.
     */
    static java.util.Map<String, Double> jvmThreads() throws Exception {
      java.util.Map<String, Double> byKind = new java.util.TreeMap<>();
      try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/task"))) {
        for (var dir : (Iterable<java.nio.file.Path>) tasks::iterator) {
          String[] stat = stat(dir);
          String comm;
          try {
            comm = java.nio.file.Files.readString(dir.resolve("comm")).trim();
          } catch (java.io.IOException gone) {
            continue;
          }
          if (stat == null) {
            continue;
          }
          String kind = comm.contains("CompilerThre") ? "jit"
              : comm.startsWith("GC Thread") || comm.startsWith("G1 ") ? "gc" : "other";
          byKind.merge(kind, (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) / 100.0,
              Double::sum);
        }
      }
      return byKind;
    }

    private static long parentOf(long pid) throws Exception {
      return Long.parseLong(stat(java.nio.file.Path.of("/proc", Long.toString(pid)))[1]);
    }

    /** The fields of /proc/PID/stat after the command name: state, ppid, …, utime at 11. */
    private static String[] stat(java.nio.file.Path dir) {
      try {
        String line = java.nio.file.Files.readString(dir.resolve("stat"));
        return line.substring(line.lastIndexOf(')') + 2).split(" ");
      } catch (java.io.IOException | RuntimeException gone) {
        return null;
      }
    }
  }

  /**
   * Where PostgreSQL spends its time, from {@code pg_stat_statements} (loaded by the harness's
   * server): execution time per statement (planning, parsing and the protocol are not in it, so
   * it sums to less than the processes' CPU time).
   */
  private static final class ServerTime {
    private final HikariDataSource pool;

    ServerTime(HikariDataSource pool) throws Exception {
      this.pool = pool;
      try (Connection c = pool.getConnection(); var st = c.createStatement()) {
        st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA public");
      }
    }

    void reset() throws Exception {
      try (Connection c = pool.getConnection(); var st = c.createStatement()) {
        st.execute("SELECT public.pg_stat_statements_reset()");
      }
    }

    void print(String name, String schema, long delivered) throws Exception {
      try (Connection c = pool.getConnection(); var st = c.createStatement();
          var rs = st.executeQuery("SELECT calls, rows, total_exec_time, wal_bytes, query"
              + " FROM public.pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12")) {
        System.out.printf(Locale.ROOT, "# %s: PostgreSQL execution time by statement"
            + " (µs per delivery, calls, rows, WAL bytes per delivery):%n", name);
        while (rs.next()) {
          String query = rs.getString(5).replaceAll("\\s+", " ");
          System.out.printf(Locale.ROOT, "#   %7.1f µs %,8d calls %,10d rows %7.0f B  %s%n",
              rs.getDouble(3) * 1000 / delivered, rs.getLong(1), rs.getLong(2),
              rs.getDouble(4) / delivered, query.substring(0, Math.min(query.length(), 90)));
        }
      }
      try (Connection c = pool.getConnection(); var st = c.createStatement();
          var rs = st.executeQuery("SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd"
              + " FROM pg_stat_user_tables WHERE schemaname = '" + schema + "'"
              + " AND relname IN ('herald_delivery', 'herald_delivery_event') ORDER BY relname")) {
        while (rs.next()) {
          System.out.printf(Locale.ROOT, "# %s: %s: %,d rows inserted, %,d updated, %,d of them"
              + " heap-only (HOT)%n", name, rs.getString(1), rs.getLong(2), rs.getLong(3),
              rs.getLong(4));
        }
      }
    }
  }

  /** Samples the heap in use and the pool's open connections every 20 ms. */
  private static final class Sampler extends Thread {
    final AtomicLong maxHeap = new AtomicLong();
    final AtomicInteger maxConnections = new AtomicInteger();
    private final HikariDataSource pool;

    Sampler(HikariDataSource pool) {
      super("sampler");
      setDaemon(true);
      this.pool = pool;
    }

    @Override
    public void run() {
      Runtime rt = Runtime.getRuntime();
      while (!isInterrupted()) {
        maxHeap.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
        maxConnections.accumulateAndGet(pool.getHikariPoolMXBean().getTotalConnections(),
            Math::max);
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
