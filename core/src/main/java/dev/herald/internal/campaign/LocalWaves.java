package dev.herald.internal.campaign;

import dev.herald.InvalidInputException;
import dev.herald.campaign.Schedule;
import dev.herald.internal.dispatch.Release;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The waves of a {@link Schedule.PlayerLocal} schedule. An occurrence (a local date and time, such
 * as 09:00 on 29 March) reaches the world's zones over about 26 hours; a wave is one wake-up in
 * that span, releasing the players whose send time falls in {@code (after, at]}. The first wave of
 * an occurrence is at the instant the earliest zone reaches the time; each wave's pass over the
 * audience finds the earliest send time still to come, which is where the next wave goes, so
 * there is one wave per distinct offset actually in use. When a wave learnt nothing (a run that
 * was already complete when it was resumed), the next wave is the next instant at which any
 * zone of the tz database reaches the time: never early, at worst a pass that releases nobody.
 *
 * <p>A wave is identified by a key (its occurrence and bounds) that is kept as the campaign's
 * step while it is scheduled and running, and under which its run's progress is checkpointed.
 */
public final class LocalWaves {
  /** Every region zone of the tz database, and the extremes of fixed offsets. */
  private static final List<ZoneId> ZONES = ZoneId.getAvailableZoneIds().stream().sorted()
      .map(ZoneId::of).toList();
  /** A week, and a day to spare: how far ahead the next day of a recurring schedule can be. */
  private static final int LOOKAHEAD_DAYS = 9;
  private static final Pattern KEY = Pattern.compile("(\\S+) \\((\\S+), (\\S+)]");

  private LocalWaves() {}

  /**
   * One wave: the players of an occurrence whose send time is after {@code after} (if present)
   * and not after {@code at}.
   *
   * @param occurrence the local date and time
   * @param after the exclusive lower bound; empty for the first wave of an occurrence
   * @param at when the wave runs
   */
  public record Wave(LocalDateTime occurrence, Optional<Instant> after, Instant at) {

    /** @return the step of the occurrence's run, for example {@code 2026-03-29T09:00} */
    public String step() {
      return occurrence.toString();
    }

    /** @return the wave's key, for example {@code 2026-03-29T09:00 (-, 2026-03-28T19:00:00Z]} */
    public String key() {
      return step() + " (" + after.map(Instant::toString).orElse("-") + ", " + at + "]";
    }

    /**
     * Reads a key written by {@link #key()}.
     *
     * @param key the key
     * @return the wave
     */
    public static Wave parse(String key) {
      Matcher m = KEY.matcher(key);
      try {
        if (m.matches()) {
          return new Wave(LocalDateTime.parse(m.group(1)), m.group(2).equals("-")
              ? Optional.empty() : Optional.of(Instant.parse(m.group(2))),
              Instant.parse(m.group(3)));
        }
      } catch (DateTimeParseException e) {
        // reported below
      }
      throw new InvalidInputException("campaign.currentStep", "is not a local-time wave: " + key);
    }

    /**
     * @param due a player's send time
     * @return whether this wave, an earlier or a later one releases the player
     */
    public Release.Place place(Instant due) {
      if (due.isAfter(at)) {
        return Release.Place.LATER;
      }
      return after.isPresent() && !due.isAfter(after.get())
          ? Release.Place.EARLIER : Release.Place.NOW;
    }
  }

  /**
   * The public meaning of {@link Schedule.PlayerLocal#next}: the first instant at (or after) a
   * given one at which some zone reaches the time on a date the schedule sends on.
   *
   * @param s the schedule
   * @param from the earliest acceptable instant
   * @param strictly whether the instant must be after {@code from}
   * @return the instant, or empty when the schedule has no more
   */
  public static Optional<Instant> nextInstant(Schedule.PlayerLocal s, Instant from,
      boolean strictly) {
    return first(s, from, strictly).map(Wave::at);
  }

  /**
   * The first wave of a schedule that is scheduled now: in the first occurrence that some zone
   * has not reached yet. Players whose send time has already passed when the campaign is
   * scheduled are not released by it (they receive the next occurrence of a recurring schedule).
   *
   * @param s the schedule
   * @param now the instant the campaign is scheduled
   * @return the wave, or empty when every zone has passed the last occurrence
   */
  public static Optional<Wave> first(Schedule.PlayerLocal s, Instant now) {
    return first(s, now, false);
  }

