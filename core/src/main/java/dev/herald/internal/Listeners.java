package dev.herald.internal;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a {@link HeraldListener} so that a listener that throws cannot break Herald. */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(HeraldListener.class);

  private Listeners() {}

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
    } catch (RuntimeException e) {
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
}
