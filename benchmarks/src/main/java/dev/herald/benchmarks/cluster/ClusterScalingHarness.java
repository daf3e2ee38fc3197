package dev.herald.benchmarks.cluster;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.Herald;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.JdbcAudienceChunks;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcLeases;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.jdbc.JdbcTriggerStore;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * One campaign sent by 1 node, then by 3 nodes (separate JVMs) sharing its audience through
 * {@link JdbcAudienceChunks}, on one embedded PostgreSQL, with a latency-bound mock FCM provider
 * that answers every call after 20 ms. It prints the time from the campaign's start to its
 * completion for each, and the speed-up. Not JMH and not a test: a harness, run by hand.
 *
 * <pre>
 * mvn -q -pl benchmarks -am -DskipTests package
 * java -Xmx512m -cp benchmarks/target/benchmarks.jar \
 *     dev.herald.benchmarks.cluster.ClusterScalingHarness 6000 10 200
 * </pre>
 * Arguments: devices, each node's in-flight limit (the provider's latency over it bounds a
 * node's rate: 10 in flight at 20 ms is at most 500 sends/s), players per chunk. Each node is a
 * JVM with {@code -Xmx256m} and a pool of 8 connections.
 */
public final class ClusterScalingHarness {
  private static final String SCHEMA = "scaling";

  private ClusterScalingHarness() {}

