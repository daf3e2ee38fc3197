package dev.herald.internal.dispatch;

import dev.herald.HeraldListener;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.internal.GuardedComplianceGuard;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.Scheduler;
import dev.herald.subscription.Subscriptions;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

/**
 * The dispatch engine's collaborators, built once by {@code Herald}. The host's callbacks in it
 * (guard, scheduler, listener) are already contained: the engine calls them directly.
 *
 * @param clock the time source
 * @param subscriptions the subscription state machine
 * @param directory the player directory
 * @param resolver resolves segment audiences, or null when none is registered
 * @param guard the compliance guard, contained
 * @param store the delivery store
 * @param scheduler runs throttled sends, retries and postponed players; contained
 * @param listener the listener, contained
 * @param providers the providers by (platform, brand)
 * @param settings concurrency, retries and timeouts
 * @param driverExecutor runs each dispatch's driver loop
 * @param liveNodes how many nodes share the rate budgets now (1 unless the scheduler tracks
 *     nodes)
 * @param clustered whether the node shares work with others (shared leases or a node-tracking
 *     scheduler): cap checks and claims are then serialised per player in the delivery store
 * @param writers the threads on which campaign runs write their claim batches and what they
 *     write behind, shared by the runs and closed with Herald, so that a run's driver reads and
 *     walks the next players meanwhile; null (the engine does not {@link #pipelined pipeline})
 *     unless Herald runs the drivers on its own threads. A host that gives its own executor for
 *     the drivers keeps every write of a run on the threads it gives (and runs in order, which
 *     tests rely on); so does a node of a cluster.
 */
public record EngineContext(
    Clock clock,
    Subscriptions subscriptions,
    PlayerDirectory directory,
    AudienceResolver resolver,
    GuardedComplianceGuard guard,
    DeliveryStore store,
    Scheduler scheduler,
    HeraldListener listener,
    Providers providers,
    DispatchSettings settings,
    Executor driverExecutor,
    IntSupplier liveNodes,
    boolean clustered,
    WriterThreads writers) {

  /**
   * Requires the providers, an immutable copy already.
   *
   * @param clock the time source
   * @param subscriptions the subscription state machine
   * @param directory the player directory
   * @param resolver resolves segment audiences, or null when none is registered
   * @param guard the compliance guard, contained
   * @param store the delivery store
   * @param scheduler runs throttled sends, retries and postponed players; contained
   * @param listener the listener, contained
   * @param providers the providers by (platform, brand)
   * @param settings concurrency, retries and timeouts
   * @param driverExecutor runs each dispatch's driver loop
   * @param liveNodes how many nodes share the rate budgets now
   * @param clustered whether the node shares work with others: caps are then decided in the store
   * @param writers the threads campaign runs write on, or null: each writes on its own threads
   */
  public EngineContext {
    java.util.Objects.requireNonNull(providers, "providers");
  }

  /**
   * @return whether a campaign's run writes its claim batches and what it writes behind on the
   *     {@link #writers}, while its driver reads and walks the next players
   */
  public boolean pipelined() {
    return writers != null;
  }
}
