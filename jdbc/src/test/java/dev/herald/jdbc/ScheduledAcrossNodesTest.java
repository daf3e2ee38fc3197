package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.campaign.Schedule;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.spi.AudienceResolver;
import dev.herald.testing.MutableClock;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerFiring;
import dev.herald.trigger.TriggerRule;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 4: campaign starts and delayed trigger sends kept by {@link JdbcScheduler} fire
 * once across the nodes sharing a database, and survive the restart of every node. Each node is a
 * {@code Herald} over its own JDBC stores and its own {@code JdbcScheduler} (one JVM, one
 * embedded PostgreSQL); what is due is decided by the shared fake clock, and the test waits (at
 * most a minute) for the nodes' polling to find it.
 */
class ScheduledAcrossNodesTest {
  private static final Instant T0 = Instant.parse("2026-12-07T09:00:00Z");
  private static final int PLAYERS = 5;
  private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

  private final Nodes cluster = new Nodes("sched", T0.toString());
  private final MutableClock clock = cluster.clock;
  private final DataSource dataSource = cluster.dataSource;
  private final String schema = cluster.schema;
  private final Nodes.RecordingProvider fcm = cluster.fcm;
  private final List<Herald> nodes = new ArrayList<>();
  private final List<JdbcScheduler> schedulers = new ArrayList<>();

  @AfterEach
  void closeNodes() {
    cluster.close();
  }

  @Test
  void aScheduledCampaignStartsOnceAcrossTwoLiveNodes() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    a.campaigns().create(campaign("promo", players, Schedule.at(T0.plus(Duration.ofHours(1)))));
    a.campaigns().schedule("promo");
    assertThat(b.recover()).as("b re-arms the campaign: the same stored timer").isEqualTo(1);
    assertThat(a.recover()).isEqualTo(1);
    assertThat(timers()).containsExactly("campaign-start:promo@2026-12-07T10:00:00Z");

    clock.advance(Duration.ofMinutes(59));
    // Not due yet: a poll of either node finds nothing (give both a few polls).
    waitUntil(() -> false, Duration.ofMillis(600));
    assertThat(fcm.sends()).isEmpty();

