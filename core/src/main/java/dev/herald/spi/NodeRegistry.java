package dev.herald.spi;

/**
 * A capability of a {@link DurableScheduler} that tracks the nodes sharing Herald's storage (each
 * announces itself by heartbeat while it runs). Herald then treats its rate limits as cluster
 * budgets: a provider's limit ({@code DispatchSettings.providerRateLimit}) and a run's
 * {@code DeliveryPolicy.messagesPerSecond} are each split evenly across the live nodes, every node
 * sending at most its share. {@code dev.herald.jdbc.JdbcScheduler} implements it.
 */
public interface NodeRegistry {

  /**
   * How many nodes are live now, this one included; read on every rate-limited send, so it must
   * be cheap (a value the heartbeat refreshed, not a query).
   *
   * @return at least 1
   */
  int liveNodes();
}
