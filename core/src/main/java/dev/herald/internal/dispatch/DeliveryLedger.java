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
import dev.herald.subscription.Device;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What a run writes about its deliveries: claims (durable before any provider call),
 * suppressions, the SENDING mark, settlements, and the event log.
 *
 * <p>Claims and suppressions go to the store in batches ({@link DeliveryStore#claimAll}).
 * Events are written behind: kept in a bounded buffer and appended in batches
 * ({@link DeliveryStore#appendAll}) when it fills, before every progress checkpoint, and when the
 * run pauses or ends — so a checkpoint never covers a player whose events are not stored.
 *
 * <p>Every write goes through the run's fenced view of the store
 * ({@link DeliveryStore#fencedBy}): when another node took the run's step over, the write throws
 * {@link LeaseLostException}, and the ledger tells the run (once is enough) before rethrowing.
 */
final class DeliveryLedger {
  static final int EVENT_BATCH = 256;
  /** A slow run (a throttle, a provider that takes its time) still writes its events soon. */
  static final Duration EVENT_DELAY = Duration.ofSeconds(1);

  private final DeliveryStore store;
  private final Clock clock;
  private final HeraldListener listener;
  private final Runnable onFenced;
  private final String sourceId;
  private final String step;
  private final NotificationType type;
  private final String category;
  private final Object bufferLock = new Object();
  private final Object flushLock = new Object();
  private List<DeliveryEvent> buffer = new ArrayList<>(); // guarded by bufferLock
  private Instant oldestBuffered; // guarded by bufferLock

  /**
   * @param store the store to write to, fenced by the run's lease
   * @param onFenced told when a write was refused because the lease was taken over
   */
  DeliveryLedger(EngineContext ctx, DeliveryStore store, Runnable onFenced, String sourceId,
      String step, NotificationType type, String category) {
    this.store = store;
    this.onFenced = onFenced;
    this.clock = ctx.clock();
    this.listener = ctx.listener();
    this.sourceId = sourceId;
    this.step = step;
    this.type = type;
    this.category = category;
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
        DeliveryRecord.newDeliveryId(), variant, type, category, state, reason, detail, now, now,
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

  /** Records SUPPRESSED records in one batch, with their events; a key already there is skipped. */
  void suppress(List<DeliveryRecord> records) {
    if (records.isEmpty()) {
      return;
    }
    List<Boolean> inserted = claim(records);
    for (int i = 0; i < records.size(); i++) {
      if (inserted.get(i)) {
        DeliveryRecord r = records.get(i);
        record(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, r.createdAt(), r, r.reason(),
            r.detail(), 0));
        listener.suppressed(r);
      }
    }
  }

  Optional<DeliveryRecord> find(String key) {
    return store.find(key);
  }

  /** Marks the delivery SENDING right before its first provider call: a crash now is UNKNOWN. */
  void markSending(Delivery d, Instant now) {
    fenced(() -> {
      store.update(d.record.withState(DeliveryState.SENDING, "", "", now));
      return null;
    });
    record(DeliveryEvent.of(EventType.PUSH_SENT, now, d.record, "", "", 0));
  }

  /** Records a provider's outcome (or the end of trying) on the stored record. */
  void settle(Delivery d, DeliveryState state, String reason, String detail, int attempts,
      int status, String messageId, EventType event) {
    Instant now = clock.instant();
    // From the stored record, not the claimed one: a click may have landed while SENDING.
    DeliveryRecord settled = fenced(() -> store.modify(d.record.key(),
            current -> current.withOutcome(state, reason, detail, now, attempts, status,
                messageId)))
        .orElseThrow(() -> new IllegalStateException(
            "delivery " + d.record.key() + " is no longer in the delivery store"));
    record(DeliveryEvent.of(event, now, settled, reason, detail, status));
  }

  /**
   * Settles a claimed delivery whose next provider call is not made: SUPPRESSED when no call was
   * made, FAILED when earlier attempts were.
   */
  void settleWithoutCall(Delivery d, String reason, String detail) {
    if (d.attempt == 1) {
      Instant now = clock.instant();
      DeliveryRecord suppressed = fenced(() -> store.modify(d.record.key(),
              current -> current.withState(DeliveryState.SUPPRESSED, reason, detail, now)))
          .orElseThrow(() -> new IllegalStateException(
              "delivery " + d.record.key() + " is no longer in the delivery store"));
      record(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, now, suppressed, reason, detail, 0));
      listener.suppressed(suppressed);
    } else {
      settle(d, DeliveryState.FAILED, reason, detail, d.attempt - 1, 0, null,
          EventType.PUSH_FAILED);
    }
  }

  /**
   * Deliveries a previous run left SENDING: their provider call started, so the push service
   * may or may not have them. They are settled as FAILED with reason UNKNOWN, never re-sent.
   * (CLAIMED ones never reached a provider: the resumed run sends them.)
   *
   * @return how many were settled here
   */
  int settleUnknownCalls() {
    List<String> keys;
    try (Stream<DeliveryRecord> records = store.deliveriesOf(sourceId, step)) {
      keys = records.filter(r -> r.state() == DeliveryState.SENDING)
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
    boolean full;
    synchronized (bufferLock) {
      if (buffer.isEmpty()) {
        oldestBuffered = event.at();
      }
      buffer.add(event);
      full = buffer.size() >= EVENT_BATCH
          || event.at().isAfter(oldestBuffered.plus(EVENT_DELAY));
    }
    if (full) {
      flush();
    }
    listener.eventRecorded(event);
  }

  /** Writes the buffered events, in order. */
  void flush() {
    synchronized (flushLock) {
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
