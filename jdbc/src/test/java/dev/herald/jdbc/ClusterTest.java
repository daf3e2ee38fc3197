package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.Lease;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15 with several JVMs: Herald nodes as separate processes ({@link ClusterNode}) on one
 * embedded PostgreSQL, a mock FCM provider that answers after 20 ms, one campaign whose audience
 * is cut into 20 chunks ({@link JdbcAudienceChunks}) that the nodes share. The number of devices
 * is {@code -Dherald.cluster.devices} (5,000 by default, to keep the suite short; the issue's
 * 100,000 runs by hand with {@code -Dherald.cluster.devices=100000}).
 *
 * <p>What counts as "sent": each node logs every provider call before it starts it, so the logs
 * hold every call made, including those on the wire when a node was killed.
 */
class ClusterTest {
  static final int DEVICES = Integer.getInteger("herald.cluster.devices", 5_000);
  private static final int IN_FLIGHT = 100;
  private static final long HEARTBEAT_MS = 500;
  private static final long EXPIRY_MS = 5_000;
  private static final long TIMEOUT_MINUTES = Math.max(5, DEVICES / 1_000);
  private static final int PLAYERS_PER_CHUNK = Math.max(1, DEVICES / 20);

  /** One schema and one set of subscribed devices for the class; a campaign per test. */
  private static String schema;
  private static final AtomicInteger CAMPAIGNS = new AtomicInteger();

  private final DataSource db = TestDatabase.dataSource();
  private final String campaign = "jackpot-" + CAMPAIGNS.incrementAndGet();
  private final List<Node> nodes = new ArrayList<>();
  /** The nodes' {@code audienceChunks} size; 0: none. */
  private int playersPerChunk = PLAYERS_PER_CHUNK;
  private long startedNanos;
  @TempDir
  Path dir;

  /** @return the id of the i-th player, in the audience's order */
  static String player(int i) {
    return String.format("p%07d", i);
  }

