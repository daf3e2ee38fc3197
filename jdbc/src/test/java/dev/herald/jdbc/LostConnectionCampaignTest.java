package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 13's "a lost connection mid-campaign gives a clear error and loses no delivery", end to
 * end: a campaign runs on the JDBC stores over a real PostgreSQL, the database goes away part-way
 * through, the run ends (nothing hangs) and says what went wrong; with the database back, a new
 * Herald's {@code recover()} finishes the campaign: every player is sent exactly once, except
 * a delivery whose provider call had started when the database went, which is settled UNKNOWN.
 */
class LostConnectionCampaignTest {
  private static final int PLAYERS = 300;
  private static final int DATABASE_DIES_AT_SEND = 120;
  /** The engine's claim batch and its batch of outcomes written behind. */
  private static final int CLAIM_BATCH = 256;
  private static final int SETTLEMENT_BATCH = 256;

  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private final AtomicBoolean databaseDown = new AtomicBoolean();
  /** Refusals before the database comes back by itself; zero or less: it stays down. */
  private final AtomicInteger refusalsLeft = new AtomicInteger();
  private final DataSource dataSource = failingWhenDown(TestDatabase.dataSource());
  private final String schema = TestDatabase.freshSchema("lostrun");
  private final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  private final RecordingProvider fcm = new RecordingProvider();
  private final ExecutorService drivers = Executors.newCachedThreadPool();
  private final CountDownLatch driversMayStart = new CountDownLatch(1);

  @AfterEach
  void stopDrivers() {
    drivers.shutdownNow();
  }

