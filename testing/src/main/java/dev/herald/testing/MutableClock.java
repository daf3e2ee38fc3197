package dev.herald.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} that stands still until a test moves it, so JWT refreshes, retries, caps, quiet
 * hours and schedules can be tested without sleeping. Thread-safe.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
 * Herald herald = Herald.builder().clock(clock).build();
 * clock.advance(Duration.ofMinutes(50));
 * }</pre>
 */
public final class MutableClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private MutableClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * A clock at an instant, in UTC.
   *
   * @param instant the starting instant
   * @return the clock
   */
  public static MutableClock at(Instant instant) {
    return new MutableClock(new AtomicReference<>(Objects.requireNonNull(instant)), ZoneOffset.UTC);
  }

  /**
   * A clock at an ISO-8601 instant such as {@code 2026-11-22T10:00:00Z}, in UTC.
   *
   * @param instant the starting instant
   * @return the clock
   */
  public static MutableClock at(String instant) {
    return at(Instant.parse(instant));
  }

  /**
   * Moves the clock forward (or back, with a negative duration).
   *
   * @param duration how far
   * @return the new instant
   */
  public Instant advance(Duration duration) {
    Objects.requireNonNull(duration, "duration");
    return now.updateAndGet(i -> i.plus(duration));
  }

  /**
   * Sets the clock to an instant.
   *
   * @param instant the new instant
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  /** Returns a view in another zone that shares this clock's instant. */
  @Override
  public Clock withZone(ZoneId zone) {
    return new MutableClock(now, zone);
  }

  @Override
  public String toString() {
    return "MutableClock{" + now.get() + "}";
  }
}
