package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Quiet hours across the clock changes: in autumn one wall-clock hour happens twice, in spring one
 * is skipped. Quiet means the player's wall clock reads a time inside the window.
 */
class QuietHoursDstTest extends DispatchFixture {

  /** A zone, the UTC instant its clocks go back, and windows around the repeated hour. */
  static Stream<Arguments> autumnChanges() {
    return Stream.of(
        // Berlin: 03:00 CEST becomes 02:00 CET; 02:00-02:59 happens twice.
        Arguments.of("Europe/Berlin", "2026-10-25T01:00:00Z", "22:00", "02:30"),
        Arguments.of("Europe/Berlin", "2026-10-25T01:00:00Z", "02:15", "08:00"),
        Arguments.of("Europe/Berlin", "2026-10-25T01:00:00Z", "01:00", "02:45"),
        Arguments.of("Europe/Berlin", "2026-10-25T01:00:00Z", "02:10", "02:40"),
        // New York: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happens twice.
        Arguments.of("America/New_York", "2026-11-01T06:00:00Z", "22:00", "01:30"),
        Arguments.of("America/New_York", "2026-11-01T06:00:00Z", "01:20", "07:00"),
        Arguments.of("America/New_York", "2026-11-01T06:00:00Z", "23:00", "08:00"));
  }

  /** The spring changes: the clocks skip an hour. */
  static Stream<Arguments> allChanges() {
    return Stream.concat(autumnChanges(), Stream.of(
        Arguments.of("Europe/Berlin", "2026-03-29T01:00:00Z", "22:00", "02:30"),
        Arguments.of("Europe/Berlin", "2026-03-29T01:00:00Z", "02:30", "08:00"),
        Arguments.of("America/New_York", "2026-03-08T07:00:00Z", "23:00", "02:15")));
  }

  @ParameterizedTest(name = "{0} {1} {2}-{3}")
  @MethodSource("allChanges")
  void quietUntilIsAlwaysInTheFutureAndOutsideTheWindow(String zone, String change,
      String start, String end) {
    QuietHours quiet = QuietHours.postpone(LocalTime.parse(start), LocalTime.parse(end));
    Optional<ZoneId> z = Optional.of(ZoneId.of(zone));
    Instant from = Instant.parse(change).minus(Duration.ofHours(12));
    for (Instant now = from; now.isBefore(from.plus(Duration.ofHours(24)));
        now = now.plusSeconds(60)) {
      Optional<Instant> until = quiet.quietUntil(now, z);
      if (until.isPresent()) {
        assertThat(until.get()).as("quiet until, asked at %s", now).isAfter(now);
        assertThat(quiet.quietUntil(until.get(), z)).as("quiet at its own end, asked at %s", now)
            .isEmpty();
        // Nothing between now and the closing instant is outside the window.
        for (Instant t = now; t.isBefore(until.get()); t = t.plusSeconds(60)) {
          assertThat(quiet.quietUntil(t, z)).as("quiet at %s, on the way to %s", t, until.get())
              .isPresent();
        }
      }
    }
  }

  @ParameterizedTest(name = "{0} {1} {2}-{3}")
  @MethodSource("autumnChanges")
  void aMessageIsPostponedOnceAndNeverDeliveredInsideTheWindow(String zone, String change,
      String start, String end) {
    AtomicInteger scheduled = new AtomicInteger();
    // Counts every task Herald hands the scheduler; drops them past a bound so a wake loop
    // fails the assertions below instead of spinning forever on the fake clock.
    Scheduler counting = (at, task) -> scheduled.incrementAndGet() > 500
        ? () -> false : scheduler.schedule(at, task);
    rebuild(b -> b.scheduler(counting));
    QuietHours quiet = QuietHours.postpone(LocalTime.parse(start), LocalTime.parse(end));
    DeliveryPolicy policy = DeliveryPolicy.builder().quietHours(quiet).build();
    ZoneId z = ZoneId.of(zone);

    // 28 messages, one every 15 minutes, from 5½ hours before the change to 1¼ hours after it.
    Instant first = Instant.parse(change).minus(Duration.ofMinutes(5 * 60 + 30));
    clock.set(first);
    List<String> sources = new ArrayList<>();
    for (int i = 0; i < 28; i++) {
      String player = "p" + i;
      webPlayer(player);
      put(profile(player).timeZone(z));
      sources.add("night-" + i);
    }
    List<DispatchHandle> handles = new ArrayList<>();
    int postponedMessages = 0;
    for (int i = 0; i < 28; i++) {
      scheduler.advance(Duration.between(clock.instant(),
          first.plus(Duration.ofMinutes(15L * i))));
      if (quiet.quietUntil(clock.instant(), Optional.of(z)).isPresent()) {
        postponedMessages++;
      }
      handles.add(herald.dispatch(request(sources.get(i), List.of("p" + i),
          NotificationType.PROMOTIONAL).policy(policy).build()));
    }
    scheduler.advance(Duration.ofHours(24));

    assertThat(handles).allSatisfy(h -> assertThat(h.completion()).isCompleted());
    assertThat(scheduled.get()).as("tasks handed to the scheduler").isLessThanOrEqualTo(28);
    for (String source : sources) {
      List<DeliveryEvent> events = herald.analytics().events(source);
      assertThat(events).filteredOn(e -> e.type() == EventType.PUSH_SCHEDULED)
          .as("postponements of %s", source).hasSizeLessThanOrEqualTo(1);
      assertThat(events).filteredOn(e -> e.type() == EventType.PUSH_DELIVERED)
          .as("deliveries of %s", source).singleElement()
          .satisfies(e -> assertThat(quiet.quietUntil(e.at(), Optional.of(z)))
              .as("delivered at %s inside quiet hours", e.at()).isEmpty());
    }
    assertThat(sources.stream().mapToLong(s -> herald.analytics().events(s).stream()
        .filter(e -> e.type() == EventType.PUSH_SCHEDULED).count()).sum())
        .isEqualTo(postponedMessages);
    assertThat(web.sent()).hasSize(28);
  }
}
