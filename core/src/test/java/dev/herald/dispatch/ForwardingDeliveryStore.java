package dev.herald.dispatch;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DispatchProgress;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A delivery store that passes every call to another, for a test to watch or hold up the calls
 * it overrides (batch calls included, so the other store's own batches are used).
 */
public class ForwardingDeliveryStore implements DeliveryStore {
  private final DeliveryStore to;

  public ForwardingDeliveryStore(DeliveryStore to) {
    this.to = to;
  }

  @Override
  public boolean claim(DeliveryRecord record) {
    return to.claim(record);
  }

  @Override
  public List<Boolean> claimAll(List<DeliveryRecord> records) {
    return to.claimAll(records);
  }

  @Override
  public void update(DeliveryRecord record) {
    to.update(record);
  }

  @Override
  public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    return to.modify(key, change);
  }

  @Override
  public List<DeliveryRecord> modifyAll(List<String> keys, UnaryOperator<DeliveryRecord> change) {
    return to.modifyAll(keys, change);
  }

  @Override
  public Optional<DeliveryRecord> find(String key) {
    return to.find(key);
  }

  @Override
  public Optional<DeliveryRecord> findById(String deliveryId) {
    return to.findById(deliveryId);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
    return to.deliveriesOf(sourceId);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    return to.deliveriesOf(sourceId, step);
  }

  @Override
  public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
    return to.deliveriesOfPlayer(playerId, since);
  }

  @Override
  public Map<String, List<DeliveryRecord>> deliveriesOfPlayers(Collection<String> playerIds,
      Instant since) {
    return to.deliveriesOfPlayers(playerIds, since);
  }

  @Override
  public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
    return to.lastClicked(playerId, since);
  }

  @Override
  public void append(DeliveryEvent event) {
    to.append(event);
  }

  @Override
  public void appendAll(List<DeliveryEvent> events) {
    to.appendAll(events);
  }

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    return to.eventsOfPlayer(playerId);
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    return to.eventsOf(sourceId);
  }

  @Override
  public void saveProgress(DispatchProgress progress) {
    to.saveProgress(progress);
  }

  @Override
  public Optional<DispatchProgress> progress(String sourceId, String step) {
    return to.progress(sourceId, step);
  }

  @Override
  public int erasePlayer(String playerId) {
    return to.erasePlayer(playerId);
  }

  @Override
  public int deleteBefore(Instant cutoff, int maxRows) {
    return to.deleteBefore(cutoff, maxRows);
  }
}
