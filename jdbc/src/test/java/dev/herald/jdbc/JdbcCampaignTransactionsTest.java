package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.Suppression;
import dev.herald.campaign.Campaign;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What a campaign costs the database, counted (not timed): through every gate on the JDBC stores,
 * a campaign writes claims, SENDING marks, outcomes, suppressions and events in batches and reads
 * its audience's devices, preferences and recent deliveries a page at a time, so it commits well
 * under 0.1 transaction per delivery. One round trip per delivery anywhere on the path (a store
 * call the engine stopped batching) costs at least 1 per delivery and fails this test.
 */
class JdbcCampaignTransactionsTest {
  private static final int PLAYERS = 1500;

  private final MutableClock clock = MutableClock.at("2026-11-22T12:00:00Z");
  private final CountingDataSource counting = new CountingDataSource(TestDatabase.dataSource());
  private final String schema = TestDatabase.freshSchema("txcount");

  @Test
  void aCampaignThroughEveryGateCommitsFarLessThanOneTransactionPerDelivery() throws Exception {
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    ManualScheduler scheduler = new ManualScheduler(clock);
    CompletableFuture<DispatchReport> finished = new CompletableFuture<>();
    AtomicInteger sends = new AtomicInteger();
    try (Herald herald = Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .subscriptionStore(new JdbcSubscriptionStore(counting, schema))
        .deliveryStore(new JdbcDeliveryStore(counting, schema))
        .campaignStore(new JdbcCampaignStore(counting, schema))
        .playerDirectory(directory)
        .provider(new Accepting(sends))
        .dispatchExecutor(Runnable::run)
        .listener(new HeraldListener() {
          @Override
          public void dispatchFinished(DispatchReport report) {
            finished.complete(report);
          }
        })
        .build()) {
      for (int i = 0; i < PLAYERS; i++) {
        String id = String.format("p%05d", i);
        directory.put(PlayerProfile.builder(id).timeZone(ZoneId.of("Europe/Berlin"))
            .attribute("first_name", "Player" + i).build());
        herald.subscriptions().updatePreferences(id, true, Set.of());
        herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-token"));
      }
      herald.campaigns().create(Campaign.builder("weekend", "Weekend spins")
          .audience(Audience.everyone())
          .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
              .title("{{first_name}}, your weekend spins are here").build()))
          .controlShare(0.05)
          .policy(DeliveryPolicy.builder()
              .cap(FrequencyCap.marketing(3, CapWindow.localDays(1)))
              .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(8, 0)))
              .build())
          .build());
      counting.reset();

      herald.campaigns().schedule("weekend");
      scheduler.advance(Duration.ZERO); // the run, on this thread: the provider answers at once
      DispatchReport report = finished.get(60, TimeUnit.SECONDS);

      DeliveryStats stats = report.stats();
      assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
      assertThat(stats.audience()).isEqualTo(PLAYERS);
      assertThat(stats.suppressedByReason()).containsOnlyKeys(Suppression.CONTROL_GROUP);
      assertThat(stats.delivered()).isEqualTo(sends.get()).isGreaterThan(PLAYERS * 9 / 10);
      double perDelivery = counting.transactions.get() / (double) stats.delivered();
      assertThat(perDelivery).as("transactions per delivery (%d in all)",
          counting.transactions.get()).isLessThan(0.1);
      assertThat(counting.executions.get() / (double) stats.delivered())
          .as("statements per delivery").isLessThan(0.15);
    }
  }

  /** Accepts every message at once. */
  private static final class Accepting implements PushProvider {
    private final AtomicInteger sends;

    Accepting(AtomicInteger sends) {
      this.sends = sends;
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      sends.incrementAndGet();
      return CompletableFuture.completedFuture(SendResult.accepted("m", 200));
    }

    @Override
    public void close() {}
  }
}
