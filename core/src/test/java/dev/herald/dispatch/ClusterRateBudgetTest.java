package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.NotificationType;
import dev.herald.spi.NodeRegistry;
import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Rate limits are cluster budgets when the scheduler counts the live nodes ({@link NodeRegistry}):
 * each node sends at its share, {@code rate / nodes}, and follows the count as nodes come and go.
 */
class ClusterRateBudgetTest extends DispatchFixture {
  private final AtomicInteger liveNodes = new AtomicInteger(2);

  /** The fixture's fake scheduler, counting {@link #liveNodes}. */
  private final class CountingScheduler implements Scheduler, NodeRegistry {
    @Override
    public ScheduledTask schedule(Instant at, Runnable task) {
      return scheduler.schedule(at, task);
    }

    @Override
    public int liveNodes() {
      return liveNodes.get();
    }
  }

  @Test
  void aRunsMessagesPerSecondIsSplitAcrossTheLiveNodes() {
    rebuild(b -> b.scheduler(new CountingScheduler()));
    List<String> players = List.of("a", "b", "c", "d");
    players.forEach(this::webPlayer);
    herald.dispatch(request("throttled", players, NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());

    assertThat(web.sent()).as("the first slot is now").hasSize(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).as("two nodes: one message every 2 s on each").hasSize(1);
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).hasSize(2);
    scheduler.advance(Duration.ofSeconds(4));
    assertThat(web.sent()).hasSize(4);

    liveNodes.set(1); // the other node left: the next run takes the whole budget
    List<String> more = List.of("e", "f");
    more.forEach(this::webPlayer);
    herald.dispatch(request("alone", more, NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).hasSize(6);
  }

  @Test
  void withoutANodeRegistryTheNodeHasTheWholeBudget() {
    List<String> players = List.of("a", "b");
    players.forEach(this::webPlayer);
    herald.dispatch(request("throttled", players, NotificationType.PROMOTIONAL)
        .policy(DeliveryPolicy.builder().messagesPerSecond(1).build()).build());
    scheduler.advance(Duration.ofSeconds(1));
    assertThat(web.sent()).hasSize(2);
  }
}
