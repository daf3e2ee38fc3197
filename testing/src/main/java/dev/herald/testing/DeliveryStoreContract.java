package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DeliveryStore} must keep: claims are atomic (one winner among
 * concurrent claimers of a key), so are modifications (no update lost under contention), records
 * and events survive round trips with every field, and the
 * queries return what the dispatcher and analytics rely on. Extend it and return a fresh, empty
 * store from {@link #newStore()}.
 */
public abstract class DeliveryStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private DeliveryStore store;

  /**
   * Creates the store under test, empty.
   *
   * @return a new, empty store
   */
  protected abstract DeliveryStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private static DeliveryRecord record(String source, String step, String player, String device,
      DeliveryState state, Instant at) {
    return new DeliveryRecord(source, step, player, Optional.ofNullable(device),
        device == null ? Optional.empty() : Optional.of(Platform.FCM),
        DeliveryRecord.newDeliveryId(), "A", NotificationType.VIP_OFFER, "vip", state,
        state == DeliveryState.SUPPRESSED ? "FREQUENCY_CAP" : "", "", at, at, 0, 0,
        Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }

  private static <T> List<T> list(Stream<T> stream) {
    try (stream) {
      return stream.toList();
    }
  }

  @Test
  void claimIsInsertIfAbsent() {
    DeliveryRecord r = record("c", "", "p", "d", DeliveryState.CLAIMED, T0);
    assertThat(store.claim(r)).isTrue();
    assertThat(store.claim(record("c", "", "p", "d", DeliveryState.SUPPRESSED, T0))).isFalse();
    assertThat(store.find(r.key())).contains(r);
    assertThat(store.findById(r.deliveryId())).contains(r);
    assertThat(store.find("nope")).isEmpty();
    assertThat(store.findById("nope")).isEmpty();
  }

  @Test
  void everyFieldSurvivesAnUpdate() {
    DeliveryRecord r = record("c", "s1", "p", "d", DeliveryState.CLAIMED, T0);
    store.claim(r);
    DeliveryRecord done = r.withOutcome(DeliveryState.DELIVERED, "", "accepted",
        T0.plusSeconds(2), 2, 201, "msg-1").withClick(T0.plusSeconds(60))
        .withConversion(new BigDecimal("25.50"));
    store.update(done);
    assertThat(store.find(r.key())).contains(done);
    assertThat(store.findById(r.deliveryId())).contains(done);
  }

  @Test
  void playerLevelRecordsHaveNoDevice() {
    DeliveryRecord r = record("c", "", "p", null, DeliveryState.SUPPRESSED, T0);
    assertThat(store.claim(r)).isTrue();
    assertThat(store.find(r.key()).orElseThrow().deviceId()).isEmpty();
  }

  @Test
  void deliveriesAreListedBySourceAndStep() {
    store.claim(record("c", "1", "p", "d", DeliveryState.CLAIMED, T0));
    store.claim(record("c", "2", "p", "d", DeliveryState.CLAIMED, T0));
    store.claim(record("other", "1", "p", "d", DeliveryState.CLAIMED, T0));
    assertThat(list(store.deliveriesOf("c"))).extracting(DeliveryRecord::step)
        .containsExactlyInAnyOrder("1", "2");
    assertThat(list(store.deliveriesOf("c", "2"))).hasSize(1);
    assertThat(list(store.deliveriesOf("unknown"))).isEmpty();
  }

  @Test
  void playerQueriesFilterByTime() {
    store.claim(record("a", "", "p", "d", DeliveryState.CLAIMED, T0));
    store.claim(record("b", "", "p", "d", DeliveryState.CLAIMED, T0.plusSeconds(100)));
    store.claim(record("c", "", "q", "d", DeliveryState.CLAIMED, T0.plusSeconds(100)));
    assertThat(store.deliveriesOfPlayer("p", T0.plusSeconds(50)))
        .extracting(DeliveryRecord::sourceId).containsExactly("b");
    assertThat(store.deliveriesOfPlayer("p", T0)).extracting(DeliveryRecord::sourceId)
        .containsExactly("a", "b");

    DeliveryRecord a = store.find(DeliveryRecord.key("a", "", "p", "d")).orElseThrow();
    DeliveryRecord b = store.find(DeliveryRecord.key("b", "", "p", "d")).orElseThrow();
    store.update(a.withClick(T0.plusSeconds(300)));
    store.update(b.withClick(T0.plusSeconds(200)));
    assertThat(store.lastClicked("p", T0)).map(DeliveryRecord::sourceId).contains("a");
    assertThat(store.lastClicked("p", T0.plusSeconds(301))).isEmpty();
    assertThat(store.lastClicked("q", T0)).isEmpty();
  }

  @Test
  void eventsAreKeptInOrderPerPlayerAndPerSource() {
    DeliveryRecord r = record("c", "", "p", "d", DeliveryState.CLAIMED, T0);
    store.append(DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, T0, "c", "", "created"));
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0.plusSeconds(1), r, "", "", 0));
    store.append(DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusSeconds(2), r, "", "", 201));
    assertThat(list(store.eventsOfPlayer("p"))).extracting(DeliveryEvent::type)
        .containsExactly(EventType.PUSH_SENT, EventType.PUSH_DELIVERED);
    assertThat(list(store.eventsOf("c"))).extracting(DeliveryEvent::type)
        .containsExactly(EventType.CAMPAIGN_CREATED, EventType.PUSH_SENT,
            EventType.PUSH_DELIVERED);
    assertThat(list(store.eventsOf("c")).get(2).httpStatus()).isEqualTo(201);
    assertThat(list(store.eventsOfPlayer("nobody"))).isEmpty();
  }

  @Test
  void progressIsReplacedPerStep() {
    assertThat(store.progress("c", "")).isEmpty();
    DispatchProgress started = new DispatchProgress("c", "", T0, Optional.empty(), Optional.empty());
    store.saveProgress(started);
    DispatchProgress later = new DispatchProgress("c", "", T0, Optional.of("p42"),
        Optional.of(T0.plusSeconds(9)));
    store.saveProgress(later);
    store.saveProgress(new DispatchProgress("c", "other", T0, Optional.empty(), Optional.empty()));
    assertThat(store.progress("c", "")).contains(later);
  }

  @Test
  void concurrentClaimsOfOneKeyHaveOneWinner() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      for (int round = 0; round < 50; round++) {
        String player = "p" + round;
        List<Future<Boolean>> wins = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          wins.add(pool.submit(() -> {
            start.await();
            return store.claim(record("race", "", player, "d", DeliveryState.CLAIMED, T0));
          }));
        }
        int winners = 0;
        for (Future<Boolean> w : wins) {
          winners += w.get(30, TimeUnit.SECONDS) ? 1 : 0;
        }
        assertThat(winners).as("round %d", round).isEqualTo(1);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void modifyChangesTheStoredRecordAndIgnoresUnknownKeys() {
    DeliveryRecord sent = record("c", "", "p", "d", DeliveryState.SENDING, T0);
    store.claim(sent);

    Optional<DeliveryRecord> clicked = store.modify(sent.key(),
        r -> r.withClick(T0.plusSeconds(5)));
    Optional<DeliveryRecord> delivered = store.modify(sent.key(), r -> r.withOutcome(
        DeliveryState.DELIVERED, "", "", T0.plusSeconds(6), 1, 200, "m-1"));

    assertThat(clicked).isPresent();
    assertThat(delivered).isPresent();
    DeliveryRecord stored = store.find(sent.key()).orElseThrow();
    assertThat(stored).isEqualTo(delivered.get());
    assertThat(stored.state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(stored.clickedAt()).contains(T0.plusSeconds(5)); // the outcome kept the click
    assertThat(store.modify("no|such|key|", r -> r.withClick(T0))).isEmpty();
    assertThat(store.find("no|such|key|")).isEmpty();
  }

  @Test
  void concurrentModificationsOfOneRecordLoseNothing() throws Exception {
    DeliveryRecord r = record("c", "", "p", "d", DeliveryState.DELIVERED, T0);
    store.claim(r);
    int threads = 4;
    int each = 250;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < each; i++) {
            store.modify(r.key(), current -> current.withConversion(BigDecimal.ONE));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    DeliveryRecord stored = store.find(r.key()).orElseThrow();
    assertThat(stored.conversions()).isEqualTo(threads * each);
    assertThat(stored.conversionValue()).isEqualByComparingTo(BigDecimal.valueOf(threads * each));
  }
}
