package dev.herald.benchmarks.trigger;

import dev.herald.Herald;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.trigger.EntryMode;
import dev.herald.trigger.EventCondition;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerFiring;
import dev.herald.trigger.TriggerRule;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Events per second through the trigger engine with 1,000 rules over 100 event types (ten rules a
 * type, each with two conditions on the event's attributes), on one thread. The events match their
 * type's rules by type but not by condition, so the figure is the engine's own cost: the activity
 * record, the index lookup and the condition evaluation; what a matching rule then sends is the
 * dispatch pipeline's cost, measured by {@code DispatchPipelineBenchmark}.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TriggerEngineBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TriggerEngineBenchmark {
  private static final int RULES = 1000;
  private static final int TYPES = 100;
  private static final int EVENTS = 1 << 14;

  private Herald herald;
  private PlayerEvent[] events;
  private int next;

  /** Defines the rules and pre-builds a pool of events. */
  @Setup
  public void setUp() {
    herald = Herald.builder().build();
    Content content = Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
        .title("Hello").build());
    for (int i = 0; i < RULES; i++) {
      PlayerEventType type = PlayerEventType.of("EVENT_" + (i % TYPES));
      herald.triggers().define(TriggerRule.builder("rule-" + i, "Rule " + i)
          .on(type)
          .when(EventCondition.ge("amount", 1_000_000 + i), EventCondition.in("method", "card"))
          .entryMode(EntryMode.everyTime())
          .priority(i % 7)
          .content(content)
          .build());
    }
    SplittableRandom random = new SplittableRandom(42);
    Instant now = Instant.parse("2026-11-22T12:00:00Z");
    events = new PlayerEvent[EVENTS];
    for (int i = 0; i < EVENTS; i++) {
      events[i] = PlayerEvent.builder("e" + i, "player-" + random.nextInt(100_000),
              PlayerEventType.of("EVENT_" + random.nextInt(TYPES)), now)
          .attribute("amount", random.nextInt(500))
          .attribute("method", random.nextBoolean() ? "card" : "paypal")
          .build();
    }
  }

  /** Closes Herald. */
  @TearDown
  public void tearDown() {
    herald.close();
  }

  /**
   * Reports one event.
   *
   * @return the firings, so the work is not optimised away
   */
  @Benchmark
  public List<TriggerFiring> report() {
    PlayerEvent e = events[next++ & (EVENTS - 1)];
    return herald.triggers().report(e);
  }
}