    clock.advance(Duration.ofMinutes(1));
    waitUntil(() -> state(a, "promo") == CampaignState.COMPLETED, Duration.ofSeconds(60));
    assertThat(fcm.sendsPerPlayer()).as("every player once, from one node")
        .containsOnlyKeys(players).allSatisfy((player, sends) -> assertThat(sends).isEqualTo(1));
    assertThat(timers()).isEmpty();
  }

  @Test
  void aCampaignStartAndADelayedSendFireOnceAfterEveryNodeRestarted() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    a.campaigns().create(campaign("promo", players, Schedule.at(T0.plus(Duration.ofHours(1)))));
    a.campaigns().schedule("promo");
    List<TriggerFiring> firings = b.triggers().report(PlayerEvent.builder("dep-1", players.get(0),
        PlayerEventType.DEPOSIT_ABANDONED, T0).build());
    assertThat(firings).extracting(TriggerFiring::decision)
        .containsExactly(TriggerFiring.Decision.SCHEDULED);
    assertThat(timers()).hasSize(2);

    a.close();
    b.close(); // every node is gone; the timers are rows in scheduled_tasks
    clock.advance(Duration.ofHours(2));
    Herald c = node();
    waitUntil(() -> state(c, "promo") == CampaignState.COMPLETED
        && fcm.sends().size() == PLAYERS + 1, Duration.ofSeconds(60));
    Herald d = node(); // a node joining later finds nothing left to fire
    waitUntil(() -> false, Duration.ofMillis(600));

    Map<String, Long> sends = fcm.sendsPerPlayer();
    assertThat(sends).containsOnlyKeys(players);
    assertThat(sends.get(players.get(0))).as("the campaign and the delayed send").isEqualTo(2);
    players.subList(1, PLAYERS).forEach(p -> assertThat(sends.get(p)).isEqualTo(1));
    assertThat(fcm.titles()).filteredOn("Finish your deposit"::equals).hasSize(1);
    assertThat(timers()).isEmpty();
    assertThat(d.recover()).as("nothing SCHEDULED, RUNNING or pending").isZero();
  }

  @Test
  void aDelayedSendPickedBeforeTheRestartedNodeDefinedItsRuleIsSentOnceItIsDefined()
      throws Exception {
    aDelayedSendDueWhenTheNextNodeStarts();
    // Herald starts its scheduler when built, and the host defines its rules afterwards: the
    // node picks the due send first (as it can on a loaded machine; here always).
    Herald c = nodeWithoutRules();
    waitUntil(() -> unpickedTimers() == 0, Duration.ofSeconds(60));
    defineRule(c);
    waitUntil(() -> fcm.sends().size() == 1 && timers().isEmpty(), Duration.ofSeconds(60));

    assertThat(fcm.titles()).as("not dropped as the send of a removed rule")
        .containsExactly("Finish your deposit");
    assertThat(timers()).isEmpty();
    assertThat(c.recover()).as("no delayed send left").isZero();
  }

  @Test
  void aDelayedSendWhoseRuleTheNodeStillDoesNotHaveIsTriedAgainLater() throws Exception {
    aDelayedSendDueWhenTheNextNodeStarts();
    Herald c = nodeWithoutRules();
    // The node decides: it ran the timer (before the fix: the send dropped as a removed rule's)
    // or, once the rule has not come for a few seconds, it failed and waits for a retry.
    waitUntil(this::triggerTimerRanOrFailed, Duration.ofSeconds(60));
    assertThat(fcm.sends()).isEmpty();
    defineRule(c);
    clock.advance(RETRY_AFTER_FAILURE);
    waitUntil(() -> fcm.sends().size() == 1 && timers().isEmpty(), Duration.ofSeconds(60));

    assertThat(fcm.titles()).containsExactly("Finish your deposit");
    assertThat(timers()).isEmpty();
  }

  @Test
  void aDelayedSendItsNodeTookFromTheStoreWhileClosingIsPutBackForTheOtherNodes()
      throws Exception {
    CountDownLatch deciding = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicBoolean holdTheSend = new AtomicBoolean();
    AudienceResolver everyone = new AudienceResolver() {
      @Override
      public Stream<String> members(String segmentId) {
        return Stream.empty();
      }

      @Override
      public boolean contains(String segmentId, String playerId) {
        if (holdTheSend.get()) { // the send is out of the store, its timer's row gone
          deciding.countDown();
          awaitThroughInterrupts(closed); // the close interrupts the dispatch threads
        }
        return true;
      }
    };
    Herald a = nodeInSegment(everyone);
    List<String> players = subscribe(a);
    a.triggers().report(PlayerEvent.builder("dep-1", players.get(0),
        PlayerEventType.DEPOSIT_ABANDONED, T0).build());
    holdTheSend.set(true);
    clock.advance(Duration.ofHours(1));
    assertThat(deciding.await(60, TimeUnit.SECONDS)).isTrue();
    a.close();
    holdTheSend.set(false);
    closed.countDown(); // a's send goes on, into a closed Herald
    nodeInSegment(everyone);
    waitUntil(() -> fcm.sends().size() == 1 && timers().isEmpty(), Duration.ofSeconds(60));

    assertThat(fcm.titles()).as("sent by the other node").containsExactly("Finish your deposit");
    assertThat(timers()).isEmpty();
  }

  @Test
  void aCancelledCampaignsTimerIsRemovedFromEveryNode() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    a.campaigns().create(campaign("promo", players, Schedule.at(T0.plus(Duration.ofHours(1)))));
    a.campaigns().schedule("promo");
    b.campaigns().cancel("promo"); // b never armed it
    assertThat(timers()).isEmpty();
    clock.advance(Duration.ofHours(2));
    waitUntil(() -> false, Duration.ofMillis(600));
    assertThat(fcm.sends()).isEmpty();
  }

  @Test
  void aRecurringCampaignRunsEachOccurrenceOnceAcrossNodes() throws Exception {
    Herald a = node();
    Herald b = node();
    List<String> players = subscribe(a);
    a.campaigns().create(campaign("daily", players, Schedule.recurring("0 10 * * *",
        ZoneOffset.UTC)));
    a.campaigns().schedule("daily");
    b.recover();
    clock.advance(Duration.ofHours(1)); // 10:00, the first occurrence
    waitUntil(() -> fcm.sends().size() == PLAYERS
        && timers().equals(List.of("campaign-start:daily@2026-12-08T10:00:00Z")),
        Duration.ofSeconds(60));
    a.close(); // the node that ran the first occurrence goes
    clock.advance(Duration.ofDays(1)); // the next day's occurrence
    waitUntil(() -> fcm.sends().size() == 2 * PLAYERS, Duration.ofSeconds(60));
    waitUntil(() -> timers().size() == 1, Duration.ofSeconds(60));
    assertThat(fcm.sendsPerPlayer()).containsOnlyKeys(players)
        .allSatisfy((player, n) -> assertThat(n).isEqualTo(2));
    assertThat(timers()).containsExactly("campaign-start:daily@2026-12-09T10:00:00Z");
  }

  @Test
  void startedSchedulersCountTheLiveNodesForRateBudgets() {
    Herald a = node();
    node();
    JdbcScheduler first = schedulers.get(0);
    JdbcScheduler second = schedulers.get(1);
    first.beat(); // the first node's start-up heartbeat came before the second existed
    assertThat(first.liveNodes()).isEqualTo(2);
    assertThat(second.liveNodes()).isEqualTo(2);

    nodes.get(1).close(); // stops its scheduler, which removes its row
    first.beat();
    assertThat(first.liveNodes()).isEqualTo(1);

    node();
    clock.advance(Duration.ofMinutes(3)); // 4 heartbeats of 30 s missed: the third counts as dead
    first.beat();
    assertThat(first.liveNodes()).isEqualTo(1);
    a.close();
  }

  // -------------------------------------------------------------------------------------------

  private Herald node() {
    Herald herald = nodeWithoutRules();
    defineRule(herald);
    return herald;
  }

  /** A delayed send is stored, and due, while no node runs. */
  private void aDelayedSendDueWhenTheNextNodeStarts() {
    Herald a = node();
    a.triggers().report(PlayerEvent.builder("dep-1", subscribe(a).get(0),
        PlayerEventType.DEPOSIT_ABANDONED, T0).build());
    a.close();
    clock.advance(Duration.ofHours(1));
  }

  /** A node whose scheduler runs, before its host has defined the trigger rule. */
  private Herald nodeWithoutRules() {
    JdbcScheduler scheduler = JdbcScheduler.builder(dataSource).schema(schema).clock(clock)
        .pollingInterval(Duration.ofMillis(100)).retryAfterFailure(RETRY_AFTER_FAILURE).build();
    schedulers.add(scheduler);
    Herald herald = cluster.start(b -> b.scheduler(scheduler));
    nodes.add(herald);
    return herald;
  }

  private static void defineRule(Herald herald) {
    herald.triggers().define(depositReminder().build());
  }

  private static TriggerRule.Builder depositReminder() {
    return TriggerRule.builder("deposit-reminder", "Finish your deposit")
        .on(PlayerEventType.DEPOSIT_ABANDONED)
        .delay(Duration.ofMinutes(30))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.DEPOSIT_REMINDER)
            .title("Finish your deposit").build()));
  }

  /** A node whose rule sends to the players of a segment of {@code resolver}. */
  private Herald nodeInSegment(AudienceResolver resolver) {
    JdbcScheduler scheduler = JdbcScheduler.builder(dataSource).schema(schema).clock(clock)
        .pollingInterval(Duration.ofMillis(100)).build();
    Herald herald = cluster.start(b -> b.scheduler(scheduler).audienceResolver(resolver));
    herald.triggers().define(depositReminder().inSegment("everyone").build());
    return herald;
  }

  private List<String> subscribe(Herald herald) {
    return cluster.subscribe(herald, PLAYERS);
  }

  private static Campaign campaign(String id, List<String> players, Schedule schedule) {
    return Campaign.builder(id, "Weekend spins")
        .audience(Audience.players(players))
        .schedule(schedule)
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Weekend spins").build()))
        .build();
  }

  private static CampaignState state(Herald herald, String id) {
    return herald.campaigns().find(id).orElseThrow().state();
  }

  /** The stored timers, as kind:id. */
  private List<String> timers() {
    List<String> ids = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT task_instance FROM " + schema
            + ".scheduled_tasks ORDER BY task_instance")) {
      while (rs.next()) {
        ids.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return ids;
  }

  /** The stored timers no node has picked yet. */
  private int unpickedTimers() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema
            + ".scheduled_tasks WHERE NOT picked")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the delayed send's timer ran (its row is gone) or failed (waiting for a retry). */
  private boolean triggerTimerRanOrFailed() {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + ".scheduled_tasks"
            + " WHERE task_instance LIKE 'trigger-send:%'"
            + " AND coalesce(consecutive_failures, 0) = 0")) {
      rs.next();
      return rs.getInt(1) == 0;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitThroughInterrupts(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the nodes' polling: until the condition holds, or (when it never does) the time. */
  private static void waitUntil(BooleanSupplier condition, Duration atMost)
      throws InterruptedException {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }
}