  @BeforeAll
  static void subscribeDevices() throws Exception {
    schema = TestDatabase.freshSchema("cluster");
    long t0 = System.nanoTime();
    MutableClock clock = MutableClock.at(Instant.now());
    DataSource db = TestDatabase.dataSource();
    try (Herald herald = Herald.builder()
        .clock(clock)
        .scheduler(new ManualScheduler(clock))
        .subscriptionStore(new JdbcSubscriptionStore(db, schema))
        .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int first = t;
          done.add(pool.submit(() -> {
            for (int i = first; i < DEVICES; i += 4) {
              String id = player(i);
              herald.subscriptions().updatePreferences(id, true, Set.of());
              herald.subscriptions().permissionGranted(id, "android",
                  new FcmAddress(id + "-token"));
            }
          }));
        }
        for (Future<?> f : done) {
          f.get();
        }
      } finally {
        pool.shutdownNow();
      }
    }
    System.out.printf("ClusterTest: %d devices subscribed in %d ms%n", DEVICES,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  @AfterEach
  void killNodes() {
    for (Node n : nodes) {
      n.process.destroyForcibly();
    }
  }

  @Test
  void threeNodesShareOneCampaignAndTwoJoiningAtOnceSendNothingTwice() throws Exception {
    scheduleCampaign();
    Node a = start("a");
    Node b = start("b");
    Node c = start("c");
    a.recover();
    awaitSends(DEVICES / 20);
    b.command("recover"); // at the same moment, while a runs the campaign
    c.command("recover");
    assertThat(b.await("RECOVERED")).isEqualTo("RECOVERED 1"); // each takes a share of it
    assertThat(c.await("RECOVERED")).isEqualTo("RECOVERED 1");
    awaitCompleted();
    assertEveryDeviceOnce(0);
    for (Node n : List.of(a, b, c)) {
      assertThat(n.sends().size()).as("node %s's share of %d devices", n.id, DEVICES)
          .isGreaterThanOrEqualTo(DEVICES * 15 / 100);
    }
    System.out.printf("three nodes: %s%n",
        nodes.stream().map(n -> n.id + " sent " + n.sends().size()).toList());
    for (Node n : List.of(a, b, c)) {
      n.close();
    }
  }

  @Test
  void withoutChunksTwoNodesRecoveringAtOnceDuringALiveRunTakeNothingFromTheLiveOwner()
      throws Exception {
    playersPerChunk = 0; // each run on one node, under the run's lease
    scheduleCampaign();
    Node a = start("a");
    a.recover();
    awaitSends(DEVICES / 10);
    Node b = start("b");
    Node c = start("c");
    b.command("recover"); // at the same moment, while a runs the campaign
    c.command("recover");
    assertThat(b.await("RECOVERED")).isEqualTo("RECOVERED 0");
    assertThat(c.await("RECOVERED")).isEqualTo("RECOVERED 0");
    awaitCompleted();
    assertThat(b.sends()).as("b took nothing over from a live node").isEmpty();
    assertThat(c.sends()).isEmpty();
    assertEveryDeviceOnce(0);
    for (Node n : List.of(a, b, c)) {
      n.close();
    }
  }

  @Test
  void killingOneNodeOfThreeMidCampaignLosesNothingAndSendsNothingTwice() throws Exception {
    scheduleCampaign();
    List<Node> three = List.of(start("a"), start("b"), start("c"));
    three.forEach(n -> n.command("recover"));
    for (Node n : three) {
      n.await("RECOVERED");
    }
    awaitSends(DEVICES / 3);
    Node victim = three.get(1);
    victim.killed = true;
    victim.process.destroyForcibly(); // kill -9: no shutdown hook, calls on the wire are lost
    victim.process.waitFor();
    int sentByVictim = victim.sends().size();
    Map<Integer, Long> leftBehind = unfinishedChunksOf(victim.id);
    assertThat(leftBehind).as("the killed node was sending a chunk").isNotEmpty();
    awaitCompleted();
    int unknown = assertEveryDeviceOnce(IN_FLIGHT);
    assertThat(sentByVictim).isBetween(1, DEVICES - 1);
    // an UNKNOWN delivery was marked SENDING by the victim: its call may not have been made
    assertThat(three.stream().filter(n -> n != victim).mapToInt(n -> n.sends().size()).sum())
        .as("the surviving nodes sent everything else")
        .isBetween(DEVICES - sentByVictim - unknown, DEVICES - sentByVictim);
    for (Map.Entry<Integer, Long> chunk : leftBehind.entrySet()) {
      assertThat(chunkLease(chunk.getKey())).as("chunk %d, claimed again once its lease expired",
          chunk.getKey()).satisfies(l -> {
            assertThat(l.owner()).isNotEqualTo(victim.id);
            assertThat(l.token()).isGreaterThan(chunk.getValue());
          });
    }
    System.out.printf("kill -9: %d devices, %d sent by the killed node, %d UNKNOWN; chunks %s"
        + " re-claimed; shares %s%n", DEVICES, sentByVictim, unknown, leftBehind.keySet(),
        nodes.stream().map(n -> n.id + " sent " + n.sends().size()).toList());
    for (Node n : three) {
      if (n != victim) {
        n.close();
      }
    }
  }

  @Test
  void aRollingRestartOfThreeNodesSendsEveryDeviceOnceWithNoUnknown() throws Exception {
    scheduleCampaign();
    List<Node> live = new ArrayList<>(List.of(start("a"), start("b"), start("c")));
    live.forEach(n -> n.command("recover"));
    for (Node n : live) {
      n.await("RECOVERED");
    }
    awaitSends(DEVICES / 10);
    for (int i = 0; i < 3; i++) {
      Node old = live.remove(0);
      old.close(); // Herald.close(), its calls on the wire settle, it gives its lease back
      Node replacement = start(old.id + "2");
      replacement.recover();
      live.add(replacement);
    }
    awaitCompleted();
    assertEveryDeviceOnce(0);
    assertThat(nodes.stream().filter(n -> !n.sends().isEmpty()).count())
        .as("the campaign moved between nodes").isGreaterThan(1);
    for (Node n : live) {
      n.close();
    }
  }

  // ------------------------------------------------------------------------------------------

  /** Schedules this test's campaign to every subscribed device, due now. */
  private void scheduleCampaign() {
    MutableClock clock = MutableClock.at(Instant.now());
    try (Herald herald = Herald.builder()
        .clock(clock)
        .scheduler(new ManualScheduler(clock)) // never advanced: the nodes run the campaign
        .subscriptionStore(new JdbcSubscriptionStore(db, schema))
        .deliveryStore(new JdbcDeliveryStore(db, schema))
        .campaignStore(new JdbcCampaignStore(db, schema))
        .build()) {
      herald.campaigns().create(Campaign.builder(campaign, "Jackpot night")
          .audience(Audience.everyone())
          .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
              .title("Jackpot night").build()))
          .build());
      herald.campaigns().schedule(campaign); // due now: a node's recover() runs it
    }
    startedNanos = System.nanoTime();
  }

  private Node start(String id) throws IOException {
    Path log = dir.resolve(id + ".sends");
    Files.createFile(log);
    ProcessBuilder pb = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"),
        ClusterNode.class.getName(),
        TestDatabase.jdbcUrl(), schema, campaign, id, log.toString(), String.valueOf(DEVICES),
        String.valueOf(IN_FLIGHT), String.valueOf(HEARTBEAT_MS), String.valueOf(EXPIRY_MS),
        String.valueOf(playersPerChunk));
    pb.redirectError(dir.resolve(id + ".err").toFile());
    Node node = new Node(id, pb.start(), log, dir.resolve(id + ".err").toFile());
    nodes.add(node);
    node.await("READY");
    return node;
  }

  /** Waits until the nodes together have made at least {@code n} provider calls. */
  private void awaitSends(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
    while (nodes.stream().mapToInt(x -> x.sends().size()).sum() < n) {
      assertThat(System.nanoTime()).as("%d sends within %d minutes", n, TIMEOUT_MINUTES)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private void awaitCompleted() throws InterruptedException {
    JdbcCampaignStore campaigns = new JdbcCampaignStore(db, schema);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(TIMEOUT_MINUTES);
    while (campaigns.find(campaign).orElseThrow().state()
        != CampaignState.COMPLETED) {
      for (Node n : nodes) {
        assertThat(!n.process.isAlive() && !n.closed && !n.killed)
            .as("node %s died: %s", n.id, n.errors()).isFalse();
      }
      assertThat(System.nanoTime()).as("campaign completed within %d minutes; nodes' errors: %s",
          TIMEOUT_MINUTES, nodes.stream().map(Node::errors).toList()).isLessThan(deadline);
      Thread.sleep(100);
    }
    System.out.printf("ClusterTest: %d devices sent in %d ms (from scheduling, JVM starts"
        + " included)%n", DEVICES, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
  }

  /** The chunks of this test's campaign that a node holds and has not done: index → token. */
  private Map<Integer, Long> unfinishedChunksOf(String node) throws SQLException {
    Map<Integer, Long> held = new HashMap<>();
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT ch.idx, l.token FROM " + schema + ".herald_chunk ch JOIN " + schema
            + ".herald_lease l ON l.name = ch.lease_name WHERE ch.source_id = ? AND NOT ch.done"
            + " AND l.owner = ?")) {
      ps.setString(1, campaign);
      ps.setString(2, node);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          held.put(rs.getInt(1), rs.getLong(2));
        }
      }
    }
    return held;
  }

  /** The lease of a chunk of this test's campaign. */
  private Lease chunkLease(int index) throws SQLException {
    String name = AudienceChunk.leaseName(campaign, "", index);
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT owner, token FROM " + schema + ".herald_lease WHERE name = ?")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return new Lease(name, rs.getString(1), rs.getLong(2), Instant.MAX);
      }
    }
  }

  /**
   * Every device has one record; every device was sent exactly once, except those whose call
   * was on the wire when a node died, which are FAILED with reason UNKNOWN and were sent at
   * most once; the campaign completed once and its statistics add up.
   *
   * @return how many deliveries are UNKNOWN
   */
  private int assertEveryDeviceOnce(int maxUnknown) {
    Map<String, Long> sends = new HashMap<>();
    for (Node n : nodes) {
      for (String token : n.sends()) {
        sends.merge(token.substring(0, token.indexOf('-')), 1L, Long::sum);
      }
    }
    JdbcDeliveryStore store = new JdbcDeliveryStore(db, schema);
    List<DeliveryRecord> records;
    try (Stream<DeliveryRecord> s = store.deliveriesOf(campaign, "")) {
      records = s.toList();
    }
    assertThat(records).hasSize(DEVICES);
    assertThat(records).extracting(DeliveryRecord::playerId).doesNotHaveDuplicates();
    Set<String> unknown = records.stream()
        .filter(r -> r.state() == DeliveryState.FAILED && r.reason().equals(Suppression.UNKNOWN))
        .map(DeliveryRecord::playerId).collect(Collectors.toSet());
    assertThat(unknown.size()).as("UNKNOWN deliveries").isLessThanOrEqualTo(maxUnknown);
    assertThat(records).filteredOn(r -> !unknown.contains(r.playerId()))
        .extracting(DeliveryRecord::state).containsOnly(DeliveryState.DELIVERED);
    List<String> twice = sends.entrySet().stream().filter(e -> e.getValue() > 1)
        .map(Map.Entry::getKey).sorted().toList();
    assertThat(twice).as("devices sent twice").isEmpty();
    List<String> never = records.stream().map(DeliveryRecord::playerId)
        .filter(p -> !unknown.contains(p) && !sends.containsKey(p)).toList();
    assertThat(never).as("devices DELIVERED without a call").isEmpty();
    DeliveryStats.Accumulator acc = new DeliveryStats.Accumulator();
    records.forEach(acc::add);
    DeliveryStats stats = acc.build();
    assertThat(stats.delivered()).isEqualTo(DEVICES - unknown.size());
    assertThat(stats.failed()).isEqualTo(unknown.size());
    try (Stream<DeliveryEvent> events = store.eventsOf(campaign)) {
      assertThat(events.filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED))
          .as("the campaign completed once").hasSize(1);
    }
    if (playersPerChunk == 0) {
      return unknown.size();
    }
    try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
        "SELECT p.chunks, p.finished, (SELECT count(*) FROM " + schema + ".herald_chunk ch"
            + " WHERE ch.source_id = p.source_id) FROM " + schema + ".herald_chunk_plan p"
            + " WHERE p.source_id = ?")) {
      ps.setString(1, campaign);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("the audience was cut into chunks").isTrue();
        assertThat(rs.getInt(1)).isEqualTo(20);
        assertThat(rs.getBoolean(2)).as("the chunked run finished").isTrue();
        assertThat(rs.getLong(3)).as("its chunks forgotten once finished").isZero();
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return unknown.size();
  }

  /** A node process, its standard input and output, and its send log. */
  private static final class Node {
    final String id;
    final Process process;
    final Path sendLog;
    final File errLog;
    final BufferedReader out;
    final Writer in;
    volatile boolean closed;
    /** Killed by the test: its end is not a failure. */
    volatile boolean killed;

    Node(String id, Process process, Path sendLog, File errLog) {
      this.id = id;
      this.process = process;
      this.sendLog = sendLog;
      this.errLog = errLog;
      this.out = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8));
      this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    void command(String line) {
      try {
        in.write(line + "\n");
        in.flush();
      } catch (IOException e) {
        throw new UncheckedIOException("node " + id + ": " + errors(), e);
      }
    }

    /** Reads the node's output up to the first line that starts with {@code prefix}. */
    String await(String prefix) {
      try {
        String line;
        while ((line = out.readLine()) != null) {
          if (line.startsWith(prefix)) {
            return line;
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      throw new AssertionError("node " + id + " ended before " + prefix + ": " + errors());
    }

    void recover() {
      command("recover");
      await("RECOVERED");
    }

    void close() throws InterruptedException {
      closed = true;
      command("close");
      await("CLOSED");
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    List<String> sends() {
      try {
        return Files.readAllLines(sendLog).stream().filter(l -> !l.isEmpty()).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    String errors() {
      try {
        String all = Files.readString(errLog.toPath());
        return all.length() > 4000 ? all.substring(all.length() - 4000) : all;
      } catch (IOException e) {
        return e.toString();
      }
    }
  }
}
