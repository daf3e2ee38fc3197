package dev.herald.jdbc;

import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.PlayerErasure;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.Segmentation;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PushProvider;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.testing.DeliveryStoreContract;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The Java samples of docs/embedding.md, docs/storage.md and docs/scaling.md, compiled here and
 * run by {@link DocsSamplesTest}; that test also checks every sample in those guides is quoted
 * from this file, so a guide cannot show code that does not compile.
 */
final class DocsSamples {
  private DocsSamples() {}

  static Herald embed(DataSource dataSource, PlayerDirectory players, PushProvider webPush) {
    HeraldSchema.migrate(dataSource);   // or your own Flyway with HeraldSchema.LOCATION
    Clock clock = Clock.systemUTC();
    Herald herald = Herald.builder()
        .clock(clock)
        .subscriptionStore(new JdbcSubscriptionStore(dataSource))   // devices, owners, history
        .deliveryStore(new JdbcDeliveryStore(dataSource))           // deliveries, events, progress
        .campaignStore(new JdbcCampaignStore(dataSource))           // campaign definitions and state
        .triggerStore(new JdbcTriggerStore(dataSource))             // delayed trigger sends
        .playerDirectory(players)                                   // your players: attributes, locale, time zone
        .audienceResolverFrom(h -> Segmentation.builder()           // herald-segmentation
            .herald(h)
            .catalogue(AttributeCatalogue.casino())
            .segmentStore(new JdbcSegmentStore(dataSource))
            .build())
        .complianceGuard(new ProfileComplianceGuard(players, clock)) // or your own guard
        .provider(webPush)                                          // and apns, fcm
        .listener(new SuppressionCounter())
        .build();
    herald.recover();   // with durable stores: re-arm campaigns and delayed trigger sends
    return herald;
  }

  static Herald node(DataSource dataSource, PlayerDirectory crmDirectory, PushProvider fcm) {
    HeraldSchema.migrate(dataSource); // safe from several nodes at once
    Herald herald = Herald.builder()
        .subscriptionStore(new JdbcSubscriptionStore(dataSource))
        .deliveryStore(new JdbcDeliveryStore(dataSource))     // cluster-wide player decisions
        .campaignStore(new JdbcCampaignStore(dataSource))
        .triggerStore(new JdbcTriggerStore(dataSource))
        .scheduler(JdbcScheduler.builder(dataSource).build()) // started now, stopped by close()
        .leases(new JdbcLeases(dataSource))
        .leaseTimes(Duration.ofSeconds(10), Duration.ofSeconds(30))
        .audienceChunks(new JdbcAudienceChunks(dataSource), 5_000) // every node sends each run
        .nodeId(System.getenv().getOrDefault("POD_NAME", "node-1"))
        .playerDirectory(crmDirectory)
        .provider(fcm)
        .build();
    herald.recover(); // takes over only what no live node runs; then keeps watching
    return herald;
  }

  static void privacy(Herald herald) {
    PlayerErasure erased = herald.erasePlayer("player-42");      // the right to erasure
    long deleted = herald.deleteOlderThan(Duration.ofDays(180), 5_000); // retention, in batches
  }

  /** A device as the host's own table held it before Herald. */
  record LegacyToken(String playerId, String deviceId, String fcmToken, Instant registeredAt) {}

  static long importTokens(JdbcSubscriptionStore subscriptions, Stream<LegacyToken> tokens) {
    return subscriptions.importAll(tokens.map(t -> {
      FcmAddress address = new FcmAddress(t.fcmToken());
      Device device = Device.builder()
          .playerId(t.playerId()).deviceId(t.deviceId()).platform(Platform.FCM)
          .status(PushStatus.ALLOWED).address(address).addressEpoch(1)
          .addressSince(t.registeredAt()).createdAt(t.registeredAt())
          .version(1)                                  // a saved device's first version
          .build();
      AddressOwner owner = new AddressOwner(address.key(), t.playerId(), t.deviceId(), 1);
      return new ImportedPlayer(t.playerId(), List.of(device), List.of(), List.of(owner),
          Optional.empty());                           // no history, no preferences recorded
    }));                                               // one transaction: all or nothing
  }

  static void migrateIntoASchema(DataSource dataSource) {
    HeraldSchema.migrate(dataSource, "herald");
    JdbcDeliveryStore deliveries = new JdbcDeliveryStore(dataSource, "herald");
  }

  static final class SuppressionCounter implements HeraldListener {
    final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();

    @Override public void suppressed(DeliveryRecord d) {
      byReason.computeIfAbsent(d.reason(), r -> new LongAdder()).increment();
    }
  }

  abstract static class JdbcDeliveryStoreTest extends DeliveryStoreContract {
    abstract DataSource freshSchema();

    @Override protected DeliveryStore newStore() { return new JdbcDeliveryStore(freshSchema()); }
  }
}
