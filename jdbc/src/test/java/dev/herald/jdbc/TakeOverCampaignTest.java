package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's fencing, in one JVM with two Herald nodes on one PostgreSQL and a fake clock: node A
 * runs a campaign and stalls (a GC pause: its heartbeat does not run while the clock passes the
 * lease's expiry); node B's {@code recover()} takes the campaign over. When A wakes up, nothing it
 * writes lands: its provider answers for the calls that were on the wire do not overwrite what B
 * recorded (UNKNOWN), it starts no new call, and its run ends STOPPED without an error, while B
 * completes the campaign once.
 *
 * <p>Before the fencing, A's late answers turned B's UNKNOWN records into DELIVERED and A, still
 * believing it owned the run, went on sending players B had sent.
 */
class TakeOverCampaignTest {
  private static final int PLAYERS = 60;
  private static final int IN_FLIGHT = 5;
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration EXPIRY = Duration.ofSeconds(3);

  private final MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
  private final DataSource db = TestDatabase.dataSource();
  private final String schema = TestDatabase.freshSchema("takeover");
  private final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  private final ExecutorService drivers = Executors.newCachedThreadPool();

  @AfterEach
  void stopDrivers() {
    drivers.shutdownNow();
  }

  @Test
  void aStalledNodeThatLostItsLeaseWritesNothingOverItsSuccessor() throws Exception {
    HeldProvider aWire = new HeldProvider(IN_FLIGHT);
    ManualScheduler aScheduler = new ManualScheduler(clock);
    FinishedRuns aRuns = new FinishedRuns();
    Herald a = node("node-a", aScheduler, aWire, aRuns);
    List<String> audience = players(a);
    a.campaigns().schedule("promo");
    aScheduler.advance(Duration.ZERO); // the run starts on node A
    DispatchHandle aRun = a.campaigns().currentRun("promo").orElseThrow();
    assertThat(aWire.onTheWire.await(60, TimeUnit.SECONDS)).as("A's calls are on the wire")
        .isTrue();

    // A stalls: its heartbeat (on aScheduler) does not run while its lease expires
    clock.advance(EXPIRY.plus(HEARTBEAT));
    HeldProvider bWire = new HeldProvider(0);
    bWire.answerAtOnce = true;
    FinishedRuns bRuns = new FinishedRuns();
    Herald b = node("node-b", new ManualScheduler(clock), bWire, bRuns);
    assertThat(b.recover()).as("B takes the expired step over").isEqualTo(1);
    DispatchReport bReport = bRuns.next();
    assertThat(bReport.status()).isEqualTo(DispatchReport.Status.COMPLETED);

    // A wakes up: its provider answers, its heartbeat runs again
    aWire.answerAll();
    aScheduler.advance(HEARTBEAT);
    DispatchReport aReport = aRun.completion().get(60, TimeUnit.SECONDS);
    assertThat(aReport.status()).isEqualTo(DispatchReport.Status.STOPPED);
    assertThat(aRuns.next()).isSameAs(aReport);

    List<DeliveryRecord> records;
    try (Stream<DeliveryRecord> s = new JdbcDeliveryStore(db, schema).deliveriesOf("promo", "")) {
      records = s.toList();
    }
    assertThat(records).extracting(DeliveryRecord::playerId).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(audience);
    Set<String> sentByA = Set.copyOf(aWire.players());
    assertThat(sentByA).as("A started no call after its first ones").hasSize(IN_FLIGHT);
    assertThat(records).filteredOn(r -> sentByA.contains(r.playerId()))
        .as("A's late answers did not overwrite B's verdict")
        .allSatisfy(r -> {
          assertThat(r.state()).isEqualTo(DeliveryState.FAILED);
          assertThat(r.reason()).isEqualTo(Suppression.UNKNOWN);
        });
    assertThat(records).filteredOn(r -> !sentByA.contains(r.playerId()))
        .extracting(DeliveryRecord::state).containsOnly(DeliveryState.DELIVERED);
    Map<String, Long> sends = Stream.concat(aWire.players().stream(), bWire.players().stream())
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    assertThat(sends).as("every player sent once").hasSize(PLAYERS)
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));

    assertThat(stateOnceSettled(b)).isEqualTo(CampaignState.COMPLETED);
    try (Stream<DeliveryEvent> events = b.deliveryStore().eventsOf("promo")) {
      assertThat(events.filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED)).hasSize(1);
    }
    a.close();
    b.close();
  }

  /**
   * The campaign's state once the end of its run is recorded: the listener hears the report
   * before the campaign service records the run's end, so this waits (at most a minute) for the
   * state to leave RUNNING.
   */
  private static CampaignState stateOnceSettled(Herald herald) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    CampaignState state = herald.campaigns().find("promo").orElseThrow().state();
    while (state == CampaignState.RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(5);
      state = herald.campaigns().find("promo").orElseThrow().state();
    }
    return state;
  }

  private Herald node(String id, ManualScheduler scheduler, PushProvider provider,
      HeraldListener listener) {
    return Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .nodeId(id)
        .leases(new JdbcLeases(db, schema))
        .leaseTimes(HEARTBEAT, EXPIRY)
        .subscriptionStore(new JdbcSubscriptionStore(db, schema))
        .deliveryStore(new JdbcDeliveryStore(db, schema))
        .campaignStore(new JdbcCampaignStore(db, schema))
        .triggerStore(new JdbcTriggerStore(db, schema))
        .playerDirectory(directory)
        .provider(provider)
        .dispatchSettings(DispatchSettings.builder().maxSendsInFlightPerProvider(IN_FLIGHT)
            .build())
        .dispatchExecutor(drivers)
        .listener(listener)
        .build();
  }

  private List<String> players(Herald herald) {
    List<String> audience = new ArrayList<>();
    for (int i = 0; i < PLAYERS; i++) {
      String id = String.format("p%04d", i);
      audience.add(id);
      directory.put(PlayerProfile.builder(id).build());
      herald.subscriptions().updatePreferences(id, true, Set.of());
      herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-token"));
    }
    herald.campaigns().create(Campaign.builder("promo", "Promo")
        .audience(Audience.players(audience))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Promo").build()))
        .build());
    return audience;
  }

  /** Holds every call's answer until told (or answers at once), recording each player sent. */
  private static final class HeldProvider implements PushProvider {
    final CountDownLatch onTheWire;
    final ConcurrentLinkedQueue<String> sent = new ConcurrentLinkedQueue<>();
    final ConcurrentLinkedQueue<CompletableFuture<SendResult>> held =
        new ConcurrentLinkedQueue<>();
    volatile boolean answerAtOnce;

    HeldProvider(int calls) {
      this.onTheWire = new CountDownLatch(calls);
    }

    List<String> players() {
      return sent.stream().map(t -> t.substring(0, t.indexOf('-'))).toList();
    }

    void answerAll() {
      CompletableFuture<SendResult> f;
      while ((f = held.poll()) != null) {
        f.complete(SendResult.accepted("m", 200));
      }
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      sent.add(((FcmAddress) message.address()).token());
      onTheWire.countDown();
      if (answerAtOnce) {
        return CompletableFuture.completedFuture(SendResult.accepted("m", 200));
      }
      CompletableFuture<SendResult> f = new CompletableFuture<>();
      held.add(f);
      return f;
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
