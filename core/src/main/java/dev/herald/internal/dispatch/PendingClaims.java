package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Claims that passed the cap gate and wait in a run's {@link ClaimBatch} for their batched write,
 * by player, across every run of the engine. The cap gate counts them as well as the stored
 * records, so batching the claims does not loosen frequency caps: the check and the claim stay
 * one step within the process. A claim is added under the player's lock and removed only after it
 * is durable; the cap gate reads these before the store, so it always sees one or the other.
 *
 * <p>It also tells a cap gate whether a page of recent deliveries the run read ahead in bulk may
 * be stale for a player: {@link #mark()} before the bulk read, {@link #durable} after every claim
 * is durable, {@link #claimedSince} at the gate. A claim of another step that became durable after
 * the mark, for a player of the same stripe, sends the gate back to the store for that player.
 */
final class PendingClaims {
  private static final int STRIPES = 4096;

  private final Map<String, List<DeliveryRecord>> byPlayer = new ConcurrentHashMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final Stripe[] stripes = new Stripe[STRIPES];

  /** The claims made durable for the players of a stripe, as far as the cap gate needs them. */
  private static final class Stripe {
    /** The step of the latest claim, and its sequence number. */
    String lastStep;
    long lastSeq = -1;
    /** The sequence number of the latest claim of a step other than {@link #lastStep}. */
    long otherSeq = -1;
  }

  PendingClaims() {
    for (int i = 0; i < STRIPES; i++) {
      stripes[i] = new Stripe();
    }
  }

  /** @return a mark to take before reading players' recent deliveries in bulk */
  long mark() {
    return sequence.get();
  }

  /**
   * Claims of a step for a player are durable now.
   *
   * @param playerId the player
   * @param stepKey the claims' (source, step), as {@link #stepKey} gives it
   */
  void durable(String playerId, String stepKey) {
    Stripe s = stripes[(playerId.hashCode() & 0x7fffffff) % STRIPES];
    synchronized (s) {
      long seq = sequence.incrementAndGet();
      if (!stepKey.equals(s.lastStep)) {
        s.otherSeq = s.lastSeq;
        s.lastStep = stepKey;
      }
      s.lastSeq = seq;
    }
  }

  /**
   * @param playerId the player
   * @param stepKey the asking run's (source, step)
   * @param mark what {@link #mark()} gave before the bulk read
   * @return whether a claim of another step may have become durable for the player since
   */
  boolean claimedSince(String playerId, String stepKey, long mark) {
    Stripe s = stripes[(playerId.hashCode() & 0x7fffffff) % STRIPES];
    synchronized (s) {
      long latestOther = stepKey.equals(s.lastStep) ? s.otherSeq : s.lastSeq;
      return latestOther > mark;
    }
  }

  /** The (source, step) whose key {@link #remove} built last, and that key. */
  private record LastStepKey(String sourceId, String step, String key) {}

  /** Racy on purpose: a thread that misses it builds the same key again. */
  private volatile LastStepKey lastStepKey;

  /** The step key of a record: the last one again when it is that step's (usual), no string built. */
  private String stepKeyOf(DeliveryRecord r) {
    LastStepKey last = lastStepKey;
    if (last == null || !last.sourceId().equals(r.sourceId()) || !last.step().equals(r.step())) {
      last = new LastStepKey(r.sourceId(), r.step(), stepKey(r.sourceId(), r.step()));
      lastStepKey = last;
    }
    return last.key();
  }

  /** The key of a (source, step) for {@link #durable} and {@link #claimedSince}. */
  static String stepKey(String sourceId, String step) {
    return DeliveryRecord.key(sourceId, step, "", "");
  }

  void add(String playerId, List<DeliveryRecord> records) {
    byPlayer.compute(playerId, (k, pending) -> {
      List<DeliveryRecord> all = pending == null ? new ArrayList<>(records.size()) : pending;
      synchronized (all) {
        all.addAll(records);
      }
      return all;
    });
  }

  /** The records are durable (or failed to be): they leave the pending table. */
  void remove(String playerId, List<DeliveryRecord> records) {
    if (!records.isEmpty()) {
      DeliveryRecord r = records.get(0);
      durable(playerId, stepKeyOf(r));
    }
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
