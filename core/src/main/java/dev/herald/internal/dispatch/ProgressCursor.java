package dev.herald.internal.dispatch;

import dev.herald.analytics.DispatchProgress;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How far a run got through its audience, checkpointed in the store so that a resumed run skips
 * what is done. The cursor is the last player of the longest prefix of the audience (read in
 * ascending id order) whose deliveries are all settled: it never passes a player still in
 * progress, postponed, or left claimed by a stopped run — those are read again on resume.
 *
 * <p>A checkpoint first writes what the ledger buffers (suppressions, settlements, events), so
 * that no player behind the cursor has any of them only in memory. The checkpoints taken as
 * players settle are saved behind, by the ledger's write-behind thread
 * ({@link DeliveryLedger#checkpoint}); the first and the last are saved at once.
 */
final class ProgressCursor {
  /** Beyond this many players in progress at once (a stalled head), checkpoints stop. */
  static final int MAX_TRACKED_PLAYERS = 65_536;

  private final DeliveryLedger ledger;
  private final String progressStep;
  private final int checkpointEvery;
  /** Told when a checkpoint saved behind failed: the run must not end COMPLETED. */
  private final Consumer<RuntimeException> checkpointFailed;
  /** Players read and not yet passed, in audience order: true once settled. */
  private final LinkedHashMap<String, Boolean> window = new LinkedHashMap<>();
  private Instant startedAt;
  private String cursor;
  private boolean frozen;
  private int sinceCheckpoint;

  ProgressCursor(DeliveryLedger ledger, String progressStep, int checkpointEvery,
      Consumer<RuntimeException> checkpointFailed) {
    this.ledger = ledger;
    this.progressStep = progressStep;
    this.checkpointEvery = checkpointEvery;
    this.checkpointFailed = checkpointFailed;
  }

  synchronized void start(Instant runStartedAt, String resumeAfter) {
    this.startedAt = runStartedAt;
    this.cursor = resumeAfter;
  }

  synchronized String cursor() {
    return cursor;
  }

  /**
   * Stops checkpointing for this run: the audience is not in order, or too many players are in
   * progress at once. The per-delivery claims still make a resume exact; it just reads more.
   */
  synchronized void freeze() {
    frozen = true;
    window.clear();
  }

  /** A player was read from the audience and is now in progress. */
  synchronized void launched(String playerId) {
    if (frozen) {
      return;
    }
    if (window.size() >= MAX_TRACKED_PLAYERS) {
      freeze();
      return;
    }
    window.put(playerId, Boolean.FALSE);
  }

  /** Every delivery of the player is settled: the cursor may pass them. */
  synchronized void settled(String playerId) {
    if (frozen || !window.containsKey(playerId)) {
      return;
    }
    window.put(playerId, Boolean.TRUE);
    Iterator<Map.Entry<String, Boolean>> it = window.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<String, Boolean> head = it.next();
      if (!head.getValue()) {
        break;
      }
      cursor = head.getKey();
      it.remove();
      sinceCheckpoint++;
    }
    if (sinceCheckpoint >= checkpointEvery && cursor != null) {
      sinceCheckpoint = 0;
      ledger.checkpoint(progress(Optional.empty()), checkpointFailed);
    }
  }

  /**
   * Saves where the run is, and when given, that it is complete.
   *
   * @param completedAt when the step completed, or empty
   */
  synchronized void save(Optional<Instant> completedAt) {
    ledger.checkpointNow(progress(completedAt));
  }

  private DispatchProgress progress(Optional<Instant> completedAt) {
    return new DispatchProgress(ledger.sourceId(), progressStep, startedAt,
        Optional.ofNullable(cursor), completedAt);
  }
}
