package dev.herald.dispatch;

import java.util.concurrent.CompletableFuture;

/**
 * Control over a running dispatch. Thread-safe.
 *
 * <p>{@link #pause()} stops new provider calls at once (calls in flight finish) and stops reading
 * the audience; {@link #resume()} continues, sending nothing twice; {@link #cancel()} stops for
 * good: deliveries claimed but not yet sent are recorded as suppressed with reason
 * {@code CANCELLED}. The {@link #completion()} future always completes, with a report.
 */
public interface DispatchHandle {

  /** @return the source id */
  String sourceId();

  /** @return the step */
  String step();

  /** @return completes when every delivery of the run is settled, or the run is cancelled */
  CompletableFuture<DispatchReport> completion();

  /** Stops new sends at once; idempotent. */
  void pause();

  /** Continues a paused run; idempotent. */
  void resume();

  /** Stops for good; idempotent. */
  void cancel();

  /** @return whether the run is paused */
  boolean isPaused();

  /** @return players taken from the audience so far */
  long playersRead();

  /** @return provider calls in flight right now, across this run */
  int sendsInFlight();
}
