package dev.herald.spring.boot;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.dispatch.DispatchReport;
import dev.herald.internal.Listeners;
import dev.herald.spi.SendResult;
import dev.herald.subscription.StatusChange;
import dev.herald.trigger.TriggerFiring;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Tells every listener bean (the Micrometer one and the host's) of each event; one that throws
 * does not keep the others from hearing it.
 */
final class CompositeHeraldListener implements HeraldListener {
  private final List<HeraldListener> listeners;

  private CompositeHeraldListener(List<HeraldListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  static HeraldListener of(List<HeraldListener> listeners) {
    return switch (listeners.size()) {
      case 0 -> HeraldListener.NONE;
      case 1 -> listeners.get(0);
      default -> new CompositeHeraldListener(listeners);
    };
  }

  private void each(Consumer<HeraldListener> call) {
    for (HeraldListener listener : listeners) {
      Listeners.safely(listener, call);
    }
  }

  @Override
  public void statusChanged(StatusChange change) {
    each(l -> l.statusChanged(change));
  }

  @Override
  public void eventRecorded(DeliveryEvent event) {
    each(l -> l.eventRecorded(event));
  }

  @Override
  public void dispatchStarted(String sourceId, String step) {
    each(l -> l.dispatchStarted(sourceId, step));
  }

  @Override
  public void dispatchFinished(DispatchReport report) {
    each(l -> l.dispatchFinished(report));
  }

  @Override
  public void suppressed(DeliveryRecord delivery) {
    each(l -> l.suppressed(delivery));
  }

  @Override
  public void sendStarted(DeliveryRecord delivery, int attempt) {
    each(l -> l.sendStarted(delivery, attempt));
  }

  @Override
  public void sendFinished(
      DeliveryRecord delivery, int attempt, SendResult result, Duration duration) {
    each(l -> l.sendFinished(delivery, attempt, result, duration));
  }

  @Override
  public void sendFailed(DeliveryRecord delivery, int attempt, Throwable error) {
    each(l -> l.sendFailed(delivery, attempt, error));
  }

  @Override
  public void retryScheduled(DeliveryRecord delivery, int nextAttempt, Duration delay) {
    each(l -> l.retryScheduled(delivery, nextAttempt, delay));
  }

  @Override
  public void triggerFired(TriggerFiring firing) {
    each(l -> l.triggerFired(firing));
  }
}
