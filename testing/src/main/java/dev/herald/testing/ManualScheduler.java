package dev.herald.testing;

import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Scheduler} for tests: tasks run on the caller's thread when the test advances the
 * {@link MutableClock} through this scheduler, in order of their instant (then of scheduling), and
 * never before their instant. Tasks a task schedules for a time already reached run in the same
 * call. Thread-safe.
 *
 * <pre>{@code
 * MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
 * ManualScheduler scheduler = new ManualScheduler(clock);
 * Herald herald = Herald.builder().clock(clock).scheduler(scheduler).build();
 * scheduler.advance(Duration.ofMinutes(30)); // runs everything due in the next 30 minutes
 * }</pre>
 */
public final class ManualScheduler implements Scheduler {
  private final MutableClock clock;
  private final AtomicLong sequence = new AtomicLong();
  private final PriorityQueue<Entry> queue = new PriorityQueue<>(
      Comparator.comparing(Entry::at).thenComparingLong(Entry::sequence));

  private record Entry(Instant at, long sequence, Runnable task, boolean[] cancelled) {}

  /**
   * Creates a scheduler driven by a clock.
   *
   * @param clock the clock this scheduler advances
   */
  public ManualScheduler(MutableClock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public synchronized ScheduledTask schedule(Instant at, Runnable task) {
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(task, "task");
    boolean[] cancelled = {false};
    Entry entry = new Entry(at, sequence.incrementAndGet(), task, cancelled);
    queue.add(entry);
    return () -> {
      synchronized (ManualScheduler.this) {
        boolean pending = queue.remove(entry);
        cancelled[0] = true;
        return pending;
      }
    };
  }

  /**
   * Moves the clock forward, running each due task with the clock set to the task's instant.
   *
   * @param duration how far to move
   * @return how many tasks ran
   */
  public int advance(Duration duration) {
    return advanceTo(clock.instant().plus(duration));
  }

  /**
   * Moves the clock to {@code target}, running each due task with the clock set to its instant.
   *
   * @param target the instant to stop at
   * @return how many tasks ran
   */
  public int advanceTo(Instant target) {
    int ran = 0;
    while (true) {
      Entry next;
      synchronized (this) {
        next = queue.peek();
        if (next == null || next.at().isAfter(target)) {
          break;
        }
        queue.poll();
      }
      if (next.at().isAfter(clock.instant())) {
        clock.set(next.at());
      }
      if (!next.cancelled()[0]) {
        next.task().run();
        ran++;
      }
    }
    if (target.isAfter(clock.instant())) {
      clock.set(target);
    }
    return ran;
  }

  /**
   * Runs every task due now, without moving the clock.
   *
   * @return how many tasks ran
   */
  public int runDue() {
    return advanceTo(clock.instant());
  }

  /** @return how many tasks are waiting */
  public synchronized int pending() {
    return queue.size();
  }

  /** @return the instants of the waiting tasks, earliest first */
  public synchronized List<Instant> pendingInstants() {
    List<Entry> entries = new ArrayList<>(queue);
    entries.sort(queue.comparator());
    return entries.stream().map(Entry::at).toList();
  }
}