  /**
   * Runs the comparison, or (first argument {@code node}) one node.
   *
   * @param args see the class comment
   * @throws Exception when a node or the database fails
   */
  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("node")) {
      node(args);
      return;
    }
    int devices = args.length > 0 ? Integer.parseInt(args[0]) : 6_000;
    int inFlight = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int perChunk = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(postgres.getPostgresDatabase());
      config.setMaximumPoolSize(8);
      try (HikariDataSource pool = new HikariDataSource(config)) {
        HeraldSchema.migrate(pool, SCHEMA);
        subscribe(pool, devices);
        String url = postgres.getJdbcUrl("postgres", "postgres");
        double one = run(pool, url, "scale-1", 1, devices, inFlight, perChunk);
        double three = run(pool, url, "scale-3", 3, devices, inFlight, perChunk);
        System.out.printf(Locale.ROOT, "%d devices, in-flight %d per node, %d players per chunk:"
            + " 1 node %.1f s (%.0f/s), 3 nodes %.1f s (%.0f/s): speed-up %.2f x%n", devices,
            inFlight, perChunk, one, devices / one, three, devices / three, one / three);
      }
    }
  }

  private static String player(int i) {
    return String.format(Locale.ROOT, "p%07d", i);
  }

  private static void subscribe(DataSource db, int devices) throws Exception {
    try (Herald herald = Herald.builder()
        .subscriptionStore(new JdbcSubscriptionStore(db, SCHEMA)).build()) {
      ExecutorService threads = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          done.add(threads.submit(() -> {
            for (int i = first; i < devices; i += 4) {
              herald.subscriptions().updatePreferences(player(i), true, Set.of());
              herald.subscriptions().permissionGranted(player(i), "android",
                  new FcmAddress(player(i) + "-token"));
            }
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        threads.shutdownNow();
      }
    }
  }

  /** @return seconds from the campaign's start to its completion */
  private static double run(DataSource db, String url, String campaign, int nodes, int devices,
      int inFlight, int perChunk) throws Exception {
    List<Process> processes = new ArrayList<>();
    try {
      for (int i = 0; i < nodes; i++) {
        ProcessBuilder pb = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
            "-cp", System.getProperty("java.class.path"), ClusterScalingHarness.class.getName(),
            "node", url, campaign + "-node-" + i, String.valueOf(devices),
            String.valueOf(inFlight), String.valueOf(perChunk));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process p = pb.start();
        processes.add(p);
        await(p, "READY");
      }
      // A warm-up campaign to a tenth of the devices first: the JIT compiles every node's send
      // path (on a loaded machine, three JVMs compiling at once would otherwise be measured)
      List<String> warmUpAudience = new ArrayList<>();
      for (int i = 0; i < devices / 10; i++) {
        warmUpAudience.add(player(i));
      }
      sendAndWait(db, processes, campaign + "-warm-up", Audience.players(warmUpAudience));
      long t0 = System.nanoTime();
      sendAndWait(db, processes, campaign, Audience.everyone());
      double seconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(Locale.ROOT, "%d node(s): %.1f s; chunks sent last by %s%n", nodes,
          seconds, chunkOwners(db, campaign));
      return seconds;
    } finally {
      processes.forEach(Process::destroy);
      for (Process p : processes) {
        p.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Creates a campaign due now and waits until the nodes (watching) have completed it. */
  private static void sendAndWait(DataSource db, List<Process> processes, String campaign,
      Audience audience) throws InterruptedException, java.io.IOException {
    MutableClock clock = MutableClock.at(Instant.now());
    try (Herald herald = Herald.builder()
        .clock(clock)
        .scheduler(new ManualScheduler(clock)) // never advanced: the nodes run the campaign
        .subscriptionStore(new JdbcSubscriptionStore(db, SCHEMA))
        .deliveryStore(new JdbcDeliveryStore(db, SCHEMA))
        .campaignStore(new JdbcCampaignStore(db, SCHEMA)).build()) {
      herald.campaigns().create(Campaign.builder(campaign, "Scaling")
          .audience(audience)
          .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
              .title("Free spins").build()))
          .build());
      herald.campaigns().schedule(campaign); // due now: a node's recover() runs it
    }
    for (Process p : processes) {
      Writer in = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
      in.write("recover\n");
      in.flush();
    }
    JdbcCampaignStore campaigns = new JdbcCampaignStore(db, SCHEMA);
    while (campaigns.find(campaign).orElseThrow().state() != CampaignState.COMPLETED) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a node died");
        }
      }
      Thread.sleep(20);
    }
  }

  /** How many of the campaign's chunks each node held last (from their leases). */
  private static Map<String, Integer> chunkOwners(DataSource db, String campaign)
      throws SQLException {
    Map<String, Integer> owners = new TreeMap<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT owner, count(*) FROM " + SCHEMA + ".herald_lease WHERE name LIKE ?"
            + " GROUP BY owner")) {
      ps.setString(1, AudienceChunk.leaseName(campaign, "", 0).replace("#chunk-0", "#chunk-%"));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          owners.put(rs.getString(1), rs.getInt(2));
        }
      }
    }
    return owners;
  }

  private static void await(Process p, String line) throws Exception {
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
        StandardCharsets.UTF_8));
    String l;
    while ((l = out.readLine()) != null) {
      if (l.equals(line)) {
        return;
      }
    }
    throw new IllegalStateException("node ended before " + line);
  }

  /** One node: JDBC stores, leases and chunks; obeys {@code recover} on standard input. */
  private static void node(String[] args) throws Exception {
    String url = args[1];
    String nodeId = args[2];
    int devices = Integer.parseInt(args[3]);
    int inFlight = Integer.parseInt(args[4]);
    int perChunk = Integer.parseInt(args[5]);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    for (int i = 0; i < devices; i++) {
      directory.put(PlayerProfile.builder(player(i)).build());
    }
    try (HikariDataSource db = new HikariDataSource(config);
        Herald herald = Herald.builder()
            .nodeId(nodeId)
            .leases(new JdbcLeases(db, SCHEMA))
            .leaseTimes(Duration.ofMillis(500), Duration.ofSeconds(5))
            .audienceChunks(new JdbcAudienceChunks(db, SCHEMA), perChunk)
            .subscriptionStore(new JdbcSubscriptionStore(db, SCHEMA))
            .deliveryStore(new JdbcDeliveryStore(db, SCHEMA))
            .campaignStore(new JdbcCampaignStore(db, SCHEMA))
            .triggerStore(new JdbcTriggerStore(db, SCHEMA))
            .playerDirectory(directory)
            .provider(new LatencyBoundFcm())
            .dispatchSettings(DispatchSettings.builder()
                .maxSendsInFlightPerProvider(inFlight).build())
            .build()) {
      System.out.println("READY");
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
          StandardCharsets.UTF_8));
      String line;
      while ((line = in.readLine()) != null) {
        if (line.equals("recover")) {
          herald.recover();
        }
      }
    }
  }

  /** Accepts every call 20 ms after it was made, as a push service across a network would. */
  private static final class LatencyBoundFcm implements PushProvider {
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(2, r -> {
      Thread t = new Thread(r, "mock-fcm");
      t.setDaemon(true);
      return t;
    });
    private final AtomicLong ids = new AtomicLong();

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      CompletableFuture<SendResult> answer = new CompletableFuture<>();
      String id = "m" + ids.incrementAndGet();
      answers.schedule(() -> answer.complete(SendResult.accepted(id, 200)), 20,
          TimeUnit.MILLISECONDS);
      return answer;
    }

    @Override
    public void close() {
      answers.shutdown();
    }
  }
}
