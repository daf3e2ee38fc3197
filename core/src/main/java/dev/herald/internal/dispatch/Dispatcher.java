package dev.herald.internal.dispatch;

import dev.herald.HeraldException;
import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryStats;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.Lease;
import dev.herald.subscription.Platform;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs dispatches: starts a {@link Run} per (source, step), and holds what runs share — one
 * {@link ProviderLane} and rate limit per provider, the per-player lock stripes of the cap gate,
 * and a small pool for timeouts and provider answers. See the {@code dev.herald.dispatch} package documentation for the
 * gates and the at-most-once contract.
 *
 * <p>Threads: each run has one driver task on the dispatch executor, which reads the audience
 * and blocks only on its players-in-progress permits (back-pressure) or while paused. Everything
 * after the compliance check runs on whatever thread completed the previous step (the driver, the
 * scheduler), except a timeout, which is delivered on the dispatcher's own small pool instead of
 * the JDK's timer thread (see {@link Deadline}), and a provider's answer that arrives on the
 * provider's thread (a Netty event loop), which is settled on that pool too (see
 * {@link ProviderLane}): the store writes of a settlement never run on a provider's I/O thread.
 */
public final class Dispatcher {
  /** Set on the pool's threads, which must never wait for room: they free it. */
  private static final ThreadLocal<Boolean> ON_TIMEOUT_THREAD =
      ThreadLocal.withInitial(() -> false);

  private final EngineContext ctx;
  private final Ownership ownership;
  /**
   * Herald's own threads for timeouts and provider answers, which must leave the JDK's timer
   * thread (shared by the whole JVM) or the provider's event loop, and must not wait behind a
   * host's executor, whose threads may all be drivers waiting for these very sends. At most four
   * threads, none while idle; they never wait for lane room (see {@link #awaitLaneRoom}).
   */
  private final ThreadPoolExecutor timeouts;
  private final Map<Platform, ProviderLane> lanes = new EnumMap<>(Platform.class);
  private final Map<Platform, RateLimiter> providerLimits = new EnumMap<>(Platform.class);
  private final Map<String, Run> active = new ConcurrentHashMap<>();
  private final Set<ChunkedDispatch> shares = ConcurrentHashMap.newKeySet();
  private final ReentrantLock[] playerLocks = new ReentrantLock[256];
  private final PendingClaims pendingClaims = new PendingClaims();
  private final SplittableRandom jitterSeed = new SplittableRandom();
  private volatile boolean stopped;

  /**
   * Creates a dispatcher.
   *
   * @param ctx the engine's collaborators
   */
  public Dispatcher(EngineContext ctx) {
    this(ctx, Ownership.local(ctx.clock(), ctx.scheduler()));
  }