  private static Optional<Wave> first(Schedule.PlayerLocal s, Instant from, boolean strictly) {
    LocalDate day = s.date().orElse(LocalDate.ofInstant(from, ZoneOffset.MIN).minusDays(1));
    LocalDate last = s.date().orElse(day.plusDays(LOOKAHEAD_DAYS));
    for (; !day.isAfter(last); day = day.plusDays(1)) {
      if (!s.sendsOn(day)) {
        continue;
      }
      LocalDateTime occurrence = day.atTime(s.time());
      NavigableSet<Instant> instants = instants(occurrence, s.fallbackZone());
      Instant at = strictly ? instants.higher(from) : instants.ceiling(from);
      if (at == null) {
        continue; // every zone has passed this occurrence
      }
      if (s.until().map(at::isAfter).orElse(false)) {
        return Optional.empty();
      }
      // Begun already in some zones: those players are skipped, not sent late.
      Optional<Instant> after = instants.first().isBefore(from)
          ? Optional.of(from.minusNanos(1)) : Optional.empty();
      return Optional.of(new Wave(occurrence, after, at));
    }
    return Optional.empty();
  }

  /**
   * The wave after one that completed.
   *
   * @param s the schedule
   * @param done the wave that completed
   * @param earliestLater the earliest send time after the wave that its pass found, or empty
   *     when it found none; null when the wave made no pass (it had completed before)
   * @return the next wave of the same occurrence, else the first of the next occurrence, or
   *     empty when the schedule is over
   */
  public static Optional<Wave> next(Schedule.PlayerLocal s, Wave done,
      Optional<Instant> earliestLater) {
    Optional<Instant> at = earliestLater != null ? earliestLater
        : Optional.ofNullable(instants(done.occurrence(), s.fallbackZone()).higher(done.at()));
    if (at.isPresent()) {
      return s.until().map(at.get()::isAfter).orElse(false) ? Optional.empty()
          : Optional.of(new Wave(done.occurrence(), Optional.of(done.at()), at.get()));
    }
    if (s.date().isPresent()) {
      return Optional.empty();
    }
    LocalDate day = done.occurrence().toLocalDate().plusDays(1);
    for (int i = 0; i < LOOKAHEAD_DAYS; i++, day = day.plusDays(1)) {
      if (s.sendsOn(day)) {
        LocalDateTime occurrence = day.atTime(s.time());
        Instant first = instants(occurrence, s.fallbackZone()).first();
        return s.until().map(first::isAfter).orElse(false) ? Optional.empty()
            : Optional.of(new Wave(occurrence, Optional.empty(), first));
      }
    }
    return Optional.empty();
  }

  /**
   * Every instant at which a zone reaches an occurrence: each region of the tz database, the
   * fallback zone, and the latest possible offset (-18:00) so that no fixed-offset zone is left
   * after the last wave.
   */
  private static NavigableSet<Instant> instants(LocalDateTime occurrence, ZoneId fallback) {
    NavigableSet<Instant> instants = new TreeSet<>();
    for (ZoneId zone : ZONES) {
      instants.add(occurrence.atZone(zone).toInstant());
    }
    instants.add(occurrence.atZone(fallback).toInstant());
    instants.add(occurrence.toInstant(ZoneOffset.MIN));
    return instants;
  }

  /**
   * One wave's release: places each player by their send time (their profile's zone, else the
   * fallback zone), and remembers the earliest send time after the wave, where the next goes.
   */
  static final class WaveRelease implements Release {
    private final Wave wave;
    private final Schedule.PlayerLocal schedule;
    private final PlayerDirectory directory;
    private long placed; // guarded by this
    private Instant earliestLater; // guarded by this

    WaveRelease(Wave wave, Schedule.PlayerLocal schedule, PlayerDirectory directory) {
      this.wave = wave;
      this.schedule = schedule;
      this.directory = directory;
    }

    @Override
    public String progressStep() {
      return wave.key();
    }

    @Override
    public Place place(String playerId) {
      Instant due = schedule.sendTime(wave.occurrence().toLocalDate(),
          directory.find(playerId).flatMap(PlayerProfile::timeZone));
      Place place = wave.place(due);
      synchronized (this) {
        placed++;
        if (place == Place.LATER && (earliestLater == null || due.isBefore(earliestLater))) {
          earliestLater = due;
        }
      }
      return place;
    }

    /**
     * @return what the wave's pass found for {@link LocalWaves#next}: null when it placed nobody
     *     (it made no pass, or the audience is empty)
     */
    synchronized Optional<Instant> earliestLater() {
      return placed == 0 ? null : Optional.ofNullable(earliestLater);
    }
  }
}
