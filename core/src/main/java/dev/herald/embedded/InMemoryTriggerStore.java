package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.PendingTrigger;
import dev.herald.spi.TriggerStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** A thread-safe {@link TriggerStore} in memory: the default when the host supplies none. */
public final class InMemoryTriggerStore implements TriggerStore {
  private final Map<String, PendingTrigger> pending = new ConcurrentHashMap<>();
  private final Map<String, Map<String, PendingTrigger>> pendingByPlayer = new ConcurrentHashMap<>();
  private final Map<String, Instant> entries = new ConcurrentHashMap<>();
  private final Map<String, Instant> activity = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryTriggerStore() {}

  @Override
  public void savePending(PendingTrigger value) {
    Checks.required(value, "pending");
    pendingByPlayer.computeIfAbsent(value.playerId(), k -> new ConcurrentHashMap<>())
        .put(value.id(), value);
    pending.put(value.id(), value);
  }

  @Override
  public boolean removePending(String id) {
    PendingTrigger removed = id == null ? null : pending.remove(id);
    if (removed == null) {
      return false;
    }
    Map<String, PendingTrigger> ofPlayer = pendingByPlayer.get(removed.playerId());
    if (ofPlayer != null) {
      ofPlayer.remove(id);
    }
    return true;
  }

  @Override
  public List<PendingTrigger> pendingOf(String playerId) {
    Map<String, PendingTrigger> ofPlayer = pendingByPlayer.get(playerId);
    return ofPlayer == null ? List.of() : List.copyOf(ofPlayer.values());
  }

  @Override
  public Stream<PendingTrigger> allPending() {
    return List.copyOf(pending.values()).stream();
  }

  @Override
  public void recordEntry(String ruleId, String playerId, Instant at) {
    entries.merge(ruleId + '\u0000' + playerId, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public Optional<Instant> lastEntry(String ruleId, String playerId) {
    return Optional.ofNullable(entries.get(ruleId + '\u0000' + playerId));
  }

  @Override
  public void recordActivity(String playerId, String eventType, Instant at) {
    activity.merge(playerId + '\u0000' + eventType, at, (a, b) -> a.isAfter(b) ? a : b);
  }

  @Override
  public Optional<Instant> lastActivity(String playerId, String eventType) {
    return Optional.ofNullable(activity.get(playerId + '\u0000' + eventType));
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    int removed = 0;
    Map<String, PendingTrigger> ofPlayer = pendingByPlayer.remove(playerId);
    if (ofPlayer != null) {
      for (String id : ofPlayer.keySet()) {
        if (pending.remove(id) != null) {
          removed++;
        }
      }
    }
    String entrySuffix = '\u0000' + playerId;
    entries.keySet().removeIf(key -> key.endsWith(entrySuffix));
    String activityPrefix = playerId + '\u0000';
    activity.keySet().removeIf(key -> key.startsWith(activityPrefix));
    return removed;
  }
}
