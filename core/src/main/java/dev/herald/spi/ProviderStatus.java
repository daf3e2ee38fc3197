package dev.herald.spi;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.subscription.Platform;
import java.time.Instant;
import java.util.Optional;

/**
 * A provider's state at one moment, for metrics and health checks: its connections, the requests
 * it has on the wire and waiting, its credential refreshes and the kind of the last answer it got.
 * Counters ({@link #tokenRefreshes()}, {@link #tokenRefreshFailures()}) only grow over the
 * provider's life, so a metrics binding can read them as monotonic counters.
 *
 * <p>Read with {@link PushProvider#status()}; cheap enough to poll every few seconds. A field a
 * provider cannot know (a Web Push provider has no access token) stays at zero or empty.
 *
 * @param platform the provider's platform
 * @param connectionsOpen connections open to the push service now
 * @param requestsInFlight requests written and awaiting an answer
 * @param requestsQueued requests waiting for a connection or a stream
 * @param tokenRefreshes credential tokens obtained so far (FCM access tokens, APNs provider
 *     tokens, VAPID headers are not counted)
 * @param tokenRefreshFailures attempts to obtain a token that failed
 * @param lastTokenRefresh when a token was last obtained, if ever
 * @param lastTokenFailure a short description of the last failed refresh, if the most recent
 *     attempt failed; never contains a secret
 * @param lastOutcome the outcome of the last answer from the push service, if any
 */
public record ProviderStatus(
    Platform platform,
    int connectionsOpen,
    int requestsInFlight,
    int requestsQueued,
    long tokenRefreshes,
    long tokenRefreshFailures,
    Optional<Instant> lastTokenRefresh,
    Optional<String> lastTokenFailure,
    Optional<SendResult.Outcome> lastOutcome) {

  /**
   * Checks that counts are not negative and nothing is null.
   *
   * @param platform the provider's platform
   * @param connectionsOpen connections open to the push service now
   * @param requestsInFlight requests written and awaiting an answer
   * @param requestsQueued requests waiting for a connection or a stream
   * @param tokenRefreshes credential tokens obtained so far
   * @param tokenRefreshFailures attempts to obtain a token that failed
   * @param lastTokenRefresh when a token was last obtained, if ever
   * @param lastTokenFailure the last failed refresh, if the most recent attempt failed
   * @param lastOutcome the outcome of the last answer, if any
   */
  public ProviderStatus {
    Checks.required(platform, "platform");
    Checks.required(lastTokenRefresh, "lastTokenRefresh");
    Checks.required(lastTokenFailure, "lastTokenFailure");
    Checks.required(lastOutcome, "lastOutcome");
    Checks.range(connectionsOpen, "connectionsOpen", 0, Integer.MAX_VALUE);
    Checks.range(requestsInFlight, "requestsInFlight", 0, Integer.MAX_VALUE);
    Checks.range(requestsQueued, "requestsQueued", 0, Integer.MAX_VALUE);
    if (tokenRefreshes < 0 || tokenRefreshFailures < 0) {
      throw new InvalidInputException("tokenRefreshes", "counts must not be negative");
    }
  }

  /**
   * A status with nothing known but the platform: what a provider that does not report returns.
   *
   * @param platform the provider's platform
   * @return an all-zero status
   */
  public static ProviderStatus unknown(Platform platform) {
    return new ProviderStatus(
        platform, 0, 0, 0, 0, 0, Optional.empty(), Optional.empty(), Optional.empty());
  }
}
