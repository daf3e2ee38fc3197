package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.content.NotificationType;
import dev.herald.spi.SendResult;
import dev.herald.spi.DeliveryStore;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A settlement is written behind, matched to the stored record by delivery id: when the player was
 * erased meanwhile and the same key claimed again (another delivery, another id), the record now
 * under the key is not the one settled, and is left as it is.
 */
class SettlementOfAReclaimedKeyTest extends DispatchFixture {

  @Test
  void aSettlementLeavesTheRecordOfAnotherDeliveryUnderItsKeyAlone() throws Exception {
    AtomicBoolean answered = new AtomicBoolean();
    AtomicReference<DeliveryRecord> reclaimed = new AtomicReference<>();
    // Between the provider's answer and the settlement's write, the player is erased (the record
    // leaves the key) and the key claimed again, as a new delivery
    DeliveryStore store = (DeliveryStore) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {DeliveryStore.class}, (proxy, method, args) -> {
          if (method.getName().equals("modifyAll") && answered.get() && reclaimed.get() == null) {
            @SuppressWarnings("unchecked")
            List<String> keys = (List<String>) args[0];
            DeliveryRecord settled = deliveries.find(keys.get(0)).orElseThrow();
            deliveries.erasePlayer(settled.playerId());
            DeliveryRecord again = claimedAgain(settled);
            assertThat(deliveries.claim(again)).isTrue();
            reclaimed.set(again);
          }
          try {
            return method.invoke(deliveries, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        });
    rebuild(b -> b.deliveryStore(store));
    webPlayer("alice");
    web.answer = m -> {
      answered.set(true);
      return CompletableFuture.completedFuture(SendResult.accepted("m-1", 201));
    };

    DispatchReport report = await(herald.dispatch(
        request("promo", List.of("alice"), NotificationType.PROMOTIONAL).build()));

    assertThat(reclaimed.get()).as("the key was claimed again before the settlement").isNotNull();
    DeliveryRecord underTheKey = deliveries.find(reclaimed.get().key()).orElseThrow();
    assertThat(underTheKey).isEqualTo(reclaimed.get());
    assertThat(underTheKey.state()).isEqualTo(DeliveryState.CLAIMED);
    try (Stream<DeliveryEvent> events = deliveries.eventsOf("promo")) {
      assertThat(events.filter(e -> e.deliveryId().equals(Optional.of("reclaimed"))))
          .as("no event recorded for the other delivery").isEmpty();
    }
    // the campaign's statistics read the store: the erased delivery and the other one
    assertThat(report.stats().audience()).isEqualTo(2);
    assertThat(report.stats().delivered()).isZero();
  }

  /** The same key (source, step, player, device), another delivery, just claimed. */
  private static DeliveryRecord claimedAgain(DeliveryRecord r) {
    return new DeliveryRecord(r.sourceId(), r.step(), r.playerId(), r.deviceId(), r.platform(),
        r.brand(), "reclaimed", r.variant(), r.type(), r.category(), DeliveryState.CLAIMED, "",
        "", r.updatedAt(), r.updatedAt(), 0, 0, Optional.empty(), Optional.empty(), 0,
        java.math.BigDecimal.ZERO);
  }
}
