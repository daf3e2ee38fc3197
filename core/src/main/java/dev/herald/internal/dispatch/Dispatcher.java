package dev.herald.internal.dispatch;

import dev.herald.HeraldListener;
import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.content.Notification;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.dispatch.Variant;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.internal.Listeners;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.Scheduler;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PlayerPushState;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.Subscriptions;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs dispatches: streams an audience, applies the gates, claims each delivery, calls providers
 * with bounded concurrency and rate, retries, and records every outcome. See the
 * {@code dev.herald.dispatch} package documentation for the gates and the at-most-once contract.
 *
 * <p>Threads: each run has one driver task on the dispatch executor, which reads the audience
 * and blocks only on its players-in-progress permits (back-pressure) or while paused. Everything
 * after the compliance check runs on whatever thread completed the previous step (the driver, a
 * provider callback, the scheduler), except a timeout, which is delivered on the dispatcher's own
 * small pool instead of the JDK's timer thread (see {@link Deadline}).
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final int MAX_TRACKED_PLAYERS = 65_536;
  /** Set on the timeout threads, which must never wait for room: they free it. */
  private static final ThreadLocal<Boolean> ON_TIMEOUT_THREAD =
      ThreadLocal.withInitial(() -> false);

  private final Subscriptions subscriptions;
  private final PlayerDirectory directory;
  private final AudienceResolver resolver;
  private final ComplianceGuard guard;
  private final DeliveryStore store;
  private final Scheduler scheduler;
  private final Clock clock;
  private final HeraldListener listener;
  private final Map<Platform, PushProvider> providers;
  private final DispatchSettings settings;
  private final Executor driverExecutor;
  /**
   * Herald's own threads for timeouts, which must leave the JDK's timer thread (shared by the
   * whole JVM) and must not wait behind a host's executor, whose threads may all be drivers
   * waiting for these very sends. At most four threads, none while idle.
   */
  private final ThreadPoolExecutor timeouts;
  private final Map<Platform, ProviderLane> lanes = new EnumMap<>(Platform.class);
  private final Map<Platform, RateLimiter> providerLimits = new EnumMap<>(Platform.class);
  private final Map<String, Run> active = new ConcurrentHashMap<>();
  private final ReentrantLock[] playerLocks = new ReentrantLock[256];
  private final SplittableRandom jitterSeed = new SplittableRandom();
  private volatile boolean stopped;

  /**
   * Creates a dispatcher.
   *
   * @param subscriptions the subscription state machine
   * @param directory the player directory
   * @param resolver resolves segment audiences, or null when none is registered
   * @param guard the compliance guard
   * @param store the delivery store
   * @param scheduler runs delayed sends, retries and postponed players
   * @param clock the time source
   * @param listener the listener
   * @param providers the providers by platform
   * @param settings concurrency, retries and timeouts
   * @param driverExecutor runs each dispatch's driver loop
   */
  public Dispatcher(Subscriptions subscriptions, PlayerDirectory directory,
      AudienceResolver resolver, ComplianceGuard guard, DeliveryStore store, Scheduler scheduler,
      Clock clock, HeraldListener listener, Map<Platform, PushProvider> providers,
      DispatchSettings settings, Executor driverExecutor) {
    this.subscriptions = subscriptions;
    this.directory = directory;
    this.resolver = resolver;
    this.guard = guard;
    this.store = store;
    this.scheduler = scheduler;
    this.clock = clock;
    this.listener = listener;
    this.providers = Map.copyOf(providers);
    this.settings = settings;
    this.driverExecutor = driverExecutor;
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
          settings.maxQueuedSendsPerProvider(), timeouts));
      settings.providerRateLimit(p).ifPresent(rate -> providerLimits.put(p, new RateLimiter(rate)));
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
   * campaign-level completion event.
   *
   * @param request what to send
   * @param oneShot whether this is a one-player, caller-driven run
   * @param announce whether to record CAMPAIGN_CREATED when the step starts for the first time
   * @return the handle
   */
  public DispatchHandle start(DispatchRequest request, boolean oneShot, boolean announce) {
    if (stopped) {
      throw new dev.herald.HeraldException("this Herald is closed; it starts no new dispatch");
    }
    if (request.audience() instanceof Audience.Segment && resolver == null) {
      throw new InvalidInputException("audience", "a segment audience needs an AudienceResolver "
          + "on the Herald builder (add herald-segmentation)");
    }
    boolean interrupted = oneShot && awaitLaneRoom();
    if (stopped) { // closed while this caller waited for room
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
      throw new dev.herald.HeraldException("this Herald is closed; it starts no new dispatch");
    }
    String key = DeliveryRecord.key(request.sourceId(), request.step(), "", "");
    Run[] created = new Run[1];
    Run run = active.computeIfAbsent(key, k -> created[0] = new Run(request, k, oneShot,
        announce));
    if (created[0] != null) {
      if (stopped) {
        run.stop(); // close() took its list of runs before this one was added
      }
      if (oneShot) {
        run.drive();
      } else {
        try {
          driverExecutor.execute(run::drive);
        } catch (RuntimeException e) {
          active.remove(key, run);
          run.completion.completeExceptionally(e);
          throw e;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt(); // given back after the drive, which it would stop
    }
    return run;
  }

  /**
   * Stops every run for good, without settling what is claimed (a later run of the same step
   * resumes it): deliveries waiting on the scheduler are dropped, calls in flight finish. Every
   * run's completion future completes with status STOPPED. Called by {@code Herald.close()}.
   */
  public void stopAll() {
    stopped = true;
    for (Run run : List.copyOf(active.values())) {
      run.stop();
    }
    timeouts.shutdown(); // what is queued still runs; idle threads end
    lanes.values().forEach(ProviderLane::close); // callers waiting for room see the close
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
      for (Platform p : providers.keySet()) {
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

  /** One run of one dispatch step. */
  private final class Run implements DispatchHandle {
    private final DispatchRequest request;
    private final String activeKey;
    private final boolean oneShot;
    private final boolean announce;
    private final Set<Later> scheduled = ConcurrentHashMap.newKeySet();
    private final NotificationType type;
    private final String category;
    private final DeliveryPolicy policy;
    private final List<Variant> variants;
    private final List<Renderer> renderers = new ArrayList<>();
    private final int totalWeight;
    private final RateLimiter runLimit;
    private final SplittableRandom random;
    private final Semaphore playerPermits;
    private final AtomicInteger outstanding = new AtomicInteger();
    private final AtomicLong playersRead = new AtomicLong();
    private final AtomicInteger sendsInFlight = new AtomicInteger();
    private final CompletableFuture<DispatchReport> completion = new CompletableFuture<>();
    private final Object pauseLock = new Object();
    private final List<Runnable> parked = new ArrayList<>();
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final Tracker tracker = new Tracker();
    /**
     * Players waiting out quiet hours, by the instant they wake: one scheduler task per instant
     * (in practice one per time zone), not one per player, and only their ids are kept.
     */
    private final Map<Instant, List<String>> postponedUntil = new HashMap<>(); // guarded by itself
    /** Woken players waiting for a players-in-progress permit; see {@link #pump()}. */
    private final ArrayDeque<String> woken = new ArrayDeque<>(); // guarded by itself
    private final AtomicInteger pumpRequests = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean cancelled;
    private volatile boolean halted;
    private volatile boolean driverDone;
    private volatile boolean resuming;
    private volatile RuntimeException driverError;
    private volatile Instant startedAt;
    private volatile Instant expiresAt;

    Run(DispatchRequest request, String activeKey, boolean oneShot, boolean announce) {
      this.request = request;
      this.activeKey = activeKey;
      this.oneShot = oneShot;
      this.announce = announce;
      this.type = request.type();
      this.category = request.variants().get(0).content().defaultTemplate().category()
          .orElse(type.category());
      this.policy = request.policy();
      this.variants = request.variants();
      int weight = 0;
      for (Variant v : variants) {
        renderers.add(new Renderer(v.content()));
        weight += v.weight();
      }
      this.totalWeight = weight;
      this.runLimit = policy.messagesPerSecond().isPresent()
          ? new RateLimiter(policy.messagesPerSecond().getAsDouble()) : null;
      synchronized (jitterSeed) {
        this.random = jitterSeed.split();
      }
      this.playerPermits = new Semaphore(settings.maxPlayersInProgress());
    }

    // ------------------------------------------------------------------ handle

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
      return completion;
    }

    @Override
    public void pause() {
      synchronized (pauseLock) {
        paused = true;
      }
    }

    @Override
    public void resume() {
      List<Runnable> toRun;
      synchronized (pauseLock) {
        paused = false;
        toRun = new ArrayList<>(parked);
        parked.clear();
        pauseLock.notifyAll();
      }
      toRun.forEach(Runnable::run);
      pump();
    }

    @Override
    public void cancel() {
      end(false);
    }

    /** Ends the run without settling claims: what is claimed stays for a later run to resume. */
    void stop() {
      end(true);
    }

    private void end(boolean halt) {
      List<Runnable> toRun;
      synchronized (pauseLock) {
        if (halt) {
          halted = true;
        }
        cancelled = true;
        toRun = new ArrayList<>(parked);
        parked.clear();
        pauseLock.notifyAll();
      }
      toRun.forEach(Runnable::run); // each sees the end and settles (or, halted, just stops)
      for (Later later : List.copyOf(scheduled)) {
        later.cancel(!halted);
      }
      pump(); // ends the woken players still waiting for a permit
    }

    /**
     * Schedules work of this run; cancel() and stop() cancel it and call its end handler
     * (with whether to settle) instead of waiting for its time.
     */
    private void later(Instant at, Runnable work, java.util.function.Consumer<Boolean> onEnd) {
      Later entry = new Later(onEnd);
      scheduled.add(entry);
      if (cancelled) {
        entry.cancel(!halted);
        return;
      }
      try {
        entry.task = scheduler.schedule(at, () -> {
          if (scheduled.remove(entry)) {
            work.run();
          }
        });
      } catch (RuntimeException e) {
        log.error("could not schedule work of {}; ending it", request.sourceId(), e);
        entry.cancel(true);
      }
    }

    /** Work this run handed to the scheduler. */
    private final class Later {
      private final java.util.function.Consumer<Boolean> onEnd;
      private volatile Scheduler.ScheduledTask task;

      Later(java.util.function.Consumer<Boolean> onEnd) {
        this.onEnd = onEnd;
      }

      void cancel(boolean settle) {
        if (!scheduled.remove(this)) {
          return; // already running, or already ended
        }
        if (task != null) {
          task.cancel();
        }
        try {
          onEnd.accept(settle);
        } catch (RuntimeException e) {
          log.error("ending scheduled work of {} failed", request.sourceId(), e);
        }
      }
    }

    @Override
    public boolean isPaused() {
      return paused;
    }

    @Override
    public long playersRead() {
      return playersRead.get();
    }

    @Override
    public int sendsInFlight() {
      return sendsInFlight.get();
    }

    // ------------------------------------------------------------------ driver

    void drive() {
      try {
        Instant now = clock.instant();
        Optional<DispatchProgress> prior = store.progress(request.sourceId(), request.step());
        if (prior.flatMap(DispatchProgress::completedAt).isPresent()) {
          startedAt = prior.get().startedAt();
          driverDone = true;
          maybeFinish();
          return;
        }
        startedAt = prior.map(DispatchProgress::startedAt).orElse(now);
        if (prior.isEmpty()) {
          if (announce) {
            record(DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, now, request.sourceId(),
                request.step(), ""));
          }
          store.saveProgress(new DispatchProgress(request.sourceId(), request.step(), now,
              Optional.empty(), Optional.empty()));
        }
        Instant ttlEnd = startedAt.plus(request.variants().get(0).content().defaultTemplate().ttl());
        expiresAt = policy.deadline().filter(d -> d.isBefore(ttlEnd)).orElse(ttlEnd);
        Listeners.safely(listener, l -> l.dispatchStarted(request.sourceId(), request.step()));
        if (prior.isPresent()) {
          resuming = true;
          settleUnknownClaims();
        }
        String cursor = prior.flatMap(DispatchProgress::cursor).orElse(null);
        tracker.cursor = cursor;
        readAudience(cursor);
      } catch (RuntimeException e) {
        log.error("dispatch {} step '{}' failed", request.sourceId(), request.step(), e);
        driverError = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        driverError = new IllegalStateException("dispatch driver interrupted", e);
      } finally {
        driverDone = true;
        maybeFinish();
      }
    }

    private void readAudience(String cursor) throws InterruptedException {
      try (Stream<String> ids = audience()) {
        Iterator<String> it = ids.iterator();
        String previous = null;
        boolean ordered = true;
        while (it.hasNext()) {
          if (!awaitRunnable()) {
            return;
          }
          String id = it.next();
          if (previous != null && id.compareTo(previous) <= 0) {
            if (ordered) {
              log.warn("audience of {} is not in ascending player-id order; progress checkpoints"
                  + " are off for this run", request.sourceId());
            }
            ordered = false;
            tracker.frozen = true;
          }
          previous = id;
          playersRead.incrementAndGet();
          if (ordered && cursor != null && id.compareTo(cursor) <= 0) {
            continue;
          }
          while (!playerPermits.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            if (cancelled) {
              return;
            }
          }
          outstanding.incrementAndGet();
          tracker.launched(id);
          processPlayer(id).whenComplete((v, e) -> {
            if (e != null) {
              log.error("player {} of {} failed", id, request.sourceId(), e);
            }
            playerPermits.release();
            playerDone(id);
            pump();
          });
        }
      }
    }

    private Stream<String> audience() {
      Audience audience = request.audience();
      if (audience instanceof Audience.Segment s) {
        return resolver.members(s.segmentId());
      }
      if (audience instanceof Audience.Players p) {
        return p.playerIds().stream();
      }
      return directory.all().map(PlayerProfile::playerId);
    }

    /** Waits while paused; returns false when cancelled. */
    private boolean awaitRunnable() throws InterruptedException {
      synchronized (pauseLock) {
        while (paused && !cancelled) {
          pauseLock.wait();
        }
        return !cancelled;
      }
    }

    private void playerDone(String id) {
      tracker.settled(id);
      if (outstanding.decrementAndGet() == 0) {
        maybeFinish();
      }
    }

    private void maybeFinish() {
      if (!driverDone || outstanding.get() != 0 || !finishing.compareAndSet(false, true)) {
        return;
      }
      try {
        Instant now = clock.instant();
        DispatchReport.Status status = halted ? DispatchReport.Status.STOPPED
            : cancelled ? DispatchReport.Status.CANCELLED
            : driverError != null ? DispatchReport.Status.FAILED : DispatchReport.Status.COMPLETED;
        DeliveryStats stats;
        try (Stream<DeliveryRecord> records = store.deliveriesOf(request.sourceId(), request.step())) {
          DeliveryStats.Accumulator acc = new DeliveryStats.Accumulator();
          records.forEach(acc::add);
          stats = acc.build();
        }
        if (status == DispatchReport.Status.COMPLETED
            || status == DispatchReport.Status.CANCELLED) {
          Optional<DispatchProgress> prior = store.progress(request.sourceId(), request.step());
          if (prior.flatMap(DispatchProgress::completedAt).isEmpty()) {
            store.saveProgress(new DispatchProgress(request.sourceId(), request.step(),
                startedAt == null ? now : startedAt, Optional.ofNullable(tracker.cursor),
                Optional.of(now)));
            if (!oneShot) {
              record(DeliveryEvent.ofSource(EventType.CAMPAIGN_COMPLETED, now, request.sourceId(),
                  request.step(), status == DispatchReport.Status.CANCELLED ? "cancelled" : ""));
            }
          }
        }
        DispatchReport report = new DispatchReport(request.sourceId(), request.step(), status,
            stats, startedAt == null ? now : startedAt, now,
            Optional.ofNullable(driverError).map(Throwable::toString));
        active.remove(activeKey, this);
        Listeners.safely(listener, l -> l.dispatchFinished(report));
        completion.complete(report);
      } catch (RuntimeException e) {
        active.remove(activeKey, this);
        log.error("finishing dispatch {} failed", request.sourceId(), e);
        completion.completeExceptionally(e);
      }
    }

    /**
     * Deliveries left SENDING by a run that died: the provider may or may not have them, so their
     * outcome is unknown and they are never re-sent. (CLAIMED ones were never handed over; the
     * resumed run sends them.)
     */
    private void settleUnknownClaims() {
      List<DeliveryRecord> unknown;
      try (Stream<DeliveryRecord> records = store.deliveriesOf(request.sourceId(), request.step())) {
        unknown = records.filter(r -> r.state() == DeliveryState.SENDING).toList();
      }
      Instant now = clock.instant();
      for (DeliveryRecord r : unknown) {
        // Only if still SENDING: a call of the previous instance may have settled it since.
        AtomicBoolean settledHere = new AtomicBoolean();
        Optional<DeliveryRecord> changed = store.modify(r.key(), current -> {
          settledHere.set(current.state() == DeliveryState.SENDING);
          return !settledHere.get() ? current : current.withState(DeliveryState.FAILED,
              Suppression.UNKNOWN,
              "claimed before a restart; the outcome of the provider call is unknown", now);
        });
        if (changed.isEmpty() || !settledHere.get()) {
          continue;
        }
        DeliveryRecord failed = changed.get();
        record(DeliveryEvent.of(EventType.PUSH_FAILED, now, failed, Suppression.UNKNOWN,
            failed.detail(), 0));
      }
    }

    // ------------------------------------------------------------------ per player

    private CompletableFuture<Void> processPlayer(String playerId) {
      try {
        Optional<PlayerProfile> profile = directory.find(playerId);
        PlayerPushState state = subscriptions.state(playerId);
        Assignment assignment = assign(playerId);
        List<Device> targeted = new ArrayList<>();
        for (Device d : state.devices()) {
          if (request.targetDevices().includes(d.platform())
              && !(resuming && alreadyDecided(playerId, d.deviceId()))) {
            targeted.add(d);
          }
        }
        if (targeted.isEmpty()) {
          boolean anyTargeted = state.devices().stream()
              .anyMatch(d -> request.targetDevices().includes(d.platform()));
          if (!anyTargeted) {
            suppress(newRecord(playerId, null, assignment.variant, DeliveryState.SUPPRESSED,
                Suppression.NO_DEVICE, ""));
          }
          return done();
        }
        List<Device> eligible = new ArrayList<>();
        for (Device d : targeted) {
          if (d.isSendable()) {
            eligible.add(d);
          } else {
            suppress(newRecord(playerId, d, assignment.variant, DeliveryState.SUPPRESSED,
                notSendable(d), ""));
          }
        }
        if (eligible.isEmpty()) {
          return done();
        }
        if (!type.isMarketing()) {
          return finishPlayer(playerId, profile, eligible, assignment);
        }
        PushPreferences preferences = state.preferences();
        if (!preferences.marketingConsent()) {
          suppressAll(playerId, eligible, assignment, Suppression.NO_CONSENT, "");
          return done();
        }
        if (!preferences.categories().isEmpty() && !preferences.optedInto(category)) {
          suppressAll(playerId, eligible, assignment, Suppression.CATEGORY_OPT_OUT, category);
          return done();
        }
        return compliance(playerId, profile).thenCompose(decision -> {
          if (!decision.allowed()) {
            suppressAll(playerId, eligible, assignment, Suppression.compliance(decision.reason()),
                "");
            return done();
          }
          return finishPlayer(playerId, profile, eligible, assignment);
        });
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }

    private boolean alreadyDecided(String playerId, String deviceId) {
      return store.find(DeliveryRecord.key(request.sourceId(), request.step(), playerId, deviceId))
          .filter(r -> r.state() != DeliveryState.CLAIMED)
          .isPresent();
    }

    /** Asks the guard; an exception, a null, a failure or a timeout all mean no (fail closed). */
    private CompletableFuture<ComplianceDecision> compliance(
        String playerId, Optional<PlayerProfile> profile) {
      CompletableFuture<ComplianceDecision> answer;
      try {
        // The default guard reads the profile this player's processing already loaded.
        CompletionStage<ComplianceDecision> stage = guard instanceof ProfileComplianceGuard g
            ? g.check(playerId, profile, type) : guard.check(playerId, type);
        answer = stage == null ? CompletableFuture.completedFuture(null)
            : stage.toCompletableFuture().copy();
      } catch (RuntimeException e) {
        log.warn("compliance guard threw for player {}; suppressing (fail closed): {}", playerId,
            e.toString());
        answer = CompletableFuture.completedFuture(null);
      }
      return Deadline.within(answer, settings.complianceTimeout(), timeouts, () -> { })
          .handle((decision, error) -> {
            if (error != null || decision == null) {
              if (error != null) {
                log.debug("compliance check failed for player {}: {}", playerId, error.toString());
              }
              return ComplianceDecision.suppress(ComplianceDecision.UNKNOWN);
            }
            return decision;
          });
    }

    private CompletableFuture<Void> finishPlayer(String playerId, Optional<PlayerProfile> profile,
        List<Device> eligible, Assignment assignment) {
      boolean service = !type.isMarketing();
      Notification notification = null;
      if (!assignment.control) {
        try {
          notification = assignment.renderer.render(playerId, profile, request.values());
        } catch (InvalidInputException e) {
          suppressAll(playerId, eligible, assignment, Suppression.RENDER_FAILED, e.getMessage());
          return done();
        }
      }
      List<Claimed> claimed = new ArrayList<>();
      ReentrantLock lock = lockFor(playerId);
      lock.lock();
      try {
        Instant now = clock.instant();
        Optional<ZoneId> zone = profile.flatMap(PlayerProfile::timeZone);
        if (!(service && policy.serviceBypassesCaps()) && capReached(playerId, zone, now)) {
          suppressAll(playerId, eligible, assignment, Suppression.FREQUENCY_CAP, "");
          return done();
        }
        Optional<QuietHours> quiet = service && policy.serviceBypassesQuietHours()
            ? Optional.empty() : policy.quietHours();
        if (quiet.isPresent()) {
          Optional<Instant> until = quiet.get().quietUntil(now, zone);
          if (until.isPresent()) {
            if (quiet.get().mode() == QuietHours.Mode.DROP) {
              suppressAll(playerId, eligible, assignment, Suppression.QUIET_HOURS, "");
            } else {
              postpone(playerId, eligible, assignment, until.get());
            }
            return done();
          }
        }
        if (now.isAfter(expiresAt)) {
          suppressAll(playerId, eligible, assignment, Suppression.EXPIRED, "");
          return done();
        }
        if (assignment.control) {
          suppressAll(playerId, eligible, assignment, Suppression.CONTROL_GROUP, "");
          return done();
        }
        for (Device d : eligible) {
          DeliveryRecord r = newRecord(playerId, d, assignment.variant, DeliveryState.CLAIMED,
              "", "");
          String addressKey = d.address().orElseThrow().key();
          if (store.claim(r)) {
            claimed.add(new Claimed(r, addressKey, notification));
          } else if (resuming) {
            // claimed by the run that died, never handed to a provider: ours to send now
            Optional<DeliveryRecord> left = store.find(r.key())
                .filter(e -> e.state() == DeliveryState.CLAIMED);
            if (left.isPresent()) {
              claimed.add(new Claimed(left.get(), addressKey, notification));
            }
          }
        }
      } finally {
        lock.unlock();
      }
      if (claimed.isEmpty()) {
        return done();
      }
      if (claimed.size() == 1) {
        return send(claimed.get(0));
      }
      CompletableFuture<?>[] sends = new CompletableFuture<?>[claimed.size()];
      for (int i = 0; i < sends.length; i++) {
        sends[i] = send(claimed.get(i));
      }
      return CompletableFuture.allOf(sends);
    }

    private boolean capReached(String playerId, Optional<ZoneId> zone, Instant now) {
      List<FrequencyCap> caps = new ArrayList<>();
      for (FrequencyCap cap : policy.caps()) {
        if (cap.counts(type, category)) {
          caps.add(cap);
        }
      }
      if (caps.isEmpty()) {
        return false;
      }
      ZoneId z = zone.orElse(ZoneOffset.UTC);
      Instant earliest = now;
      for (FrequencyCap cap : caps) {
        Instant start = cap.window().start(now, z);
        if (start.isBefore(earliest)) {
          earliest = start;
        }
      }
      List<DeliveryRecord> recent = store.deliveriesOfPlayer(playerId, earliest);
      for (FrequencyCap cap : caps) {
        Instant start = cap.window().start(now, z);
        Set<String> messages = new HashSet<>();
        for (DeliveryRecord r : recent) {
          boolean sameStep = r.sourceId().equals(request.sourceId())
              && r.step().equals(request.step());
          if (mayHaveReached(r) && !sameStep && !r.createdAt().isBefore(start)
              && cap.counts(r.type(), r.category())) {
            messages.add(r.sourceId() + '|' + r.step());
          }
        }
        if (messages.size() >= cap.max()) {
          return true;
        }
      }
      return false;
    }

    /**
     * Whether a delivery counts against caps: it is (or may be) with the player — claimed, being
     * sent or retried, delivered, or of unknown fate after a crash.
     */
    private boolean mayHaveReached(DeliveryRecord r) {
      return switch (r.state()) {
        case CLAIMED, SENDING, DELIVERED -> true;
        case FAILED -> r.reason().equals(Suppression.UNKNOWN);
        case SUPPRESSED -> false;
      };
    }

    private void postpone(String playerId, List<Device> eligible, Assignment assignment,
        Instant until) {
      Instant now = clock.instant();
      for (Device d : eligible) {
        DeliveryRecord planned = newRecord(playerId, d, assignment.variant, DeliveryState.CLAIMED,
            "", "");
        record(DeliveryEvent.of(EventType.PUSH_SCHEDULED, now, planned, Suppression.QUIET_HOURS,
            "postponed to " + until, 0));
      }
      outstanding.incrementAndGet();
      tracker.postponed(playerId);
      synchronized (postponedUntil) {
        List<String> waiting = postponedUntil.get(until);
        if (waiting != null) {
          waiting.add(playerId);
          return;
        }
        waiting = new ArrayList<>();
        waiting.add(playerId);
        postponedUntil.put(until, waiting);
      }
      later(until, () -> {
        List<String> due = takePostponed(until);
        synchronized (woken) {
          woken.addAll(due);
        }
        pump();
      }, settle -> {
        for (String id : takePostponed(until)) {
          endPostponed(id, settle);
        }
      });
    }

    private List<String> takePostponed(Instant until) {
      synchronized (postponedUntil) {
        List<String> due = postponedUntil.remove(until);
        return due == null ? List.of() : due;
      }
    }

    /**
     * Starts woken players as players-in-progress permits allow, without blocking: called when
     * players wake, when any player finishes, on resume and at the end of the run. One thread
     * pumps at a time; a call made meanwhile makes it go round once more.
     */
    private void pump() {
      if (pumpRequests.getAndIncrement() != 0) {
        return;
      }
      do {
        while (true) {
          String id;
          boolean acquired = false;
          synchronized (woken) {
            if (woken.isEmpty()) {
              break;
            }
            if (cancelled) {
              id = woken.poll();
            } else if (paused || !playerPermits.tryAcquire()) {
              break;
            } else if (cancelled) { // the run ended between the check and the permit
              playerPermits.release();
              id = woken.poll();
            } else {
              id = woken.poll();
              acquired = true;
            }
          }
          if (!acquired) {
            endPostponed(id, !halted);
            continue;
          }
          CompletableFuture<Void> f;
          try {
            f = processPlayer(id);
          } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
          }
          f.whenComplete((v, e) -> {
            if (e != null) {
              log.error("postponed player {} of {} failed", id, request.sourceId(), e);
            }
            playerPermits.release();
            tracker.unpostponed(id);
            playerDone(id);
            pump();
          });
        }
      } while (pumpRequests.decrementAndGet() != 0);
    }

    /**
     * Ends a postponed player's wait without a send. Cancelled ({@code settle}): their deliveries
     * are recorded as CANCELLED. Halted (Herald closing): nothing is recorded and the player stays
     * unsettled for the progress cursor, so the checkpoint stops before them and the resumed run
     * reads them again.
     */
    private void endPostponed(String playerId, boolean settle) {
      if (!settle) {
        if (outstanding.decrementAndGet() == 0) {
          maybeFinish();
        }
        return;
      }
      try {
        if (settle) {
          Assignment assignment = assign(playerId);
          for (Device d : subscriptions.state(playerId).devices()) {
            if (request.targetDevices().includes(d.platform()) && d.isSendable()) {
              suppress(newRecord(playerId, d, assignment.variant, DeliveryState.SUPPRESSED,
                  Suppression.CANCELLED, "cancelled while postponed by quiet hours"));
            }
          }
        }
      } catch (RuntimeException e) {
        log.error("settling postponed player {} of {} failed", playerId, request.sourceId(), e);
      } finally {
        tracker.unpostponed(playerId);
        playerDone(playerId);
      }
    }

    // ------------------------------------------------------------------ sending

    private CompletableFuture<Void> send(Claimed c) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      Instant now = clock.instant();
      Instant at = now;
      Platform platform = c.record.platform().orElseThrow();
      RateLimiter providerLimit = providerLimits.get(platform);
      if (providerLimit != null) {
        at = max(at, providerLimit.reserve(now));
      }
      if (runLimit != null) {
        at = max(at, runLimit.reserve(now));
      }
      if (at.isAfter(now)) {
        later(at, () -> attempt(c, 1, done), settle -> ended(c, 1, done, settle));
      } else {
        attempt(c, 1, done);
      }
      return done;
    }

    private void attempt(Claimed c, int attempt, CompletableFuture<Void> done) {
      try {
        synchronized (pauseLock) {
          if (cancelled) {
            ended(c, attempt, done, !halted);
            return;
          }
          if (paused) {
            parked.add(() -> attempt(c, attempt, done));
            return;
          }
        }
        Instant now = clock.instant();
        if (now.isAfter(expiresAt)) {
          settleWithoutCall(c, attempt, Suppression.EXPIRED, "");
          done.complete(null);
          return;
        }
        String player = c.record.playerId();
        String device = c.record.deviceId().orElseThrow();
        Optional<DeviceAddress> address = subscriptions.sendableAddress(player, device);
        if (address.isEmpty() || !address.get().key().equals(c.addressKey)) {
          String reason = subscriptions.device(player, device)
              .map(d -> d.isSendable() ? Suppression.device(PushStatus.SUSPENDED) : notSendable(d))
              .orElse(Suppression.NO_DEVICE);
          settleWithoutCall(c, attempt, reason, "the device changed before the send");
          done.complete(null);
          return;
        }
        Platform platform = c.record.platform().orElseThrow();
        PushProvider provider = providers.get(platform);
        if (provider == null) {
          settleWithoutCall(c, attempt, Suppression.NO_PROVIDER,
              "no provider registered for " + platform);
          done.complete(null);
          return;
        }
        if (attempt == 1) {
          // From here on a crash leaves the outcome unknown: mark it before the call.
          store.update(c.record.withState(DeliveryState.SENDING, "", "", now));
          record(DeliveryEvent.of(EventType.PUSH_SENT, now, c.record, "", "", 0));
        }
        Listeners.safely(listener, l -> l.sendStarted(c.record, attempt));
        PushMessage message = new PushMessage(c.record.deliveryId(), address.get(),
            c.notification, expiresAt);
        long started = System.nanoTime();
        sendsInFlight.incrementAndGet();
        lanes.get(platform).submit(() -> provider.send(message), settings.sendTimeout())
            .whenComplete((result, error) -> {
              sendsInFlight.decrementAndGet();
              Duration took = Duration.ofNanos(System.nanoTime() - started);
              try {
                onOutcome(c, attempt, address.get(), result, error, took, done);
              } catch (RuntimeException e) {
                log.error("recording the outcome of {} failed", c.record.deliveryId(), e);
                done.complete(null);
              }
            });
      } catch (RuntimeException e) {
        log.error("sending {} failed", c.record.deliveryId(), e);
        done.complete(null);
      }
    }

    private void onOutcome(Claimed c, int attempt, DeviceAddress address, SendResult result,
        Throwable error, Duration took, CompletableFuture<Void> done) {
      if (error != null) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
            ? error.getCause() : error;
        Listeners.safely(listener, l -> l.sendFailed(c.record, attempt, cause));
        if (cause instanceof java.util.concurrent.TimeoutException) {
          // No answer within the deadline: the push service may have the message. Retrying could
          // send it twice, so its fate is reported as unknown.
          settle(c, DeliveryState.FAILED, Suppression.UNKNOWN, "no answer within "
              + settings.sendTimeout() + "; the push service may have the message", attempt, 0,
              null, EventType.PUSH_FAILED, clock.instant());
          done.complete(null);
          return;
        }
        if (halted || !settings.retryTransportFailures()) {
          if (!halted) {
            settle(c, DeliveryState.FAILED, Suppression.RETRIES_EXHAUSTED, cause.toString(),
                attempt, 0, null, EventType.PUSH_FAILED, clock.instant());
          }
          done.complete(null);
          return;
        }
        retryOrGiveUp(c, attempt, Optional.empty(), cause.toString(), 0, done);
        return;
      }
      Listeners.safely(listener, l -> l.sendFinished(c.record, attempt, result, took));
      Instant now = clock.instant();
      if (result instanceof SendResult.Accepted a) {
        settle(c, DeliveryState.DELIVERED, "", "", attempt, a.httpStatus(),
            a.messageId().orElse(null), EventType.PUSH_DELIVERED, now);
        done.complete(null);
      } else if (result instanceof SendResult.InvalidAddress i) {
        try {
          subscriptions.invalidate(address, i.reason(), i.invalidatedAt());
        } catch (RuntimeException e) {
          log.warn("could not invalidate the address of {}", c.record.deliveryId(), e);
        }
        settle(c, DeliveryState.FAILED, Suppression.INVALID_ADDRESS, i.reason(), attempt,
            i.httpStatus(), null, EventType.PUSH_FAILED, now);
        done.complete(null);
      } else if (result instanceof SendResult.Rejected r) {
        settle(c, DeliveryState.FAILED, Suppression.REJECTED, r.kind() + ": " + r.reason(),
            attempt, r.httpStatus(), null, EventType.PUSH_FAILED, now);
        done.complete(null);
      } else if (result instanceof SendResult.RetryLater r) {
        retryOrGiveUp(c, attempt, r.retryAfter(), r.reason(), r.httpStatus(), done);
      } else {
        settle(c, DeliveryState.FAILED, Suppression.UNKNOWN, "the provider completed with null",
            attempt, 0, null, EventType.PUSH_FAILED, now);
        done.complete(null);
      }
    }

    private void retryOrGiveUp(Claimed c, int attempt, Optional<Duration> retryAfter,
        String reason, int status, CompletableFuture<Void> done) {
      if (halted) {
        done.complete(null); // stopped by close(): the delivery stays SENDING for a later run
        return;
      }
      if (cancelled) {
        settle(c, DeliveryState.FAILED, Suppression.CANCELLED, reason, attempt, status, null,
            EventType.PUSH_FAILED, clock.instant());
        done.complete(null);
        return;
      }
      Optional<Duration> delay;
      synchronized (random) {
        delay = settings.retryPolicy().nextDelay(attempt, retryAfter, random);
      }
      Instant now = clock.instant();
      if (delay.isEmpty() || now.plus(delay.get()).isAfter(expiresAt)) {
        settle(c, DeliveryState.FAILED, Suppression.RETRIES_EXHAUSTED, reason, attempt, status,
            null, EventType.PUSH_FAILED, now);
        done.complete(null);
        return;
      }
      Listeners.safely(listener, l -> l.retryScheduled(c.record, attempt + 1, delay.get()));
      later(now.plus(delay.get()), () -> attempt(c, attempt + 1, done),
          settle -> ended(c, attempt + 1, done, settle));
    }

    /** A delivery whose run ended before its next call: settled as CANCELLED, or left as is. */
    private void ended(Claimed c, int attempt, CompletableFuture<Void> done, boolean settle) {
      if (settle) {
        settleWithoutCall(c, attempt, Suppression.CANCELLED, "");
      }
      done.complete(null);
    }

    /** Settles a claimed delivery whose provider call was not (or not again) made. */
    private void settleWithoutCall(Claimed c, int attempt, String reason, String detail) {
      Instant now = clock.instant();
      if (attempt == 1) {
        DeliveryRecord suppressed = c.record.withState(DeliveryState.SUPPRESSED, reason, detail, now);
        store.update(suppressed);
        record(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, now, suppressed, reason, detail, 0));
        Listeners.safely(listener, l -> l.suppressed(suppressed));
      } else {
        settle(c, DeliveryState.FAILED, reason, detail, attempt - 1, 0, null,
            EventType.PUSH_FAILED, now);
      }
    }

    private void settle(Claimed c, DeliveryState state, String reason, String detail, int attempts,
        int status, String messageId, EventType event, Instant now) {
      // From the stored record, not the claimed one: a click may have landed while SENDING.
      DeliveryRecord settled = store.modify(c.record.key(), current -> current.withOutcome(state,
              reason, detail, now, attempts, status, messageId))
          .orElseThrow(() -> new IllegalStateException(
              "delivery " + c.record.key() + " is no longer in the delivery store"));
      record(DeliveryEvent.of(event, now, settled, reason, detail, status));
    }

    // ------------------------------------------------------------------ records

    private void suppress(DeliveryRecord r) {
      if (store.claim(r)) {
        record(DeliveryEvent.of(EventType.PUSH_SUPPRESSED, r.createdAt(), r, r.reason(),
            r.detail(), 0));
        Listeners.safely(listener, l -> l.suppressed(r));
      }
    }

    private void suppressAll(String playerId, List<Device> devices, Assignment assignment,
        String reason, String detail) {
      String variant = reason.equals(Suppression.CONTROL_GROUP)
          ? DeliveryRecord.CONTROL_VARIANT : assignment.variant;
      for (Device d : devices) {
        suppress(newRecord(playerId, d, variant, DeliveryState.SUPPRESSED, reason, detail));
      }
    }

    private DeliveryRecord newRecord(String playerId, Device device, String variant,
        DeliveryState state, String reason, String detail) {
      Instant now = clock.instant();
      String deviceId = device == null ? "" : device.deviceId();
      return new DeliveryRecord(request.sourceId(), request.step(), playerId,
          device == null ? Optional.empty() : Optional.of(deviceId),
          device == null ? Optional.empty() : Optional.of(device.platform()),
          DeliveryRecord.newDeliveryId(), variant, type, category, state, reason, detail, now, now,
          0, 0, Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
    }

    private void record(DeliveryEvent event) {
      store.append(event);
      Listeners.eventRecorded(listener, event);
    }

    // ------------------------------------------------------------------ variants

    private Assignment assign(String playerId) {
      if (variants.size() == 1 && request.controlShare() == 0) {
        return new Assignment(variants.get(0).id(), renderers.get(0), false);
      }
      double u = unitHash(request.sourceId(), playerId);
      if (u < request.controlShare()) {
        return new Assignment(DeliveryRecord.CONTROL_VARIANT, null, true);
      }
      double scaled = (u - request.controlShare()) / (1 - request.controlShare()) * totalWeight;
      int acc = 0;
      for (int i = 0; i < variants.size(); i++) {
        acc += variants.get(i).weight();
        if (scaled < acc) {
          return new Assignment(variants.get(i).id(), renderers.get(i), false);
        }
      }
      int last = variants.size() - 1;
      return new Assignment(variants.get(last).id(), renderers.get(last), false);
    }

    private CompletableFuture<Void> done() {
      return CompletableFuture.completedFuture(null);
    }

    /** Tracks settled players in audience order so progress can be checkpointed. */
    private final class Tracker {
      private final LinkedHashMap<String, Boolean> window = new LinkedHashMap<>();
      private final Map<String, Integer> postponed = new HashMap<>(); // times postponed, not woken
      volatile String cursor;
      volatile boolean frozen;
      private int sinceCheckpoint;

      synchronized void launched(String id) {
        if (frozen) {
          return;
        }
        if (window.size() >= MAX_TRACKED_PLAYERS) {
          frozen = true; // a stalled head; the per-delivery claims still make resume exact
          window.clear();
          return;
        }
        window.put(id, false);
      }

      synchronized void postponed(String id) {
        postponed.merge(id, 1, Integer::sum);
      }

      synchronized void unpostponed(String id) {
        postponed.computeIfPresent(id, (k, n) -> n == 1 ? null : n - 1);
      }

      synchronized void settled(String id) {
        if (frozen || postponed.containsKey(id) || !window.containsKey(id)) {
          return;
        }
        window.put(id, true);
        Iterator<Map.Entry<String, Boolean>> it = window.entrySet().iterator();
        while (it.hasNext()) {
          Map.Entry<String, Boolean> head = it.next();
          if (!head.getValue()) {
            break;
          }
          cursor = head.getKey();
          it.remove();
          sinceCheckpoint++;
        }
        if (sinceCheckpoint >= settings.checkpointEvery() && cursor != null) {
          sinceCheckpoint = 0;
          store.saveProgress(new DispatchProgress(request.sourceId(), request.step(), startedAt,
              Optional.of(cursor), Optional.empty()));
        }
      }
    }
  }

  /** Why a device that is not ALLOWED is not sent to. */
  private static String notSendable(Device d) {
    return d.status() == PushStatus.ASK && d.invalidation().isPresent()
        ? Suppression.DEVICE_INVALIDATED : Suppression.device(d.status());
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  /**
   * A stable hash of (source, player) into [0, 1): FNV-1a over the UTF-16 chars, then the
   * SplitMix64 finaliser, so assignment does not follow id order.
   */
  static double unitHash(String sourceId, String playerId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < sourceId.length(); i++) {
      h = (h ^ sourceId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ 0x1f) * 0x100000001b3L;
    for (int i = 0; i < playerId.length(); i++) {
      h = (h ^ playerId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h = h ^ (h >>> 31);
    return (h >>> 11) * 0x1.0p-53;
  }

  /** A player's A/B assignment. */
  private record Assignment(String variant, Renderer renderer, boolean control) {}

  /** A claimed delivery with what it needs for its provider calls. */
  private record Claimed(DeliveryRecord record, String addressKey, Notification notification) {}
}
