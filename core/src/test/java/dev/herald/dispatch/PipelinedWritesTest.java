package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.content.NotificationType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Campaign runs on a Herald that runs its drivers on its own threads write their claim batches
 * and what they write behind on threads the Herald owns, shared by the runs (see
 * {@code WriterThreadsTest} for their lanes and their close); each run's checkpoints still come
 * after every write of the players they pass.
 */
class PipelinedWritesTest extends DispatchFixture {
  private static final int PLAYERS = 300;
  private final List<String> audience = new ArrayList<>();

  /**
   * The in-memory store, checking each checkpoint against what is written when it is saved, and
   * against the run's checkpoint before it.
   */
  private final class CheckingStore extends ForwardingDeliveryStore {
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Set<String> claimThreads = ConcurrentHashMap.newKeySet();
    final Set<String> checkpointThreads = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> checkpoints = new ConcurrentHashMap<>();
    final Map<String, String> lastCursor = new ConcurrentHashMap<>();

    CheckingStore() {
      super(deliveries);
    }

    @Override
    public void saveProgress(DispatchProgress progress) {
      progress.cursor().ifPresent(cursor -> {
        checkpoints.merge(progress.sourceId(), 1, Integer::sum);
        String before = lastCursor.put(progress.sourceId(), cursor);
        if (before != null && before.compareTo(cursor) > 0) {
          violations.add(progress.sourceId() + ": checkpoint at " + cursor + " saved after the"
              + " later one at " + before);
        }
        checkpointThreads.add(Thread.currentThread().getName());
        List<DeliveryRecord> passedRecords;
        try (Stream<DeliveryRecord> records = deliveries.deliveriesOf(progress.sourceId(),
            progress.step())) {
          passedRecords = records.filter(r -> r.playerId().compareTo(cursor) <= 0).toList();
        }
        passedRecords.stream().filter(r -> r.state() != DeliveryState.DELIVERED)
            .forEach(r -> violations.add(progress.sourceId() + ": checkpoint at " + cursor
                + " passes " + r.playerId() + ", still " + r.state()));
        long passed = audience.stream().filter(p -> p.compareTo(cursor) <= 0).count();
        if (passedRecords.size() != passed) {
          violations.add(progress.sourceId() + ": checkpoint at " + cursor + " passes " + passed
              + " players, " + passedRecords.size() + " of them written");
        }
      });
      super.saveProgress(progress);
    }

    @Override
    public List<Boolean> claimAll(List<DeliveryRecord> records) {
      claimThreads.add(Thread.currentThread().getName());
      return super.claimAll(records);
    }
  }


  @Test
  void runsWritingOnTheHeraldsSharedThreadsKeepEachCheckpointBehindTheWritesItPasses()
      throws Exception {
    for (int i = 0; i < PLAYERS; i++) {
      audience.add(String.format("p%04d", i));
      webPlayer(audience.get(i));
    }
    CheckingStore store = new CheckingStore();
    // No dispatchExecutor: Herald runs the drivers on its own threads, and pipelines
    Herald pipelined = Herald.builder()
        .clock(clock)
        .scheduler(scheduler)
        .subscriptionStore(subscriptionStore)
        .playerDirectory(directory)
        .deliveryStore(store)
        .provider(web)
        .dispatchSettings(DispatchSettings.builder().checkpointEvery(20).build())
        .build();
    DispatchReport first;
    DispatchReport second;
    try {
      DispatchHandle a = pipelined.dispatch(request("first", audience,
          NotificationType.PROMOTIONAL).build());
      DispatchHandle b = pipelined.dispatch(request("second", audience,
          NotificationType.PROMOTIONAL).build());
      first = a.completion().get(60, TimeUnit.SECONDS);
      second = b.completion().get(60, TimeUnit.SECONDS);
    } finally {
      pipelined.close();
    }

    assertThat(first.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertThat(second.status()).isEqualTo(DispatchReport.Status.COMPLETED);
    assertThat(first.stats().delivered()).isEqualTo(PLAYERS);
    assertThat(second.stats().delivered()).isEqualTo(PLAYERS);
    assertThat(store.checkpoints).as("both runs checkpointed as they went")
        .hasEntrySatisfying("first", n -> assertThat(n).isGreaterThan(2))
        .hasEntrySatisfying("second", n -> assertThat(n).isGreaterThan(2));
    assertThat(store.violations).isEmpty();
    assertThat(store.claimThreads).as("claim batches written on the Herald's claim threads")
        .isNotEmpty().allMatch(name -> name.startsWith("herald-claims-"));
    assertThat(store.checkpointThreads).as("checkpoints saved behind, on its write-behind"
        + " threads, or at the run's start and end").anyMatch(
            name -> name.startsWith("herald-write-behind-"));
  }
}
