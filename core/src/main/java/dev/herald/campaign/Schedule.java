package dev.herald.campaign;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * When a campaign sends: as soon as it is scheduled, once at an instant, or on a recurring
 * <a href="https://man7.org/linux/man-pages/man5/crontab.5.html">cron</a> schedule (five fields:
 * minute, hour, day of month, month, day of week) in a time zone, optionally until an instant.
 *
 * <p>Recurring times are local wall-clock times: {@code 0 18 * * FRI} in {@code Europe/Berlin}
 * sends at 18:00 Berlin time in summer and in winter. A time that a daylight-saving change skips
 * (02:30 on the spring-forward night) runs at the first instant after the gap; a time that occurs
 * twice runs once.
 *
 * <p>A {@link PlayerLocal} schedule sends at a wall-clock time in <em>each player's own</em> time
 * zone ("the daily bonus at 09:00 local time"), once on a date or every day: each player receives
 * it when their zone reaches the time, players without a zone at the time in a fallback zone.
 */
public sealed interface Schedule
    permits Schedule.Now, Schedule.At, Schedule.Recurring, Schedule.PlayerLocal {

  /**
   * As soon as the campaign is scheduled.
   *
   * @return the schedule
   */
  static Schedule now() {
    return new Now();
  }

  /**
   * Once, at an instant (at once if it has passed when scheduled).
   *
   * @param at the instant
   * @return the schedule
   */
  static Schedule at(Instant at) {
    return new At(Checks.required(at, "schedule.at"));
  }

  /**
   * Recurring on a cron expression in a zone, with no end.
   *
   * @param cron five fields, for example {@code 0 18 * * FRI}
   * @param zone the zone the times are local to
   * @return the schedule
   * @throws InvalidInputException for a malformed expression
   */
  static Schedule recurring(String cron, ZoneId zone) {
    return new Recurring(cron, zone, Optional.empty());
  }

  /**
   * Once, at a wall-clock time on a date in each player's own time zone: a player in Tokyo
   * receives it at 09:00 Tokyo time, a player in Berlin eight hours later at 09:00 Berlin time.
   *
   * @param date the local date
   * @param time the local time, in whole minutes
   * @param fallbackZone the zone of players whose profile has none (or who are not in the
   *     player directory)
   * @return the schedule
   * @throws InvalidInputException when an argument is missing or the time has seconds
   */
  static PlayerLocal atLocalTime(LocalDate date, LocalTime time, ZoneId fallbackZone) {
    return new PlayerLocal(time, Optional.of(Checks.required(date, "schedule.date")),
        EnumSet.allOf(DayOfWeek.class), fallbackZone, Optional.empty());
  }

  /**
   * Every day at a wall-clock time in each player's own time zone; restrict the days with
   * {@link PlayerLocal#onDays} and end it with {@link PlayerLocal#until}.
   *
   * @param time the local time, in whole minutes
   * @param fallbackZone the zone of players whose profile has none (or who are not in the
   *     player directory)
   * @return the schedule
   * @throws InvalidInputException when an argument is missing or the time has seconds
   */
  static PlayerLocal dailyAtLocalTime(LocalTime time, ZoneId fallbackZone) {
    return new PlayerLocal(time, Optional.empty(), EnumSet.allOf(DayOfWeek.class), fallbackZone,
        Optional.empty());
  }

  /**
   * The first run at or after {@code from}, or the next one after a run.
   *
   * @param from the earliest acceptable instant
   * @param afterARun whether {@code from} is the instant of a run that just happened (a recurring
   *     schedule then moves to its next occurrence; a one-off schedule has none)
   * @return the instant, or empty when the schedule has no more runs
   */
  Optional<Instant> next(Instant from, boolean afterARun);

  /** As soon as scheduled. */
  record Now() implements Schedule {
    @Override
    public Optional<Instant> next(Instant from, boolean afterARun) {
      return afterARun ? Optional.empty() : Optional.of(from);
    }
  }

  /**
   * Once, at an instant.
   *
   * @param at the instant
   */
  record At(Instant at) implements Schedule {
    /**
     * Validates the instant.
     *
     * @param at the instant
     */
    public At {
      Checks.required(at, "schedule.at");
    }

    @Override
    public Optional<Instant> next(Instant from, boolean afterARun) {
      return afterARun ? Optional.empty() : Optional.of(at.isAfter(from) ? at : from);
    }
  }

  /**
   * Recurring on a cron expression.
   *
   * @param cron the five-field expression
   * @param zone the zone the times are local to
   * @param until no run after this instant, if present
   */
  record Recurring(String cron, ZoneId zone, Optional<Instant> until) implements Schedule {
    private static final CronParser PARSER =
        new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    /**
     * Validates the expression.
     *
     * @param cron the five-field expression
     * @param zone the zone the times are local to
     * @param until no run after this instant, if present
     */
    public Recurring {
      cron = Checks.nonBlank(cron, "schedule.cron", 128);
      Checks.required(zone, "schedule.zone");
      Checks.required(until, "schedule.until");
      parse(cron);
    }

    /**
     * The same schedule, ending at an instant.
     *
     * @param end no run after it
     * @return the changed copy
     */
    public Recurring until(Instant end) {
      return new Recurring(cron, zone, Optional.of(Checks.required(end, "schedule.until")));
    }

    private static ExecutionTime parse(String expression) {
      try {
        Cron parsed = PARSER.parse(expression);
        parsed.validate();
        return ExecutionTime.forCron(parsed);
      } catch (IllegalArgumentException e) {
        throw new InvalidInputException("schedule.cron", "is not a valid five-field cron "
            + "expression (minute hour day-of-month month day-of-week): " + e.getMessage());
      }
    }

    @Override
    public Optional<Instant> next(Instant from, boolean afterARun) {
      // Cron fields are evaluated on the local wall clock (as if it had no gaps), then the local
      // time is placed in the zone: a time in a spring-forward gap moves past it.
      LocalDateTime local = LocalDateTime.ofInstant(from, zone);
      LocalDateTime start = afterARun ? local : local.minusNanos(1);
      return parse(cron)
          .nextExecution(start.atZone(ZoneOffset.UTC))
          .map(t -> t.toLocalDateTime().atZone(zone).toInstant())
          .filter(t -> until.map(u -> !t.isAfter(u)).orElse(true));
    }
  }

  /**
   * A wall-clock time in each player's own time zone, once on a {@code date} or on every one of
   * {@code days}. Each date is one occurrence and one run of the campaign (its step, and the key of
   * its statistics, is the local date and time, for example {@code 2026-03-29T09:00}); the run
   * releases players zone by zone as each zone reaches the time.
   *
   * <p>Daylight-saving changes, as {@link java.time.ZonedDateTime} resolves them: a time that does
   * not exist in a zone that day (02:30 on the spring-forward night) is sent that much later, by
   * the length of the gap (03:30); a time that occurs twice (02:30 on the fall-back night) is sent
   * once, at the first of the two (the summer-time offset).
   *
   * @param time the local time, in whole minutes
   * @param date the date of a one-off schedule; empty for a recurring one
   * @param days the days of the week a recurring schedule sends on; every day for a one-off
   * @param fallbackZone the zone of players whose profile has none
   * @param until no player receives an occurrence after this instant, if present
   */
  record PlayerLocal(LocalTime time, Optional<LocalDate> date, Set<DayOfWeek> days,
      ZoneId fallbackZone, Optional<Instant> until) implements Schedule {

    /**
     * Validates the fields.
     *
     * @param time the local time, in whole minutes
     * @param date the date of a one-off schedule; empty for a recurring one
     * @param days the days of the week a recurring schedule sends on; every day for a one-off
     * @param fallbackZone the zone of players whose profile has none
     * @param until no player receives an occurrence after this instant, if present
     */
    public PlayerLocal {
      Checks.required(time, "schedule.time");
      if (time.getSecond() != 0 || time.getNano() != 0) {
        throw new InvalidInputException("schedule.time", "must be whole minutes (HH:mm), got "
            + time);
      }
      Checks.required(date, "schedule.date");
      Checks.required(days, "schedule.days");
      if (days.isEmpty()) {
        throw new InvalidInputException("schedule.days", "must name at least one day");
      }
      days = Set.copyOf(days);
      if (date.isPresent() && days.size() != DayOfWeek.values().length) {
        throw new InvalidInputException("schedule.days", "applies to a recurring schedule only; "
            + "a one-off schedule has a date");
      }
      Checks.required(fallbackZone, "schedule.fallbackZone");
      Checks.required(until, "schedule.until");
    }

    /**
     * The same recurring schedule, on some days of the week only.
     *
     * @param first a day
     * @param more more days
     * @return the changed copy
     * @throws InvalidInputException for a one-off schedule
     */
    public PlayerLocal onDays(DayOfWeek first, DayOfWeek... more) {
      Checks.required(first, "schedule.days");
      for (DayOfWeek d : more) {
        Checks.required(d, "schedule.days");
      }
      return new PlayerLocal(time, date, EnumSet.of(first, more), fallbackZone, until);
    }

    /**
     * The same schedule, ending at an instant: a player whose local time falls after it does not
     * receive that occurrence.
     *
     * @param end the last instant a player may be released
     * @return the changed copy
     */
    public PlayerLocal until(Instant end) {
      return new PlayerLocal(time, date, days, fallbackZone,
          Optional.of(Checks.required(end, "schedule.until")));
    }

    /**
     * Whether the schedule sends on a local date.
     *
     * @param day the date
     * @return true for its date (one-off) or one of its days (recurring)
     */
    public boolean sendsOn(LocalDate day) {
      Checks.required(day, "day");
      return date.map(day::equals).orElseGet(() -> days.contains(day.getDayOfWeek()));
    }

    /**
     * When a player receives the occurrence of a day: the time on that date in their zone, or in
     * the fallback zone, with daylight-saving gaps and overlaps resolved as described above.
     *
     * @param day the occurrence's local date
     * @param playerZone the player's zone, or empty
     * @return the instant
     */
    public Instant sendTime(LocalDate day, Optional<ZoneId> playerZone) {
      Checks.required(day, "day");
      return day.atTime(time).atZone(playerZone.orElse(fallbackZone)).toInstant();
    }

    /**
     * The first instant, at or after {@code from} (after it when {@code afterARun}), at which
     * some time zone reaches the time on a date the schedule sends on: the earliest instant a
     * player anywhere can be due.
     *
     * @param from the earliest acceptable instant
     * @param afterARun whether to look strictly after {@code from}
     * @return the instant, or empty when the schedule has no more
     */
    @Override
    public Optional<Instant> next(Instant from, boolean afterARun) {
      return dev.herald.internal.campaign.LocalWaves.nextInstant(this, from, afterARun);
    }
  }
}
