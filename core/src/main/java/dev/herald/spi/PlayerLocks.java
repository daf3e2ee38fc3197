package dev.herald.spi;

/**
 * A capability of a {@link DeliveryStore} shared by several Herald nodes: decisions about one
 * player serialised across all of them. Herald takes the lock, when the delivery store has it,
 * around the decisions that must be exact across the cluster: a trigger rule's entry mode (once
 * per player, cool-downs) and priority, and a frequency-capped message's cap check and claim.
 * Within one process Herald serialises a player's decisions itself; a store used by one process
 * needs none of this ({@code dev.herald.embedded} stores do not implement it).
 *
 * <p>While the lock is held, the store's reads and writes on the holding thread must see every
 * write made under an earlier hold of the same player's lock, and the writes made under the lock
 * must be visible to the next holder. {@code dev.herald.jdbc.JdbcDeliveryStore} holds it as a
 * PostgreSQL transaction-scoped advisory lock, and runs the calls of every Herald JDBC store over
 * the same {@code DataSource} on the holding thread in that transaction, committed at
 * {@link Held#close()}.
 */
public interface PlayerLocks {

  /**
   * Locks a player, waiting while another thread or node holds the lock. Herald holds one
   * player's lock at a time on a thread, briefly, and never calls a provider under it.
   *
   * @param playerId the player
   * @return the held lock; close it on the same thread
   */
  Held lockPlayer(String playerId);

  /** A held player lock. */
  interface Held extends AutoCloseable {
    /** Releases the lock, making what was written under it visible to the next holder. */
    @Override
    void close();
  }
}
