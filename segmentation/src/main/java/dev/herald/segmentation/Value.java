package dev.herald.segmentation;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A literal on the right-hand side of a rule: text, a number, a boolean, an absolute timestamp, a
 * time relative to "now", or a span of time for {@code within}.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public sealed interface Value
    permits Value.Text, Value.Num, Value.Bool, Value.Timestamp, Value.Now, Value.Span {

  /** The longest span or offset a rule may use: 100 years of days. */
  Duration MAX_DURATION = Duration.ofDays(36_525);

  /**
   * A string literal, {@code "DE"}.
   *
   * @param value the text, compared exactly
   */
  record Text(String value) implements Value {
    /**
     * Checks the field.
     *
     * @param value the value
     */
    public Text {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A number literal, {@code 3} or {@code 99.5}; kept exact here and compared as a
   * {@code double}. At most 100 significant digits and a decimal exponent between -1000 and 1000
   * (so printing it stays short).
   *
   * @param value the number, without trailing zeros (so {@code 3.0} and {@code 3} are equal)
   */
  record Num(BigDecimal value) implements Value {
    /**
     * Normalises the scale.
     *
     * @param value the value
     */
    public Num {
      Objects.requireNonNull(value, "value");
      String problem = dev.herald.internal.Numbers.problem(value);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      value = value.signum() == 0 ? BigDecimal.ZERO : value.stripTrailingZeros();
    }

    /**
     * A number literal.
     *
     * @param value the number, finite
     * @return the literal
     */
    public static Num of(double value) {
      String problem = dev.herald.internal.Numbers.problem(value);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      return new Num(BigDecimal.valueOf(value));
    }
  }

  /**
   * {@code true} or {@code false}.
   *
   * @param value the boolean
   */
  record Bool(boolean value) implements Value {}

  /**
   * An absolute timestamp, written {@code "2026-01-31T18:00:00Z"} or {@code "2026-01-31"}
   * (midnight UTC).
   *
   * @param value the instant
   */
  record Timestamp(Instant value) implements Value {
    /**
     * Checks the field.
     *
     * @param value the value
     */
    public Timestamp {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A time relative to the moment of evaluation: {@code now}, {@code now - 7d}, {@code now + 1h}.
   *
   * @param offset added to the evaluation time; negative for the past; whole seconds, at most
   *     {@link #MAX_DURATION} either way
   */
  record Now(Duration offset) implements Value {
    /**
     * Checks the field.
     *
     * @param offset the offset from now
     */
    public Now {
      Objects.requireNonNull(offset, "offset");
      if (offset.getNano() != 0 || offset.abs().compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            "offset must be whole seconds and at most 36525 days, got " + offset);
      }
    }
  }

  /**
   * A length of time for {@code within}, {@code 30d}.
   *
   * @param length positive, whole seconds, at most {@link #MAX_DURATION}
   */
  record Span(Duration length) implements Value {
    /**
     * Checks the field.
     *
     * @param length the span
     */
    public Span {
      Objects.requireNonNull(length, "length");
      if (length.isNegative() || length.isZero() || length.getNano() != 0
          || length.compareTo(MAX_DURATION) > 0) {
        throw new IllegalArgumentException(
            "length must be positive whole seconds, at most 36525 days, got " + length);
      }
    }
  }
}
