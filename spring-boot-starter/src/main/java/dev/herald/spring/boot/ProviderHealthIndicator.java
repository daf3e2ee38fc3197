package dev.herald.spring.boot;

import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushProvider;
import java.util.Objects;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * The health of one push provider, from its {@link PushProvider#status()}: {@code DOWN} while the
 * most recent attempt to obtain a credential token failed, {@code UP} otherwise. Details: the
 * credentials are loaded (the provider was built from them), the last token refresh, the counts of
 * refreshes and failures, the kind of the last answer from the push service, and the connections
 * and requests now. No secret is ever a detail.
 *
 * <p>Registered by the starter under {@code /actuator/health/herald/<platform>}.
 */
public final class ProviderHealthIndicator extends AbstractHealthIndicator {
  private final PushProvider provider;

  /**
   * Creates the indicator.
   *
   * @param provider the provider to report on
   */
  public ProviderHealthIndicator(PushProvider provider) {
    super("Herald provider health check failed");
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) {
    ProviderStatus status = provider.status();
    if (status.lastTokenFailure().isPresent()) {
      builder.down().withDetail("lastTokenFailure", status.lastTokenFailure().get());
    } else {
      builder.up();
    }
    builder.withDetail("platform", status.platform().name())
        .withDetail("credentialsLoaded", true)
        .withDetail("tokenRefreshes", status.tokenRefreshes())
        .withDetail("tokenRefreshFailures", status.tokenRefreshFailures())
        .withDetail("connectionsOpen", status.connectionsOpen())
        .withDetail("requestsInFlight", status.requestsInFlight())
        .withDetail("requestsQueued", status.requestsQueued());
    status.lastTokenRefresh().ifPresent(at -> builder.withDetail("lastTokenRefresh", at.toString()));
    status.lastOutcome().ifPresent(o -> builder.withDetail("lastAnswer", o.name()));
  }
}
