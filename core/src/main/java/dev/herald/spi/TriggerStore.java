package dev.herald.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the trigger engine keeps its runtime state: delayed sends, when each player last entered
 * each rule, and when each player last did each kind of activity. {@code
 * dev.herald.embedded.InMemoryTriggerStore} is the default; {@code
 * dev.herald.testing.TriggerStoreContract} checks an implementation.
 *
 * <p>{@link #removePending} must be atomic: the scheduler firing a delayed send and an event
 * cancelling it race for it, and exactly one must win.
 */
public interface TriggerStore {

  /**
   * Stores a delayed send (replacing one with the same id).
   *
   * @param pending the send
   */
  void savePending(PendingTrigger pending);

  /**
   * Removes a delayed send.
   *
   * @param id its id
   * @return true when this call removed it, false when it was already gone
   */
  boolean removePending(String id);

  /**
   * A player's delayed sends.
   *
   * @param playerId the player
   * @return the sends, in no particular order
   */
  List<PendingTrigger> pendingOf(String playerId);

  /**
   * A delayed send by id: read when a durable scheduler fires it, maybe on another node.
   *
   * <p>The default scans {@link #allPending}; a store over a database should override it with a
   * lookup by key.
   *
   * @param id its id
   * @return the send, or empty when it was removed (sent or cancelled)
   */
  default Optional<PendingTrigger> findPending(String id) {
    try (Stream<PendingTrigger> all = allPending()) {
      return all.filter(p -> p.id().equals(id)).findFirst();
    }
  }

  /**
   * Every delayed send, for re-arming after a restart. The caller closes the stream.
   *
   * @return the sends
   */
  Stream<PendingTrigger> allPending();

  /**
   * Records that a player entered a rule.
   *
   * @param ruleId the rule
   * @param playerId the player
   * @param at when
   */
  void recordEntry(String ruleId, String playerId, Instant at);

  /**
   * When a player last entered a rule.
   *
   * @param ruleId the rule
   * @param playerId the player
   * @return the instant, or empty when never
   */
  Optional<Instant> lastEntry(String ruleId, String playerId);

  /**
   * Records a player's activity (keeps the latest per type).
   *
   * @param playerId the player
   * @param eventType the event type name
   * @param at when it happened
   */
  void recordActivity(String playerId, String eventType, Instant at);

  /**
   * When a player last did an activity, among the events reported to Herald.
   *
   * @param playerId the player
   * @param eventType the event type name
   * @return the instant, or empty when never reported
   */
  Optional<Instant> lastActivity(String playerId, String eventType);

  /**
   * Erases a player (the right to erasure): removes the player's delayed sends (so none of them
   * fires: a firing first {@link #removePending removes} its send), rule entries and recorded
   * activity. Idempotent.
   *
   * <p>The default throws {@link UnsupportedOperationException}: a store that keeps personal
   * data must implement it ({@code dev.herald.testing.TriggerStoreContract} checks it).
   *
   * @param playerId the player
   * @return how many delayed sends were removed
   */
  default int erasePlayer(String playerId) {
    throw new UnsupportedOperationException(
        getClass().getName() + " does not implement erasePlayer");
  }
}
