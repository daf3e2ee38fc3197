package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Hours in the player's own time zone when a campaign must not reach them, for example 22:00 to
 * 08:00. A message that falls inside is postponed to the end of the window (re-checked then) or
 * dropped. The window may wrap midnight; players without a known time zone use
 * {@link #defaultZone()}.
 *
 * @param start the local time the quiet window opens (inclusive)
 * @param end the local time it closes (exclusive)
 * @param mode postpone or drop
 * @param defaultZone the zone for players whose profile has none
 */
public record QuietHours(LocalTime start, LocalTime end, Mode mode, ZoneId defaultZone) {

  /** What happens to a message that falls inside quiet hours. */
  public enum Mode {
    /** Send it when the window closes, if it is still eligible then. */
    POSTPONE,
    /** Do not send it; record it as suppressed. */
    DROP
  }

  /**
   * Validates the fields.
   *
   * @param start the local time the quiet window opens (inclusive)
   * @param end the local time it closes (exclusive)
   * @param mode postpone or drop
   * @param defaultZone the zone for players whose profile has none
   */
  public QuietHours {
    Checks.required(start, "quietHours.start");
    Checks.required(end, "quietHours.end");
    if (start.equals(end)) {
      throw new dev.herald.InvalidInputException(
          "quietHours", "start and end must differ, got " + start);
    }
    Checks.required(mode, "quietHours.mode");
    Checks.required(defaultZone, "quietHours.defaultZone");
  }

  /**
   * Quiet hours that postpone, with UTC for players without a time zone.
   *
   * @param start the local opening time
   * @param end the local closing time
   * @return the quiet hours
   */
  public static QuietHours postpone(LocalTime start, LocalTime end) {
    return new QuietHours(start, end, Mode.POSTPONE, ZoneOffset.UTC);
  }

  /**
   * Quiet hours that drop, with UTC for players without a time zone.
   *
   * @param start the local opening time
   * @param end the local closing time
   * @return the quiet hours
   */
  public static QuietHours drop(LocalTime start, LocalTime end) {
    return new QuietHours(start, end, Mode.DROP, ZoneOffset.UTC);
  }

  /**
   * The same window with another default zone.
   *
   * @param zone the zone for players without one
   * @return the changed copy
   */
  public QuietHours withDefaultZone(ZoneId zone) {
    return new QuietHours(start, end, mode, zone);
  }

  /**
   * When the quiet window that contains {@code now} closes, if {@code now} is inside one.
   *
   * @param now the current instant
   * @param zone the player's zone, or empty for the default
   * @return the instant the window closes, or empty when {@code now} is not quiet
   */
  public Optional<Instant> quietUntil(Instant now, Optional<ZoneId> zone) {
    ZoneId z = zone.orElse(defaultZone);
    LocalDateTime local = LocalDateTime.ofInstant(now, z);
    LocalTime time = local.toLocalTime();
    boolean wraps = start.isAfter(end);
    boolean quiet = wraps
        ? !time.isBefore(start) || time.isBefore(end)
        : !time.isBefore(start) && time.isBefore(end);
    if (!quiet) {
      return Optional.empty();
    }
    LocalDateTime closes = local.toLocalDate().atTime(end);
    if (!closes.isAfter(local)) {
      closes = closes.plusDays(1);
    }
    // atZone moves a closing time that falls in a DST gap forward, never back into the window.
    return Optional.of(closes.atZone(z).toInstant());
  }
}
