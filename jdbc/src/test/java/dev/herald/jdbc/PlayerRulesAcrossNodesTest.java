package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.testing.MutableClock;
import dev.herald.trigger.EntryMode;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerFiring;
import dev.herald.trigger.TriggerRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, items 3 and 5: a player's events reported to two nodes at once, and two nodes'
 * frequency-capped campaigns reaching the same players at once, never exceed an entry mode or a
 * cap. The two nodes are two {@code Herald}s in one JVM, each over its own JDBC stores on one
 * PostgreSQL: their process-local locks do not see each other, only the database serialises them.
 */
class PlayerRulesAcrossNodesTest {
  private static final int PLAYERS = 40;

  private final Nodes cluster = new Nodes("rules", "2026-12-07T12:00:00Z");
  private final MutableClock clock = cluster.clock;
  private final Nodes.RecordingProvider fcm = cluster.fcm;
  private final ExecutorService callers = Executors.newFixedThreadPool(8);
  private final List<Herald> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    callers.shutdownNow();
    cluster.close();
  }

  @Test
  void aPlayersEventsAtTwoNodesAtOnceEnterAOncePerPlayerRuleOnce() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    for (Herald node : nodes) {
      node.triggers().define(TriggerRule.builder("welcome-back", "Welcome back")
          .on(PlayerEventType.LOGIN)
          .entryMode(EntryMode.oncePerPlayer())
          .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
              .title("Welcome back").build()))
          .build());
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Future<List<TriggerFiring>>> reports = new ArrayList<>();
    for (String player : players) {
      for (Herald node : List.of(a, b)) {
        String eventId = "login-" + player + "-" + nodes.indexOf(node);
        reports.add(callers.submit(() -> {
          go.await();
          return node.triggers().report(
              PlayerEvent.builder(eventId, player, PlayerEventType.LOGIN, clock.instant())
                  .build());
        }));
      }
    }
    go.countDown();
    List<TriggerFiring> firings = new ArrayList<>();
    for (Future<List<TriggerFiring>> report : reports) {
      firings.addAll(report.get(60, TimeUnit.SECONDS));
    }

    assertThat(firings).filteredOn(f -> f.decision() == TriggerFiring.Decision.SENT)
        .as("one entry per player across both nodes").hasSize(PLAYERS);
    assertThat(firings).filteredOn(f -> f.decision() == TriggerFiring.Decision.SKIPPED)
        .extracting(TriggerFiring::reason).hasSize(PLAYERS)
        .containsOnly(dev.herald.trigger.Triggers.ENTRY_LIMIT);
    waitForSends(PLAYERS);
    assertThat(fcm.sendsPerPlayer()).containsOnlyKeys(players)
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));
  }

  @Test
  void twoNodesCappedCampaignsToTheSamePlayersAtOnceKeepTheCap() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    DeliveryPolicy onePerDay = DeliveryPolicy.builder()
        .cap(FrequencyCap.marketing(1, CapWindow.rolling(Duration.ofDays(1)))).build();
    a.campaigns().create(campaign("spins", players, onePerDay));
    b.campaigns().create(campaign("bonus", players, onePerDay));
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> starts = new ArrayList<>();
    for (Map.Entry<Herald, String> start : Map.of(a, "spins", b, "bonus").entrySet()) {
      starts.add(callers.submit((Callable<Object>) () -> {
        go.await();
        return start.getKey().campaigns().schedule(start.getValue());
      }));
    }
    go.countDown();
    for (Future<?> start : starts) {
      start.get(60, TimeUnit.SECONDS);
    }
    waitForCompletion(a, "spins");
    waitForCompletion(b, "bonus");

    List<DeliveryRecord> records;
    JdbcDeliveryStore store = new JdbcDeliveryStore(cluster.dataSource, cluster.schema);
    try (Stream<DeliveryRecord> spins = store.deliveriesOf("spins");
        Stream<DeliveryRecord> bonus = store.deliveriesOf("bonus")) {
      records = Stream.concat(spins, bonus).toList();
    }
    Map<String, List<DeliveryRecord>> byPlayer = records.stream()
        .collect(Collectors.groupingBy(DeliveryRecord::playerId));
    assertThat(byPlayer).containsOnlyKeys(players);
    byPlayer.forEach((player, mine) -> {
      assertThat(mine).as(player + ": one campaign each").hasSize(2);
      assertThat(mine).filteredOn(r -> r.state() == DeliveryState.DELIVERED)
          .as(player + ": the cap of one a day, across both nodes").hasSize(1);
      assertThat(mine).filteredOn(r -> r.state() == DeliveryState.SUPPRESSED)
          .extracting(DeliveryRecord::reason).containsExactly(Suppression.FREQUENCY_CAP);
    });
    assertThat(fcm.sendsPerPlayer()).containsOnlyKeys(players)
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));
  }

  // -------------------------------------------------------------------------------------------

  private Herald node() {
    // Nodes configured for a cluster (shared leases) decide caps in the database.
    Herald herald = cluster.start(b -> b.leases(new JdbcLeases(cluster.dataSource, cluster.schema)));
    nodes.add(herald);
    return herald;
  }

  private List<String> subscribe(Herald herald) {
    return cluster.subscribe(herald, PLAYERS);
  }

  private static Campaign campaign(String id, List<String> players, DeliveryPolicy policy) {
    return Campaign.builder(id, id)
        .audience(Audience.players(players))
        .policy(policy)
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title(id).build()))
        .build();
  }

  private static void waitForCompletion(Herald herald, String campaign)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (herald.campaigns().find(campaign).orElseThrow().state() != CampaignState.COMPLETED) {
      assertThat(System.nanoTime()).as(campaign + " completes within a minute")
          .isLessThan(deadline);
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  /**
   * Sends start on the dispatch executor after report() returns: wait for them (one per SENT
   * firing, which the test counted already).
   */
  private void waitForSends(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fcm.sends().size() < n && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }
}
