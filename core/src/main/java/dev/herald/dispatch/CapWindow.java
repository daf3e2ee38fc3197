package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Optional;

/**
 * The period a {@link FrequencyCap} counts over: a rolling window ({@code the last 24 hours}) or
 * calendar days in the player's own time zone ({@code today}), which follow daylight-saving
 * changes (a local day can last 23 or 25 hours).
 *
 * @param rolling the rolling length, when rolling
 * @param localDays the number of local calendar days (today and the days before), when calendar
 */
public record CapWindow(Optional<Duration> rolling, int localDays) {

  /**
   * Validates that exactly one form is set.
   *
   * @param rolling the rolling length, when rolling
   * @param localDays the number of local calendar days (today and the days before), when calendar
   */
  public CapWindow {
    Checks.required(rolling, "window.rolling");
    if (rolling.isPresent() == (localDays > 0)) {
      throw new dev.herald.InvalidInputException(
          "window", "set either a rolling duration or a number of local days");
    }
    rolling.ifPresent(d -> Checks.range(d, "window.rolling", Duration.ofMinutes(1),
        Duration.ofDays(366)));
    if (localDays < 0 || localDays > 366) {
      throw new dev.herald.InvalidInputException(
          "window.localDays", "must be between 1 and 366, got " + localDays);
    }
  }

  /**
   * A rolling window.
   *
   * @param length from 1 minute to 366 days
   * @return the window
   */
  public static CapWindow rolling(Duration length) {
    return new CapWindow(Optional.of(Checks.required(length, "window.rolling")), 0);
  }

  /**
   * Calendar days in the player's time zone.
   *
   * @param days 1 for today only, 7 for today and the six days before
   * @return the window
   */
  public static CapWindow localDays(int days) {
    if (days < 1) {
      throw new dev.herald.InvalidInputException(
          "window.localDays", "must be between 1 and 366, got " + days);
    }
    return new CapWindow(Optional.empty(), days);
  }

  /**
   * When the window that ends now began: a message sent at or after this instant counts. A
   * rolling window of 24 hours no longer counts a message sent exactly 24 hours ago.
   *
   * @param now the current instant
   * @param zone the player's time zone
   * @return the start, inclusive
   */
  public Instant start(Instant now, ZoneId zone) {
    if (rolling.isPresent()) {
      return now.minus(rolling.get()).plusNanos(1);
    }
    ZonedDateTime local = now.atZone(zone).toLocalDate().minusDays(localDays - 1L)
        .atStartOfDay(zone);
    return local.toInstant();
  }
}
