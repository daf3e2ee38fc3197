package dev.herald.segmentation.internal;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * A literal as written, before the attribute's type gives it meaning.
 *
 * @param kind what was written
 * @param text the string, for {@link Kind#STRING}
 * @param number the number, for {@link Kind#NUMBER}
 * @param bool the boolean, for {@link Kind#BOOLEAN}
 * @param duration the offset for {@link Kind#NOW} or the span for {@link Kind#SPAN}
 * @param line 1-based line where it starts
 * @param column 1-based column where it starts
 */
public record RawLiteral(
    Kind kind, String text, BigDecimal number, boolean bool, Duration duration, int line,
    int column) {

  /** What kind of literal was written. */
  public enum Kind {
    /** A quoted string. */
    STRING,
    /** A number. */
    NUMBER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** {@code now}, {@code now - 7d}. */
    NOW,
    /** {@code 30d}. */
    SPAN,
    /** JSON {@code null}, an object or an array where a literal belongs. */
    OTHER
  }

  /** @return how the literal reads in a message */
  public String describe() {
    switch (kind) {
      case STRING:
        return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
      case NUMBER:
        return "the number " + dev.herald.internal.Numbers.format(number);
      case BOOLEAN:
        return bool ? "true" : "false";
      case NOW:
        return Durations.formatRelative(duration);
      case SPAN:
        return "the span " + Durations.format(duration);
      default:
        return text == null ? "something else" : text;
    }
  }
}
