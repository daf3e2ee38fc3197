package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The batch calls cost a few statements per batch, not per delivery: what makes a campaign run at
 * database speed. Counted through a DataSource that sees every statement and commit.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
class JdbcDeliveryStoreBatchTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final int N = 2 * JdbcDeliveryStore.BATCH + 200; // three chunks

  private final String schema = TestDatabase.freshSchema("batches");
  private CountingDataSource counting;
  private JdbcDeliveryStore store;

  @BeforeEach
  void createStore() {
    counting = new CountingDataSource(TestDatabase.dataSource());
    store = new JdbcDeliveryStore(counting, schema);
    counting.reset();
  }

  private static List<DeliveryRecord> records(String source) {
    List<DeliveryRecord> records = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      records.add(new DeliveryRecord(source, "", "p" + i, Optional.of("d"),
          Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "A",
          NotificationType.PROMOTIONAL, "promotions", DeliveryState.CLAIMED, "", "", T0, T0, 0, 0,
          Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO));
    }
    return records;
  }

  @Test
  void claimAllIsOneTransactionOfAStatementPerChunk() {
    List<DeliveryRecord> records = records("c");
    store.claim(records.get(7));
    counting.reset();

    List<Boolean> claimed = store.claimAll(records);

    assertThat(claimed.stream().filter(b -> !b)).hasSize(1);
    assertThat(claimed.get(7)).isFalse();
    assertThat(counting.connections.get()).isEqualTo(1);
    assertThat(counting.commits.get()).isEqualTo(1);
    assertThat(counting.executions.get()).isEqualTo(3);
  }

  @Test
  void modifyAllLocksAndWritesEachChunkInOneTransaction() {
    List<DeliveryRecord> records = records("m");
    store.claimAll(records);
    // Another store (another node) did not write these rows: it reads them under a lock
    JdbcDeliveryStore other = new JdbcDeliveryStore(counting, schema);
    counting.reset();

    List<DeliveryRecord> written = other.modifyAll(
        records.stream().map(DeliveryRecord::key).toList(),
        r -> r.withOutcome(DeliveryState.DELIVERED, "", "", T0.plusSeconds(1), 1, 200, "m"));

    assertThat(written).hasSize(N).allMatch(r -> r.state() == DeliveryState.DELIVERED);
    assertThat(counting.commits.get()).isEqualTo(3);
    assertThat(counting.executions.get()).as("a SELECT FOR UPDATE and an UPDATE … FROM unnest per chunk")
        .isEqualTo(6);
    try (Stream<DeliveryRecord> stored = store.deliveriesOf("m")) {
      assertThat(stored).hasSize(N).allMatch(r -> r.messageId().equals(Optional.of("m")));
    }
  }

  @Test
  void modifyAllWritesTheRowsThisStoreWroteLastWithoutReadingThem() {
    List<DeliveryRecord> records = records("o");
    List<String> keys = records.stream().map(DeliveryRecord::key).toList();
    store.claimAll(records);
    counting.reset();

    List<DeliveryRecord> marked = store.modifyAll(keys,
        r -> r.withState(DeliveryState.SENDING, "", "", T0.plusSeconds(1)));
    List<DeliveryRecord> settled = store.modifyAll(keys,
        r -> r.withOutcome(DeliveryState.DELIVERED, "", "", T0.plusSeconds(2), 1, 200, "o"));

    assertThat(marked).hasSize(N).allMatch(r -> r.state() == DeliveryState.SENDING);
    assertThat(settled).hasSize(N).allMatch(r -> r.state() == DeliveryState.DELIVERED
        && r.attempts() == 1);
    assertThat(counting.commits.get()).isEqualTo(6);
    assertThat(counting.executions.get()).as("one UPDATE … WHERE xmin = version per chunk")
        .isEqualTo(6);
    try (Stream<DeliveryRecord> stored = store.deliveriesOf("o")) {
      assertThat(stored.toList()).as("what was returned is what is stored")
          .containsExactlyInAnyOrderElementsOf(settled);
    }
  }

  @Test
  void aRowChangedElsewhereSinceThisStoreWroteItIsChangedFromWhatIsStoredNow() {
    List<DeliveryRecord> records = records("x");
    List<String> keys = records.stream().map(DeliveryRecord::key).toList();
    store.claimAll(records);
    store.modifyAll(keys, r -> r.withState(DeliveryState.SENDING, "", "", T0.plusSeconds(1)));
    // Another node records a click on one delivery: this store's copy of that row is stale
    JdbcDeliveryStore other = new JdbcDeliveryStore(counting, schema);
    Instant click = T0.plusSeconds(2);
    other.modify(keys.get(5), r -> r.withClick(click));
    counting.reset();

    List<DeliveryRecord> settled = store.modifyAll(keys,
        r -> r.withOutcome(DeliveryState.DELIVERED, "", "", T0.plusSeconds(3), 1, 200, "x"));
    long executions = counting.executions.get();

    assertThat(settled).hasSize(N).allMatch(r -> r.state() == DeliveryState.DELIVERED);
    assertThat(settled.get(5).clickedAt()).contains(click);
    assertThat(store.find(keys.get(5)).orElseThrow().clickedAt()).as("the click is kept")
        .contains(click);
    assertThat(store.find(keys.get(5)).orElseThrow().state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(store.find(keys.get(6)).orElseThrow().clickedAt()).isEmpty();
    assertThat(executions).as("the optimistic UPDATE per chunk, then for the one stale row a"
        + " SELECT FOR UPDATE and an UPDATE").isEqualTo(5);
  }

  @Test
  void appendAllIsOneTransactionOfAStatementPerChunk() {
    List<DeliveryEvent> events = records("e").stream()
        .map(r -> DeliveryEvent.of(EventType.PUSH_SENT, T0, r, "", "", 0)).toList();

    store.appendAll(events);

    assertThat(counting.commits.get()).isEqualTo(1);
    assertThat(counting.executions.get()).isEqualTo(3);
    try (Stream<DeliveryEvent> stored = store.eventsOf("e")) {
      assertThat(stored).hasSize(N);
    }
  }

  @Test
  void aStreamHoldsNoConnectionBetweenPages() {
    store.claimAll(records("s"));
    counting.reset();
    try (Stream<DeliveryRecord> stream = store.deliveriesOf("s", "")) {
      assertThat(stream.count()).isEqualTo(N);
    }
    assertThat(counting.connections.get()).as("one short connection per page of 1000")
        .isEqualTo((N + 999) / 1000);
  }

  @Test
  void twoNodesClaimingOverlappingBatchesInOppositeOrdersGetEachKeyOnceAndNeverDeadlock()
      throws Exception {
    List<DeliveryRecord> records = records("race");
    List<DeliveryRecord> reversed = new ArrayList<>(records);
    java.util.Collections.reverse(reversed);
    java.util.concurrent.ExecutorService nodes =
        java.util.concurrent.Executors.newFixedThreadPool(2);
    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
    try {
      var a = nodes.submit(() -> {
        start.await();
        return store.claimAll(records);
      });
      var b = nodes.submit(() -> {
        start.await();
        return store.claimAll(reversed);
      });
      List<Boolean> wonByA = a.get(60, java.util.concurrent.TimeUnit.SECONDS);
      List<Boolean> wonByB = b.get(60, java.util.concurrent.TimeUnit.SECONDS);
      for (int i = 0; i < N; i++) {
        assertThat(wonByA.get(i) ^ wonByB.get(N - 1 - i)).as("record %d has one winner", i)
            .isTrue();
      }
    } finally {
      nodes.shutdownNow();
    }
  }
}
