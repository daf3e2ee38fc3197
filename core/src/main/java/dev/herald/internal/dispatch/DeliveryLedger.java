package dev.herald.internal.dispatch;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.LeaseLostException;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a run writes about its deliveries: claims (durable before any provider call),
 * suppressions, the SENDING mark, settlements, and the event log.
 *
 * <p>Claims and suppressions go to the store in batches ({@link DeliveryStore#claimAll}), and so
 * does the SENDING mark of a claim batch's deliveries ({@link #markSending(List, Instant)}, one
 * {@link DeliveryStore#modifyAll} before any of their calls starts). Settlements (the provider's
 * answer, or the end of trying) and events are written behind: kept in bounded buffers and
 * written in batches ({@link DeliveryStore#modifyAll}, then {@link DeliveryStore#appendAll}) when
 * a buffer fills or its oldest entry is {@link #WRITE_BEHIND_DELAY} old, before every progress
 * checkpoint, and when the run pauses or ends — so a checkpoint never covers a player whose
 * settlement or events are only in memory. A crash loses at most the buffers: those deliveries
 * are still SENDING in the store and the resumed run reports them UNKNOWN, never sends them again.
 *
 * <p>A campaign's run on a pipelining engine ({@link EngineContext#pipelined}) writes behind on
 * the engine's write-behind threads ({@link WriterThreads}, shared by the runs) through a lane of
 * its own: a buffer that is due, and a progress checkpoint, are queued to that lane and written
 * one at a time in order, so the run claims, checks and sends the next players while
 * the outcomes of the previous ones are written, on another connection. A buffer more than
 * {@link #MAX_BEHIND_BATCHES} batches full is written by the thread that fills it instead (so
 * memory stays bounded when the store is slower than the sends); a checkpoint still writes every
 * buffer first, on the same thread, so it never covers a player whose records are only in memory.
 *
 * <p>Every write goes through the run's fenced view of the store
 * ({@link DeliveryStore#fencedBy}): when another node took the run's step over, the write throws
 * {@link LeaseLostException}, and the ledger tells the run (once is enough) before rethrowing.
 */
final class DeliveryLedger {
  private static final Logger log = LoggerFactory.getLogger(DeliveryLedger.class);
  static final int EVENT_BATCH = 512;
  static final int SETTLEMENT_BATCH = 256;
  static final int SUPPRESSION_BATCH = 256;
  static final int MAX_SETTLEMENTS_KEPT = 4 * SETTLEMENT_BATCH;
  /** A slow run (a throttle, a provider that takes its time) still writes what it buffers soon. */
  static final Duration WRITE_BEHIND_DELAY = Duration.ofSeconds(1);
  /**
   * While the run's write behind is busy, buffers fill up to this many batches before the
   * thread filling them writes them itself (and waits for the write behind's write).
   */
  static final int MAX_BEHIND_BATCHES = 2;

  /**
   * A settlement waiting for its write: the delivery's key and id, the change, and what to record
   * once it is written.
   */
  private record Settlement(String key, String deliveryId, UnaryOperator<DeliveryRecord> change,
      Consumer<DeliveryRecord> written) {}

  private final DeliveryStore store;
  private final Clock clock;
  private final HeraldListener listener;
  private final Runnable onFenced;
  private final String sourceId;
  private final String step;
  private final NotificationType type;
  private final String category;
  /** The brand of player-level records: the targeted one, or none for all brands. */
  private final Optional<Brand> brand;
  private final Object bufferLock = new Object();
  private final Object flushLock = new Object();
  private List<DeliveryEvent> buffer = new ArrayList<>(); // guarded by bufferLock
  private Instant oldestBuffered; // guarded by bufferLock
  private List<Settlement> settlements = new ArrayList<>(); // guarded by bufferLock
  private List<DeliveryRecord> suppressions = new ArrayList<>(); // guarded by bufferLock
  private volatile boolean suppressionsDropped;
  private Instant oldestSettlement; // guarded by bufferLock
  /**
   * On a cluster, settlements are written as the answers arrive: a node killed then leaves
   * UNKNOWN only the calls on the wire, as its successor cannot tell an answered call from one
   * whose answer was still in this node's memory.
   */
  private final boolean writeThrough;
  /** Writes behind, one at a time, in order; null: each write is made by its caller. */
  private final WriterThreads.Lane behind;
  /** Set while a flush is queued on {@link #behind} and not started. */
  private final AtomicBoolean flushQueued = new AtomicBoolean();

  /**
   * @param store the store to write to, fenced by the run's lease
   * @param onFenced told when a write was refused because the lease was taken over
   * @param brand the brand the run targets, if one
   * @param writesBehind whether buffers and checkpoints are written on the engine's
   *     write-behind threads when it pipelines (a campaign's run; not on a cluster, where
   *     settlements are written as they arrive)
   */
  DeliveryLedger(EngineContext ctx, DeliveryStore store, Runnable onFenced, String sourceId,
      String step, NotificationType type, String category, Optional<Brand> brand,
      boolean writesBehind) {
    this.store = store;
    this.onFenced = onFenced;
    this.clock = ctx.clock();
    this.writeThrough = ctx.clustered();
    this.listener = ctx.listener();
    this.sourceId = sourceId;
    this.step = step;
    this.type = type;
    this.category = category;
    this.brand = brand;
    this.behind = writesBehind && !writeThrough && ctx.writers() != null
        ? ctx.writers().writeBehindLane() : null;
  }

  String sourceId() {
    return sourceId;
  }

  String step() {
    return step;
  }

  /** A new record of this run for a player's device, or for the player when device is null. */
  DeliveryRecord newRecord(String playerId, Device device, String variant, DeliveryState state,
      String reason, String detail) {
    Instant now = clock.instant();
    return new DeliveryRecord(sourceId, step, playerId,
        device == null ? Optional.empty() : Optional.of(device.deviceId()),
        device == null ? Optional.empty() : Optional.of(device.platform()),
        device == null ? brand : Optional.of(device.brand()), DeliveryRecord.newDeliveryId(),
        variant, type, category, state, reason, detail, now, now,
        0, 0, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }

  /**
   * Claims records in one batch; each is durable when this returns.
   *
   * @return for each record, whether it was inserted
   */
  List<Boolean> claim(List<DeliveryRecord> records) {
    if (records.size() == 1) {
      return List.of(fenced(() -> store.claim(records.get(0))));
    }
    return fenced(() -> store.claimAll(records));
  }

  /**
   * Records SUPPRESSED records with their events, written behind in batches
   * ({@link DeliveryStore#claimAll}); a key already there is skipped. No call depends on them,
   * and a checkpoint writes them first, so a crash before their write only has the resumed run
   * decide those players again.
   */
  void suppress(List<DeliveryRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    int buffered;
    synchronized (bufferLock) {
      suppressions.addAll(records);
      buffered = suppressions.size();
    }
    if (buffered >= SUPPRESSION_BATCH) {
      due(buffered >= MAX_BEHIND_BATCHES * SUPPRESSION_BATCH);
    }
  }

  private void writeSuppressions(List<DeliveryRecord> records) {
    List<Boolean> inserted = claim(records);
    for (int i = 0; i < records.size(); i++) {
      if (inserted.get(i)) {
        DeliveryRecord r = records.get(i);
        recorded(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, r.createdAt(), r, r.reason(),
            r.detail(), 0));
        listener.suppressed(r);
      }
    }
  }

  Optional<DeliveryRecord> find(String key) {
    return store.find(key);
  }

  /**
   * Marks a claim batch's deliveries SENDING in one write, before any of their calls starts: from
   * here on a crash leaves them of unknown fate (never sent twice), the calls that did not start
   * included. The PUSH_SENT event of each is recorded as its call starts ({@link #sent}).
   *
   * @param ds deliveries claimed by this run, none of whose calls has started
   * @param now the time of the mark
   * @throws RuntimeException when the store fails: no call may start then
   */
  void markSending(List<Delivery> ds, Instant now) {
    List<String> keys = new ArrayList<>(ds.size());
    for (Delivery d : ds) {
      keys.add(d.key);
    }
    // By delivery id, which names the key's delivery as well and costs no string to build
    Set<String> marked = new HashSet<>(keys.size() * 2);
    for (DeliveryRecord r : fenced(() -> store.modifyAll(keys,
        current -> current.withState(DeliveryState.SENDING, "", "", now)))) {
      marked.add(r.deliveryId());
    }
    for (Delivery d : ds) {
      d.markedSending = marked.contains(d.record.deliveryId());
    }
  }

  /** Marks the delivery SENDING right before its first provider call: a crash now is UNKNOWN. */
  void markSending(Delivery d, Instant now) {
    fenced(() -> {
      store.update(d.record.withState(DeliveryState.SENDING, "", "", now));
      return null;
    });
    d.markedSending = true;
  }

  /** The first call of a delivery marked SENDING starts now. */
  void sent(Delivery d, Instant now) {
    record(DeliveryEvent.of(EventType.PUSH_SENT, now, d.record, "", "", 0));
  }

  /** Records a provider's outcome (or the end of trying) on the stored record, written behind. */
  void settle(Delivery d, DeliveryState state, String reason, String detail, int attempts,
      int status, String messageId, EventType event) {
    Instant now = clock.instant();
    // From the stored record, not the claimed one: a click may have landed while SENDING.
    writeBehind(new Settlement(d.key, d.record.deliveryId(), current -> current.withOutcome(
            state, reason, detail, now, attempts, status, messageId),
        settled -> recorded(DeliveryEvent.of(event, now, settled, reason, detail, status))));
  }

  /**
   * Settles a claimed delivery whose next provider call is not made: SUPPRESSED when no call was
   * made (written at once: rare, and read by what changed the device), FAILED when earlier
   * attempts were (written behind, as every outcome of a call).
   */
  void settleWithoutCall(Delivery d, String reason, String detail) {
    if (d.attempt == 1) {
      Instant now = clock.instant();
      DeliveryRecord suppressed = fenced(() -> store.modify(d.key,
              current -> current.withState(DeliveryState.SUPPRESSED, reason, detail, now)))
          .orElseThrow(() -> new IllegalStateException(
              "delivery " + d.key + " is no longer in the delivery store"));
      record(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, now, suppressed, reason, detail, 0));
      listener.suppressed(suppressed);
    } else {
      settle(d, DeliveryState.FAILED, reason, detail, d.attempt - 1, 0, null,
          EventType.PUSH_FAILED);
    }
  }

  /**
   * A delivery marked SENDING whose first call never started, left for the run that resumes the
   * step (a stop): back to CLAIMED, so that run sends it rather than reporting it UNKNOWN.
   */
  void unmark(Delivery d) {
    writeBehind(new Settlement(d.key, d.record.deliveryId(),
        current -> current.state() == DeliveryState.SENDING
        ? current.withState(DeliveryState.CLAIMED, "", "", current.updatedAt()) : current,
        unmarked -> {}));
  }

  private void writeBehind(Settlement settlement) {
    boolean full;
    int buffered;
    synchronized (bufferLock) {
      Instant now = clock.instant();
      if (settlements.isEmpty()) {
        oldestSettlement = now;
      }
      settlements.add(settlement);
      buffered = settlements.size();
      full = writeThrough || buffered >= SETTLEMENT_BATCH
          || now.isAfter(oldestSettlement.plus(WRITE_BEHIND_DELAY));
    }
    if (full) {
      due(buffered >= MAX_BEHIND_BATCHES * SETTLEMENT_BATCH);
    }
  }

  /**
   * A buffer is due for its write: queued to the write-behind lane (once: a queued flush writes
   * every buffer), or written here when there is none or the buffers are over their bound.
   */
  private void due(boolean overBound) {
    if (behind == null || overBound) {
      flush();
      return;
    }
    if (!flushQueued.compareAndSet(false, true)) {
      return;
    }
    try {
      behind.execute(() -> {
        flushQueued.set(false);
        try {
          flush();
        } catch (RuntimeException e) {
          if (!leaseLost(e)) {
            log.error("writing the buffered records of {} failed; the next write retries them",
                sourceId, e);
          }
        }
      });
    } catch (RejectedExecutionException e) {
      flushQueued.set(false);
      flush();
    }
  }

  /**
   * Saves a progress checkpoint after writing every buffer: queued to the write-behind lane
   * (behind every write queued before it), or here when there is none.
   *
   * @param progress the checkpoint
   * @param failed told when a queued checkpoint could not be saved; when written here, the
   *     error is thrown instead
   */
  void checkpoint(DispatchProgress progress, Consumer<RuntimeException> failed) {
    if (behind != null) {
      try {
        behind.execute(() -> {
          try {
            saveAfterFlush(progress);
          } catch (RuntimeException e) {
            failed.accept(e);
          }
        });
        return;
      } catch (RejectedExecutionException e) {
        // no thread to queue it to: saved here
      }
    }
    saveAfterFlush(progress);
  }

  /**
   * Saves a checkpoint (or the step's completion) here, once every write queued behind is done,
   * so that no older checkpoint lands after it.
   */
  void checkpointNow(DispatchProgress progress) {
    awaitWritesBehind();
    saveAfterFlush(progress);
  }

  private void saveAfterFlush(DispatchProgress progress) {
    flush();
    checkNothingDropped();
    saveProgress(progress);
  }

  /** Waits until every write queued to the write-behind lane is done. */
  void awaitWritesBehind() {
    if (behind == null || behind.runsHere()) {
      return; // nothing queued, or asked by a write behind (which comes after what it waits for)
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      behind.execute(() -> done.complete(null));
    } catch (RejectedExecutionException e) {
      return;
    }
    done.join();
  }

  /**
   * Deliveries a previous run left SENDING: their provider call started, so the push service
   * may or may not have them. They are settled as FAILED with reason UNKNOWN, never re-sent.
   * (CLAIMED ones never reached a provider: the resumed run sends them.)
   *
   * @param ofPlayer which players' deliveries are this run's to settle (a chunk's, when other
   *     chunks of the step are sending at the same time)
   * @return how many were settled here
   */
  int settleUnknownCalls(Predicate<String> ofPlayer) {
    List<String> keys;
    try (Stream<DeliveryRecord> records = store.deliveriesOf(sourceId, step)) {
      keys = records.filter(r -> r.state() == DeliveryState.SENDING && ofPlayer.test(r.playerId()))
          .map(DeliveryRecord::key).toList();
    }
    if (keys.isEmpty()) {
      return 0;
    }
    Instant now = clock.instant();
    String detail = "sent before a restart; the outcome of the provider call is unknown";
    // Only if still SENDING: a call of the previous instance may have settled it since.
    Set<String> settledHere = ConcurrentHashMap.newKeySet();
    List<DeliveryRecord> written = fenced(() -> store.modifyAll(keys, current -> {
      if (current.state() != DeliveryState.SENDING) {
        settledHere.remove(current.key()); // a retried change sees the other writer's outcome
        return current;
      }
      settledHere.add(current.key());
      return current.withState(DeliveryState.FAILED, Suppression.UNKNOWN, detail, now);
    }));
    int n = 0;
    for (DeliveryRecord r : written) {
      if (settledHere.contains(r.key())) {
        record(DeliveryEvent.of(EventType.PUSH_FAILED, now, r, Suppression.UNKNOWN, detail, 0));
        n++;
      }
    }
    return n;
  }

  /** Appends an event (written behind) and tells the listener. */
  void record(DeliveryEvent event) {
    if (buffer(event)) {
      boolean overBound;
      synchronized (bufferLock) {
        overBound = buffer.size() >= MAX_BEHIND_BATCHES * EVENT_BATCH;
      }
      due(overBound);
    }
    listener.eventRecorded(event);
  }

  /** An event of a settlement just written: buffered, told; the flush writing it goes on. */
  private void recorded(DeliveryEvent event) {
    buffer(event);
    listener.eventRecorded(event);
  }

  /** @return whether the buffer is due for a write */
  private boolean buffer(DeliveryEvent event) {
    synchronized (bufferLock) {
      if (buffer.isEmpty()) {
        oldestBuffered = event.at();
      }
      buffer.add(event);
      return buffer.size() >= EVENT_BATCH
          || event.at().isAfter(oldestBuffered.plus(WRITE_BEHIND_DELAY));
    }
  }

  /**
   * Writes the buffered suppressions, then the buffered settlements, then the buffered events
   * (theirs included), in order.
   */
  void flush() {
    synchronized (flushLock) {
      List<DeliveryRecord> suppressed;
      List<Settlement> changes;
      synchronized (bufferLock) {
        suppressed = suppressions;
        suppressions = suppressed.isEmpty() ? suppressed : new ArrayList<>();
        changes = settlements;
        settlements = changes.isEmpty() ? changes : new ArrayList<>();
      }
      if (!suppressed.isEmpty()) {
        try {
          writeSuppressions(suppressed);
        } catch (RuntimeException e) {
          keepSuppressionsForRetry(suppressed);
          synchronized (bufferLock) {
            settlements.addAll(0, changes); // untouched: written by the next flush
          }
          throw e;
        }
      }
      if (!changes.isEmpty()) {
        try {
          writeSettlements(changes);
        } catch (RuntimeException e) {
          keepForRetry(changes);
          throw e;
        }
      }
      List<DeliveryEvent> pending;
      synchronized (bufferLock) {
        if (buffer.isEmpty()) {
          return;
        }
        pending = buffer;
        buffer = new ArrayList<>();
      }
      fenced(() -> {
        store.appendAll(pending);
        return null;
      });
    }
  }

  /**
   * Settlements the store refused (the database went away) wait for the next flush, up to
   * {@link #MAX_SETTLEMENTS_KEPT}: a short outage loses none. Beyond that the oldest are dropped;
   * their deliveries stay SENDING and the resumed run reports them UNKNOWN.
   */
  private void keepForRetry(List<Settlement> failed) {
    synchronized (bufferLock) {
      List<Settlement> kept = new ArrayList<>(failed);
      kept.addAll(settlements);
      int drop = kept.size() - MAX_SETTLEMENTS_KEPT;
      if (drop > 0) {
        log.error("{} settlements of {} could not be written and are dropped; the resumed run "
            + "reports those deliveries UNKNOWN", drop, sourceId);
        kept = new ArrayList<>(kept.subList(drop, kept.size()));
      }
      settlements = kept;
      if (oldestSettlement == null) {
        oldestSettlement = clock.instant();
      }
    }
  }

  /**
   * Suppressions the store refused wait for the next flush, up to {@link #MAX_SETTLEMENTS_KEPT}.
   * Beyond that the oldest are dropped, and no checkpoint may be saved for the rest of the run
   * ({@link #checkNothingDropped}): the resumed run decides those players again.
   */
  private void keepSuppressionsForRetry(List<DeliveryRecord> failed) {
    synchronized (bufferLock) {
      List<DeliveryRecord> kept = new ArrayList<>(failed);
      kept.addAll(suppressions);
      int drop = kept.size() - MAX_SETTLEMENTS_KEPT;
      if (drop > 0) {
        log.error("{} suppressions of {} could not be written and are dropped; the run saves no "
            + "more checkpoints, so the resumed run decides those players again", drop, sourceId);
        kept = new ArrayList<>(kept.subList(drop, kept.size()));
        suppressionsDropped = true;
      }
      suppressions = kept;
    }
  }

  /**
   * @throws IllegalStateException when suppressions were dropped: a checkpoint now could pass
   *     players whose records are not stored
   */
  void checkNothingDropped() {
    if (suppressionsDropped) {
      throw new IllegalStateException("suppressions of " + sourceId + " were lost while the "
          + "store failed; no checkpoint is saved, the resumed run decides those players again");
    }
  }

  private void writeSettlements(List<Settlement> changes) {
    // By delivery id, which names the key's delivery and costs no string to build per lookup
    Map<String, Settlement> byId = new LinkedHashMap<>(changes.size() * 2);
    List<String> keys = new ArrayList<>(changes.size());
    for (Settlement c : changes) {
      Settlement earlier = byId.get(c.deliveryId());
      if (earlier == null) {
        keys.add(c.key());
      }
      // Two changes of one key in a batch (unmarked, then cancelled): applied in order.
      byId.put(c.deliveryId(), earlier == null ? c : new Settlement(c.key(), c.deliveryId(),
          r -> c.change().apply(earlier.change().apply(r)),
          r -> {
            earlier.written().accept(r);
            c.written().accept(r);
          }));
    }
    // A key whose record is another delivery's (erased and claimed again since) is left as it is
    List<DeliveryRecord> written = fenced(() -> store.modifyAll(keys, current -> {
      Settlement c = byId.get(current.deliveryId());
      return c == null ? current : c.change().apply(current);
    }));
    if (written.size() < byId.size()) {
      log.warn("{} settled deliveries of {} were no longer in the delivery store",
          byId.size() - written.size(), sourceId);
    }
    for (DeliveryRecord r : written) {
      Settlement c = byId.get(r.deliveryId());
      if (c != null) {
        c.written().accept(r);
      }
    }
  }

  /** Saves the step's progress (a checkpoint, or its completion). */
  void saveProgress(DispatchProgress progress) {
    fenced(() -> {
      store.saveProgress(progress);
      return null;
    });
  }

  private <T> T fenced(java.util.function.Supplier<T> write) {
    try {
      return write.get();
    } catch (LeaseLostException e) {
      onFenced.run();
      throw e;
    }
  }

  /**
   * @param error what a write or a step built on writes failed with
   * @return whether it failed because another node took the lease over (not an error to log)
   */
  static boolean leaseLost(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof LeaseLostException) {
        return true;
      }
    }
    return false;
  }
}
