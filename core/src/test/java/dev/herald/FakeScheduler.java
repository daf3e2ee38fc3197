package dev.herald;

import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.PriorityQueue;

/** Runs tasks when the test advances the fake clock (herald-testing's ManualScheduler for core). */
public final class FakeScheduler implements Scheduler {
  private final FakeClock clock;
  private long sequence;
  private final PriorityQueue<Object[]> queue = new PriorityQueue<>(
      Comparator.comparing((Object[] e) -> (Instant) e[0]).thenComparingLong(e -> (long) e[1]));

  public FakeScheduler(FakeClock clock) {
    this.clock = clock;
  }

  @Override
  public synchronized ScheduledTask schedule(Instant at, Runnable task) {
    Object[] entry = {at, sequence++, task};
    queue.add(entry);
    return () -> {
      synchronized (FakeScheduler.this) {
        return queue.remove(entry);
      }
    };
  }

  /** Moves the clock, running due tasks at their instants; returns how many ran. */
  public int advance(Duration d) {
    Instant target = clock.instant().plus(d);
    int ran = 0;
    while (true) {
      Object[] next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || ((Instant) next[0]).isAfter(target)) {
          break;
        }
        queue.poll();
      }
      Instant at = (Instant) next[0];
      if (at.isAfter(clock.instant())) {
        clock.set(at);
      }
      ((Runnable) next[2]).run();
      ran++;
    }
    if (target.isAfter(clock.instant())) {
      clock.set(target);
    }
    return ran;
  }

  public synchronized int pending() {
    return queue.size();
  }
}
