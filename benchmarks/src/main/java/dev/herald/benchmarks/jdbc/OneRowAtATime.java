package dev.herald.benchmarks.jdbc;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.testing.ForwardingDeliveryStore;
import dev.herald.testing.ForwardingSubscriptionStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The JDBC stores with their batch methods hidden: what a store written against the one-row SPI
 * does. Only the single-row calls reach the real store; {@code claimAll}, {@code modifyAll},
 * {@code appendAll}, {@code deliveriesOfPlayers}, {@code devicesOfAll}, {@code preferencesOfAll}
 * and {@code ownersOfAll} run the SPI's default loops over them.
 */
final class OneRowAtATime {
  private OneRowAtATime() {}

  static DeliveryStore deliveries(DeliveryStore real) {
    return new ForwardingDeliveryStore(real) {
      @Override
      public List<Boolean> claimAll(List<DeliveryRecord> records) {
        return defaultClaimAll(records);
      }

      @Override
      public List<DeliveryRecord> modifyAll(List<String> keys,
          UnaryOperator<DeliveryRecord> change) {
        return defaultModifyAll(keys, change);
      }

      @Override
      public Map<String, List<DeliveryRecord>> deliveriesOfPlayers(Collection<String> playerIds,
          Instant since) {
        return defaultDeliveriesOfPlayers(playerIds, since);
      }

      @Override
      public void appendAll(List<DeliveryEvent> events) {
        defaultAppendAll(events);
      }
    };
  }

  static SubscriptionStore subscriptions(SubscriptionStore real) {
    return new ForwardingSubscriptionStore(real) {
      @Override
      public Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
        return defaultDevicesOfAll(playerIds);
      }

      @Override
      public Map<String, PushPreferences> preferencesOfAll(Collection<String> playerIds) {
        return defaultPreferencesOfAll(playerIds);
      }

      @Override
      public Map<String, AddressOwner> ownersOfAll(Collection<String> addressKeys) {
        return defaultOwnersOfAll(addressKeys);
      }
    };
  }
}
