package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneOffsetTransition;
import java.time.zone.ZoneRules;
import java.util.List;
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
   * <p>Quiet means the player's wall clock reads a time inside the window, and the window closes
   * at the first instant after {@code now} when it no longer does. At the autumn change an hour
   * repeats: a window ending in it (22:00 to 02:30 in Berlin) closes at the first 02:30, and the
   * second pass through 02:00 to 02:30 is quiet again until the second 02:30; a window starting
   * in it (02:15 to 08:00) closes when the clocks go back to 02:00 and opens again at 02:15. In
   * spring a closing time the clocks skip closes the window when they jump.
   *
   * @param now the current instant
   * @param zone the player's zone, or empty for the default
   * @return the instant the window closes, always after {@code now}, or empty when {@code now}
   *     is not quiet
   */
  public Optional<Instant> quietUntil(Instant now, Optional<ZoneId> zone) {
    ZoneId z = zone.orElse(defaultZone);
    if (!isQuiet(now, z)) {
      return Optional.empty();
    }
    // Between two offset changes the wall clock runs on, so it leaves the window only by reaching
    // the closing time; an offset change may also move it out (or back in). Step from one such
    // instant to the next until the clock is outside: at most a few steps, as changes are rare.
    Instant t = now;
    for (int step = 0; step < 8; step++) {
      Instant closing = nextClosing(t, z);
      ZoneOffsetTransition change = z.getRules().nextTransition(t);
      t = change != null && change.getInstant().isBefore(closing) ? change.getInstant() : closing;
      if (!isQuiet(t, z)) {
        break;
      }
    }
    return Optional.of(t);
  }

  private boolean isQuiet(Instant instant, ZoneId zone) {
    LocalTime time = LocalDateTime.ofInstant(instant, zone).toLocalTime();
    return start.isAfter(end)
        ? !time.isBefore(start) || time.isBefore(end)
        : !time.isBefore(start) && time.isBefore(end);
  }

  /** The first instant strictly after {@code after} at which the local clock reaches the end. */
  private Instant nextClosing(Instant after, ZoneId zone) {
    ZoneRules rules = zone.getRules();
    LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate();
    for (int d = 0; d <= 2; d++) {
      LocalDateTime closing = day.plusDays(d).atTime(end);
      List<ZoneOffset> offsets = rules.getValidOffsets(closing);
      if (offsets.isEmpty()) { // a gap: the clock skips the closing time and reaches it on the jump
        Instant jump = rules.getTransition(closing).getInstant();
        if (jump.isAfter(after)) {
          return jump;
        }
      }
      for (ZoneOffset offset : offsets) { // two in the repeated hour, earlier instant first
        Instant candidate = closing.toInstant(offset);
        if (candidate.isAfter(after)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("no closing time within two days of " + after + " in " + zone);
  }
}
