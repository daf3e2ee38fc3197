package dev.herald.spi;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Where Herald keeps what it sent: one {@link DeliveryRecord} per delivery (claimed before the
 * provider call, which is what makes dispatch idempotent), the append-only {@link DeliveryEvent}
 * log, and each dispatch step's {@link DispatchProgress}. The host implements it over its own
 * database; {@code dev.herald.embedded.InMemoryDeliveryStore} is the default, and
 * {@code dev.herald.testing.DeliveryStoreContract} checks an implementation.
 *
 * <p>Two operations must be atomic: {@link #claim} (insert if the key is absent: a unique index
 * on the key) and {@link #modify} (read-change-write of one record with no other write between:
 * a version column or a row lock). Implementations must be thread-safe. Streams are closed by the caller and should page
 * through storage rather than load everything.
 */
public interface DeliveryStore {

  /**
   * Inserts a record unless one with the same {@link DeliveryRecord#key() key} exists.
   *
   * @param record the new record, CLAIMED or SUPPRESSED
   * @return true when inserted, false when the key was already claimed (nothing changes)
   */
  boolean claim(DeliveryRecord record);

  /**
   * Replaces the record with the same key.
   *
   * @param record the new state of an existing record
   */
  void update(DeliveryRecord record);

  /**
   * Changes the record with this key in one atomic step: no other write to the key may fall
   * between reading it and writing what {@code change} returns. A click, a conversion and the
   * provider's answer for one delivery can arrive at the same moment; this is how none of them
   * overwrites another.
   *
   * <p>The default reads with {@link #find} and writes with {@link #update}, which is atomic only
   * if the store serialises writes to a key some other way. Override it, with a compare-and-set
   * on a version column (retrying {@code change} on a conflict) or under a row lock;
   * {@code dev.herald.testing.DeliveryStoreContract} checks it under contention.
   *
   * @param key the record's key
   * @param change the new state from the current one; it keeps the key, and may be called more
   *     than once when a compare-and-set is retried
   * @return the record as written, or empty when no record has the key (nothing is written)
   */
  default Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    Optional<DeliveryRecord> current = find(key);
    if (current.isEmpty()) {
      return Optional.empty();
    }
    DeliveryRecord changed = change.apply(current.get());
    update(changed);
    return Optional.of(changed);
  }

  /**
   * Claims several records, as {@link #claim} does each one: one batch, so that a campaign writes
   * its claims in a few round trips rather than one per device. Every record is durable when this
   * returns (a claim must be stored before its provider call).
   *
   * <p>The default calls {@link #claim} for each record; a store over a database should override
   * it with one multi-row insert that skips existing keys.
   *
   * @param records the new records, CLAIMED or SUPPRESSED, with distinct keys
   * @return for each record, in order, true when inserted, false when its key was already claimed
   */
  default List<Boolean> claimAll(List<DeliveryRecord> records) {
    List<Boolean> inserted = new ArrayList<>(records.size());
    for (DeliveryRecord record : records) {
      inserted.add(claim(record));
    }
    return inserted;
  }

  /**
   * Changes several records, each as {@link #modify} does one (atomically per key; the batch as a
   * whole need not be atomic).
   *
   * <p>The default calls {@link #modify} for each key; a store over a database should override it
   * with a few statements for the whole batch.
   *
   * @param keys the records' keys, distinct
   * @param change the new state from the current one, as for {@link #modify}
   * @return the records as written, in the order of {@code keys}, without the keys that had no
   *     record
   */
  default List<DeliveryRecord> modifyAll(
      List<String> keys, UnaryOperator<DeliveryRecord> change) {
    List<DeliveryRecord> written = new ArrayList<>(keys.size());
    for (String key : keys) {
      modify(key, change).ifPresent(written::add);
    }
    return written;
  }

  /**
   * A view of this store whose writes ({@link #claim}, {@link #claimAll}, {@link #update},
   * {@link #modify}, {@link #modifyAll}, {@link #append}, {@link #appendAll},
   * {@link #saveProgress}) happen only while {@code lease}'s token is still the current one, checked
   * in the same transaction as the write; otherwise they throw {@link LeaseLostException} and
   * write nothing. Reads are not fenced. A run writes through this view, so that a node whose
   * lease was taken over cannot overwrite what its successor wrote. Herald asks for it only for a
   * lease that expires (from shared {@link Leases}), never for a single node's.
   *
   * <p>The default returns this store unfenced, which is right for a store only one node writes
   * (the in-memory one). A store several nodes share must override it (as
   * {@code dev.herald.jdbc.JdbcDeliveryStore} does, over the table its {@link Leases} keeps).
   *
   * @param lease the lease the writes depend on
   * @return the fenced view
   */
  default DeliveryStore fencedBy(Lease lease) {
    return this;
  }

  /**
   * Reads a record by key.
   *
   * @param key a {@link DeliveryRecord#key()}
   * @return the record, or empty
   */
  Optional<DeliveryRecord> find(String key);

  /**
   * Reads a record by delivery id (from a click report).
   *
   * @param deliveryId the id
   * @return the record, or empty
   */
  Optional<DeliveryRecord> findById(String deliveryId);

  /**
   * Streams every record of a source, all steps, in no particular order.
   *
   * @param sourceId the source
   * @return the records
   */
  Stream<DeliveryRecord> deliveriesOf(String sourceId);

  /**
   * Streams the records of one step of a source. Called when every run ends (for its report) and
   * when a run resumes: index it by (source, step), since a trigger rule's source gathers one step
   * per event it fired on.
   *
   * @param sourceId the source
   * @param step the step
   * @return the records
   */
  Stream<DeliveryRecord> deliveriesOf(String sourceId, String step);

  /**
   * The player's records created at or after {@code since}, oldest first: read by the
   * frequency-cap gate.
   *
   * @param playerId the player
   * @param since the earliest creation time
   * @return the records
   */
  List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since);

  /**
   * The records of several players created at or after {@code since}, as
   * {@link #deliveriesOfPlayer} reads each: the frequency-cap gate reads a page of the audience at
   * once rather than one round trip per player.
   *
   * <p>The default calls {@link #deliveriesOfPlayer} for each player; a store over a database
   * should override it with one query.
   *
   * @param playerIds the players, distinct
   * @param since the earliest creation time
   * @return each player's records, oldest first; players without records may be left out
   */
  default Map<String, List<DeliveryRecord>> deliveriesOfPlayers(
      Collection<String> playerIds, Instant since) {
    Map<String, List<DeliveryRecord>> records = new HashMap<>();
    for (String playerId : playerIds) {
      List<DeliveryRecord> found = deliveriesOfPlayer(playerId, since);
      if (!found.isEmpty()) {
        records.put(playerId, found);
      }
    }
    return records;
  }

  /**
   * The player's delivery clicked most recently at or after {@code since}: conversions are
   * credited to it.
   *
   * @param playerId the player
   * @param since the earliest click time
   * @return the record, or empty
   */
  Optional<DeliveryRecord> lastClicked(String playerId, Instant since);

  /**
   * Appends an event to the log.
   *
   * @param event the event
   */
  void append(DeliveryEvent event);

  /**
   * Appends several events to the log, in order, as {@link #append} does each one.
   *
   * <p>The default calls {@link #append} for each event; a store over a database should override
   * it with one batched insert.
   *
   * @param events the events
   */
  default void appendAll(List<DeliveryEvent> events) {
    for (DeliveryEvent event : events) {
      append(event);
    }
  }

  /**
   * Streams a player's events, oldest first: the communication log.
   *
   * @param playerId the player
   * @return the events
   */
  Stream<DeliveryEvent> eventsOfPlayer(String playerId);

  /**
   * Streams a source's events, oldest first: the audit of a campaign.
   *
   * @param sourceId the source
   * @return the events
   */
  Stream<DeliveryEvent> eventsOf(String sourceId);

  /**
   * Stores a step's progress, replacing earlier progress of the same step.
   *
   * @param progress the progress
   */
  void saveProgress(DispatchProgress progress);

  /**
   * Reads a step's progress.
   *
   * @param sourceId the source
   * @param step the step
   * @return the progress, or empty when the step never started
   */
  Optional<DispatchProgress> progress(String sourceId, String step);

  /**
   * How the player id of an erased player's delivery starts after {@link #erasePlayer}: the
   * prefix and the delivery id, which leads to nobody, keeps each record's key distinct, and lets
   * the records still count in their campaign's statistics.
   */
  String ERASED_PLAYER_PREFIX = "~erased~";

  /**
   * Erases a player (the right to erasure): each of the player's delivery records is anonymised
   * (player id {@link #ERASED_PLAYER_PREFIX} followed by the delivery id, so its key changes
   * with it; no device id, message id or detail), keeping its delivery id, source,
   * step, variant, type, state, times, click and conversions so that campaign statistics stay
   * correct; the player's events lose their player, device and detail, and are no longer found
   * by {@link #eventsOfPlayer}. Idempotent.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a store that keeps personal
   * data must implement it ({@code dev.herald.testing.DeliveryStoreContract} checks it).
   *
   * @param playerId the player
   * @return how many delivery records were anonymised
   */
  default int erasePlayer(String playerId) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not implement erasePlayer");
  }

  /**
   * Retention: deletes at most {@code maxRows} events that happened before {@code cutoff} and at
   * most {@code maxRows} delivery records created before it, so that one call is a bounded
   * statement. Call it again until it returns 0 (as {@code dev.herald.Herald#deleteOlderThan}
   * does).
   *
   * <p>The default throws {@link UnsupportedOperationException}.
   *
   * @param cutoff events and deliveries older than this go
   * @param maxRows the most events, and the most deliveries, deleted by this call
   * @return how many events and deliveries were deleted
   */
  default int deleteBefore(Instant cutoff, int maxRows) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not implement deleteBefore");
  }
}
