package dev.herald.internal;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.dispatch.DispatchReport;
import dev.herald.spi.SendResult;
import dev.herald.trigger.TriggerFiring;
import dev.herald.subscription.StatusChange;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contains a host's {@link HeraldListener}: {@link #guarded} wraps it once, when Herald is built
 * (the way Caffeine's {@code Scheduler.guardedScheduler} does), so that nothing it throws — an
 * {@link Error} included — reaches Herald's code, and every call site calls it directly.
 */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(HeraldListener.class);

  private Listeners() {}

  /**
   * The listener with every method contained: what it throws is logged and dropped.
   *
   * @param listener the host's listener
   * @return a listener that never throws
   */
  public static HeraldListener guarded(HeraldListener listener) {
    if (listener == HeraldListener.NONE || listener instanceof Guarded) {
      return listener;
    }
    return new Guarded(listener);
  }

  /**
   * Calls the listener, logging and swallowing anything it throws.
   *
   * @param listener the listener
   * @param call the callback
   */
  public static void safely(HeraldListener listener, Consumer<HeraldListener> call) {
    if (listener == HeraldListener.NONE) {
      return;
    }
    try {
      call.accept(listener);
    } catch (RuntimeException | LinkageError | AssertionError e) {
      log.warn("a HeraldListener threw; ignored", e);
    }
  }

  /**
   * Tells the listener about a recorded event.
   *
   * @param listener the listener
   * @param event the event
   */
  public static void eventRecorded(HeraldListener listener, DeliveryEvent event) {
    safely(listener, l -> l.eventRecorded(event));
  }

  /** A listener that passes each call on and contains what the host's listener throws. */
  private static final class Guarded implements HeraldListener {
    private final HeraldListener host;

    Guarded(HeraldListener host) {
      this.host = host;
    }

    @Override
    public void statusChanged(StatusChange change) {
      safely(host, l -> l.statusChanged(change));
    }

    @Override
    public void eventRecorded(DeliveryEvent event) {
      safely(host, l -> l.eventRecorded(event));
    }

    @Override
    public void dispatchStarted(String sourceId, String step) {
      safely(host, l -> l.dispatchStarted(sourceId, step));
    }

    @Override
    public void dispatchFinished(DispatchReport report) {
      safely(host, l -> l.dispatchFinished(report));
    }

    @Override
    public void suppressed(DeliveryRecord delivery) {
      safely(host, l -> l.suppressed(delivery));
    }

    @Override
    public void sendStarted(DeliveryRecord delivery, int attempt) {
      safely(host, l -> l.sendStarted(delivery, attempt));
    }

    @Override
    public void sendFinished(DeliveryRecord delivery, int attempt, SendResult result,
        Duration duration) {
      safely(host, l -> l.sendFinished(delivery, attempt, result, duration));
    }

    @Override
    public void sendFailed(DeliveryRecord delivery, int attempt, Throwable error) {
      safely(host, l -> l.sendFailed(delivery, attempt, error));
    }

    @Override
    public void retryScheduled(DeliveryRecord delivery, int nextAttempt, Duration delay) {
      safely(host, l -> l.retryScheduled(delivery, nextAttempt, delay));
    }

    @Override
    public void triggerFired(TriggerFiring firing) {
      safely(host, l -> l.triggerFired(firing));
    }
  }
}
