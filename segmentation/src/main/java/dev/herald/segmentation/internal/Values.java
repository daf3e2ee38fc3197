package dev.herald.segmentation.internal;

import java.time.Instant;

/**
 * Turns attribute values into the primitive forms rules compare, identically for one-player and
 * bulk evaluation: numbers become {@code double}s, instants become epoch milliseconds (rounded
 * down), and a value of the wrong Java type is missing.
 */
public final class Values {
  private Values() {}

  /**
   * A number as a double.
   *
   * @param v the raw value
   * @return the double, or NaN when missing, not a number, or NaN itself
   */
  public static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /**
   * Whether a raw value is a usable timestamp.
   *
   * @param v the raw value
   * @return true for an instant
   */
  public static boolean isTime(Object v) {
    return v instanceof Instant;
  }

  /**
   * An instant as epoch milliseconds, rounded down, saturating far outside the epoch-millisecond
   * range.
   *
   * @param i the instant
   * @return the milliseconds
   */
  public static long millis(Instant i) {
    long seconds = i.getEpochSecond();
    if (seconds > Long.MAX_VALUE / 1000 - 1) {
      return Long.MAX_VALUE;
    }
    if (seconds < Long.MIN_VALUE / 1000 + 1) {
      return Long.MIN_VALUE;
    }
    return seconds * 1000 + i.getNano() / 1_000_000;
  }

  /**
   * Adds without overflow.
   *
   * @param a a value
   * @param b another
   * @return the sum, clamped to the long range
   */
  public static long saturatedAdd(long a, long b) {
    long r = a + b;
    if (((a ^ r) & (b ^ r)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return r;
  }
}
