package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The compact encoding's rare paths, which the contract in herald-testing does not reach: values
 * that do not fit a column must come back unchanged, and so must events that do not repeat their
 * delivery's fields.
 */
class InMemoryDeliveryStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.000000001Z");
  private final InMemoryDeliveryStore store = new InMemoryDeliveryStore();

  private static DeliveryRecord record(String player, String device, String deliveryId) {
    return new DeliveryRecord("c|1", "step\\2", player, Optional.ofNullable(device),
        device == null ? Optional.empty() : Optional.of(Platform.APNS), deliveryId, "B",
        NotificationType.TOURNAMENT, "tournaments", DeliveryState.CLAIMED, "", "", T0, T0, 0, 0,
        Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }

  private static <T> List<T> list(Stream<T> stream) {
    try (stream) {
      return stream.toList();
    }
  }

  @Test
  void valuesOutsideTheColumnsComeBackUnchanged() {
    DeliveryRecord odd = new DeliveryRecord("c", "", "p", Optional.of("d"), Optional.of(Platform.FCM),
        "host-chosen-id", "A", NotificationType.custom("OPS_ALERT", Purpose.SERVICE, "ops"), "ops",
        DeliveryState.FAILED, "REJECTED", "détail ünicode", Instant.MIN, Instant.MAX, 70_000, -1,
        Optional.of("msg-ünicode"), Optional.of(Instant.EPOCH.minusNanos(1)), 3,
        new BigDecimal("0.00"));
    assertThat(store.claim(odd)).isTrue();

    DeliveryRecord stored = store.findById("host-chosen-id").orElseThrow();
    assertThat(stored).isEqualTo(odd);
    // A custom type comes back as the very instance (types compare by identity).
    assertThat(stored.type()).isSameAs(odd.type());
    assertThat(stored.conversionValue().scale()).isEqualTo(2);
    assertThat(store.find(odd.key())).contains(odd);
  }

  /**
   * Message ids are packed (the start shared with the block's first id of the platform left out,
   * digit and hex runs two to a byte, UUIDs as 16 bytes): every shape must come back unchanged,
   * including the ones that look like a packed shape and are not.
   */
  @Test
  void everyShapeOfMessageIdComesBackUnchanged() {
    List<String> ids = List.of(
        "projects/casino-app/messages/0:1500415314455276%31bd1c9631bd1c96",
        "projects/casino-app/messages/0:1500415314455277%31bd1c9631bd1c97",
        "projects/other-app/messages/42",
        "5E9B8A9A-7B0C-4B4E-9D2E-0C2C7B3E5F11", // APNs apns-id, upper case
        "5e9b8a9a-7b0c-4b4e-9d2e-0c2c7b3e5f11",
        "5e9b8a9a-7B0C-4b4e-9d2e-0c2c7b3e5f11", // mixed case: kept as text
        "12345678-1234-1234-1234-123456789012",
        "5e9b8a9a_7b0c-4b4e-9d2e-0c2c7b3e5f11",
        "https://push.example/message/" + "0123456789abcdef".repeat(20), // a run of 320
        "ABCDEF0123", "abc", "", "0", "0000", "00000", "ünicode-1234567", "émoji 😀 1234",
        "lone \uD83D surrogate", "tab\tand\nnewline 99999",
        "x".repeat(300));
    for (int i = 0; i < ids.size(); i++) {
      Platform platform = Platform.values()[i % 3];
      DeliveryRecord claimed = new DeliveryRecord("ids", "", "p" + i, Optional.of("d"),
          Optional.of(platform), DeliveryRecord.newDeliveryId(), "A",
          NotificationType.PROMOTIONAL, "promotions", DeliveryState.CLAIMED, "", "", T0, T0, 0, 0,
          Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
      assertThat(store.claim(claimed)).isTrue();
      String id = ids.get(i);
      store.modify(claimed.key(), r -> r.withOutcome(DeliveryState.DELIVERED, "", "",
          T0.plusMillis(1), 1, 200, id));
    }
    for (int i = 0; i < ids.size(); i++) {
      String key = DeliveryRecord.key("ids", "", "p" + i, "d");
      assertThat(store.find(key).orElseThrow().messageId()).as("id %d", i).contains(ids.get(i));
    }
    // A changed id is the new one; a later write of the same id keeps it.
    String key = DeliveryRecord.key("ids", "", "p0", "d");
    store.modify(key, r -> r.withOutcome(DeliveryState.DELIVERED, "", "", T0.plusMillis(2), 2, 200,
        "projects/casino-app/messages/0:9"));
    store.modify(key, r -> r.withState(DeliveryState.DELIVERED, "", "", T0.plusMillis(3)));
    assertThat(store.find(key).orElseThrow().messageId())
        .contains("projects/casino-app/messages/0:9");
  }

  @Test
  void keysWithEscapedSeparatorsAndPlayerLevelRecordsAreFound() {
    DeliveryRecord withDevice = record("p|x", "d\\y", DeliveryRecord.newDeliveryId());
    DeliveryRecord playerLevel = record("p|x", null, DeliveryRecord.newDeliveryId());
    assertThat(store.claimAll(List.of(withDevice, playerLevel, withDevice)))
        .containsExactly(true, true, false);

    assertThat(store.find(withDevice.key())).contains(withDevice);
    assertThat(store.find(playerLevel.key())).contains(playerLevel);
    assertThat(store.find("c|1|step|2|p|x|")).isEmpty();
    assertThat(store.find("not a key")).isEmpty();
    assertThat(list(store.deliveriesOf("c|1", "step\\2"))).containsExactly(withDevice, playerLevel);
  }

  @Test
  void batchesChangeEveryKnownKeyAndSkipTheRest() {
    DeliveryRecord a = record("p1", "d", DeliveryRecord.newDeliveryId());
    DeliveryRecord b = record("p2", "d", DeliveryRecord.newDeliveryId());
    store.claimAll(List.of(a, b));

    List<DeliveryRecord> written = store.modifyAll(List.of(b.key(), "no|such|key|", a.key()),
        r -> r.withState(DeliveryState.SENDING, "", "", T0.plusSeconds(1)));

    assertThat(written).extracting(DeliveryRecord::playerId).containsExactly("p2", "p1");
    assertThat(store.find(a.key()).orElseThrow().state()).isEqualTo(DeliveryState.SENDING);
    assertThatThrownBy(() -> store.modifyAll(List.of(a.key()), r -> b))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must keep the key");
  }

  @Test
  void eventsThatDoNotRepeatTheirDeliveryAreKeptWholeAndOldestFirst() {
    DeliveryRecord r = record("p", "d", DeliveryRecord.newDeliveryId());
    store.claim(r);
    DeliveryEvent sent = DeliveryEvent.of(EventType.PUSH_SENT, T0.plusSeconds(1), r, "", "", 0);
    DeliveryEvent created = DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, T0, "c|1", "", "x");
    // Claims a delivery id it does not match (another variant): stored as given.
    DeliveryEvent mismatched = new DeliveryEvent(EventType.CONVERSION, T0.plusSeconds(3), "c|1",
        "step\\2", Optional.of(r.deliveryId()), Optional.of("p"), Optional.of("d"),
        Optional.of(Platform.APNS), Optional.of("other"), "deposit", "", 0,
        Optional.of(new BigDecimal("12.50")));
    DeliveryEvent delivered = DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusSeconds(2), r,
        "", "apns-id", 200);
    DeliveryEvent farFuture = DeliveryEvent.of(EventType.PUSH_CLICKED, Instant.MAX, r, "open", "",
        0);
    store.appendAll(List.of(created, sent, mismatched, delivered, farFuture));

    assertThat(list(store.eventsOf("c|1")))
        .containsExactly(created, sent, delivered, mismatched, farFuture);
    assertThat(list(store.eventsOfPlayer("p")))
        .containsExactly(sent, delivered, mismatched, farFuture);
  }

  @Test
  void eventsKeepTheirFieldsWhenTheirDeliveryIsRewrittenWithOthers() {
    DeliveryRecord r = record("p", "d", DeliveryRecord.newDeliveryId());
    store.claim(r);
    DeliveryEvent sent = DeliveryEvent.of(EventType.PUSH_SENT, T0.plusMillis(5), r, "", "", 0);
    store.append(sent);
    DeliveryRecord rewritten = new DeliveryRecord(r.sourceId(), r.step(), r.playerId(),
        r.deviceId(), Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "control",
        r.type(), r.category(), DeliveryState.SUPPRESSED, "CONTROL_GROUP", "",
        T0.minusSeconds(3600), T0.plusSeconds(7200), 0, 0, Optional.empty(), Optional.empty(), 0,
        BigDecimal.ZERO);

    store.update(rewritten);

    assertThat(store.find(r.key())).contains(rewritten);
    assertThat(store.findById(rewritten.deliveryId())).contains(rewritten);
    assertThat(list(store.eventsOfPlayer("p"))).containsExactly(sent);
    assertThat(list(store.eventsOf("c|1"))).containsExactly(sent);
  }
}
