package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Erasure and retention in the compact store's own structures, beyond the contract: rows spread
 * over several chunks, entries moved back in the open-address tables, streams opened before a
 * deletion, events kept whole after their delivery changed.
 */
class InMemoryDeliveryStoreRetentionTest {
  private static final Instant OLD = Instant.parse("2026-01-01T00:00:00Z");
  private static final Instant NEW = OLD.plus(Duration.ofDays(100));
  private static final Instant CUTOFF = OLD.plus(Duration.ofDays(50));
  private final InMemoryDeliveryStore store = new InMemoryDeliveryStore();

  private static DeliveryRecord record(String source, String player, Instant created) {
    return new DeliveryRecord(source, "", player, Optional.of("dev-" + player),
        Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "A",
        NotificationType.TOURNAMENT, "tournaments", DeliveryState.CLAIMED, "", "", created,
        created, 0, 0, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }

  private static <T> List<T> list(Stream<T> stream) {
    try (stream) {
      return stream.toList();
    }
  }

  @Test
  void retentionOverManyChunksKeepsEveryIndexRightForWhatRemains() {
    // a first block of 4096 old rows and events: all deleted, so their chunks are freed
    int block = 4096;
    List<DeliveryRecord> first = new ArrayList<>();
    for (int i = 0; i < block; i++) {
      first.add(record("pre", "x" + i, OLD));
    }
    store.claimAll(first);
    store.appendAll(first.stream()
        .map(r -> DeliveryEvent.of(EventType.PUSH_SENT, OLD, r, "", "", 0)).toList());
    Stream<DeliveryRecord> openedBefore = store.deliveriesOf("pre", "");

    int players = 1_500;
    List<DeliveryRecord> kept = new ArrayList<>();
    // per player: old, new, old, new rows, so retention unlinks a player's oldest row and one in
    // the middle of their list
    for (int round = 0; round < 4; round++) {
      List<DeliveryRecord> batch = new ArrayList<>();
      List<DeliveryEvent> events = new ArrayList<>();
      for (int p = 0; p < players; p++) {
        DeliveryRecord r = record("s" + round, "p" + p, round % 2 == 1 ? NEW : OLD);
        batch.add(r);
        events.add(DeliveryEvent.of(EventType.PUSH_SENT, r.createdAt(), r, "", "", 0));
        if (round % 2 == 1) {
          kept.add(r);
        }
      }
      store.claimAll(batch);
      store.appendAll(events);
    }

    int calls = 0;
    int total = 0;
    int deleted;
    while ((deleted = store.deleteBefore(CUTOFF, 1_000)) > 0) {
      assertThat(deleted).isLessThanOrEqualTo(2_000);
      total += deleted;
      calls++;
    }
    int old = block + 2 * players;
    assertThat(total).isEqualTo(2 * old); // the old rows and their events
    assertThat(calls).isEqualTo((old + 999) / 1_000);

    assertThat(list(openedBefore)).isEmpty();
    assertThat(list(store.deliveriesOf("pre"))).isEmpty();
    assertThat(list(store.eventsOf("pre"))).isEmpty();
    assertThat(store.deliveriesOfPlayer("x1", Instant.EPOCH)).isEmpty();
    assertThat(list(store.deliveriesOf("s0"))).isEmpty();
    assertThat(list(store.eventsOf("s2"))).isEmpty();
    assertThat(list(store.deliveriesOf("s1"))).containsExactlyElementsOf(kept.subList(0, players));
    for (DeliveryRecord r : kept) {
      assertThat(store.find(r.key())).contains(r);
      assertThat(store.findById(r.deliveryId())).contains(r);
    }
    for (int p = 0; p < players; p++) {
      assertThat(store.deliveriesOfPlayer("p" + p, Instant.EPOCH))
          .containsExactlyInAnyOrder(kept.get(p), kept.get(players + p));
      assertThat(list(store.eventsOfPlayer("p" + p))).hasSize(2);
    }
    // the tables still take new rows, and the deleted keys can be claimed again
    DeliveryRecord again = record("s0", "p7", NEW);
    assertThat(store.claim(again)).isTrue();
    assertThat(store.find(again.key())).contains(again);
    assertThat(store.deliveriesOfPlayer("p7", Instant.EPOCH)).hasSize(3);
  }

  @Test
  void aStreamOpenedBeforeRetentionSkipsWhatItDeleted() {
    List<DeliveryRecord> batch = new ArrayList<>();
    for (int p = 0; p < 10; p++) {
      batch.add(record("s", "p" + p, p < 5 ? NEW : OLD));
    }
    store.claimAll(batch);
    // the step's stream decodes lazily (deliveriesOf(source) flat-maps its steps, which an
    // iterator buffers a step at a time)
    try (Stream<DeliveryRecord> stream = store.deliveriesOf("s", "")) {
      Iterator<DeliveryRecord> it = stream.iterator();
      assertThat(it.next()).isEqualTo(batch.get(0));
      assertThat(store.deleteBefore(CUTOFF, 100)).isEqualTo(5);
      List<DeliveryRecord> rest = new ArrayList<>();
      it.forEachRemaining(rest::add);
      assertThat(rest).containsExactlyElementsOf(batch.subList(1, 5));
    }
  }

  @Test
  void retentionKeepsTheNewerEventsOfADeletedDeliveryWhole() {
    DeliveryRecord r = record("s", "p", OLD);
    store.claim(r);
    DeliveryEvent sent = DeliveryEvent.of(EventType.PUSH_SENT, OLD, r, "", "", 0);
    DeliveryEvent clicked = DeliveryEvent.of(EventType.PUSH_CLICKED, OLD.plusSeconds(60), r,
        "open", "", 0);
    store.appendAll(List.of(sent, clicked));
    // The click is newer than the cutoff here, the delivery and the send are not.
    Instant cutoff = OLD.plusSeconds(30);

    assertThat(store.deleteBefore(cutoff, 10)).isEqualTo(2);

    assertThat(store.find(r.key())).isEmpty();
    assertThat(list(store.eventsOf("s"))).containsExactly(clicked);
    assertThat(list(store.eventsOfPlayer("p"))).containsExactly(clicked);
    assertThat(store.deleteBefore(OLD.plusSeconds(61), 10)).isEqualTo(1);
    assertThat(list(store.eventsOfPlayer("p"))).isEmpty();
  }

  @Test
  void erasureReachesEventsKeptWholeAndLeavesOtherPlayersFindable() {
    int players = 500;
    List<DeliveryRecord> all = new ArrayList<>();
    for (int p = 0; p < players; p++) {
      DeliveryRecord r = record("s", "p" + p, NEW);
      all.add(r);
      store.claim(r);
      store.append(DeliveryEvent.of(EventType.PUSH_SENT, NEW, r, "", "to dev-p" + p, 0));
    }
    // p0's delivery changes its variant: its event no longer repeats it and is kept whole
    DeliveryRecord first = all.get(0);
    store.update(new DeliveryRecord(first.sourceId(), first.step(), first.playerId(),
        first.deviceId(), first.platform(), first.deliveryId(), "B", first.type(),
        first.category(), DeliveryState.DELIVERED, "", "token of p0", first.createdAt(),
        NEW.plusSeconds(1), 1, 200, Optional.of("m0"), Optional.empty(), 0, BigDecimal.ZERO));
    store.append(DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, NEW, "s", "", ""));

    for (int p = 0; p < players; p += 2) {
      assertThat(store.erasePlayer("p" + p)).isEqualTo(1);
    }

    for (int p = 0; p < players; p++) {
      DeliveryRecord r = all.get(p);
      DeliveryRecord read = store.findById(r.deliveryId()).orElseThrow();
      if (p % 2 == 0) {
        assertThat(read.playerId()).isEqualTo(DeliveryStore.ERASED_PLAYER_PREFIX + r.deliveryId());
        assertThat(read.deviceId()).isEmpty();
        assertThat(store.find(read.key())).contains(read);
        assertThat(store.find(r.key())).isEmpty();
        assertThat(list(store.eventsOfPlayer(r.playerId()))).isEmpty();
      } else {
        assertThat(read).isEqualTo(r);
        assertThat(store.find(r.key())).contains(r);
        assertThat(store.deliveriesOfPlayer(r.playerId(), Instant.EPOCH)).containsExactly(r);
        assertThat(list(store.eventsOfPlayer(r.playerId()))).hasSize(1);
      }
    }
    DeliveryRecord erasedFirst = store.findById(first.deliveryId()).orElseThrow();
    assertThat(erasedFirst.state()).isEqualTo(DeliveryState.DELIVERED);
    assertThat(erasedFirst.detail()).isEmpty();
    assertThat(erasedFirst.messageId()).isEmpty();
    List<DeliveryEvent> audit = list(store.eventsOf("s"));
    assertThat(audit).hasSize(players + 1);
    assertThat(audit.stream().filter(e -> e.deliveryId().isPresent()))
        .allSatisfy(e -> {
          boolean erased = Integer.parseInt(
              all.stream().filter(r -> r.deliveryId().equals(e.deliveryId().get())).findFirst()
                  .orElseThrow().playerId().substring(1)) % 2 == 0;
          assertThat(e.playerId().isEmpty()).isEqualTo(erased);
          assertThat(e.deviceId().isEmpty()).isEqualTo(erased);
          assertThat(e.detail().isEmpty()).isEqualTo(erased);
        });
  }
}
