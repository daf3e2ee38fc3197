package dev.herald.internal;

import java.math.BigDecimal;

/**
 * The bounds on numbers that come from outside (rule literals, profile and event attributes):
 * finite, and with a decimal exponent small enough that printing the number in plain notation
 * stays short. {@code 1e999999999} is 11 characters, but its plain form is a billion.
 *
 * <p>Internal: not part of Herald's public API; other modules may use it.
 */
public final class Numbers {
  /**
   * The largest decimal exponent accepted either way: a number's magnitude lies between
   * 1e-1000 and 1e1000 (or it is zero). Doubles reach about 1.8e308.
   */
  public static final int MAX_EXPONENT = 1000;

  /** The most significant digits a decimal number may have. */
  public static final int MAX_DIGITS = 100;

  private Numbers() {}

  /**
   * What is wrong with a decimal, or null when it is within bounds.
   *
   * @param value the number
   * @return the problem, naming the limit, or null
   */
  public static String problem(BigDecimal value) {
    if (value.signum() == 0) {
      return null;
    }
    if (value.precision() > MAX_DIGITS) {
      return "a number has at most " + MAX_DIGITS + " significant digits, got "
          + value.precision();
    }
    long exponent = (long) value.precision() - value.scale() - 1;
    if (Math.abs(exponent) > MAX_EXPONENT) {
      return "a number's decimal exponent must be between -" + MAX_EXPONENT + " and "
          + MAX_EXPONENT + ", got " + exponent;
    }
    return null;
  }

  /**
   * What is wrong with a floating-point value, or null when it is finite.
   *
   * @param value the number
   * @return the problem, or null
   */
  public static String problem(double value) {
    return Double.isFinite(value) ? null
        : "a number must be finite, got " + value;
  }

  /**
   * A decimal as text: plain notation within the bounds, scientific notation outside them (so
   * printing never builds a huge string).
   *
   * @param value the number
   * @return its text
   */
  public static String format(BigDecimal value) {
    return problem(value) == null ? value.toPlainString() : value.toString();
  }
}