  /**
   * Creates a dispatcher whose runs (but one-shot ones) each hold their step's lease.
   *
   * @param ctx the engine's collaborators
   * @param ownership takes and keeps the leases of dispatch steps
   */
  public Dispatcher(EngineContext ctx, Ownership ownership) {
    this.ctx = ctx;
    this.ownership = ownership;
    DispatchSettings settings = ctx.settings();
    this.timeouts = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), runnable -> {
          Thread t = new Thread(() -> {
            ON_TIMEOUT_THREAD.set(true);
            runnable.run();
          }, "herald-timeouts");
          t.setDaemon(true);
          return t;
        });
    timeouts.allowCoreThreadTimeOut(true);
    for (Platform p : Platform.values()) {
      lanes.put(p, new ProviderLane(settings.maxSendsInFlightPerProvider(),
          settings.maxQueuedSendsPerProvider(), settings.sendTimeout(), timeouts));
      settings.providerRateLimit(p).ifPresent(
          rate -> providerLimits.put(p, new RateLimiter(rate, ctx.liveNodes())));
    }
    for (int i = 0; i < playerLocks.length; i++) {
      playerLocks[i] = new ReentrantLock();
    }
  }

  /**
   * Starts a run, or returns the one already running for the same source and step.
   *
   * @param request what to send
   * @return the handle
   */
  public DispatchHandle start(DispatchRequest request) {
    return start(request, false, false);
  }

  /**
   * Starts a run. A one-shot run (a trigger firing, a transactional send: one player) is driven
   * on the caller's thread — it cannot block, having one player — and records no
   * campaign-level completion event. Any other run first takes its step's lease: when another
   * node holds it (and has not let it expire), no run starts here, and the handle returned is
   * complete already, with status STOPPED.
   *
   * @param request what to send
   * @param oneShot whether this is a one-player, caller-driven run
   * @param announce whether to record CAMPAIGN_CREATED when the step starts for the first time
   * @return the handle
   */
  public DispatchHandle start(DispatchRequest request, boolean oneShot, boolean announce) {
    return start(request, null, oneShot, announce);
  }

  /**
   * Starts one of several runs of a step, which releases only some of its audience (a wave of a
   * local-time campaign), or returns the one already running with the same progress key.
   *
   * @param request what to send
   * @param release the players this run releases, and where its progress is kept
   * @return the handle
   */
  public DispatchHandle start(DispatchRequest request, Release release) {
    return start(request, java.util.Objects.requireNonNull(release, "release"), false, false);
  }

  /**
   * Starts one of several runs of a step that go on at the same time (a chunk of its audience),
   * under a lease taken already (the chunk's claim).
   *
   * @param request what to send
   * @param release the players this run releases, and where its progress is kept
   * @param lease the lease the run holds and its writes are fenced by
   * @param cancelled whether the run starts cancelled: it records its players as CANCELLED
   * @return the handle
   */
  DispatchHandle start(DispatchRequest request, Release release, Lease lease,
      boolean cancelled) {
    return start(request, java.util.Objects.requireNonNull(release, "release"), false, false,
        java.util.Objects.requireNonNull(lease, "lease"), cancelled);
  }

  /**
   * Starts this node's share of a step whose audience is cut into chunks that the nodes sharing
   * the {@link AudienceChunks} claim one at a time (see {@link ChunkedDispatch}).
   *
   * @param request what to send
   * @param chunks where the chunks are kept
   * @param playersPerChunk how many players a chunk holds when the step's audience is cut
   * @return the handle of this node's share
   */
  public DispatchHandle startChunked(DispatchRequest request, AudienceChunks chunks,
      int playersPerChunk) {
    if (stopped) {
      throw new HeraldException("this Herald is closed; it starts no new dispatch");
    }
    if (request.audience() instanceof Audience.Segment && ctx.resolver() == null) {
      throw new InvalidInputException("audience", "a segment audience needs an AudienceResolver "
          + "on the Herald builder (add herald-segmentation)");
    }
    ChunkedDispatch share = new ChunkedDispatch(ctx, this, ownership, chunks, request,
        playersPerChunk);
    shares.add(share);
    share.completion().whenComplete((r, e) -> shares.remove(share));
    if (stopped) {
      share.stop(); // stopAll() took its list before this one was added
    } else {
      share.begin();
    }
    return share;
  }

  private DispatchHandle start(DispatchRequest request, Release release, boolean oneShot,
      boolean announce) {
    return start(request, release, oneShot, announce, null, false);
  }

  private DispatchHandle start(DispatchRequest request, Release release, boolean oneShot,
      boolean announce, Lease claimed, boolean cancelled) {
    if (stopped) {
      throw new HeraldException("this Herald is closed; it starts no new dispatch");
    }
    if (request.audience() instanceof Audience.Segment && ctx.resolver() == null) {
      throw new InvalidInputException("audience", "a segment audience needs an AudienceResolver "
          + "on the Herald builder (add herald-segmentation)");
    }
    boolean interrupted = oneShot && awaitLaneRoom();
    if (stopped) { // closed while this caller waited for room
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new HeraldException("this Herald is closed; it starts no new dispatch");
    }
    String progressStep = release == null ? request.step() : release.progressStep();
    String key = DeliveryRecord.key(request.sourceId(), progressStep, "", "");
    Run[] created = new Run[1];
    // The lease is taken under the map's lock for the key: two starts of one step on this node
    // take it once (a second take would raise the token and fence the first run).
    DispatchHandle run = active.computeIfAbsent(key, k -> {
      Lease lease = claimed;
      if (!oneShot && lease == null) {
        Optional<Lease> granted = ownership.acquire(request.sourceId(), progressStep);
        if (granted.isEmpty()) {
          return null;
        }
        lease = granted.get();
      }
      return created[0] = newRun(request, release, k, oneShot, announce, lease);
    });
    if (run == null) {
      return ownedElsewhere(request);
    }
    if (created[0] != null) {
      Run mine = created[0];
      if (stopped) {
        mine.stop(); // stopAll() took its list of runs before this one was added
      } else if (cancelled) {
        mine.cancel(); // before its driver reads anyone
      }
      if (oneShot) {
        mine.drive();
      } else {
        try {
          ctx.driverExecutor().execute(mine::drive);
        } catch (RuntimeException e) {
          active.remove(key, mine);
          mine.failToStart(e);
          throw e;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt(); // given back after the drive, which it would stop
    }
    return run;
  }

  private Run newRun(DispatchRequest request, Release release, String key, boolean oneShot,
      boolean announce, Lease lease) {
    SplittableRandom random;
    synchronized (jitterSeed) {
      random = jitterSeed.split();
    }
    return new Run(ctx, request, release, oneShot, announce, lanes, providerLimits, timeouts,
        this::lockFor, pendingClaims, random, r -> active.remove(key, r), ownership, lease);
  }

  /** The handle of a step another node runs: complete, STOPPED, nothing read or sent here. */
  private DispatchHandle ownedElsewhere(DispatchRequest request) {
    Instant now = ctx.clock().instant();
    DispatchReport report = new DispatchReport(request.sourceId(), request.step(),
        DispatchReport.Status.STOPPED, new DeliveryStats.Accumulator().build(), now, now,
        Optional.of("another node holds the lease of this step"));
    return new ElsewhereHandle(request, report);
  }

  /**
   * @param handle a handle {@link #start} returned
   * @return whether no run started because another node holds the step's lease
   */
  public static boolean ownedElsewhere(DispatchHandle handle) {
    return handle instanceof ElsewhereHandle;
  }

  /** The handle of a step another node runs. */
  private record ElsewhereHandle(DispatchRequest request, DispatchReport report)
      implements DispatchHandle {
    @Override
    public String sourceId() {
      return request.sourceId();
    }

    @Override
    public String step() {
      return request.step();
    }

    @Override
    public CompletableFuture<DispatchReport> completion() {
      return CompletableFuture.completedFuture(report);
    }

    @Override
    public void pause() {}

    @Override
    public void resume() {}

    @Override
    public void cancel() {}

    @Override
    public boolean isPaused() {
      return false;
    }

    @Override
    public long playersRead() {
      return 0;
    }

    @Override
    public int sendsInFlight() {
      return 0;
    }
  }

  /**
   * Stops every run for good, without settling what is claimed (a later run of the same step
   * resumes it): deliveries waiting for their time or for a provider slot are left claimed, calls
   * on the wire finish. Every run's completion future completes with status STOPPED. Called by
   * {@code Herald.close()}.
   */
  public void stopAll() {
    stopped = true;
    for (Run run : List.copyOf(active.values())) {
      run.stop();
    }
    for (ChunkedDispatch share : List.copyOf(shares)) {
      share.stop(); // one between chunks, or paused, has no run to stop
    }
    timeouts.shutdown(); // what is queued still runs; idle threads end
    lanes.values().forEach(ProviderLane::close); // callers waiting for room see the close
  }

  /** @return whether {@link #stopAll} ran: Herald is closing */
  public boolean closed() {
    return stopped;
  }

  /**
   * Back-pressure for one-player runs: the host's thread waits while a provider has
   * {@code maxQueuedSendsPerProvider} calls waiting, so a burst of events or transactional sends
   * cannot queue without bound. An interrupt ends the wait and the send goes on; the caller gets
   * the interrupt flag back afterwards.
   *
   * @return whether the wait was interrupted
   */
  private boolean awaitLaneRoom() {
    if (ON_TIMEOUT_THREAD.get()) {
      return false; // a listener started a send from a timeout: waiting here could block them all
    }
    try {
      for (Platform p : Platform.values()) {
        lanes.get(p).awaitRoom();
      }
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  private ReentrantLock lockFor(String playerId) {
    return playerLocks[(playerId.hashCode() & 0x7fffffff) % playerLocks.length];
  }
}
