package dev.herald.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ProviderMetricsTest {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A provider whose status the test sets. */
  static final class StatusProvider implements PushProvider {
    private final Platform platform;
    volatile ProviderStatus status;

    StatusProvider(Platform platform) {
      this.platform = platform;
      this.status = ProviderStatus.unknown(platform);
    }

    @Override
    public Platform platform() {
      return platform;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      return CompletableFuture.failedFuture(new IllegalStateException("not for sending"));
    }

    @Override
    public ProviderStatus status() {
      return status;
    }

    @Override
    public void close() {}
  }

  private double gauge(String name, String provider) {
    return registry.get(name).tag("provider", provider).gauge().value();
  }

  private double counter(String name, String provider) {
    return registry.get(name).tag("provider", provider).functionCounter().count();
  }

  @Test
  void readsEachProvidersStatusWhenScraped() {
    StatusProvider fcm = new StatusProvider(Platform.FCM);
    StatusProvider apns = new StatusProvider(Platform.APNS);
    new ProviderMetrics(List.of(fcm, apns)).bindTo(registry);

    assertThat(gauge(ProviderMetrics.IN_FLIGHT, "fcm")).isZero();

    fcm.status = new ProviderStatus(Platform.FCM, 2, 40, 7, 3, 1,
        Optional.of(Instant.parse("2026-11-22T12:00:00Z")), Optional.of("HTTP 400 invalid_grant"),
        Optional.of(SendResult.Outcome.ACCEPTED));
    apns.status = new ProviderStatus(Platform.APNS, 4, 100, 0, 12, 0,
        Optional.of(Instant.parse("2026-11-22T12:00:00Z")), Optional.empty(), Optional.empty());

    assertThat(gauge(ProviderMetrics.CONNECTIONS, "fcm")).isEqualTo(2);
    assertThat(gauge(ProviderMetrics.IN_FLIGHT, "fcm")).isEqualTo(40);
    assertThat(gauge(ProviderMetrics.QUEUED, "fcm")).isEqualTo(7);
    assertThat(counter(ProviderMetrics.TOKEN_REFRESHES, "fcm")).isEqualTo(3);
    assertThat(counter(ProviderMetrics.TOKEN_REFRESH_FAILURES, "fcm")).isEqualTo(1);
    assertThat(gauge(ProviderMetrics.TOKEN_FAILING, "fcm")).isEqualTo(1);

    assertThat(gauge(ProviderMetrics.CONNECTIONS, "apns")).isEqualTo(4);
    assertThat(gauge(ProviderMetrics.IN_FLIGHT, "apns")).isEqualTo(100);
    assertThat(counter(ProviderMetrics.TOKEN_REFRESHES, "apns")).isEqualTo(12);
    assertThat(gauge(ProviderMetrics.TOKEN_FAILING, "apns")).isZero();
  }

  @Test
  void bindsTheProvidersRegisteredOnHerald() {
    StatusProvider web = new StatusProvider(Platform.WEB_PUSH);
    web.status = new ProviderStatus(Platform.WEB_PUSH, 1, 5, 0, 0, 0,
        Optional.empty(), Optional.empty(), Optional.empty());
    try (Herald herald = Herald.builder().provider(web).build()) {
      ProviderMetrics.of(herald).bindTo(registry);

      assertThat(gauge(ProviderMetrics.IN_FLIGHT, "web_push")).isEqualTo(5);
      assertThat(registry.find(ProviderMetrics.IN_FLIGHT).tag("provider", "fcm").gauge())
          .as("no meters for a platform without a provider").isNull();
    }
  }

  @Test
  void bindsEveryBrandsProvidersTaggedWithTheirBrand() {
    StatusProvider lucky = new StatusProvider(Platform.FCM);
    lucky.status = new ProviderStatus(Platform.FCM, 1, 3, 0, 0, 0,
        Optional.empty(), Optional.empty(), Optional.empty());
    StatusProvider golden = new StatusProvider(Platform.FCM);
    golden.status = new ProviderStatus(Platform.FCM, 1, 8, 0, 0, 0,
        Optional.empty(), Optional.empty(), Optional.empty());
    try (Herald herald = Herald.builder().provider(Brand.of("lucky-spins"), lucky)
        .provider(Brand.of("golden-reels"), golden).build()) {
      ProviderMetrics.of(herald).bindTo(registry);

      assertThat(registry.get(ProviderMetrics.IN_FLIGHT).tag("provider", "fcm")
          .tag("brand", "lucky-spins").gauge().value()).isEqualTo(3);
      assertThat(registry.get(ProviderMetrics.IN_FLIGHT).tag("provider", "fcm")
          .tag("brand", "golden-reels").gauge().value()).isEqualTo(8);
    }
  }
}
