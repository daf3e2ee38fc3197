package dev.herald.benchmarks.jdbc;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The JDBC stores with their batch methods hidden: what a store written against the one-row SPI
 * does. Only the single-row calls reach the real store; {@code claimAll}, {@code modifyAll},
 * {@code appendAll}, {@code deliveriesOfPlayers}, {@code devicesOfAll}, {@code preferencesOfAll}
 * and {@code ownersOfAll} run the SPI's default loops over them.
 */
final class OneRowAtATime {
  private OneRowAtATime() {}

  static DeliveryStore deliveries(DeliveryStore real) {
    return new DeliveryStore() {
      @Override
      public boolean claim(DeliveryRecord record) {
        return real.claim(record);
      }

      @Override
      public void update(DeliveryRecord record) {
        real.update(record);
      }

      @Override
      public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
        return real.modify(key, change);
      }

      @Override
      public Optional<DeliveryRecord> find(String key) {
        return real.find(key);
      }

      @Override
      public Optional<DeliveryRecord> findById(String deliveryId) {
        return real.findById(deliveryId);
      }

      @Override
      public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
        return real.deliveriesOf(sourceId);
      }

      @Override
      public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
        return real.deliveriesOf(sourceId, step);
      }

      @Override
      public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
        return real.deliveriesOfPlayer(playerId, since);
      }

      @Override
      public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
        return real.lastClicked(playerId, since);
      }

      @Override
      public void append(DeliveryEvent event) {
        real.append(event);
      }

      @Override
      public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
        return real.eventsOfPlayer(playerId);
      }

      @Override
      public Stream<DeliveryEvent> eventsOf(String sourceId) {
        return real.eventsOf(sourceId);
      }

      @Override
      public void saveProgress(DispatchProgress progress) {
        real.saveProgress(progress);
      }

      @Override
      public Optional<DispatchProgress> progress(String sourceId, String step) {
        return real.progress(sourceId, step);
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