  @Test
  void aDatabaseLostMidCampaignEndsTheRunWithAClearErrorAndRecoverSendsEveryoneOnce()
      throws Exception {
    ManualScheduler firstScheduler = new ManualScheduler(clock);
    Herald first = herald(firstScheduler, new FinishedRuns());
    List<String> audience = players(first);
    fcm.onSend(DATABASE_DIES_AT_SEND, () -> databaseDown.set(true));
    first.campaigns().schedule("weekend");
    firstScheduler.advance(Duration.ZERO); // starts the run; its driver waits for the gate
    DispatchHandle run = first.campaigns().currentRun("weekend").orElseThrow();
    driversMayStart.countDown();

    assertThat(run.completion()).as("the run ends though it cannot record its end")
        .failsWithin(Duration.ofSeconds(60))
        .withThrowableOfType(ExecutionException.class)
        .havingCause()
        .isInstanceOf(HeraldStorageException.class)
        .withMessageContaining("(SQLSTATE 08001); the connection to the database failed");
    // A claim batch is durable and marked SENDING before its calls start: those calls still go
    // out after the database went (no call without a durable claim: a call without one would be
    // claimed and sent again by the recovered run, which assertEveryPlayerSentOnce catches).
    List<String> firstRunSends = fcm.sends();
    assertThat(firstRunSends.size()).as("the calls of the claim batches written before it went")
        .isBetween(DATABASE_DIES_AT_SEND, DATABASE_DIES_AT_SEND + CLAIM_BATCH);
    first.close();

    databaseDown.set(false);
    FinishedRuns finished = new FinishedRuns();
    ManualScheduler scheduler = new ManualScheduler(clock);
    Herald second = herald(scheduler, finished);
    assertThat(second.recover()).as("the campaign is still RUNNING in the store").isEqualTo(1);
    DispatchReport resumed = finished.next();
    assertThat(resumed.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertEveryPlayerSentOnce(audience, second, playersOf(firstRunSends));
    second.close();
  }

  /**
   * Regression: a database away for a moment mid-run (a fail-over, a restarted pooler). The
   * players read while it was away failed one by one, the cursor passed them as settled, the
   * next checkpoint saved it beyond them and the run ended COMPLETED: they were never sent.
   */
  @Test
  void aShortOutageMidRunLosesNoPlayer() throws Exception {
    ManualScheduler firstScheduler = new ManualScheduler(clock);
    FinishedRuns finished = new FinishedRuns();
    Herald herald = herald(firstScheduler, finished);
    List<String> audience = players(herald);
    refusalsLeft.set(40);
    fcm.onSend(DATABASE_DIES_AT_SEND, () -> databaseDown.set(true));
    herald.campaigns().schedule("weekend");
    firstScheduler.advance(Duration.ZERO);
    DispatchHandle run = herald.campaigns().currentRun("weekend").orElseThrow();
    driversMayStart.countDown();
    DispatchReport report = run.completion().get(60, TimeUnit.SECONDS);
    assertThat(databaseDown).isFalse();

    if (report.status() == DispatchReport.Status.COMPLETED) {
      assertThat(fcm.sends()).as("a COMPLETED run sent every player").hasSize(PLAYERS);
    }
    assertThat(report.status()).isEqualTo(DispatchReport.Status.FAILED);
    assertThat(report.error()).hasValueSatisfying(e ->
        assertThat(e).contains("the connection to the database failed"));
    assertThat(campaignStateOnceSettled(herald)).as("paused for an operator")
        .isEqualTo(CampaignState.PAUSED);
    herald.campaigns().resume("weekend");
    assertThat(finished.next()).isSameAs(report);
    DispatchReport resumed = finished.next();
    assertThat(resumed.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertEveryPlayerSentOnce(audience, herald, playersOf(fcm.sends()));
    herald.close();
  }

  private static Set<String> playersOf(List<String> tokens) {
    return tokens.stream().map(token -> token.substring(0, token.indexOf('-')))
        .collect(Collectors.toSet());
  }

  /** Subscribes {@value #PLAYERS} players (one Android device each) and creates the campaign. */
  private List<String> players(Herald herald) {
    List<String> audience = new ArrayList<>();
    for (int i = 0; i < PLAYERS; i++) {
      String id = String.format("p%04d", i);
      audience.add(id);
      directory.put(PlayerProfile.builder(id).build());
      herald.subscriptions().updatePreferences(id, true, Set.of());
      herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-fcm-token"));
    }
    herald.campaigns().create(Campaign.builder("weekend", "Weekend spins")
        .audience(Audience.players(audience))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Weekend spins").build()))
        .build());
    return audience;
  }

  /**
   * Every player was sent the campaign once and delivered, except those whose provider call went
   * out before the database went and whose outcome was not yet written (outcomes are written
   * behind, in batches): settled FAILED with reason UNKNOWN, sent at most once. No player has two
   * records, and the statistics add up.
   *
   * @param mayBeUnknown the players sent to while the database was going away
   */
  private void assertEveryPlayerSentOnce(List<String> audience, Herald herald,
      Set<String> mayBeUnknown) throws InterruptedException {
    Map<String, Long> sendsPerPlayer = fcm.sends().stream().collect(Collectors.groupingBy(
        token -> token.substring(0, token.indexOf('-')), Collectors.counting()));
    List<DeliveryRecord> records;
    try (Stream<DeliveryRecord> s = new JdbcDeliveryStore(dataSource, schema)
        .deliveriesOf("weekend", "")) {
      records = s.toList();
    }
    Set<String> unknown = records.stream()
        .filter(r -> r.state() == DeliveryState.FAILED && r.reason().equals(Suppression.UNKNOWN))
        .map(DeliveryRecord::playerId).collect(Collectors.toSet());
    assertThat(unknown).as("only calls that went out before the database went, whose outcome "
        + "was still in memory").isSubsetOf(mayBeUnknown)
        .hasSizeLessThanOrEqualTo(CLAIM_BATCH + SETTLEMENT_BATCH);
    assertThat(records).extracting(DeliveryRecord::playerId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(audience);
    assertThat(records).filteredOn(r -> !unknown.contains(r.playerId()))
        .extracting(DeliveryRecord::state).containsOnly(DeliveryState.DELIVERED);
    for (String player : audience) {
      long sends = sendsPerPlayer.getOrDefault(player, 0L);
      if (unknown.contains(player)) {
        assertThat(sends).as("sends to " + player).isLessThanOrEqualTo(1);
      } else {
        assertThat(sends).as("sends to " + player).isEqualTo(1);
      }
    }
    DeliveryStats stats = herald.analytics().stats("weekend").total();
    assertThat(stats.audience()).isEqualTo(PLAYERS);
    assertThat(stats.delivered()).isEqualTo(PLAYERS - unknown.size());
    assertThat(stats.failed()).isEqualTo(unknown.size());
    assertThat(stats.audience()).isEqualTo(stats.suppressed() + stats.pending() + stats.sent());
    assertThat(stats.sent()).isEqualTo(stats.delivered() + stats.failed());
    assertThat(campaignStateOnceSettled(herald)).isEqualTo(CampaignState.COMPLETED);
  }

  /**
   * The campaign's state once the end of its run is recorded: the listener hears the report
   * before the campaign service records the run's end, on the run's thread, so this waits (at
   * most a minute) for the state to leave RUNNING.
   */
  private static CampaignState campaignStateOnceSettled(Herald herald)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    CampaignState state = herald.campaigns().find("weekend").orElseThrow().state();
    while (state == CampaignState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(5);
      state = herald.campaigns().find("weekend").orElseThrow().state();
    }
    return state;
  }

  private Herald herald(ManualScheduler scheduler, HeraldListener listener) {
    return Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .subscriptionStore(new JdbcSubscriptionStore(dataSource, schema))
        .deliveryStore(new JdbcDeliveryStore(dataSource, schema))
        .campaignStore(new JdbcCampaignStore(dataSource, schema))
        .triggerStore(new JdbcTriggerStore(dataSource, schema))
        .playerDirectory(directory)
        .provider(fcm)
        .dispatchExecutor(task -> drivers.execute(() -> {
          try {
            driversMayStart.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          task.run();
        }))
        .listener(listener)
        .build();
  }

  /** Every connection fails while the database is down, and so does every call on one taken. */
  private DataSource failingWhenDown(DataSource real) {
    return new DelegatingTestDataSource(real) {
      @Override
      public Connection getConnection() throws SQLException {
        failIfDown();
        Connection c = real.getConnection();
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> {
              if (!method.getName().equals("close")) {
                failIfDown();
              }
              try {
                return method.invoke(c, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
      }
    };
  }

  private void failIfDown() throws SQLException {
    if (databaseDown.get()) {
      if (refusalsLeft.decrementAndGet() == 0) {
        databaseDown.set(false); // a short outage: back after this refusal
      }
      throw new SQLTransientConnectionException("Connection to localhost refused", "08001");
    }
  }

  /** Accepts every message at once and records the FCM token it was asked to send to. */
  private static final class RecordingProvider implements PushProvider {
    private final ConcurrentLinkedQueue<String> tokens = new ConcurrentLinkedQueue<>();
    private final AtomicInteger calls = new AtomicInteger();
    private volatile int trigger = -1;
    private volatile Runnable action = () -> {};

    void onSend(int n, Runnable then) {
      trigger = n;
      action = then;
    }

    List<String> sends() {
      return List.copyOf(tokens);
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      tokens.add(((FcmAddress) message.address()).token());
      if (calls.incrementAndGet() == trigger) {
        action.run();
      }
      return CompletableFuture.completedFuture(SendResult.accepted("m", 200));
    }

    @Override
    public void close() {}
  }

  /** The reports of finished runs, as the listener hears them. */
  private static final class FinishedRuns implements HeraldListener {
    private final BlockingQueue<DispatchReport> reports = new LinkedBlockingQueue<>();

    @Override
    public void dispatchFinished(DispatchReport report) {
      reports.add(report);
    }

    DispatchReport next() throws InterruptedException {
      DispatchReport report = reports.poll(60, TimeUnit.SECONDS);
      assertThat(report).as("a run finished within a minute").isNotNull();
      return report;
    }
  }
}
