package dev.herald.trigger;

import dev.herald.spi.PendingTrigger;
import dev.herald.spi.TriggerStore;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** A trigger store that passes everything to another; tests override what they observe. */
class DelegatingTriggerStore implements TriggerStore {
  private final TriggerStore delegate;

  DelegatingTriggerStore(TriggerStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void savePending(PendingTrigger pending) {
    delegate.savePending(pending);
  }

  @Override
  public boolean removePending(String id) {
    return delegate.removePending(id);
  }

  @Override
  public List<PendingTrigger> pendingOf(String playerId) {
    return delegate.pendingOf(playerId);
  }

  @Override
  public Stream<PendingTrigger> allPending() {
    return delegate.allPending();
  }

  @Override
  public void recordEntry(String ruleId, String playerId, Instant at) {
    delegate.recordEntry(ruleId, playerId, at);
  }

  @Override
  public Optional<Instant> lastEntry(String ruleId, String playerId) {
    return delegate.lastEntry(ruleId, playerId);
  }

  @Override
  public void recordActivity(String playerId, String eventType, Instant at) {
    delegate.recordActivity(playerId, eventType, at);
  }

  @Override
  public Optional<Instant> lastActivity(String playerId, String eventType) {
    return delegate.lastActivity(playerId, eventType);
  }
}
