package dev.herald.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerRule;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Herald dispatching to an in-process provider, recorded into a SimpleMeterRegistry. */
class MicrometerHeraldListenerTest {
  private final MutableClock clock = MutableClock.at("2026-11-22T12:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger busyAnswers = new AtomicInteger();
  private Herald herald;

  /** Answers by token: "dead" is invalid, "busy" is busy once, "slow" times out, else accepted. */
  private final PushProvider fcm = new PushProvider() {
    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      String token = ((FcmAddress) message.address()).token();
      if (token.startsWith("dead")) {
        return CompletableFuture.completedFuture(
            SendResult.invalidAddress("UNREGISTERED", clock.instant(), 404));
      }
      if (token.startsWith("busy") && busyAnswers.getAndIncrement() == 0) {
        return CompletableFuture.completedFuture(
            SendResult.retryLater("UNAVAILABLE", Duration.ofSeconds(10), 503));
      }
      if (token.startsWith("slow")) {
        return CompletableFuture.failedFuture(new TimeoutException("no answer"));
      }
      return CompletableFuture.completedFuture(SendResult.accepted("m-1", 200));
    }

    @Override
    public void close() {}
  };

  @BeforeEach
  void build() {
    herald = Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .dispatchExecutor(Runnable::run)
        .dispatchSettings(DispatchSettings.builder()
            .retryPolicy(RetryPolicy.builder().jitter(0).build()).build())
        .provider(fcm)
        .listener(new MicrometerHeraldListener(registry))
        .build();
  }

  @AfterEach
  void close() {
    herald.close();
  }

  private void player(String id, boolean consent, String token) {
    herald.players(); // the in-memory directory
    ((dev.herald.embedded.InMemoryPlayerDirectory) herald.players())
        .put(PlayerProfile.builder(id).build());
    herald.subscriptions().updatePreferences(id, consent, Set.of());
    herald.subscriptions().permissionGranted(id, "phone", new FcmAddress(token));
  }

  private DispatchReport promote(List<String> players) throws Exception {
    DispatchRequest request = DispatchRequest.builder("spring-promo", Audience.players(players))
        .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
            .title("Free spins").build()))
        .build();
    var completion = herald.dispatch(request).completion();
    scheduler.advance(Duration.ofMinutes(5)); // runs the retry
    return completion.get();
  }

  private double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void countsDeliveriesSuppressionsLatencyRetriesAndRuns() throws Exception {
    player("alice", true, "ok-alice");
    player("bob", true, "dead-bob");
    player("carol", false, "ok-carol");
    player("dave", true, "busy-dave");
    player("erin", true, "slow-erin");

    DispatchReport report = promote(List.of("alice", "bob", "carol", "dave", "erin"));
    assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);

    assertThat(count(MicrometerHeraldListener.DELIVERIES,
        "provider", "fcm", "outcome", "delivered", "reason", "none")).isEqualTo(2);
    assertThat(count(MicrometerHeraldListener.DELIVERIES,
        "provider", "fcm", "outcome", "failed", "reason", "INVALID_ADDRESS")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.DELIVERIES,
        "provider", "fcm", "outcome", "failed", "reason", "UNKNOWN")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.SUPPRESSIONS, "provider", "fcm",
        "reason", "NO_CONSENT", "type", "PROMOTIONAL", "purpose", "marketing")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.SENDS,
        "provider", "fcm", "type", "PROMOTIONAL", "purpose", "marketing", "attempt", "first"))
        .isEqualTo(4);
    assertThat(count(MicrometerHeraldListener.SENDS, "attempt", "retry")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.RETRIES, "provider", "fcm")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.PROVIDER_ERRORS, "provider", "fcm",
        "error", "timeout")).isEqualTo(1);

    Timer accepted = registry.find(MicrometerHeraldListener.PROVIDER_LATENCY)
        .tags("provider", "fcm", "outcome", "accepted").timer();
    assertThat(accepted).isNotNull();
    assertThat(accepted.count()).isEqualTo(2);
    assertThat(registry.find(MicrometerHeraldListener.PROVIDER_LATENCY)
        .tags("outcome", "retry_later").timer().count()).isEqualTo(1);
    assertThat(registry.find(MicrometerHeraldListener.PROVIDER_LATENCY)
        .tags("outcome", "invalid_address").timer().count()).isEqualTo(1);

    assertThat(count(MicrometerHeraldListener.RUNS_STARTED, "source", "campaign")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.RUNS_FINISHED, "source", "campaign",
        "status", "completed")).isEqualTo(1);
    var audience = registry.find(MicrometerHeraldListener.RUN_AUDIENCE).summary();
    assertThat(audience.count()).isEqualTo(1);
    assertThat(audience.totalAmount()).isEqualTo(5);
    // bob's address was invalidated by the provider's answer
    assertThat(count(MicrometerHeraldListener.STATUS_CHANGES, "reason", "ADDRESS_INVALIDATED"))
        .isEqualTo(1);

    assertNoIdentifierInTags("alice", "bob", "carol", "dave", "erin", "phone", "spring-promo");
  }

  @Test
  void countsTriggerFiringsByDecision() {
    player("alice", true, "ok-alice");
    herald.triggers().define(TriggerRule.builder("welcome-back", "Welcome back")
        .on(PlayerEventType.LOGIN)
        .content(Content.of(MessageTemplate.builder().type(NotificationType.REACTIVATION)
            .title("Welcome back").build()))
        .build());

    herald.triggers().report(PlayerEvent.builder("e-1", "alice", PlayerEventType.LOGIN,
        clock.instant()).build());

    assertThat(count(MicrometerHeraldListener.TRIGGERS_FIRED, "decision", "sent",
        "reason", "none")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.RUNS_STARTED, "source", "trigger")).isEqualTo(1);
    assertThat(count(MicrometerHeraldListener.DELIVERIES, "provider", "fcm",
        "outcome", "delivered")).isEqualTo(1);
    assertNoIdentifierInTags("alice", "welcome-back", "e-1");
  }

  @Test
  void countsClicks() throws Exception {
    player("alice", true, "ok-alice");
    promote(List.of("alice"));
    String deliveryId = herald.deliveryStore().eventsOf("spring-promo")
        .flatMap(e -> e.deliveryId().stream()).findFirst().orElseThrow();

    herald.analytics().recordClick(deliveryId, "");

    assertThat(count(MicrometerHeraldListener.CLICKS, "provider", "fcm")).isEqualTo(1);
  }

  private void assertNoIdentifierInTags(String... ids) {
    for (Meter meter : registry.getMeters()) {
      for (Tag tag : meter.getId().getTags()) {
        assertThat(tag.getValue()).as(meter.getId().getName() + " tag " + tag.getKey())
            .doesNotContain(ids);
      }
    }
  }
}
