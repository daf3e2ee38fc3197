package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.FakeClock;
import dev.herald.FakeScheduler;
import dev.herald.Herald;
import dev.herald.TestAddresses;
import dev.herald.analytics.DeliveryStats;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.WebPushAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A Herald on a fake clock and scheduler, in-memory stores and in-process providers. */
public abstract class DispatchFixture {
  public final FakeClock clock = new FakeClock("2026-11-22T12:00:00Z");
  public final FakeScheduler scheduler = new FakeScheduler(clock);
  public final InMemorySubscriptionStore subscriptionStore = new InMemorySubscriptionStore();
  public final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  public final InMemoryDeliveryStore deliveries = new InMemoryDeliveryStore();
  public final dev.herald.embedded.InMemoryCampaignStore campaignStore =
      new dev.herald.embedded.InMemoryCampaignStore();
  public final dev.herald.embedded.InMemoryTriggerStore triggerStore =
      new dev.herald.embedded.InMemoryTriggerStore();
  public final FakeProvider web = new FakeProvider(Platform.WEB_PUSH);
  public final FakeProvider apns = new FakeProvider(Platform.APNS);
  public final FakeProvider fcm = new FakeProvider(Platform.FCM);
  public Herald herald;

  @BeforeEach
  void buildHerald() {
    herald = newHerald(b -> {});
  }

  @AfterEach
  void closeHerald() {
    herald.close();
  }

  /** A Herald sharing this fixture's stores, clock and providers; the driver runs inline. */
  public Herald newHerald(Consumer<Herald.Builder> configure) {
    Herald.Builder b = Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .subscriptionStore(subscriptionStore)
        .playerDirectory(directory)
        .deliveryStore(deliveries)
        .campaignStore(campaignStore)
        .triggerStore(triggerStore)
        .provider(web).provider(apns).provider(fcm)
        .dispatchExecutor(Runnable::run)
        .dispatchSettings(DispatchSettings.builder()
            .retryPolicy(RetryPolicy.builder().jitter(0).build())
            .complianceTimeout(Duration.ofMillis(200))
            .build());
    configure.accept(b);
    return b.build();
  }

  public void rebuild(Consumer<Herald.Builder> configure) {
    herald.close();
    herald = newHerald(configure);
  }

  public PlayerProfile.Builder profile(String id) {
    return PlayerProfile.builder(id);
  }

  public void put(PlayerProfile.Builder profile) {
    directory.put(profile.build());
  }

  /** A known player with marketing consent and one ALLOWED browser. */
  public WebPushAddress webPlayer(String id) {
    put(profile(id));
    herald.subscriptions().updatePreferences(id, true, Set.of());
    WebPushAddress address = TestAddresses.webPush(id + "-browser");
    herald.subscriptions().permissionGranted(id, "browser", address);
    return address;
  }

  public ApnsAddress iosDevice(String id) {
    ApnsAddress address = ApnsAddress.production(
        String.format("%064x", id.hashCode() & 0xffffffffL), "com.example.casino");
    herald.subscriptions().permissionGranted(id, "iphone", address);
    return address;
  }

  public FcmAddress androidDevice(String id) {
    FcmAddress address = new FcmAddress(id + "-fcm-token");
    herald.subscriptions().permissionGranted(id, "android", address);
    return address;
  }

  public static Content content(NotificationType type, String title) {
    return Content.of(MessageTemplate.builder().type(type).title(title).build());
  }

  public static DispatchRequest.Builder request(String source, List<String> players, NotificationType type) {
    return DispatchRequest.builder(source, Audience.players(players))
        .content(content(type, "Hello from " + source));
  }

  public DispatchReport run(DispatchRequest request) {
    CompletableFuture<DispatchReport> completion = herald.dispatch(request).completion();
    assertThat(completion).as("dispatch completed without scheduled work").isDone();
    return completion.join();
  }

  public DispatchReport await(DispatchHandle handle) throws Exception {
    return handle.completion().get(30, TimeUnit.SECONDS);
  }

  public static void assertAddsUp(DeliveryStats s) {
    assertThat(s.audience()).isEqualTo(s.suppressed() + s.pending() + s.sent());
    assertThat(s.sent()).isEqualTo(s.delivered() + s.failed());
    assertThat(s.suppressedByReason().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(s.suppressed());
    assertThat(s.failedByReason().values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(s.failed());
  }
}
