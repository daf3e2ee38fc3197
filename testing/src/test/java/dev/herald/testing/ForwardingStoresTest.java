package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.content.NotificationType;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Everything reaches the delegate; the {@code default…} helpers go through the overrides. */
class ForwardingStoresTest {

  /** A store that only forwards keeps the whole contract of the store it forwards to. */
  @Nested
  class ForwardingAnInMemoryDeliveryStore extends DeliveryStoreContract {
    @Override
    protected DeliveryStore newStore() {
      return new ForwardingDeliveryStore(new InMemoryDeliveryStore());
    }
  }

  /** The same for subscriptions. */
  @Nested
  class ForwardingAnInMemorySubscriptionStore extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore newStore() {
      return new ForwardingSubscriptionStore(new InMemorySubscriptionStore());
    }
  }

  @Test
  void aBatchReachesTheDelegatesBatchUnlessRoutedThroughTheSingleRowOverride() {
    List<String> claimed = new ArrayList<>();
    class Watching extends ForwardingDeliveryStore {
      private final boolean oneByOne;

      Watching(boolean oneByOne) {
        super(new InMemoryDeliveryStore());
        this.oneByOne = oneByOne;
      }

      @Override
      public boolean claim(DeliveryRecord record) {
        claimed.add(record.playerId());
        return super.claim(record);
      }

      @Override
      public List<Boolean> claimAll(List<DeliveryRecord> records) {
        return oneByOne ? defaultClaimAll(records) : super.claimAll(records);
      }
    }
    List<DeliveryRecord> batch = List.of(record("alice"), record("bob"));

    DeliveryStore forwarding = new Watching(false);
    assertThat(forwarding.claimAll(batch)).containsExactly(true, true);
    assertThat(claimed).as("the delegate's own batch").isEmpty();
    assertThat(forwarding.find(batch.get(0).key())).isPresent();

    DeliveryStore oneByOne = new Watching(true);
    assertThat(oneByOne.claimAll(batch)).containsExactly(true, true);
    assertThat(claimed).containsExactly("alice", "bob");
    assertThat(oneByOne.claimAll(batch)).containsExactly(false, false);
  }

  private static DeliveryRecord record(String player) {
    Instant at = Instant.parse("2026-12-07T10:00:00Z");
    return new DeliveryRecord("promo", "", player, Optional.of("phone"), Optional.empty(),
        Optional.empty(), DeliveryRecord.newDeliveryId(), DeliveryRecord.DEFAULT_VARIANT,
        NotificationType.PROMOTIONAL, NotificationType.PROMOTIONAL.category(),
        DeliveryState.CLAIMED, "", "", at, at, 0, 0, Optional.empty(), Optional.empty(), 0,
        BigDecimal.ZERO);
  }
}
