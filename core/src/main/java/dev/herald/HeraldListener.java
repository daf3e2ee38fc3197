package dev.herald;

import dev.herald.subscription.StatusChange;

/**
 * Observes what Herald does, for metrics and audit feeds. Every method has a no-op default, so
 * new events never break an implementation (the shape of OkHttp's {@code EventListener}).
 *
 * <p>Methods are called on Herald's threads, concurrently; they must be fast, must not block and
 * should not throw: an exception is logged and otherwise ignored. Do not drive business logic
 * from a listener.
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
}
