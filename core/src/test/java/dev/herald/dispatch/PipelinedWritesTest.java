package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Campaign runs on a Herald that runs its drivers on its own threads write their claim batches
 * and what they write behind on threads the Herald owns, shared by the runs (see
 * {@code WriterThreadsTest} for their lanes and their close); each run's checkpoints still come
 * after every write of the players they pass.
 */
class PipelinedWritesTest extends DispatchFixture {
  private static final int PLAYERS = 600;

  /**
   * The in-memory store, checking each checkpoint against what is written when it is saved, and
   * against the run's checkpoint before it.
   */
  private final class CheckingStore implements DeliveryStore {
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Set<String> claimThreads = ConcurrentHashMap.newKeySet();
    final Set<String> checkpointThreads = ConcurrentHashMap.newKeySet();
    final Map<String, Integer> checkpoints = new ConcurrentHashMap<>();
    final Map<String, String> lastCursor = new ConcurrentHashMap<>();

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
        try (Stream<DeliveryRecord> records = deliveries.deliveriesOf(progress.sourceId(),
            progress.step())) {
          records.filter(r -> r.playerId().compareTo(cursor) <= 0)
              .filter(r -> r.state() != DeliveryState.DELIVERED)
              .forEach(r -> violations.add(progress.sourceId() + ": checkpoint at " + cursor
                  + " passes " + r.playerId() + ", still " + r.state()));
        }
        long settled;
        try (Stream<DeliveryRecord> records = deliveries.deliveriesOf(progress.sourceId(),
            progress.step())) {
          settled = records.filter(r -> r.playerId().compareTo(cursor) <= 0).count();
        }
        long passed = players().stream().filter(p -> p.compareTo(cursor) <= 0).count();
        if (settled != passed) {
          violations.add(progress.sourceId() + ": checkpoint at " + cursor + " passes " + passed
              + " players, " + settled + " of them written");
        }
      });
      deliveries.saveProgress(progress);
    }

    @Override
    public List<Boolean> claimAll(List<DeliveryRecord> records) {
      claimThreads.add(Thread.currentThread().getName());
      return deliveries.claimAll(records);
    }

    @Override
    public boolean claim(DeliveryRecord record) {
      return deliveries.claim(record);
    }

    @Override
    public void update(DeliveryRecord record) {
      deliveries.update(record);
    }

    @Override
    public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
      return deliveries.modify(key, change);
    }

    @Override
    public List<DeliveryRecord> modifyAll(List<String> keys,
        UnaryOperator<DeliveryRecord> change) {
      return deliveries.modifyAll(keys, change);
    }

    @Override
    public Optional<DeliveryRecord> find(String key) {
      return deliveries.find(key);
    }

    @Override
    public Optional<DeliveryRecord> findById(String deliveryId) {
      return deliveries.findById(deliveryId);
    }

    @Override
    public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
      return deliveries.deliveriesOf(sourceId);
    }

    @Override
    public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
      return deliveries.deliveriesOf(sourceId, step);
    }

    @Override
    public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
      return deliveries.deliveriesOfPlayer(playerId, since);
    }

    @Override
    public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
      return deliveries.lastClicked(playerId, since);
    }

    @Override
    public void append(DeliveryEvent event) {
      deliveries.append(event);
    }

    @Override
    public void appendAll(List<DeliveryEvent> events) {
      deliveries.appendAll(events);
    }

    @Override
    public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
      return deliveries.eventsOfPlayer(playerId);
    }

    @Override
    public Stream<DeliveryEvent> eventsOf(String sourceId) {
      return deliveries.eventsOf(sourceId);
    }

    @Override
    public Optional<DispatchProgress> progress(String sourceId, String step) {
      return deliveries.progress(sourceId, step);
    }
  }

  private final List<String> audience = new ArrayList<>();

  private List<String> players() {
    return audience;
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
        .dispatchSettings(DispatchSettings.builder().checkpointEvery(25).build())
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
