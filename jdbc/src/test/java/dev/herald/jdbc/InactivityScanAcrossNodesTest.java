package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15, item 1, for inactivity scans: a scan is owned by one node through the lease
 * {@code scan:inactivity} (on {@link JdbcLeases}), so two nodes scanning at once trigger each
 * inactive player once; a node that stalls past the lease's expiry is taken over and, fenced out,
 * records and sends nothing more; and scheduled scans run about once per period across the
 * cluster, the next period taken over when the scanning node stops. Two {@code Herald}s in one
 * JVM, each over its own JDBC stores on one PostgreSQL schema, with their own manual schedulers
 * (heartbeats run only when a test advances them) and a shared fake clock.
 *
 * <p>The rule's entry mode is {@code everyTime()}, so the entry limit does not hide a second scan:
 * only the lease keeps a node from scanning what another node scans.
 */
class InactivityScanAcrossNodesTest {
  private static final int PLAYERS = 30;
  private static final Duration HEARTBEAT = Duration.ofSeconds(1);
  private static final Duration EXPIRY = Duration.ofSeconds(3);

  private final Nodes cluster = new Nodes("scan", "2026-12-07T12:00:00Z");
  private final MutableClock clock = cluster.clock;
  private final Nodes.RecordingProvider fcm = cluster.fcm;
  private final ExecutorService callers = Executors.newCachedThreadPool();

  @AfterEach
  void close() {
    callers.shutdownNow();
    cluster.close();
  }

