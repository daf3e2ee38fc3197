package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.PendingTrigger;
import dev.herald.spi.TriggerStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link TriggerStore} must keep: delayed sends round-trip and are removed
 * atomically (one winner when a firing and a cancelling event race), entries and activity keep the
 * latest instant. Extend it and return a fresh, empty store from {@link #newStore()}.
 */
public abstract class TriggerStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private TriggerStore store;

  /**
   * Creates the store under test, empty.
   *
   * @return a new, empty store
   */
  protected abstract TriggerStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private static PendingTrigger pending(String id, String player) {
    return new PendingTrigger(id, "deposit-reminder", player, "evt-" + id, "DEPOSIT_ABANDONED",
        T0, T0.plusSeconds(1800), Map.of("amount", "50", "event_id", "evt-" + id));
  }

  @Test
  void pendingSendsRoundTripAndAreListedPerPlayer() {
    PendingTrigger a = pending("a", "alice");
    store.savePending(a);
    store.savePending(pending("b", "bob"));
    assertThat(store.pendingOf("alice")).containsExactly(a);
    assertThat(store.pendingOf("nobody")).isEmpty();
    try (Stream<PendingTrigger> all = store.allPending()) {
      assertThat(all.map(PendingTrigger::id)).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void aDelayedSendIsFoundByIdUntilItIsRemoved() {
    PendingTrigger a = pending("a", "alice");
    store.savePending(a);
    store.savePending(pending("b", "bob"));
    assertThat(store.findPending("a")).contains(a);
    assertThat(store.findPending("c")).isEmpty();
    store.removePending("a");
    assertThat(store.findPending("a")).as("a durable timer firing after a cancel finds nothing")
        .isEmpty();
  }

  @Test
  void removeSucceedsOnce() {
    store.savePending(pending("a", "alice"));
    assertThat(store.removePending("a")).isTrue();
    assertThat(store.removePending("a")).isFalse();
    assertThat(store.pendingOf("alice")).isEmpty();
    assertThat(store.removePending("never")).isFalse();
  }

  @Test
  void concurrentRemovalsHaveOneWinner() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String id = "p" + round;
        store.savePending(pending(id, "alice"));
        List<Future<Boolean>> wins = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          wins.add(pool.submit(() -> {
            start.await();
            return store.removePending(id);
          }));
        }
        int winners = 0;
        for (Future<Boolean> w : wins) {
          winners += w.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void entriesAndActivityKeepTheLatestInstant() {
    assertThat(store.lastEntry("r", "alice")).isEmpty();
    store.recordEntry("r", "alice", T0.plusSeconds(10));
    store.recordEntry("r", "alice", T0);
    store.recordEntry("other", "alice", T0.plusSeconds(99));
    assertThat(store.lastEntry("r", "alice")).contains(T0.plusSeconds(10));
    store.recordActivity("alice", "LOGIN", T0);
    store.recordActivity("alice", "LOGIN", T0.plusSeconds(5));
    store.recordActivity("alice", "DEPOSIT", T0.plusSeconds(50));
    assertThat(store.lastActivity("alice", "LOGIN")).contains(T0.plusSeconds(5));
    assertThat(store.lastActivity("bob", "LOGIN")).isEmpty();
  }

  @Test
  void erasingAPlayerRemovesTheirDelayedSendsEntriesAndActivity() {
    store.savePending(pending("a1", "alice"));
    store.savePending(pending("a2", "alice"));
    store.savePending(pending("b1", "bob"));
    store.recordEntry("r", "alice", T0);
    store.recordEntry("r", "bob", T0);
    store.recordActivity("alice", "LOGIN", T0);
    store.recordActivity("bob", "LOGIN", T0);

    assertThat(store.erasePlayer("alice")).isEqualTo(2);

    assertThat(store.pendingOf("alice")).isEmpty();
    assertThat(store.removePending("a1")).as("a firing after erasure finds nothing").isFalse();
    try (Stream<PendingTrigger> all = store.allPending()) {
      assertThat(all.map(PendingTrigger::id)).containsExactly("b1");
    }
    assertThat(store.lastEntry("r", "alice")).isEmpty();
    assertThat(store.lastActivity("alice", "LOGIN")).isEmpty();
    assertThat(store.lastEntry("r", "bob")).contains(T0);
    assertThat(store.lastActivity("bob", "LOGIN")).contains(T0);
    assertThat(store.erasePlayer("alice")).isZero();
  }

  @Test
  void instantsKeepAtLeastMicroseconds() {
    Instant precise = T0.plusNanos(555_444_333);
    store.recordActivity("alice", "LOGIN", precise);
    store.recordActivity("alice", "LOGIN", precise.truncatedTo(ChronoUnit.MILLIS));
    assertThat(store.lastActivity("alice", "LOGIN").orElseThrow())
        .as("the later of two instants 444 microseconds apart")
        .isIn(precise, precise.truncatedTo(ChronoUnit.MICROS));
  }
}
