package dev.herald.embedded;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.internal.Checks;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A thread-safe {@link DeliveryStore} in memory: the default when the host supplies none. Keeps
 * everything until the JVM exits; a production host should back the SPI with its database.
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  private final Map<String, DeliveryRecord> byKey;
  private final Map<String, String> keyById;
  private final Map<String, Queue<String>> keysBySource = new ConcurrentHashMap<>();
  private final Map<String, Queue<String>> keysByStep = new ConcurrentHashMap<>();
  private final Map<String, List<String>> keysByPlayer;
  private final Map<String, List<DeliveryEvent>> eventsByPlayer;
  private final Map<String, Queue<DeliveryEvent>> eventsBySource = new ConcurrentHashMap<>();
  private final Map<String, DispatchProgress> progress = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryDeliveryStore() {
    this(16);
  }

  /**
   * Creates an empty store sized for a number of deliveries, so a large first campaign does not
   * spend its time growing hash tables.
   *
   * @param expectedDeliveries how many deliveries the store will likely hold
   */
  public InMemoryDeliveryStore(int expectedDeliveries) {
    int capacity = Math.max(16, expectedDeliveries);
    this.byKey = new ConcurrentHashMap<>(capacity);
    this.keyById = new ConcurrentHashMap<>(capacity);
    this.keysByPlayer = new ConcurrentHashMap<>(capacity);
    this.eventsByPlayer = new ConcurrentHashMap<>(capacity);
  }

  @Override
  public boolean claim(DeliveryRecord record) {
    Checks.required(record, "record");
    String key = record.key();
    if (byKey.putIfAbsent(key, record) != null) {
      return false;
    }
    keyById.put(record.deliveryId(), key);
    keysBySource.computeIfAbsent(record.sourceId(), k -> new ConcurrentLinkedQueue<>()).add(key);
    keysByStep.computeIfAbsent(stepKey(record.sourceId(), record.step()),
        k -> new ConcurrentLinkedQueue<>()).add(key);
    List<String> playerKeys = keysByPlayer.computeIfAbsent(record.playerId(), k -> new ArrayList<>());
    synchronized (playerKeys) {
      playerKeys.add(key);
    }
    return true;
  }

  @Override
  public void update(DeliveryRecord record) {
    Checks.required(record, "record");
    String key = record.key();
    if (byKey.replace(key, record) == null) {
      throw new IllegalArgumentException("no delivery with key " + key + " to update; claim it first");
    }
  }

  @Override
  public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    Checks.required(change, "change");
    return Optional.ofNullable(byKey.computeIfPresent(key, (k, current) -> {
      DeliveryRecord changed = Checks.required(change.apply(current), "change result");
      if (!changed.key().equals(k)) {
        throw new IllegalArgumentException("change: must keep the key " + k + ", gave "
            + changed.key());
      }
      return changed;
    }));
  }

  @Override
  public Optional<DeliveryRecord> find(String key) {
    return Optional.ofNullable(byKey.get(key));
  }

  @Override
  public Optional<DeliveryRecord> findById(String deliveryId) {
    String key = deliveryId == null ? null : keyById.get(deliveryId);
    return key == null ? Optional.empty() : find(key);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
    Queue<String> keys = keysBySource.get(sourceId);
    return keys == null ? Stream.empty() : keys.stream().map(byKey::get);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    Queue<String> keys = keysByStep.get(stepKey(sourceId, step));
    return keys == null ? Stream.empty() : keys.stream().map(byKey::get);
  }

  private static String stepKey(String sourceId, String step) {
    return DeliveryRecord.key(sourceId, step, "", "");
  }

  @Override
  public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
    List<String> keys = keysByPlayer.get(playerId);
    if (keys == null) {
      return List.of();
    }
    List<DeliveryRecord> result = new ArrayList<>();
    synchronized (keys) {
      for (String key : keys) {
        DeliveryRecord r = byKey.get(key);
        if (!r.createdAt().isBefore(since)) {
          result.add(r);
        }
      }
    }
    result.sort(Comparator.comparing(DeliveryRecord::createdAt));
    return result;
  }

  @Override
  public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
    List<String> keys = keysByPlayer.get(playerId);
    if (keys == null) {
      return Optional.empty();
    }
    synchronized (keys) {
      return keys.stream().map(byKey::get)
          .filter(r -> r.clickedAt().isPresent() && !r.clickedAt().get().isBefore(since))
          .max(Comparator.comparing(r -> r.clickedAt().get()));
    }
  }

  @Override
  public void append(DeliveryEvent event) {
    Checks.required(event, "event");
    eventsBySource.computeIfAbsent(event.sourceId(), k -> new ConcurrentLinkedQueue<>()).add(event);
    event.playerId().ifPresent(player -> {
      List<DeliveryEvent> events = eventsByPlayer.computeIfAbsent(player, k -> new ArrayList<>());
      synchronized (events) {
        events.add(event);
      }
    });
  }

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    List<DeliveryEvent> events = eventsByPlayer.get(playerId);
    if (events == null) {
      return Stream.empty();
    }
    synchronized (events) {
      return List.copyOf(events).stream();
    }
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    Queue<DeliveryEvent> events = eventsBySource.get(sourceId);
    return events == null ? Stream.empty() : events.stream();
  }

  @Override
  public void saveProgress(DispatchProgress value) {
    Checks.required(value, "progress");
    progress.put(stepKey(value.sourceId(), value.step()), value);
  }

  @Override
  public Optional<DispatchProgress> progress(String sourceId, String step) {
    return Optional.ofNullable(progress.get(stepKey(sourceId, step)));
  }
}
