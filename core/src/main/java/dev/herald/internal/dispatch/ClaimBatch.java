package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.internal.dispatch.Gate.Verdict;
import dev.herald.internal.dispatch.Gate.Visit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The claims of the players a run's driver walks, written in batches
 * ({@link dev.herald.spi.DeliveryStore#claimAll}): a store over a database then makes one round
 * trip for many players rather than one each. Exactly once does not weaken: a player's provider
 * calls start only after the batch holding their claims is written. Only the driver adds, and it
 * writes the batch when it is full and before it blocks (for a permit, while paused, at the end of
 * the audience), so no claim waits on a blocked driver. Claims made on other threads (after an
 * asynchronous compliance answer, for a player woken after quiet hours) are written at once.
 *
 * <p>When the engine pipelines ({@link EngineContext#pipelined}), the driver hands a full batch
 * to the engine's claim threads ({@link WriterThreads}, shared by the runs), which write it,
 * check and mark it and start its sends, while the driver reads and walks the next players: the
 * claims of one batch are written while the next one fills. Until a claim is durable it waits
 * in {@link PendingClaims}, which the cap gates read.
 */
final class ClaimBatch {
  static final int MAX_RECORDS = 256;
  /**
   * Batches of one run written at once on the claim threads: a batch's claim, address check and
   * SENDING mark are three round trips in a row, more than the driver's page reads, so two
   * batches go at once (their players are distinct: no order between them matters).
   */
  static final int WRITERS = 2;

  private final DeliveryLedger ledger;
  private final PendingClaims pending;
  private final Consumer<List<Delivery>> beforeSends;
  /**
   * Writes the driver's batches, {@link #WRITERS} at a time, on the engine's shared claim
   * threads; null: the driver writes them.
   */
  private final Executor writer;
  /** Batches handed to {@link #writer} and not yet written. */
  private final AtomicInteger writing = new AtomicInteger();
  private final List<Entry> entries = new ArrayList<>();
  private int records;
  private volatile Thread driver;

  /** Turns a player's claim results into their verdict: PASS with deliveries, or DECIDED. */
  @FunctionalInterface
  interface Claimed {
    Verdict verdict(Visit visit, List<DeliveryRecord> records, List<Boolean> inserted);
  }

  private record Entry(Visit visit, List<DeliveryRecord> records, Claimed claimed,
      CompletableFuture<Verdict> verdict) {}

  /**
   * @param ledger writes the batch
   * @param pending where claims wait, for the cap gates of every run
   * @param beforeSends given the batch's claimed deliveries before any of them is sent (the
   *     SENDING mark of the whole batch)
   * @param writers the engine's writer threads, on which the batches are written; null: the
   *     driver writes them
   */
  ClaimBatch(DeliveryLedger ledger, PendingClaims pending,
      Consumer<List<Delivery>> beforeSends, WriterThreads writers) {
    this.writer = writers == null ? null : writers.claimLane();
    this.ledger = ledger;
    this.pending = pending;
    this.beforeSends = beforeSends;
  }

  /** The calling thread is the run's driver from now until {@link #driverDone()}. */
  void driverStarts() {
    driver = Thread.currentThread();
  }

  void driverDone() {
    write();
    driver = null;
  }

  /** @return whether claims made on this thread may wait for the batch */
  boolean onDriver() {
    return driver == Thread.currentThread();
  }

  /**
   * Adds a player's claims; called by the driver under the player's lock.
   *
   * @return completes with the player's verdict once the batch is written
   */
  CompletableFuture<Verdict> add(Visit visit, List<DeliveryRecord> claims, Claimed claimed) {
    pending.add(visit.playerId, claims);
    CompletableFuture<Verdict> verdict = new CompletableFuture<>();
    entries.add(new Entry(visit, claims, claimed, verdict));
    records += claims.size();
    return verdict;
  }

  /**
   * @return whether a batch handed to the claim threads is still being written: its sends,
   *     about to start, free players-in-progress permits, so a driver waiting for one need not
   *     write the batch it is filling yet (which would make batches of a player or two)
   */
  boolean writing() {
    return writing.get() > 0;
  }

  /** Writes the batch when it is full; called by the driver after each player. */
  void writeIfFull() {
    if (records >= MAX_RECORDS) {
      write();
    }
  }

  /** Writes the batch (the driver is about to block, or is done). */
  void write() {
    if (entries.isEmpty()) {
      return;
    }
    List<Entry> batch = List.copyOf(entries);
    entries.clear();
    records = 0;
    if (writer == null) {
      write(batch);
      return;
    }
    writing.incrementAndGet();
    try {
      writer.execute(() -> {
        try {
          write(batch);
        } finally {
          writing.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException e) {
      writing.decrementAndGet();
      write(batch);
    }
  }

  /** Writes a batch, then starts the sends of its players whose claims were inserted. */
  private void write(List<Entry> batch) {
    List<DeliveryRecord> all = new ArrayList<>();
    for (Entry e : batch) {
      all.addAll(e.records());
    }
    List<Boolean> inserted;
    try {
      inserted = ledger.claim(all);
    } catch (RuntimeException e) {
      for (Entry entry : batch) {
        pending.remove(entry.visit().playerId, entry.records());
        entry.verdict().completeExceptionally(e);
      }
      return;
    }
    int at = 0;
    Verdict[] verdicts = new Verdict[batch.size()];
    List<Delivery> claimed = new ArrayList<>(all.size());
    for (int b = 0; b < batch.size(); b++) {
      Entry e = batch.get(b);
      int n = e.records().size();
      List<Boolean> mine = inserted.subList(at, at + n);
      at += n;
      pending.remove(e.visit().playerId, e.records());
      try {
        verdicts[b] = e.claimed().verdict(e.visit(), e.records(), mine);
      } catch (RuntimeException ex) {
        e.verdict().completeExceptionally(ex);
        continue;
      }
      if (verdicts[b] == Verdict.PASS) {
        claimed.addAll(e.visit().claimed);
      }
    }
    beforeSends.accept(claimed);
    for (int b = 0; b < batch.size(); b++) {
      if (verdicts[b] != null) {
        batch.get(b).verdict().complete(verdicts[b]); // the player's sends start here
      }
    }
  }
}
