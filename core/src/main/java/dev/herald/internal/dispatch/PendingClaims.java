package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Claims that passed the cap gate and wait in a run's {@link ClaimBatch} for their batched write,
 * by player, across every run of the engine. The cap gate counts them as well as the stored
 * records, so batching the claims does not loosen frequency caps: the check and the claim stay
 * one step within the process. A claim is added under the player's lock and removed only after it
 * is durable; the cap gate reads these before the store, so it always sees one or the other.
 */
final class PendingClaims {
  private final Map<String, List<DeliveryRecord>> byPlayer = new ConcurrentHashMap<>();

  void add(String playerId, List<DeliveryRecord> records) {
    byPlayer.compute(playerId, (k, pending) -> {
      List<DeliveryRecord> all = pending == null ? new ArrayList<>(records.size()) : pending;
      synchronized (all) {
        all.addAll(records);
      }
      return all;
    });
  }

  void remove(String playerId, List<DeliveryRecord> records) {
    byPlayer.computeIfPresent(playerId, (k, pending) -> {
      synchronized (pending) {
        pending.removeAll(records);
        return pending.isEmpty() ? null : pending;
      }
    });
  }

  /** @return a copy of the player's pending claims; a plain read when there are none (usual) */
  List<DeliveryRecord> of(String playerId) {
    List<DeliveryRecord> pending = byPlayer.get(playerId);
    if (pending == null) {
      return List.of();
    }
    synchronized (pending) {
      return List.copyOf(pending);
    }
  }
}
