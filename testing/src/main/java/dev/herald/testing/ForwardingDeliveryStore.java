package dev.herald.testing;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Lease;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A {@link DeliveryStore} that passes every call to another one, for tests that watch or break
 * one operation of a real store: subclass it and override what the test is about.
 *
 * <pre>{@code
 * AtomicInteger claims = new AtomicInteger();
 * DeliveryStore counting = new ForwardingDeliveryStore(new InMemoryDeliveryStore()) {
 *   @Override
 *   public boolean claim(DeliveryRecord record) {
 *     claims.incrementAndGet();
 *     return super.claim(record);
 *   }
 * };
 * }</pre>
 *
 * <p>Every method is forwarded, the SPI's default methods too: the batch operations
 * ({@link #claimAll}, {@link #modifyAll}, {@link #appendAll}, {@link #deliveriesOfPlayers}) reach
 * the delegate's own batch implementation, not the overridden single-row method. A test that
 * wants a batch to go through its single-row override, or a store that behaves as one written
 * against the single-row methods only, overrides the batch method with the matching
 * {@code default…} helper ({@link #defaultClaimAll}, …), which runs the SPI's default over this
 * store's methods. {@link #fencedBy} returns the delegate's fenced view, which this subclass's
 * overrides do not see: override it to wrap that view too.
 */
public class ForwardingDeliveryStore implements DeliveryStore {
  private final DeliveryStore delegate;

  /**
   * Creates a store that forwards to {@code delegate}.
   *
   * @param delegate the store every call goes to
   */
  public ForwardingDeliveryStore(DeliveryStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** @return the store every call goes to */
  protected final DeliveryStore delegate() {
    return delegate;
  }

  @Override
  public boolean claim(DeliveryRecord record) {
    return delegate.claim(record);
  }

  @Override
  public void update(DeliveryRecord record) {
    delegate.update(record);
  }

  @Override
  public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    return delegate.modify(key, change);
  }

  @Override
  public List<Boolean> claimAll(List<DeliveryRecord> records) {
    return delegate.claimAll(records);
  }

  @Override
  public List<DeliveryRecord> modifyAll(List<String> keys, UnaryOperator<DeliveryRecord> change) {
    return delegate.modifyAll(keys, change);
  }

  @Override
  public DeliveryStore fencedBy(Lease lease) {
    return delegate.fencedBy(lease);
  }

  @Override
  public Optional<DeliveryRecord> find(String key) {
    return delegate.find(key);
  }

  @Override
  public Optional<DeliveryRecord> findById(String deliveryId) {
    return delegate.findById(deliveryId);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
    return delegate.deliveriesOf(sourceId);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    return delegate.deliveriesOf(sourceId, step);
  }

  @Override
  public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
    return delegate.deliveriesOfPlayer(playerId, since);
  }

  @Override
  public Map<String, List<DeliveryRecord>> deliveriesOfPlayers(Collection<String> playerIds,
      Instant since) {
    return delegate.deliveriesOfPlayers(playerIds, since);
  }

  @Override
  public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
    return delegate.lastClicked(playerId, since);
  }

  @Override
  public void append(DeliveryEvent event) {
    delegate.append(event);
  }

  @Override
  public void appendAll(List<DeliveryEvent> events) {
    delegate.appendAll(events);
  }

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    return delegate.eventsOfPlayer(playerId);
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    return delegate.eventsOf(sourceId);
  }

  @Override
  public void saveProgress(DispatchProgress progress) {
    delegate.saveProgress(progress);
  }

  @Override
  public Optional<DispatchProgress> progress(String sourceId, String step) {
    return delegate.progress(sourceId, step);
  }

  @Override
  public int erasePlayer(String playerId) {
    return delegate.erasePlayer(playerId);
  }

  @Override
  public int deleteBefore(Instant cutoff, int maxRows) {
    return delegate.deleteBefore(cutoff, maxRows);
  }

  /**
   * The SPI's default {@link DeliveryStore#modify}: {@link #find}, then {@link #update}, on this
   * store.
   *
   * @param key the record's key
   * @param change the new state from the current one
   * @return the record as written, or empty when no record has the key
   */
  protected final Optional<DeliveryRecord> defaultModify(String key,
      UnaryOperator<DeliveryRecord> change) {
    return DeliveryStore.super.modify(key, change);
  }

  /**
   * The SPI's default {@link DeliveryStore#claimAll}: {@link #claim} for each record, on this
   * store.
   *
   * @param records the new records
   * @return for each record, whether it was inserted
   */
  protected final List<Boolean> defaultClaimAll(List<DeliveryRecord> records) {
    return DeliveryStore.super.claimAll(records);
  }

  /**
   * The SPI's default {@link DeliveryStore#modifyAll}: {@link #modify} for each key, on this
   * store.
   *
   * @param keys the records' keys
   * @param change the new state from the current one
   * @return the records as written
   */
  protected final List<DeliveryRecord> defaultModifyAll(List<String> keys,
      UnaryOperator<DeliveryRecord> change) {
    return DeliveryStore.super.modifyAll(keys, change);
  }

  /**
   * The SPI's default {@link DeliveryStore#deliveriesOfPlayers}: {@link #deliveriesOfPlayer} for
   * each player, on this store.
   *
   * @param playerIds the players
   * @param since the earliest creation time
   * @return each player's deliveries
   */
  protected final Map<String, List<DeliveryRecord>> defaultDeliveriesOfPlayers(
      Collection<String> playerIds, Instant since) {
    return DeliveryStore.super.deliveriesOfPlayers(playerIds, since);
  }

  /**
   * The SPI's default {@link DeliveryStore#appendAll}: {@link #append} for each event, on this
   * store.
   *
   * @param events the events
   */
  protected final void defaultAppendAll(List<DeliveryEvent> events) {
    DeliveryStore.super.appendAll(events);
  }
}