  @Test
  void twoNodesScanningAtOnceTriggerEachInactivePlayerOnce() throws Exception {
    // Each node's view of the directory stops before its first player until resumed, so the
    // scan that got the lease is still going on when the other node's scan asks for it.
    PausingDirectory aDirectory = new PausingDirectory(cluster.directory, 0, List.of());
    PausingDirectory bDirectory = new PausingDirectory(cluster.directory, 0, List.of());
    Herald a = node("node-a", new ManualScheduler(clock), aDirectory);
    Herald b = node("node-b", new ManualScheduler(clock), bDirectory);
    List<String> players = inactivePlayers(a, "p", PLAYERS);
    CountDownLatch go = new CountDownLatch(1);
    Future<Integer> scanA = callers.submit(() -> {
      go.await();
      return a.triggers().scanInactivity();
    });
    Future<Integer> scanB = callers.submit(() -> {
      go.await();
      return b.triggers().scanInactivity();
    });
    go.countDown();

    // one scan holds the lease and waits in its directory; the other returned without reading
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!scanA.isDone() && !scanB.isDone() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    Future<Integer> loser = scanA.isDone() ? scanA : scanB;
    PausingDirectory winner = scanA.isDone() ? bDirectory : aDirectory;
    assertThat(loser.get(60, TimeUnit.SECONDS)).as("the other node holds the scan's lease")
        .isZero();
    assertThat(winner.hasPaused()).as("the scanning node read the directory").isTrue();
    aDirectory.resume();
    bDirectory.resume();

    int handed = scanA.get(60, TimeUnit.SECONDS) + scanB.get(60, TimeUnit.SECONDS);
    assertThat(handed).as("the two scans' messages add up to the inactive players")
        .isEqualTo(PLAYERS);
    waitForSends(PLAYERS);
    assertThat(fcm.sendsPerPlayer()).containsOnlyKeys(players)
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));
  }

  @Test
  void aStalledScannerIsTakenOverAndFencedOutWritesNothing() throws Exception {
    // Node A scans: it sends p0, then stalls (its heartbeat does not run: its scheduler is never
    // advanced) while the clock passes the lease's expiry. Its own view of the directory ends
    // with a player only A would reach, "late", so that what A does after waking up shows.
    PlayerProfile late = inactive("late");
    PausingDirectory aDirectory = new PausingDirectory(cluster.directory, 1, List.of(late));
    Herald a = node("node-a", new ManualScheduler(clock), aDirectory);
    Herald b = node("node-b", new ManualScheduler(clock), cluster.directory);
    List<String> players = inactivePlayers(a, "p", PLAYERS);
    subscribe(a, "late");
    Future<Integer> scanA = callers.submit(() -> a.triggers().scanInactivity());
    aDirectory.awaitPause();
    waitForSends(1);

    clock.advance(EXPIRY.plus(HEARTBEAT));
    int byB = b.triggers().scanInactivity();
    assertThat(byB).as("B took the expired scan over; p0 was sent by A already")
        .isBetween(PLAYERS - 1, PLAYERS);
    waitForSends(PLAYERS);

    aDirectory.resume();
    assertThat(scanA.get(60, TimeUnit.SECONDS)).as("A stopped at its first decision after waking")
        .isEqualTo(1);
    assertThat(fcm.sendsPerPlayer()).as("each inactive player once; nothing for 'late'")
        .containsOnlyKeys(players)
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));
    JdbcTriggerStore triggers = new JdbcTriggerStore(cluster.dataSource, cluster.schema);
    assertThat(triggers.lastEntry("we-miss-you", "late")).as("A recorded no entry").isEmpty();
  }

  @Test
  void scheduledScansRunOncePerPeriodAcrossTheClusterAndMoveWhenTheScannerStops() {
    Duration period = Duration.ofHours(1);
    ManualScheduler aScheduler = new ManualScheduler(clock);
    ManualScheduler bScheduler = new ManualScheduler(clock);
    PausingDirectory aDirectory = new PausingDirectory(cluster.directory, -1, List.of());
    PausingDirectory bDirectory = new PausingDirectory(cluster.directory, -1, List.of());
    Herald a = node("node-a", aScheduler, aDirectory, Runnable::run);
    Herald b = node("node-b", bScheduler, bDirectory, Runnable::run);
    List<String> first = inactivePlayers(a, "p", 10);
    a.triggers().scheduleInactivityScans(period);
    b.triggers().scheduleInactivityScans(period);

    aScheduler.advance(period);  // A's timer: A scans and keeps the lease for the period
    bScheduler.runDue();          // B's timer of the same period: held, so B skips
    assertThat(aDirectory.scans()).isEqualTo(1);
    assertThat(bDirectory.scans()).as("B did not scan in A's period").isZero();
    assertThat(fcm.sendsPerPlayer()).containsOnlyKeys(first);

    List<String> second = inactivePlayers(a, "q", 5);
    aScheduler.advance(period);  // the next period: A's timer takes its own lease again
    bScheduler.runDue();
    assertThat(aDirectory.scans()).isEqualTo(2);
    assertThat(bDirectory.scans()).isZero();
    assertThat(fcm.sends()).hasSize(15);
    assertThat(fcm.sendsPerPlayer()).containsKeys(second.toArray(String[]::new));

    // A stops (its scheduler is never advanced again): once the period it held is over, B scans
    List<String> third = inactivePlayers(a, "r", 3);
    bScheduler.advance(period);
    assertThat(bDirectory.scans()).isEqualTo(1);
    assertThat(fcm.sends()).hasSize(18);
    assertThat(fcm.sendsPerPlayer()).containsKeys(third.toArray(String[]::new))
        .allSatisfy((player, n) -> assertThat(n).as(player).isEqualTo(1));
  }

  // -------------------------------------------------------------------------------------------

  private Herald node(String id, ManualScheduler scheduler, PlayerDirectory directory) {
    return node(id, scheduler, directory, null);
  }

  private Herald node(String id, ManualScheduler scheduler, PlayerDirectory directory,
      Executor executor) {
    Consumer<Herald.Builder> configure = b -> {
      b.nodeId(id)
          .scheduler(scheduler)
          .leases(new JdbcLeases(cluster.dataSource, cluster.schema))
          .leaseTimes(HEARTBEAT, EXPIRY)
          .playerDirectory(directory);
      if (executor != null) {
        b.dispatchExecutor(executor);
      }
    };
    Herald herald = cluster.start(configure);
    herald.triggers().define(TriggerRule.builder("we-miss-you", "We miss you")
        .inactivity(PlayerEventType.LOGIN, Duration.ofDays(14))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.REACTIVATION)
            .title("We miss you").build()))
        .build());
    return herald;
  }

  /** Players {@code prefix0…} with a device, last seen 20 days ago, in the shared directory. */
  private List<String> inactivePlayers(Herald herald, String prefix, int count) {
    List<String> players = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + i;
      subscribe(herald, id);
      cluster.directory.put(inactive(id));
      players.add(id);
    }
    return players;
  }

  private PlayerProfile inactive(String id) {
    return PlayerProfile.builder(id)
        .attribute("last_login_at", clock.instant().minus(Duration.ofDays(20))).build();
  }

  private static void subscribe(Herald herald, String id) {
    herald.subscriptions().updatePreferences(id, true, Set.of());
    herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-fcm-token"));
  }

  /** One-player sends may settle on another thread: waits (at most a minute) for n calls. */
  private void waitForSends(int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (fcm.sends().size() < n && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(5);
    }
    assertThat(fcm.sends()).as("calls made").hasSizeGreaterThanOrEqualTo(n);
  }

  /**
   * A node's view of the directory that stops after {@code pauseAfter} players (-1: never) until
   * resumed (a scan stalled mid-way: a GC pause), then goes on and ends with {@code extra}
   * players. It counts the scans that read it.
   */
  private static final class PausingDirectory implements PlayerDirectory {
    private final PlayerDirectory shared;
    private final int pauseAfter;
    private final List<PlayerProfile> extra;
    private final CountDownLatch paused = new CountDownLatch(1);
    private final CountDownLatch resumed = new CountDownLatch(1);
    private final AtomicInteger scans = new AtomicInteger();

    PausingDirectory(PlayerDirectory shared, int pauseAfter, List<PlayerProfile> extra) {
      this.shared = shared;
      this.pauseAfter = pauseAfter;
      this.extra = extra;
    }

    void awaitPause() throws InterruptedException {
      assertThat(paused.await(60, TimeUnit.SECONDS)).as("the scan reached its pause").isTrue();
    }

    void resume() {
      resumed.countDown();
    }

    boolean hasPaused() throws InterruptedException {
      return paused.await(60, TimeUnit.SECONDS);
    }

    @Override
    public Optional<PlayerProfile> find(String playerId) {
      return shared.find(playerId).or(() -> extra.stream()
          .filter(p -> p.playerId().equals(playerId)).findFirst());
    }

    int scans() {
      return scans.get();
    }

    @Override
    public Stream<PlayerProfile> all() {
      scans.incrementAndGet();
      List<PlayerProfile> everyone = new ArrayList<>(shared.all().toList());
      everyone.addAll(extra);
      Iterator<PlayerProfile> players = everyone.iterator();
      Iterator<PlayerProfile> pausing = new Iterator<>() {
        private int read;

        @Override
        public boolean hasNext() {
          if (read == pauseAfter) {
            paused.countDown();
            try {
              assertThat(resumed.await(60, TimeUnit.SECONDS)).as("resumed").isTrue();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
          }
          return players.hasNext();
        }

        @Override
        public PlayerProfile next() {
          read++;
          return players.next();
        }
      };
      return StreamSupport.stream(
          Spliterators.spliteratorUnknownSize(pausing, Spliterator.ORDERED), false);
    }
  }
}
