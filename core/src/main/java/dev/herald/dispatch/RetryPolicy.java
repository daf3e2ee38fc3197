package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.time.Duration;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to try a send again after {@link dev.herald.spi.SendResult.RetryLater RETRY_LATER} or a
 * transport failure: exponential backoff with jitter, honouring the push service's Retry-After,
 * up to a number of attempts. Immutable.
 *
 * <p>The delay before attempt {@code n + 1} is {@code initialBackoff × multiplier^(n-1)}, capped at
 * {@code maxBackoff}, then spread by ±{@code jitter} so that many senders do not retry in step.
 * When the service sent Retry-After, that delay is used instead (never shortened), unless it
 * exceeds {@code maxRetryAfter}, in which case the send gives up rather than hold work that long.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();

  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final double multiplier;
  private final double jitter;
  private final Duration maxRetryAfter;

  private RetryPolicy(Builder b) {
    this.maxAttempts = b.maxAttempts;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.multiplier = b.multiplier;
    this.jitter = b.jitter;
    this.maxRetryAfter = b.maxRetryAfter;
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new dev.herald.InvalidInputException(
          "maxBackoff", "must not be shorter than initialBackoff " + initialBackoff);
    }
  }

  /**
   * Five attempts, backoff from 1 s doubling to at most 5 min, ±20 % jitter, Retry-After honoured
   * up to one hour.
   *
   * @return the default policy
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * A policy that never retries.
   *
   * @return a one-attempt policy
   */
  public static RetryPolicy none() {
    return builder().maxAttempts(1).build();
  }

  /**
   * Starts from the defaults.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the most attempts in all, including the first */
  public int maxAttempts() {
    return maxAttempts;
  }

  /** @return the delay before the second attempt, before jitter */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** @return the longest backoff, before jitter */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** @return the growth factor between attempts */
  public double multiplier() {
    return multiplier;
  }

  /** @return the spread, as a fraction of the backoff */
  public double jitter() {
    return jitter;
  }

  /** @return the longest Retry-After honoured; longer ones end the retries */
  public Duration maxRetryAfter() {
    return maxRetryAfter;
  }

  /**
   * The delay before the next attempt, or empty when the send should give up.
   *
   * @param attemptsMade attempts already made, at least 1
   * @param retryAfter the delay the push service asked for, if any
   * @param random the source of jitter
   * @return the delay, or empty to stop retrying
   */
  public Optional<Duration> nextDelay(
      int attemptsMade, Optional<Duration> retryAfter, RandomGenerator random) {
    if (attemptsMade >= maxAttempts) {
      return Optional.empty();
    }
    if (retryAfter.isPresent()) {
      Duration asked = retryAfter.get().isNegative() ? Duration.ZERO : retryAfter.get();
      return asked.compareTo(maxRetryAfter) > 0 ? Optional.empty() : Optional.of(asked);
    }
    double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attemptsMade - 1));
    double capped = Math.min(base, maxBackoff.toNanos());
    double spread = jitter == 0 ? 0 : (random.nextDouble() * 2 - 1) * jitter;
    return Optional.of(Duration.ofNanos(Math.max(0, (long) (capped * (1 + spread)))));
  }

  @Override
  public String toString() {
    return "RetryPolicy{maxAttempts=" + maxAttempts + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff + ", multiplier=" + multiplier + ", jitter=" + jitter
        + ", maxRetryAfter=" + maxRetryAfter + "}";
  }

  /** Builds a {@link RetryPolicy}; each setter validates its argument. */
  public static final class Builder {
    private int maxAttempts = 5;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofMinutes(5);
    private double multiplier = 2.0;
    private double jitter = 0.2;
    private Duration maxRetryAfter = Duration.ofHours(1);

    private Builder() {}

    /**
     * @param value attempts in all, 1 (no retry) to 100
     * @return this builder
     */
    public Builder maxAttempts(int value) {
      this.maxAttempts = Checks.range(value, "maxAttempts", 1, 100);
      return this;
    }

    /**
     * @param value delay before the second attempt, 1 ms to 1 hour
     * @return this builder
     */
    public Builder initialBackoff(Duration value) {
      this.initialBackoff =
          Checks.range(value, "initialBackoff", Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * @param value the longest backoff, 1 ms to 1 day
     * @return this builder
     */
    public Builder maxBackoff(Duration value) {
      this.maxBackoff = Checks.range(value, "maxBackoff", Duration.ofMillis(1), Duration.ofDays(1));
      return this;
    }

    /**
     * @param value growth factor, 1.0 to 10.0
     * @return this builder
     */
    public Builder multiplier(double value) {
      this.multiplier = Checks.range(value, "multiplier", 1.0, 10.0);
      return this;
    }

    /**
     * @param value spread as a fraction of the backoff, 0.0 to 1.0
     * @return this builder
     */
    public Builder jitter(double value) {
      this.jitter = Checks.range(value, "jitter", 0.0, 1.0);
      return this;
    }

    /**
     * @param value the longest Retry-After honoured, zero to 1 day
     * @return this builder
     */
    public Builder maxRetryAfter(Duration value) {
      this.maxRetryAfter = Checks.range(value, "maxRetryAfter", Duration.ZERO, Duration.ofDays(1));
      return this;
    }

    /** @return the policy */
    public RetryPolicy build() {
      return new RetryPolicy(this);
    }
  }
}
