package dev.herald;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when told; core's tests cannot use herald-testing's MutableClock. */
public final class FakeClock extends Clock {
  private volatile Instant now;

  public FakeClock(String instant) {
    this.now = Instant.parse(instant);
  }

  public void set(Instant instant) {
    now = instant;
  }

  public Instant advance(Duration d) {
    now = now.plus(d);
    return now;
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException();
  }
}
