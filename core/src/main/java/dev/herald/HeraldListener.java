package dev.herald;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.dispatch.DispatchReport;
import dev.herald.spi.SendResult;
import dev.herald.subscription.StatusChange;
import dev.herald.trigger.TriggerFiring;
import java.time.Duration;

/**
 * Observes what Herald does, for metrics and audit feeds. Every method has a no-op default, so
 * new events never break an implementation (the shape of OkHttp's {@code EventListener}); bind
 * Micrometer, Prometheus or your logs here without Herald depending on them.
 *
 * <p>Methods are called on Herald's threads (dispatch drivers, provider callbacks, the
 * scheduler), concurrently; they must be fast, must not block and should not throw: an exception
 * is logged and otherwise ignored. Do not drive business logic from a listener.
 *
 * <p>For each provider call there is one {@link #sendStarted} followed by exactly one
 * {@link #sendFinished} or {@link #sendFailed}.
 */
public interface HeraldListener {

  /** A listener that ignores everything. */
  HeraldListener NONE = new HeraldListener() {};

  /**
   * A device's status or address changed; called after the change is stored.
   *
   * @param change the history entry that was stored
   */
  default void statusChanged(StatusChange change) {}

  /**
   * An event was appended to the event log (sent, delivered, failed, suppressed, clicked, ...).
   *
   * @param event the event
   */
  default void eventRecorded(DeliveryEvent event) {}

  /**
   * A dispatch run started (or resumed).
   *
   * @param sourceId the source
   * @param step the step
   */
  default void dispatchStarted(String sourceId, String step) {}

  /**
   * A dispatch run ended.
   *
   * @param report how it ended, with its counts
   */
  default void dispatchFinished(DispatchReport report) {}

  /**
   * A gate held a delivery back.
   *
   * @param delivery the suppressed delivery; its reason says which gate
   */
  default void suppressed(DeliveryRecord delivery) {}

  /**
   * A provider call is about to be made.
   *
   * @param delivery the delivery
   * @param attempt 1 for the first call
   */
  default void sendStarted(DeliveryRecord delivery, int attempt) {}

  /**
   * A provider call completed with an outcome.
   *
   * @param delivery the delivery
   * @param attempt the attempt number
   * @param result the outcome
   * @param duration how long the call took
   */
  default void sendFinished(DeliveryRecord delivery, int attempt, SendResult result,
      Duration duration) {}

  /**
   * A provider call failed in transport (or timed out).
   *
   * @param delivery the delivery
   * @param attempt the attempt number
   * @param error the failure
   */
  default void sendFailed(DeliveryRecord delivery, int attempt, Throwable error) {}

  /**
   * A delivery will be tried again.
   *
   * @param delivery the delivery
   * @param nextAttempt the number of the next attempt
   * @param delay how long until it
   */
  default void retryScheduled(DeliveryRecord delivery, int nextAttempt, Duration delay) {}

  /**
   * A trigger rule matched a reported player event: it sent, scheduled, or skipped (see the
   * firing's decision and reason). Called once per matching rule, after the decision is stored.
   *
   * @param firing what the rule did
   */
  default void triggerFired(TriggerFiring firing) {}
}
