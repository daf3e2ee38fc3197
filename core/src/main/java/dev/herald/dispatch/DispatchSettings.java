package dev.herald.dispatch;

import dev.herald.internal.Checks;
import dev.herald.subscription.Platform;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How hard Herald's dispatcher pushes: players in progress per run, provider calls in flight per
 * provider, per-provider rate limits, retries and timeouts. One instance per
 * {@link dev.herald.Herald}; immutable.
 *
 * <p>Memory stays bounded by {@link #maxPlayersInProgress()}: the audience stream is read only as
 * fast as players are settled. One-player sends the host starts (trigger firings, transactional
 * sends) are bounded by {@link #maxQueuedSendsPerProvider()}: beyond it, the call that starts one
 * waits.
 */
public final class DispatchSettings {
  private static final DispatchSettings DEFAULTS = builder().build();

  private final int maxPlayersInProgress;
  private final int maxSendsInFlightPerProvider;
  private final int maxQueuedSendsPerProvider;
  private final Map<Platform, Double> providerRateLimits;
  private final RetryPolicy retryPolicy;
  private final Duration sendTimeout;
  private final Duration complianceTimeout;
  private final int checkpointEvery;
  private final boolean retryTransportFailures;

  private DispatchSettings(Builder b) {
    this.maxPlayersInProgress = b.maxPlayersInProgress;
    this.maxSendsInFlightPerProvider = b.maxSendsInFlightPerProvider;
    this.maxQueuedSendsPerProvider = b.maxQueuedSendsPerProvider;
    this.providerRateLimits = Collections.unmodifiableMap(new EnumMap<>(b.providerRateLimits));
    this.retryPolicy = b.retryPolicy;
    this.sendTimeout = b.sendTimeout;
    this.complianceTimeout = b.complianceTimeout;
    this.checkpointEvery = b.checkpointEvery;
    this.retryTransportFailures = b.retryTransportFailures;
  }

  /**
   * 1,000 players in progress per run, 1,000 calls in flight and 100,000 waiting per provider,
   * no provider rate limit, {@link RetryPolicy#defaults()}, a 30 s send timeout and a 2 s
   * compliance timeout.
   *
   * @return the defaults
   */
  public static DispatchSettings defaults() {
    return DEFAULTS;
  }

  /**
   * Starts from the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the most players of one run being processed at once */
  public int maxPlayersInProgress() {
    return maxPlayersInProgress;
  }

  /** @return the most calls in flight to one provider, across runs */
  public int maxSendsInFlightPerProvider() {
    return maxSendsInFlightPerProvider;
  }

  /**
   * How many calls may wait for a slot with one provider before a trigger firing or a
   * transactional send waits for room (back-pressure on the thread that reports the event or asks
   * for the send). Campaign runs never wait here: {@link #maxPlayersInProgress()} bounds them.
   *
   * @return the most calls waiting for one provider before new one-player sends wait
   */
  public int maxQueuedSendsPerProvider() {
    return maxQueuedSendsPerProvider;
  }

  /**
   * The rate limit for one provider, across runs.
   *
   * @param platform the provider's platform
   * @return calls per second, if limited
   */
  public OptionalDouble providerRateLimit(Platform platform) {
    Double limit = providerRateLimits.get(platform);
    return limit == null ? OptionalDouble.empty() : OptionalDouble.of(limit);
  }

  /** @return when to retry RETRY_LATER and transport failures */
  public RetryPolicy retryPolicy() {
    return retryPolicy;
  }

  /** @return how long a provider call may take before it is cancelled and reported UNKNOWN */
  public Duration sendTimeout() {
    return sendTimeout;
  }

  /** @return how long the compliance guard may take before a marketing send is suppressed */
  public Duration complianceTimeout() {
    return complianceTimeout;
  }

  /** @return how many settled players between progress checkpoints */
  public int checkpointEvery() {
    return checkpointEvery;
  }

  /**
   * Whether a provider call that failed in transport (connection refused or reset, the
   * provider's own request timeout) is retried like RETRY_LATER. True by default: most such
   * failures happen before the push service has the message; in the rare case one happens after,
   * a retry can deliver it twice. Set false to report them as failed instead. A call that does not
   * answer within {@link #sendTimeout()} is never retried: its fate is reported as UNKNOWN.
   *
   * @return whether transport failures are retried
   */
  public boolean retryTransportFailures() {
    return retryTransportFailures;
  }

  /** Builds {@link DispatchSettings}; each setter validates its argument. */
  public static final class Builder {
    private int maxPlayersInProgress = 1000;
    private int maxSendsInFlightPerProvider = 1000;
    private int maxQueuedSendsPerProvider = 100_000;
    private final Map<Platform, Double> providerRateLimits = new EnumMap<>(Platform.class);
    private RetryPolicy retryPolicy = RetryPolicy.defaults();
    private Duration sendTimeout = Duration.ofSeconds(30);
    private Duration complianceTimeout = Duration.ofSeconds(2);
    private int checkpointEvery = 1000;
    private boolean retryTransportFailures = true;

    private Builder() {}

    /**
     * @param value whether transport failures are retried; see
     *     {@link DispatchSettings#retryTransportFailures()}
     * @return this builder
     */
    public Builder retryTransportFailures(boolean value) {
      this.retryTransportFailures = value;
      return this;
    }

    /**
     * @param value 1 to 1,000,000
     * @return this builder
     */
    public Builder maxPlayersInProgress(int value) {
      this.maxPlayersInProgress = Checks.range(value, "maxPlayersInProgress", 1, 1_000_000);
      return this;
    }

    /**
     * @param value 1 to 1,000,000
     * @return this builder
     */
    public Builder maxSendsInFlightPerProvider(int value) {
      this.maxSendsInFlightPerProvider =
          Checks.range(value, "maxSendsInFlightPerProvider", 1, 1_000_000);
      return this;
    }

    /**
     * @param value 1 to 10,000,000; see {@link DispatchSettings#maxQueuedSendsPerProvider()}
     * @return this builder
     */
    public Builder maxQueuedSendsPerProvider(int value) {
      this.maxQueuedSendsPerProvider =
          Checks.range(value, "maxQueuedSendsPerProvider", 1, 10_000_000);
      return this;
    }

    /**
     * @param platform the provider's platform
     * @param perSecond calls per second, 0.001 to 1,000,000
     * @return this builder
     */
    public Builder providerRateLimit(Platform platform, double perSecond) {
      providerRateLimits.put(Checks.required(platform, "platform"),
          Checks.range(perSecond, "providerRateLimit", 0.001, 1_000_000));
      return this;
    }

    /**
     * @param value the retry policy
     * @return this builder
     */
    public Builder retryPolicy(RetryPolicy value) {
      this.retryPolicy = Checks.required(value, "retryPolicy");
      return this;
    }

    /**
     * @param value 1 ms to 10 minutes
     * @return this builder
     */
    public Builder sendTimeout(Duration value) {
      this.sendTimeout = Checks.range(value, "sendTimeout", Duration.ofMillis(1),
          Duration.ofMinutes(10));
      return this;
    }

    /**
     * @param value 1 ms to 1 minute
     * @return this builder
     */
    public Builder complianceTimeout(Duration value) {
      this.complianceTimeout = Checks.range(value, "complianceTimeout", Duration.ofMillis(1),
          Duration.ofMinutes(1));
      return this;
    }

    /**
     * @param value 1 to 1,000,000
     * @return this builder
     */
    public Builder checkpointEvery(int value) {
      this.checkpointEvery = Checks.range(value, "checkpointEvery", 1, 1_000_000);
      return this;
    }

    /** @return the settings */
    public DispatchSettings build() {
      return new DispatchSettings(this);
    }
  }
}
