package dev.herald.benchmarks.jdbc;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import dev.herald.testing.ForwardingDeliveryStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    return new SubscriptionStore() {
      @Override
      public Optional<Device> findDevice(String playerId, String deviceId) {
        return real.findDevice(playerId, deviceId);
      }

      @Override
      public List<Device> devicesOf(String playerId) {
        return real.devicesOf(playerId);
      }

      @Override
      public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
        return real.saveDevice(next, expectedVersion, change);
      }

      @Override
      public Optional<AddressOwner> ownerOf(String addressKey) {
        return real.ownerOf(addressKey);
      }

      @Override
      public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
        return real.compareAndSetOwner(expectedEpoch, next);
      }

      @Override
      public List<StatusChange> history(String playerId, String deviceId) {
        return real.history(playerId, deviceId);
      }

      @Override
      public Optional<PushPreferences> preferences(String playerId) {
        return real.preferences(playerId);
      }

      @Override
      public void savePreferences(PushPreferences preferences) {
        real.savePreferences(preferences);
      }
    };
  }
}
