package dev.herald.campaign;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * When a campaign sends: as soon as it is scheduled, once at an instant, or on a recurring
 * <a href="https://man7.org/linux/man-pages/man5/crontab.5.html">cron</a> schedule (five fields:
 * minute, hour, day of month, month, day of week) in a time zone, optionally until an instant.
 *
 * <p>Recurring times are local wall-clock times: {@code 0 18 * * FRI} in {@code Europe/Berlin}
 * sends at 18:00 Berlin time in summer and in winter. A time that a daylight-saving change skips
 * (02:30 on the spring-forward night) runs at the first instant after the gap; a time that occurs
 * twice runs once.
 */
public sealed interface Schedule permits Schedule.Now, Schedule.At, Schedule.Recurring {

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
}
