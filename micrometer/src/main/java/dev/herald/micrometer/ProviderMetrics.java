package dev.herald.micrometer;

import dev.herald.Herald;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushProvider;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Gauges and counters read from each provider's {@link PushProvider#status()} when the registry is
 * scraped: connections open, requests in flight and queued, credential token refreshes and their
 * failures, and whether the last refresh failed. Tags {@code provider}: {@code web_push},
 * {@code apns} or {@code fcm}; {@code brand}: the brand the provider was registered for
 * ({@code default} unless the Herald serves several brands).
 *
 * <pre>{@code
 * ProviderMetrics.of(herald).bindTo(registry);
 * }</pre>
 *
 * <p>The meters hold the providers strongly, so they keep reporting (zeros, once closed) for as
 * long as the registry lives. Names are listed in {@code docs/metrics.md}.
 */
public final class ProviderMetrics implements MeterBinder {
  /** Connections open to the push service. */
  public static final String CONNECTIONS = "herald.provider.connections";
  /** Requests written and awaiting an answer. */
  public static final String IN_FLIGHT = "herald.provider.requests.in.flight";
  /** Requests waiting for a connection or a stream. */
  public static final String QUEUED = "herald.provider.requests.queued";
  /** Credential tokens obtained (FCM access tokens, APNs provider tokens). */
  public static final String TOKEN_REFRESHES = "herald.provider.token.refreshes";
  /** Attempts to obtain a credential token that failed. */
  public static final String TOKEN_REFRESH_FAILURES = "herald.provider.token.refresh.failures";
  /** 1 while the most recent attempt to obtain a token failed, else 0. */
  public static final String TOKEN_FAILING = "herald.provider.token.failing";

  /** A provider and the brand it sends for. */
  private record Bound(PushProvider provider, Brand brand) {}

  private final List<Bound> providers;

  /**
   * Meters for these providers, of the {@link Brand#DEFAULT default brand}.
   *
   * @param providers the providers, one per platform
   */
  public ProviderMetrics(Iterable<? extends PushProvider> providers) {
    Objects.requireNonNull(providers, "providers");
    List<Bound> copy = new ArrayList<>();
    providers.forEach(p -> copy.add(
        new Bound(Objects.requireNonNull(p, "providers[]"), Brand.DEFAULT)));
    this.providers = List.copyOf(copy);
  }

  private ProviderMetrics(List<Bound> providers) {
    this.providers = List.copyOf(providers);
  }

  /**
   * Meters for the providers registered on a Herald.
   *
   * @param herald the Herald
   * @return the binder
   */
  public static ProviderMetrics of(Herald herald) {
    List<Bound> registered = new ArrayList<>();
    for (Brand brand : herald.brands()) {
      for (Platform platform : Platform.values()) {
        herald.provider(platform, brand).ifPresent(p -> registered.add(new Bound(p, brand)));
      }
    }
    return new ProviderMetrics(registered);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (Bound bound : providers) {
      PushProvider provider = bound.provider();
      Tags tags = Tags.of("provider", provider.platform().name().toLowerCase(Locale.ROOT),
          "brand", bound.brand().id());
      gauge(registry, CONNECTIONS, "Connections open to the push service", tags, provider,
          ProviderStatus::connectionsOpen);
      gauge(registry, IN_FLIGHT, "Requests written and awaiting an answer", tags, provider,
          ProviderStatus::requestsInFlight);
      gauge(registry, QUEUED, "Requests waiting for a connection or a stream", tags, provider,
          ProviderStatus::requestsQueued);
      gauge(registry, TOKEN_FAILING, "1 while the last attempt to obtain a token failed", tags,
          provider, s -> s.lastTokenFailure().isPresent() ? 1 : 0);
      counter(registry, TOKEN_REFRESHES, "Credential tokens obtained", tags, provider,
          ProviderStatus::tokenRefreshes);
      counter(registry, TOKEN_REFRESH_FAILURES, "Attempts to obtain a token that failed", tags,
          provider, ProviderStatus::tokenRefreshFailures);
    }
  }

  private static void gauge(MeterRegistry registry, String name, String description, Tags tags,
      PushProvider provider, ToDoubleFunction<ProviderStatus> value) {
    Gauge.builder(name, provider, p -> value.applyAsDouble(p.status()))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  private static void counter(MeterRegistry registry, String name, String description, Tags tags,
      PushProvider provider, ToDoubleFunction<ProviderStatus> value) {
    FunctionCounter.builder(name, provider, p -> value.applyAsDouble(p.status()))
        .description(description)
        .tags(tags)
        .register(registry);
  }
}
