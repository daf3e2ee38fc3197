package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The rules a dispatch obeys besides consent and compliance: frequency caps, quiet hours, a
 * throttle and a deadline. SERVICE messages bypass caps and quiet hours unless told otherwise;
 * nothing bypasses the device status or the deadline.
 */
public final class DeliveryPolicy {
  private static final DeliveryPolicy NONE = builder().build();

  private final List<FrequencyCap> caps;
  private final QuietHours quietHours;
  private final double messagesPerSecond;
  private final Instant deadline;
  private final boolean serviceBypassesCaps;
  private final boolean serviceBypassesQuietHours;

  private DeliveryPolicy(Builder b) {
    this.caps = List.copyOf(b.caps);
    this.quietHours = b.quietHours;
    this.messagesPerSecond = b.messagesPerSecond;
    this.deadline = b.deadline;
    this.serviceBypassesCaps = b.serviceBypassesCaps;
    this.serviceBypassesQuietHours = b.serviceBypassesQuietHours;
  }

  /**
   * No caps, no quiet hours, no throttle, no deadline.
   *
   * @return the empty policy
   */
  public static DeliveryPolicy none() {
    return NONE;
  }

  /**
   * Starts a policy.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the frequency caps */
  public List<FrequencyCap> caps() {
    return caps;
  }

  /** @return the quiet hours, if any */
  public Optional<QuietHours> quietHours() {
    return Optional.ofNullable(quietHours);
  }

  /** @return the most provider calls per second for this dispatch, if throttled */
  public OptionalDouble messagesPerSecond() {
    return messagesPerSecond > 0 ? OptionalDouble.of(messagesPerSecond) : OptionalDouble.empty();
  }

  /** @return the instant after which nothing is sent, if any */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** @return whether SERVICE messages ignore the caps (default true) */
  public boolean serviceBypassesCaps() {
    return serviceBypassesCaps;
  }

  /** @return whether SERVICE messages ignore quiet hours (default true) */
  public boolean serviceBypassesQuietHours() {
    return serviceBypassesQuietHours;
  }

  /** Builds a {@link DeliveryPolicy}. */
  public static final class Builder {
    private final List<FrequencyCap> caps = new ArrayList<>();
    private QuietHours quietHours;
    private double messagesPerSecond;
    private Instant deadline;
    private boolean serviceBypassesCaps = true;
    private boolean serviceBypassesQuietHours = true;

    private Builder() {}

    /**
     * @param value a cap to add
     * @return this builder
     */
    public Builder cap(FrequencyCap value) {
      caps.add(Checks.required(value, "cap"));
      Checks.maxSize(caps, "caps", 32);
      return this;
    }

    /**
     * @param value the quiet hours, or null for none
     * @return this builder
     */
    public Builder quietHours(QuietHours value) {
      this.quietHours = value;
      return this;
    }

    /**
     * @param value the most provider calls per second for this dispatch, 0.001 to 1,000,000
     * @return this builder
     */
    public Builder messagesPerSecond(double value) {
      this.messagesPerSecond = Checks.range(value, "messagesPerSecond", 0.001, 1_000_000);
      return this;
    }

    /**
     * @param value nothing is sent after it, or null for no deadline
     * @return this builder
     */
    public Builder deadline(Instant value) {
      this.deadline = value;
      return this;
    }

    /**
     * @param value whether SERVICE messages ignore caps
     * @return this builder
     */
    public Builder serviceBypassesCaps(boolean value) {
      this.serviceBypassesCaps = value;
      return this;
    }

    /**
     * @param value whether SERVICE messages ignore quiet hours
     * @return this builder
     */
    public Builder serviceBypassesQuietHours(boolean value) {
      this.serviceBypassesQuietHours = value;
      return this;
    }

    /** @return the policy */
    public DeliveryPolicy build() {
      return new DeliveryPolicy(this);
    }
  }
}
