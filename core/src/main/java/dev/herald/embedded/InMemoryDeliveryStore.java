package dev.herald.embedded;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.internal.Checks;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A thread-safe {@link DeliveryStore} in memory: the default when the host supplies none. Keeps
 * everything until the JVM exits; a production host should back the SPI with its database.
 */
public final class InMemoryDeliveryStore implements DeliveryStore {
  private final Map<String, DeliveryRecord> byKey;
  private final Map<String, String> keyById;
  /** Delivery ids (stable even when erasure re-keys a record) by source, and by step. */
  private final Map<String, Set<String>> idsBySource = new ConcurrentHashMap<>();
  private final Map<String, Set<String>> idsByStep = new ConcurrentHashMap<>();
  private final Map<String, List<String>> keysByPlayer;
  /** Events in append order; each list is its own lock. */
  private final Map<String, List<DeliveryEvent>> eventsByPlayer;
  private final Map<String, List<DeliveryEvent>> eventsBySource = new ConcurrentHashMap<>();
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
    idsBySource.computeIfAbsent(record.sourceId(), k -> ConcurrentHashMap.newKeySet())
        .add(record.deliveryId());
    idsByStep.computeIfAbsent(stepKey(record.sourceId(), record.step()),
        k -> ConcurrentHashMap.newKeySet()).add(record.deliveryId());
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
    return records(idsBySource.get(sourceId));
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    return records(idsByStep.get(stepKey(sourceId, step)));
  }

  private Stream<DeliveryRecord> records(Set<String> deliveryIds) {
    if (deliveryIds == null) {
      return Stream.empty();
    }
    // a record erased or deleted while the stream runs is skipped, not returned as null
    return deliveryIds.stream().map(keyById::get).filter(Objects::nonNull).map(byKey::get)
        .filter(Objects::nonNull);
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
    addTo(eventsBySource, event.sourceId(), event);
    event.playerId().ifPresent(player -> addTo(eventsByPlayer, player, event));
  }

  private static void addTo(
      Map<String, List<DeliveryEvent>> index, String id, DeliveryEvent event) {
    while (true) {
      List<DeliveryEvent> events = index.computeIfAbsent(id, k -> new ArrayList<>());
      synchronized (events) {
        // a list emptied and dropped by retention or erasure is no longer in the index
        if (index.get(id) == events) {
          events.add(event);
          return;
        }
      }
    }
  }

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    return oldestFirst(eventsByPlayer.get(playerId));
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    return oldestFirst(eventsBySource.get(sourceId));
  }

  /** By time, and in append order at equal times (a stable sort of the append order). */
  private static Stream<DeliveryEvent> oldestFirst(List<DeliveryEvent> events) {
    if (events == null) {
      return Stream.empty();
    }
    List<DeliveryEvent> copy;
    synchronized (events) {
      copy = new ArrayList<>(events);
    }
    for (int i = 1; i < copy.size(); i++) {
      if (copy.get(i).at().isBefore(copy.get(i - 1).at())) {
        copy.sort(Comparator.comparing(DeliveryEvent::at)); // List.sort is stable
        break;
      }
    }
    return copy.stream();
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

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    int erased = 0;
    List<String> keys = keysByPlayer.remove(playerId);
    if (keys != null) {
      List<String> copy;
      synchronized (keys) {
        copy = List.copyOf(keys);
      }
      for (String key : copy) {
        DeliveryRecord r = byKey.remove(key);
        if (r == null) {
          continue;
        }
        DeliveryRecord anonymous = new DeliveryRecord(r.sourceId(), r.step(),
            ERASED_PLAYER_PREFIX + r.deliveryId(),
            Optional.empty(), r.platform(), r.deliveryId(), r.variant(), r.type(), r.category(),
            r.state(), r.reason(), "", r.createdAt(), r.updatedAt(), r.attempts(),
            r.httpStatus(), Optional.empty(), r.clickedAt(), r.conversions(),
            r.conversionValue());
        byKey.put(anonymous.key(), anonymous);
        keyById.put(anonymous.deliveryId(), anonymous.key());
        erased++;
      }
    }
    List<DeliveryEvent> events = eventsByPlayer.remove(playerId);
    if (events != null) {
      Set<String> sources = new HashSet<>();
      synchronized (events) {
        events.forEach(e -> sources.add(e.sourceId()));
      }
      Optional<String> player = Optional.of(playerId);
      for (String source : sources) {
        List<DeliveryEvent> ofSource = eventsBySource.get(source);
        if (ofSource != null) {
          synchronized (ofSource) {
            ofSource.replaceAll(e -> e.playerId().equals(player) ? anonymous(e) : e);
          }
        }
      }
    }
    return erased;
  }

  private static DeliveryEvent anonymous(DeliveryEvent e) {
    return new DeliveryEvent(e.type(), e.at(), e.sourceId(), e.step(), e.deliveryId(),
        Optional.empty(), Optional.empty(), e.platform(), e.variant(), e.reason(), "",
        e.httpStatus(), e.value());
  }

  @Override
  public int deleteBefore(Instant cutoff, int maxRows) {
    Checks.required(cutoff, "cutoff");
    if (maxRows < 1) {
      throw new dev.herald.InvalidInputException("maxRows", "must be at least 1, got " + maxRows);
    }
    int deleted = 0;
    int events = 0;
    for (List<DeliveryEvent> ofSource : eventsBySource.values()) {
      if (events >= maxRows) {
        break;
      }
      List<DeliveryEvent> removed = new ArrayList<>();
      synchronized (ofSource) {
        for (var it = ofSource.iterator(); it.hasNext() && events < maxRows; ) {
          DeliveryEvent e = it.next();
          if (e.at().isBefore(cutoff)) {
            it.remove();
            removed.add(e);
            events++;
          }
        }
      }
      for (DeliveryEvent e : removed) {
        e.playerId().map(eventsByPlayer::get).ifPresent(ofPlayer -> {
          synchronized (ofPlayer) {
            ofPlayer.remove(e);
          }
        });
      }
    }
    deleted += events;
    List<DeliveryRecord> old = new ArrayList<>();
    for (DeliveryRecord r : byKey.values()) {
      if (old.size() >= maxRows) {
        break;
      }
      if (r.createdAt().isBefore(cutoff)) {
        old.add(r);
      }
    }
    for (DeliveryRecord r : old) {
      if (byKey.remove(r.key()) == null) {
        continue;
      }
      keyById.remove(r.deliveryId());
      removeFrom(idsBySource.get(r.sourceId()), r.deliveryId());
      removeFrom(idsByStep.get(stepKey(r.sourceId(), r.step())), r.deliveryId());
      List<String> playerKeys = keysByPlayer.get(r.playerId());
      if (playerKeys != null) {
        synchronized (playerKeys) {
          playerKeys.remove(r.key());
        }
      }
      deleted++;
    }
    return deleted;
  }

  private static void removeFrom(Set<String> ids, String id) {
    if (ids != null) {
      ids.remove(id);
    }
  }
}
