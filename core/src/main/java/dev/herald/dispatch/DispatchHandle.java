package dev.herald.dispatch;

import java.util.concurrent.CompletableFuture;

/**
 * Control over a running dispatch. Thread-safe.
 *
 * <p>{@link #pause()} stops new provider calls at once and stops reading the audience: once it
 * returns, no provider call of the run starts, not even one queued for a provider slot (calls on
 * the wire finish). {@link #resume()} continues, sending nothing twice. {@link #cancel()} stops for
 * good with the same promise: deliveries claimed but not yet sent are recorded as suppressed with
 * reason {@code CANCELLED}, and so is each player of the audience the run never reached. The
 * {@link #completion()} future always completes, with a report.
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
