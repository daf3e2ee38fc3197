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
    counting.reset();

    List<DeliveryRecord> written = store.modifyAll(
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
