package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ManualSchedulerTest {
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private final ManualScheduler scheduler = new ManualScheduler(clock);
  private final List<String> ran = new ArrayList<>();

  @Test
  void runsDueTasksInOrderWithTheClockAtTheirInstant() {
    Instant t0 = clock.instant();
    scheduler.schedule(t0.plusSeconds(20), () -> ran.add("b@" + clock.instant()));
    scheduler.schedule(t0.plusSeconds(10), () -> ran.add("a@" + clock.instant()));
    scheduler.schedule(t0.plusSeconds(60), () -> ran.add("late"));
    assertThat(scheduler.advance(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(ran).containsExactly("a@" + t0.plusSeconds(10), "b@" + t0.plusSeconds(20));
    assertThat(clock.instant()).isEqualTo(t0.plusSeconds(30));
    assertThat(scheduler.pending()).isEqualTo(1);
  }

  @Test
  void cancelledTasksDoNotRun() {
    Scheduler.ScheduledTask task = scheduler.schedule(clock.instant(), () -> ran.add("x"));
    assertThat(task.cancel()).isTrue();
    assertThat(scheduler.runDue()).isZero();
    assertThat(ran).isEmpty();
    assertThat(task.cancel()).isFalse();
  }

  @Test
  void tasksScheduledByTasksRunWhenDue() {
    scheduler.schedule(clock.instant().plusSeconds(1), () -> {
      ran.add("first");
      scheduler.schedule(clock.instant().plusSeconds(1), () -> ran.add("second"));
    });
    scheduler.advance(Duration.ofSeconds(5));
    assertThat(ran).containsExactly("first", "second");
  }
}
