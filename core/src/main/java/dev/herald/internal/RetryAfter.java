package dev.herald.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses an HTTP Retry-After header (RFC 9110 §10.2.3): delay seconds or an HTTP date. Shared by
 * the providers, which all map it into {@code SendResult.retryLater}.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /**
   * The delay the header asks for.
   *
   * @param header the header value, or null
   * @param now the current time, to turn an HTTP date into a delay
   * @return the delay (never negative), or empty when absent or unparseable
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null || header.isBlank()) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      try {
        return Optional.of(Duration.ofSeconds(Long.parseLong(value)));
      } catch (NumberFormatException e) {
        return Optional.empty(); // more digits than a long holds
      }
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration delay = Duration.between(now, at);
      return Optional.of(delay.isNegative() ? Duration.ZERO : delay);
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
