package dev.herald.segmentation.internal;

import dev.herald.segmentation.Value;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 2w} spans of the rule language. */
public final class Durations {
  private static final Pattern SPAN = Pattern.compile("(\\d{1,9})\\s*([a-zA-Z]+)");
  private static final Pattern RELATIVE =
      Pattern.compile("(?i)now(?:\\s*([+-])\\s*(\\d{1,9}\\s*[a-zA-Z]+))?");

  private Durations() {}

  /**
   * A span from its amount and unit.
   *
   * @param amount the whole number of units
   * @param unit s, m, h, d or w
   * @return the duration
   * @throws IllegalArgumentException naming the allowed units or the limit
   */
  public static Duration of(long amount, String unit) {
    Duration d;
    switch (unit) {
      case "s":
        d = Duration.ofSeconds(amount);
        break;
      case "m":
        d = Duration.ofMinutes(amount);
        break;
      case "h":
        d = Duration.ofHours(amount);
        break;
      case "d":
        d = Duration.ofDays(amount);
        break;
      case "w":
        d = Duration.ofDays(amount * 7);
        break;
      default:
        throw new IllegalArgumentException(
            "unknown time unit '" + unit + "'; use s, m, h, d or w (for example 7d)");
    }
    if (d.compareTo(Value.MAX_DURATION) > 0) {
      throw new IllegalArgumentException("a span may be at most 36525d (100 years)");
    }
    return d;
  }

  /**
   * Parses {@code "30d"}.
   *
   * @param text the span
   * @return the duration, or null when the text is not a span
   */
  public static Duration parseSpan(String text) {
    Matcher m = SPAN.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    return of(Long.parseLong(m.group(1)), m.group(2));
  }

  /**
   * Parses {@code "now"}, {@code "now - 7d"}, {@code "now + 1h"}.
   *
   * @param text the expression
   * @return the offset from now, or null when the text is not such an expression
   */
  public static Duration parseRelative(String text) {
    Matcher m = RELATIVE.matcher(text.strip());
    if (!m.matches()) {
      return null;
    }
    if (m.group(1) == null) {
      return Duration.ZERO;
    }
    Duration span = parseSpan(m.group(2));
    return m.group(1).equals("-") ? span.negated() : span;
  }

  /**
   * Writes a span with the largest unit that divides it: {@code 14d}, {@code 36h}, {@code 90s}.
   *
   * @param d a whole number of seconds
   * @return the text form
   */
  public static String format(Duration d) {
    long s = d.abs().getSeconds();
    String sign = d.isNegative() ? "-" : "";
    if (s != 0 && s % 86_400 == 0) {
      return sign + s / 86_400 + "d";
    }
    if (s != 0 && s % 3_600 == 0) {
      return sign + s / 3_600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return sign + s / 60 + "m";
    }
    return sign + s + "s";
  }

  /**
   * Writes a relative time: {@code now}, {@code now - 7d}.
   *
   * @param offset the offset from now
   * @return the text form
   */
  public static String formatRelative(Duration offset) {
    if (offset.isZero()) {
      return "now";
    }
    return "now " + (offset.isNegative() ? "- " : "+ ") + format(offset.abs());
  }
}
