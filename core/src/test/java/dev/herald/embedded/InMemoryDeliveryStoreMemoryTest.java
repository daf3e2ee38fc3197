package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.Test;

/**
 * The default delivery store must hold a 1M-device campaign in a 256 MB heap: this fills it with
 * a campaign's worth of deliveries, each claimed, sent and delivered with its two events (the
 * shape the dispatcher writes), and measures the heap the store retains after a full GC.
 *
 * <p>Player and device ids are held by the test, as the host's player directory and subscription
 * store hold them: what is measured is what the store adds. Memory is measured, not time.
 */
class InMemoryDeliveryStoreMemoryTest {
  private static final int DELIVERIES = 100_000;
  /** About 150 bytes per delivery is the goal; the bound leaves room for GC noise. */
  private static final long MAX_BYTES_PER_DELIVERY = 200;

  @Test
  void aDeliveryWithItsEventsCostsAboutOneHundredAndFiftyBytes() {
    // The figure is for compressed references (any heap under 32 GB); without them every
    // reference doubles.
    assumeTrue(HeapMeasure.compressedReferences(), "measured with compressed references only");
    Instant t0 = Instant.parse("2026-11-22T10:00:00.123456789Z");
    List<String> players = new ArrayList<>(DELIVERIES);
    List<String> devices = new ArrayList<>(DELIVERIES);
    for (int i = 0; i < DELIVERIES; i++) {
      players.add("player-" + i);
      devices.add(java.util.UUID.nameUUIDFromBytes(("device-" + i).getBytes()).toString());
    }
    long before = HeapMeasure.usedHeapAfterGc();

    InMemoryDeliveryStore store = new InMemoryDeliveryStore();
    for (int i = 0; i < DELIVERIES; i++) {
      Instant at = t0.plusMillis(i);
      DeliveryRecord claimed = new DeliveryRecord("spring-promo", "", players.get(i),
          Optional.of(devices.get(i)), Optional.of(i % 2 == 0 ? Platform.FCM : Platform.WEB_PUSH),
          DeliveryRecord.newDeliveryId(), DeliveryRecord.DEFAULT_VARIANT,
          NotificationType.PROMOTIONAL, "promotions", DeliveryState.CLAIMED, "", "", at, at, 0, 0,
          Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
      assertThat(store.claim(claimed)).isTrue();
      DeliveryRecord sending = store.modify(claimed.key(),
          r -> r.withState(DeliveryState.SENDING, "", "", at.plusMillis(1))).orElseThrow();
      store.append(DeliveryEvent.of(EventType.PUSH_SENT, at.plusMillis(1), sending, "", "", 0));
      String messageId = "m" + i;
      DeliveryRecord delivered = store.modify(claimed.key(), r -> r.withOutcome(
          DeliveryState.DELIVERED, "", "", at.plusMillis(2), 1, 200, messageId)).orElseThrow();
      store.append(DeliveryEvent.of(EventType.PUSH_DELIVERED, at.plusMillis(2), delivered, "", "",
          200));
    }
    long after = HeapMeasure.usedHeapAfterGc();

    long perDelivery = (after - before) / DELIVERIES;
    System.out.printf("InMemoryDeliveryStore: %d bytes per delivery (record, 2 events, indexes)%n",
        perDelivery);
    assertThat(perDelivery).isLessThan(MAX_BYTES_PER_DELIVERY);
    // Everything is still there after the measurement (and the store stays reachable until now).
    assertThat(store.find(DeliveryRecord.key("spring-promo", "", players.get(7), devices.get(7))))
        .hasValueSatisfying(r -> assertThat(r.messageId()).contains("m7"));
    assertThat(store.eventsOfPlayer(players.get(DELIVERIES - 1))).hasSize(2);
  }
}
