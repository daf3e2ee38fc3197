package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.spi.DeliveryStore;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 *
 * <p>What it pins down where the SPI's words leave room:
 * <ul>
 *   <li><b>Event order.</b> "Oldest first" means ascending {@link DeliveryEvent#at()}, and events
 *       with equal times in the order they were appended (a sequence column breaks ties, not the
 *       database's whim).
 *   <li><b>Time precision.</b> Every instant keeps at least microseconds: one with nanoseconds
 *       reads back exactly or truncated to the microsecond (PostgreSQL's {@code timestamptz});
 *       milliseconds are not enough.
 *   <li><b>Streams</b> return every row however many pages they span.
 *   <li><b>Erasure</b> anonymises a player's records and events and keeps the statistics;
 *       <b>retention</b> deletes in bounded batches.
 * </ul>
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
  void customTypesKeepPurposeCategoryAndSharedCaps() {
    NotificationType liveOdds =
        NotificationType.custom("LIVE_ODDS", Purpose.MARKETING, "sports").withoutSharedCaps();
    NotificationType wallet = NotificationType.custom("WALLET", Purpose.SERVICE, "wallet");
    for (NotificationType type : List.of(liveOdds, wallet)) {
      DeliveryRecord r = new DeliveryRecord("c-" + type.name(), "", "p", Optional.of("d"),
          Optional.of(Platform.APNS), DeliveryRecord.newDeliveryId(), "A", type,
          type.category(), DeliveryState.CLAIMED, "", "", T0, T0, 0, 0, Optional.empty(),
          Optional.empty(), 0, BigDecimal.ZERO);
      store.claim(r);
      NotificationType read = store.find(r.key()).orElseThrow().type();
      assertThat(read).as(type.name()).isEqualTo(type);
      assertThat(read.sharedCaps()).as(type.name() + " shares caps")
          .isEqualTo(type.sharedCaps());
    }
  }

  @Test
  void playerLevelRecordsHaveNoDevice() {
    DeliveryRecord r = record("c", "", "p", null, DeliveryState.SUPPRESSED, T0);
    assertThat(store.claim(r)).isTrue();
    assertThat(store.find(r.key()).orElseThrow().deviceId()).isEmpty();
  }

  @Test
  void theBrandSurvivesAClaimAnUpdateAndABatch() {
    Brand lucky = Brand.of("lucky-spins");
    DeliveryRecord base = record("c", "", "p", "d", DeliveryState.CLAIMED, T0);
    DeliveryRecord branded = withBrand(base, Optional.of(lucky));
    assertThat(store.claim(branded)).isTrue();
    assertThat(store.find(branded.key()).orElseThrow().brand()).contains(lucky);
    DeliveryRecord done = branded.withOutcome(DeliveryState.DELIVERED, "", "", T0.plusSeconds(1),
        1, 201, "m");
    store.update(done);
    assertThat(store.find(branded.key())).contains(done);
    DeliveryRecord noBrand = withBrand(record("c", "", "q", null, DeliveryState.SUPPRESSED, T0),
        Optional.empty());
    DeliveryRecord targeted = withBrand(record("c", "", "r", null, DeliveryState.SUPPRESSED, T0),
        Optional.of(lucky));
    DeliveryRecord other = withBrand(record("c", "", "s", "d", DeliveryState.CLAIMED, T0),
        Optional.of(Brand.of("golden-reels")));
    assertThat(store.claimAll(List.of(noBrand, targeted, other))).containsOnly(true);
    assertThat(store.find(noBrand.key()).orElseThrow().brand()).isEmpty();
    assertThat(store.find(targeted.key()).orElseThrow().brand()).contains(lucky);
    assertThat(list(store.deliveriesOf("c"))).containsExactlyInAnyOrder(done, noBrand, targeted,
        other);
  }

  private static DeliveryRecord withBrand(DeliveryRecord r, Optional<Brand> brand) {
    return new DeliveryRecord(r.sourceId(), r.step(), r.playerId(), r.deviceId(), r.platform(),
        brand, r.deliveryId(), r.variant(), r.type(), r.category(), r.state(), r.reason(),
        r.detail(), r.createdAt(), r.updatedAt(), r.attempts(), r.httpStatus(), r.messageId(),
        r.clickedAt(), r.conversions(), r.conversionValue());
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
  void playersReadTogetherGetWhatEachReadAloneGets() {
    store.claim(record("a", "", "p", "d", DeliveryState.CLAIMED, T0));
    store.claim(record("b", "", "p", "d", DeliveryState.CLAIMED, T0.plusSeconds(100)));
    store.claim(record("c", "", "q", "d", DeliveryState.CLAIMED, T0.plusSeconds(100)));
    store.claim(record("d", "", "r", "d", DeliveryState.CLAIMED, T0));
    Map<String, List<DeliveryRecord>> read = store.deliveriesOfPlayers(
        List.of("p", "q", "r", "nobody"), T0.plusSeconds(50));
    assertThat(read.get("p")).containsExactlyElementsOf(
        store.deliveriesOfPlayer("p", T0.plusSeconds(50)));
    assertThat(read.get("q")).extracting(DeliveryRecord::sourceId).containsExactly("c");
    assertThat(read.getOrDefault("r", List.of())).isEmpty();
    assertThat(read.getOrDefault("nobody", List.of())).isEmpty();
    assertThat(store.deliveriesOfPlayers(List.of("p"), T0).get("p"))
        .extracting(DeliveryRecord::sourceId).containsExactly("a", "b");
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

  @Test
  void eventsAreOldestFirstAndInAppendOrderAtEqualTimes() {
    DeliveryRecord r = record("c", "", "p", "d", DeliveryState.CLAIMED, T0);
    // appended out of time order: the later event first
    store.append(DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusSeconds(2), r, "", "", 201));
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0.plusSeconds(1), r, "", "", 0));
    // three at one instant: kept in append order, whatever their names or other fields
    store.appendAll(List.of(
        DeliveryEvent.of(EventType.PUSH_FAILED, T0.plusSeconds(3), r, "z", "", 500),
        DeliveryEvent.of(EventType.CONVERSION, T0.plusSeconds(3), r, "a", "", 0),
        DeliveryEvent.of(EventType.PUSH_CLICKED, T0.plusSeconds(3), r, "m", "", 0)));
    List<EventType> expected = List.of(EventType.PUSH_SENT, EventType.PUSH_DELIVERED,
        EventType.PUSH_FAILED, EventType.CONVERSION, EventType.PUSH_CLICKED);
    assertThat(list(store.eventsOfPlayer("p"))).extracting(DeliveryEvent::type)
        .containsExactlyElementsOf(expected);
    assertThat(list(store.eventsOf("c"))).extracting(DeliveryEvent::type)
        .containsExactlyElementsOf(expected);
  }

  @Test
  void instantsKeepAtLeastMicroseconds() {
    Instant precise = T0.plusNanos(123_456_789);
    DeliveryRecord r = new DeliveryRecord("c", "", "p", Optional.of("d"),
        Optional.of(Platform.APNS), DeliveryRecord.newDeliveryId(), "A",
        NotificationType.VIP_OFFER, "vip", DeliveryState.DELIVERED, "", "", precise,
        precise.plusNanos(1_000), 1, 200, Optional.of("m"), Optional.of(precise.plusNanos(2_000)),
        0, BigDecimal.ZERO);
    store.claim(r);
    DeliveryRecord read = store.find(r.key()).orElseThrow();
    assertThat(read.createdAt()).as("createdAt: microseconds at least")
        .isIn(precise, precise.truncatedTo(ChronoUnit.MICROS));
    assertThat(read.updatedAt()).isIn(precise.plusNanos(1_000),
        precise.plusNanos(1_000).truncatedTo(ChronoUnit.MICROS));
    assertThat(read.clickedAt().orElseThrow()).isIn(precise.plusNanos(2_000),
        precise.plusNanos(2_000).truncatedTo(ChronoUnit.MICROS));
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, precise, r, "", "", 0));
    assertThat(list(store.eventsOf("c")).get(0).at())
        .isIn(precise, precise.truncatedTo(ChronoUnit.MICROS));
    // two instants one microsecond apart stay apart and in order
    store.claim(record("later", "", "p", "d", DeliveryState.CLAIMED,
        precise.truncatedTo(ChronoUnit.MICROS).plusNanos(1_000)));
    assertThat(store.deliveriesOfPlayer("p", precise.truncatedTo(ChronoUnit.MICROS)
        .plusNanos(1_000))).extracting(DeliveryRecord::sourceId).containsExactly("later");
  }

  @Test
  void batchesClaimModifyAndAppendAsTheSingleCallsDo() {
    DeliveryRecord existing = record("c", "", "p0", "d", DeliveryState.CLAIMED, T0);
    store.claim(existing);
    List<DeliveryRecord> batch = new ArrayList<>();
    batch.add(record("c", "", "p0", "d", DeliveryState.CLAIMED, T0)); // key taken
    for (int i = 1; i <= 3; i++) {
      batch.add(record("c", "", "p" + i, "d", DeliveryState.CLAIMED, T0));
    }
    assertThat(store.claimAll(batch)).containsExactly(false, true, true, true);
    assertThat(store.find(existing.key())).contains(existing);
    assertThat(store.claimAll(List.of())).isEmpty();

    List<String> keys = List.of(batch.get(3).key(), "no|such|key|", batch.get(1).key());
    List<DeliveryRecord> written = store.modifyAll(keys, r -> r.withOutcome(
        DeliveryState.DELIVERED, "", "", T0.plusSeconds(1), 1, 200, "m-" + r.playerId()));
    assertThat(written).extracting(DeliveryRecord::playerId).containsExactly("p3", "p1");
    assertThat(store.find(batch.get(1).key()).orElseThrow().messageId()).contains("m-p1");
    assertThat(store.find(batch.get(2).key()).orElseThrow().state())
        .isEqualTo(DeliveryState.CLAIMED);

    store.appendAll(List.of(
        DeliveryEvent.of(EventType.PUSH_SENT, T0, batch.get(1), "", "", 0),
        DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusSeconds(1), batch.get(1), "", "", 200)));
    assertThat(list(store.eventsOfPlayer("p1"))).extracting(DeliveryEvent::type)
        .containsExactly(EventType.PUSH_SENT, EventType.PUSH_DELIVERED);
  }

  @Test
  void streamsReturnEveryRowAcrossManyPages() {
    int count = 2_345; // more than one page of any sensible page size
    List<DeliveryRecord> records = new ArrayList<>(count);
    List<DeliveryEvent> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      DeliveryRecord r = record("big", i % 2 == 0 ? "s1" : "s2", "p" + i, "d",
          DeliveryState.CLAIMED, T0);
      records.add(r);
      events.add(DeliveryEvent.of(EventType.PUSH_SENT, T0.plusMillis(i / 3), r, "", "", 0));
    }
    store.claimAll(records);
    store.appendAll(events);
    Set<String> keys = new HashSet<>();
    list(store.deliveriesOf("big")).forEach(r -> keys.add(r.key()));
    assertThat(keys).hasSize(count);
    assertThat(list(store.deliveriesOf("big", "s2"))).hasSize(count / 2)
        .allSatisfy(r -> assertThat(r.step()).isEqualTo("s2"));
    assertThat(list(store.eventsOf("big"))).extracting(e -> e.playerId().orElseThrow())
        .containsExactlyElementsOf(events.stream().map(e -> e.playerId().orElseThrow()).toList());
  }

  @Test
  void erasingAPlayerAnonymisesTheirRecordsAndEventsAndKeepsTheStatistics() {
    DeliveryRecord mine = record("c", "", "alice", "phone", DeliveryState.CLAIMED, T0);
    DeliveryRecord theirs = record("c", "", "bob", "phone", DeliveryState.CLAIMED, T0);
    store.claimAll(List.of(mine, theirs));
    store.modify(mine.key(), r -> r.withOutcome(DeliveryState.DELIVERED, "", "token abc",
        T0.plusSeconds(1), 1, 200, "msg-1").withClick(T0.plusSeconds(9))
        .withConversion(BigDecimal.TEN));
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0, mine, "", "alice's phone", 0));
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0, theirs, "", "", 0));

    assertThat(store.erasePlayer("alice")).isEqualTo(1);

    assertThat(store.find(mine.key())).isEmpty();
    assertThat(store.deliveriesOfPlayer("alice", Instant.EPOCH)).isEmpty();
    assertThat(store.lastClicked("alice", Instant.EPOCH)).isEmpty();
    assertThat(list(store.eventsOfPlayer("alice"))).isEmpty();
    DeliveryRecord erased = store.findById(mine.deliveryId()).orElseThrow();
    assertThat(erased.playerId())
        .isEqualTo(DeliveryStore.ERASED_PLAYER_PREFIX + mine.deliveryId());
    assertThat(store.find(erased.key())).contains(erased);
    assertThat(erased.deviceId()).isEmpty();
    assertThat(erased.messageId()).isEmpty();
    assertThat(erased.detail()).isEmpty();
    // what the statistics count is kept
    assertThat(erased.state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(erased.variant()).isEqualTo("A");
    assertThat(erased.clickedAt()).contains(T0.plusSeconds(9));
    assertThat(erased.conversions()).isEqualTo(1);
    assertThat(erased.conversionValue()).isEqualByComparingTo(BigDecimal.TEN);
    assertThat(list(store.deliveriesOf("c"))).hasSize(2)
        .noneMatch(r -> r.playerId().equals("alice"));
    List<DeliveryEvent> audit = list(store.eventsOf("c"));
    assertThat(audit).hasSize(2).noneMatch(e -> e.playerId().equals(Optional.of("alice")))
        .noneMatch(e -> e.detail().contains("alice"));
    // bob is untouched; a second erasure finds nothing
    assertThat(store.find(theirs.key())).contains(theirs);
    assertThat(list(store.eventsOfPlayer("bob"))).hasSize(1);
    assertThat(store.erasePlayer("alice")).isZero();
  }

  @Test
  void retentionDeletesOldEventsAndDeliveriesInBoundedBatches() {
    Instant old = T0.minus(Duration.ofDays(40));
    List<DeliveryRecord> records = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      DeliveryRecord r = record("old", "", "p" + i, "d", DeliveryState.DELIVERED, old);
      records.add(r);
      store.append(DeliveryEvent.of(EventType.PUSH_SENT, old, r, "", "", 0));
    }
    DeliveryRecord recent = record("new", "", "p0", "d", DeliveryState.DELIVERED, T0);
    records.add(recent);
    store.claimAll(records);
    store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0, recent, "", "", 0));

    Instant cutoff = T0.minus(Duration.ofDays(30));
    int first = store.deleteBefore(cutoff, 2);
    assertThat(first).as("one call deletes at most 2 events and 2 deliveries").isBetween(1, 4);
    int total = first;
    int calls = 1;
    int deleted;
    while ((deleted = store.deleteBefore(cutoff, 2)) > 0) {
      assertThat(deleted).isLessThanOrEqualTo(4);
      total += deleted;
      assertThat(++calls).as("retention terminates").isLessThan(20);
    }
    assertThat(total).isEqualTo(10);
    assertThat(list(store.deliveriesOf("old"))).isEmpty();
    assertThat(list(store.eventsOf("old"))).isEmpty();
    assertThat(store.find(recent.key())).contains(recent);
    assertThat(list(store.eventsOf("new"))).hasSize(1);
  }
}
