package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.internal.dispatch.Gate.Verdict;
import dev.herald.internal.dispatch.Gate.Visit;
import dev.herald.spi.Lease;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.Device;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PlayerPushState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of one dispatch step, and its handle. The driver reads the audience (blocking only on
 * the players-in-progress permits, or while paused) and walks each player through the
 * {@link Gates}; {@link Attempts} makes the provider calls; the {@link DeliveryLedger} records;
 * the {@link ProgressCursor} checkpoints; {@link Postponement} holds players in quiet hours; the
 * {@link RunControl} holds the one state. The run finishes when the driver is done and every
 * player it read is settled or left.
 *
 * <p>A run that is not one-shot holds its step's {@link Lease} (renewed by the
 * {@link Ownership.Heartbeat}) and writes through a store fenced by it. When another node takes
 * the step over — this node's heartbeat found the lease gone, or a write was refused — the run
 * stops as on {@code close()}: nothing more is written, every future completes (STOPPED), and
 * the new owner resumes the step from the store.
 */
final class Run implements DispatchHandle {
  private static final Logger log = LoggerFactory.getLogger(Run.class);
  private static final int NEVER_REACHED_BATCH = 256;
  /** Players whose state is read in bulk at once: about one claim batch. */
  static final int READ_AHEAD = ClaimBatch.MAX_RECORDS;

  /** How a player's pass ended; a postponed player's pass ends again after waking. */
  private record PlayerEnd(boolean settled, Instant postponedUntil) {
    static final PlayerEnd SETTLED = new PlayerEnd(true, null);
    static final PlayerEnd LEFT = new PlayerEnd(false, null);
  }

  private final EngineContext ctx;
  private final DispatchRequest request;
  /** The players this run releases when the step is sent in several runs; null: everyone. */
  private final Release release;
  /** Where this run's progress is kept: the step, or the release's own key. */
  private final String progressStep;
  private final boolean oneShot;
  private final boolean announce;
  private final Consumer<Run> retire;
  private final RunControl control;
  private final DeliveryLedger ledger;
  private final ProgressCursor cursor;
  private final Attempts attempts;
  private final Postponement postponement;
  private final Variants variants;
  private final Gates gates;
  private final ClaimBatch claimBatch;
  private final Semaphore permits;
  private final PendingClaims pending;
  private final Executor timeouts;
  /** The lease the run's writes are fenced by, and its heartbeat; null for a one-shot run. */
  private final Lease lease;
  private final Ownership.Heartbeat heartbeat;
  /** Set once the run learnt that another node owns its step: it stops, writing nothing more. */
  private final AtomicBoolean fenced = new AtomicBoolean();
  /** Players read and not yet settled or left. */
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicLong playersRead = new AtomicLong();
  private final CompletableFuture<DispatchReport> completion = new CompletableFuture<>();
  private final AtomicBoolean finishing = new AtomicBoolean();
  private volatile boolean driverDone;
  private volatile boolean resuming;
  private volatile RuntimeException driverError;
  /**
   * The first error that ended a player's walk (a store that failed, say). The cursor never
   * passes that player and the run ends FAILED, not COMPLETED, so a resumed run reads them again.
   */
  private final AtomicReference<Throwable> playerError = new AtomicReference<>();
  private volatile Instant startedAt;
  private volatile Instant expiresAt = Instant.MAX;

  Run(EngineContext ctx, DispatchRequest request, Release release, boolean oneShot,
      boolean announce, Map<Platform, ProviderLane> lanes, Map<Platform, RateLimiter> providerLimits,
      Executor timeouts, Function<String, ReentrantLock> lockFor, PendingClaims pending,
      SplittableRandom random, Consumer<Run> retire, Ownership ownership, Lease lease) {
    this.ctx = ctx;
    this.timeouts = timeouts;
    this.lease = lease;
    this.request = request;
    this.release = release;
    this.progressStep = release == null ? request.step() : release.progressStep();
    this.oneShot = oneShot;
    this.announce = announce;
    this.retire = retire;
    this.pending = pending;
    String category = request.variants().get(0).content().defaultTemplate().category()
        .orElse(request.type().category());
    this.control = new RunControl(ctx.scheduler(), request.sourceId());
    // A lease that never expires (a single node's) is never taken over: nothing to fence
    this.ledger = new DeliveryLedger(ctx,
        lease == null || !lease.expires() ? ctx.store() : ctx.store().fencedBy(lease),
        this::leaseLost,
        request.sourceId(), request.step(), request.type(), category, request.brand(),
        !oneShot && ctx.pipelined());
    this.cursor = new ProgressCursor(ledger, progressStep, ctx.settings().checkpointEvery(),
        this::checkpointFailed);
    DeliveryPolicy policy = request.policy();
    RateLimiter runLimit = policy.messagesPerSecond().isPresent()
        ? new RateLimiter(policy.messagesPerSecond().getAsDouble(), ctx.liveNodes()) : null;
    this.attempts = new Attempts(ctx, lanes, providerLimits, runLimit, control, ledger,
        () -> expiresAt, random);
    this.permits = new Semaphore(ctx.settings().maxPlayersInProgress());
    this.postponement = new Postponement(control, permits, this::walk, this::endPostponed);
    this.variants = new Variants(request);
    // A one-shot run has one player: nothing to batch.
    this.claimBatch = oneShot ? null
        : new ClaimBatch(ledger, pending, attempts::prepare, ctx.writers());
    this.gates = Gates.of(new Gates.RunView(ctx, request, category, ledger, control, attempts,
        () -> resuming, () -> expiresAt, timeouts, pending), claimBatch, lockFor);
    control.onTransitions(() -> {
      attempts.withdrawQueued();
      postponement.pump();
      flushQuietly();
    }, postponement::pump);
    this.heartbeat = lease == null ? null : ownership.keep(lease, () -> {
      if (markFenced()) {
        control.stop(); // on the scheduler's thread, which holds none of the run's locks
      }
    });
  }

  /**
   * A write was refused: another node owns the step now. The run stops, on another thread, since
   * the thread that learnt it may hold the ledger's locks (its other writes are refused too until
   * the stop lands).
   */
  private void leaseLost() {
    if (!markFenced()) {
      return;
    }
    try {
      timeouts.execute(control::stop);
    } catch (RuntimeException e) {
      control.stop(); // Herald is closing: its timeout threads are gone
    }
  }

  /** @return whether this call is the first to learn that the lease was taken over */
  private boolean markFenced() {
    if (!fenced.compareAndSet(false, true)) {
      return false;
    }
    log.warn("dispatch {} step '{}': another node took over this run's lease ({}); stopping it"
        + " here", request.sourceId(), request.step(), lease == null ? "" : lease.name());
    return true;
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
    control.pause();
    ledger.flush();
  }

  @Override
  public void resume() {
    control.resume();
  }

  @Override
  public void cancel() {
    control.cancel();
  }

  /** Ends the run without settling claims: what is claimed stays for a later run to resume. */
  void stop() {
    control.stop();
  }

  @Override
  public boolean isPaused() {
    return control.state() == RunState.PAUSED;
  }

  @Override
  public long playersRead() {
    return playersRead.get();
  }

  @Override
  public int sendsInFlight() {
    return attempts.inFlight();
  }

  // ------------------------------------------------------------------ driver

  void failToStart(RuntimeException e) {
    completion.completeExceptionally(e);
  }

  void drive() {
    try {
      Instant now = ctx.clock().instant();
      Optional<DispatchProgress> prior = ctx.store().progress(request.sourceId(), progressStep);
      if (prior.flatMap(DispatchProgress::completedAt).isPresent()) {
        startedAt = prior.get().startedAt();
        return;
      }
      // A chunk's messages expire with the step's start, not the chunk's (see ChunkedDispatch)
      startedAt = prior.map(DispatchProgress::startedAt).orElseGet(() -> chunk()
          ? ctx.store().progress(request.sourceId(), request.step())
              .map(DispatchProgress::startedAt).orElse(now)
          : now);
      String resumeAfter = prior.flatMap(DispatchProgress::cursor).orElse(null);
      cursor.start(startedAt, resumeAfter);
      if (prior.isEmpty()) {
        if (announce) {
          ledger.record(DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, now,
              request.sourceId(), request.step(), ""));
        }
        cursor.save(Optional.empty());
      }
      Instant ttlEnd = startedAt.plus(
          request.variants().get(0).content().defaultTemplate().ttl());
      expiresAt = request.policy().deadline().filter(d -> d.isBefore(ttlEnd)).orElse(ttlEnd);
      if (!chunk()) { // a chunked step is announced once, by ChunkedDispatch
        ctx.listener().dispatchStarted(request.sourceId(), request.step());
      }
      if (prior.isPresent()) {
        resuming = true;
        // Other chunks of the step may be sending now: settle only this run's own players
        ledger.settleUnknownCalls(
            chunk() ? id -> release.place(id) == Release.Place.NOW : id -> true);
      }
      if (claimBatch != null) {
        claimBatch.driverStarts();
      }
      try {
        readAudience(resumeAfter);
      } finally {
        if (claimBatch != null) {
          claimBatch.driverDone();
        }
      }
    } catch (RuntimeException e) {
      if (DeliveryLedger.leaseLost(e)) {
        leaseLost();
      } else {
        log.error("dispatch {} step '{}' failed", request.sourceId(), request.step(), e);
        driverError = e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      driverError = new IllegalStateException("dispatch driver interrupted", e);
    } finally {
      flushQuietly();
      driverDone = true;
      maybeFinish();
    }
  }

  private void flushQuietly() {
    try {
      ledger.flush();
    } catch (RuntimeException e) {
      if (!DeliveryLedger.leaseLost(e)) {
        log.error("writing the events of {} failed", request.sourceId(), e);
      }
    }
  }

  /**
   * Reads the audience a page at a time: each page's subscription state and recent deliveries
   * (for the cap gate) are read in bulk, a few round trips for the page rather than several per
   * player, then its players are walked one by one.
   */
  private void readAudience(String resumeAfter) throws InterruptedException {
    try (Stream<String> ids = audienceOf(ctx, request, seekPast(resumeAfter))) {
      Iterator<String> it = counted(ids.iterator());
      String previous = null;
      boolean ordered = true;
      List<String> page = new ArrayList<>(READ_AHEAD);
      while (it.hasNext()) {
        String id = it.next();
        if (previous != null && id.compareTo(previous) <= 0) {
          if (ordered) {
            log.warn("audience of {} is not in ascending player-id order; progress checkpoints"
                + " are off for this run", request.sourceId());
            cursor.freeze();
          }
          ordered = false;
        }
        previous = id;
        if (release != null) {
          Release.Place place = release.place(id);
          if (place == Release.Place.LATER && ordered && chunk()) {
            break; // past this chunk's range: the rest of the audience is other chunks'
          }
          if (place != Release.Place.NOW) {
            continue; // another run of the step releases them
          }
        }
        if (ordered && resumeAfter != null && id.compareTo(resumeAfter) <= 0) {
          continue;
        }
        page.add(id);
        if (page.size() >= READ_AHEAD || !it.hasNext()) {
          if (!walkPage(page, it, ordered, resumeAfter)) {
            return;
          }
          page.clear();
        }
      }
      if (!page.isEmpty()) {
        walkPage(page, it, ordered, resumeAfter);
      }
    }
  }

  /**
   * Walks a page of players, each once a players-in-progress permit is free.
   *
   * @return false when the run ended: the rest of the page and of the audience are never reached
   */
  private boolean walkPage(List<String> page, Iterator<String> rest, boolean ordered,
      String resumeAfter) throws InterruptedException {
    ReadAhead ahead = readAhead(page);
    for (int i = 0; i < page.size(); i++) {
      String id = page.get(i);
      if (!control.isRunning()) {
        writeClaims(); // before the driver blocks
      }
      if (!control.awaitRunning()) {
        recordNeverReached(page.subList(i, page.size()), rest, ordered, resumeAfter);
        return false;
      }
      if (!permits.tryAcquire()) {
        // Before the driver blocks: those players' sends free permits. While an earlier batch
        // is being written on the batch's thread, its sends will free them; the batch filling
        // here waits until that write is done, so that batches stay full.
        boolean waitForWrite = claimBatch != null && claimBatch.writing();
        if (!waitForWrite) {
          writeClaims();
        }
        while (!permits.tryAcquire(waitForWrite ? 2 : 100, TimeUnit.MILLISECONDS)) {
          if (control.state().ended()) {
            recordNeverReached(page.subList(i, page.size()), rest, ordered, resumeAfter);
            return false;
          }
          if (waitForWrite && !claimBatch.writing()) {
            writeClaims();
            waitForWrite = false;
          }
        }
      }
      outstanding.incrementAndGet();
      cursor.launched(id);
      walk(id, ahead, i);
      if (claimBatch != null) {
        claimBatch.writeIfFull();
      }
    }
    return true;
  }

  /**
   * What was read in bulk for a page of players; a player missing from it is read alone. The
   * subscription change count of each player (by position in the page) is read before the states,
   * at {@code statesReadAt}: the claim batch's address check trusts the states while it holds.
   */
  private record ReadAhead(Map<String, PlayerPushState> states, long[] changes,
      Instant statesReadAt, Map<String, List<DeliveryRecord>> recent, Instant recentSince,
      long recentMark) {}

  private ReadAhead readAhead(List<String> page) {
    if (page.size() < 2) {
      return null;
    }
    try {
      Instant now = ctx.clock().instant();
      long[] changes = new long[page.size()];
      for (int i = 0; i < changes.length; i++) {
        changes[i] = ctx.subscriptions().changeCount(page.get(i)); // before the states
      }
      Map<String, PlayerPushState> states = ctx.subscriptions().states(page);
      Instant since = gates.readAheadSince(now);
      if (since == null) {
        return new ReadAhead(states, changes, now, null, null, 0);
      }
      long mark = pending.mark(); // before the read: a claim durable after it is seen as new
      return new ReadAhead(states, changes, now, ctx.store().deliveriesOfPlayers(page, since),
          since, mark);
    } catch (RuntimeException e) {
      log.warn("reading {} players of {} ahead failed; each is read alone", page.size(),
          request.sourceId(), e);
      return null;
    }
  }

  /** The audience's ids, counted as they are read. */
  private Iterator<String> counted(Iterator<String> ids) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return ids.hasNext();
      }

      @Override
      public String next() {
        String id = ids.next();
        playersRead.incrementAndGet();
        return id;
      }
    };
  }

  private void writeClaims() {
    if (claimBatch != null) {
      claimBatch.write();
    }
  }

  /**
   * Where the audience is read from: past the checkpoint a resumed run starts after, and past
   * the ids before its range (a chunk's). Both are skipped anyway; seeking keeps a run from
   * re-reading them, which for the k chunks of a run would be about N·k/2 ids in all.
   */
  private String seekPast(String resumeAfter) {
    String rangeStart = release == null ? null : release.startsAfter();
    if (rangeStart == null) {
      return resumeAfter;
    }
    return resumeAfter == null || rangeStart.compareTo(resumeAfter) > 0 ? rangeStart : resumeAfter;
  }

  /** @return the ids of a request's audience, in the order its source gives them */
  static Stream<String> audienceOf(EngineContext ctx, DispatchRequest request) {
    return audienceOf(ctx, request, null);
  }

  /**
   * @param after the last id not wanted, or null: sources that are ascending by contract (a
   *     segment, every player) seek past it; a list of players is read whole (its order is the
   *     caller's, and the run skips by its own rules)
   * @return the ids of a request's audience, in the order its source gives them
   */
  static Stream<String> audienceOf(EngineContext ctx, DispatchRequest request, String after) {
    Audience audience = request.audience();
    if (audience instanceof Audience.Segment s) {
      return ctx.resolver().membersAfter(s.segmentId(), after);
    }
    if (audience instanceof Audience.Players p) {
      return p.playerIds().stream();
    }
    return ctx.directory().idsAfter(after);
  }

  /**
   * A cancelled run records the players it never reached as CANCELLED (player-level records,
   * in batches), so that its statistics count the whole audience (of a {@link Release}, the
   * players it releases). A stopped run records nothing: the resumed run reads them.
   */
  private void recordNeverReached(List<String> unwalked, Iterator<String> rest, boolean ordered,
      String resumeAfter) {
    if (!control.state().settlesCutOffWork()) {
      return;
    }
    List<DeliveryRecord> batch = new ArrayList<>();
    String last = null;
    boolean inOrder = ordered;
    Iterator<String> left = unwalked.iterator();
    while (left.hasNext() || rest.hasNext()) {
      boolean fromPage = left.hasNext();
      String id = fromPage ? left.next() : rest.next();
      if (!fromPage) { // the page's players were checked as they were read
        inOrder &= last == null || id.compareTo(last) > 0;
      }
      last = id;
      if (inOrder && resumeAfter != null && id.compareTo(resumeAfter) <= 0) {
        continue; // behind the cursor: settled by an earlier run
      }
      Release.Place place = release == null ? Release.Place.NOW : release.place(id);
      if (place == Release.Place.LATER && inOrder && chunk()) {
        break; // past this chunk's range
      }
      if (place == Release.Place.NOW && !(resuming && hasRecords(id))) {
        batch.add(ledger.newRecord(id, null, variants.assign(id).variant(),
            DeliveryState.SUPPRESSED, Suppression.CANCELLED, "cancelled before the player was "
                + "reached"));
        if (batch.size() >= NEVER_REACHED_BATCH) {
          ledger.suppress(batch);
          batch = new ArrayList<>();
        }
      }
    }
    ledger.suppress(batch);
  }

  private boolean hasRecords(String playerId) {
    return ctx.store().deliveriesOfPlayer(playerId, startedAt).stream().anyMatch(r ->
        r.sourceId().equals(request.sourceId()) && r.step().equals(request.step()));
  }

  // ------------------------------------------------------------------ per player

  /** Walks a player through the gates and on to the providers; a permit is held for them. */
  private void walk(String playerId) {
    walk(playerId, null, -1);
  }

  /** @param inPage the player's position in the page read {@code ahead} */
  private void walk(String playerId, ReadAhead ahead, int inPage) {
    CompletableFuture<PlayerEnd> end;
    try {
      end = visit(playerId, ahead, inPage);
    } catch (RuntimeException e) {
      end = CompletableFuture.failedFuture(e);
    }
    end.whenComplete((how, error) -> {
      permits.release();
      if (error != null && DeliveryLedger.leaseLost(error)) {
        leaseLost(); // not the player's fault: the new owner sends them
        playerDone(playerId, false);
      } else if (error != null) {
        log.error("player {} of {} failed", playerId, request.sourceId(), error);
        playerError.compareAndSet(null, error instanceof CompletionException
            && error.getCause() != null ? error.getCause() : error);
        playerDone(playerId, false);
      } else if (how.postponedUntil() != null) {
        postponement.postpone(playerId, how.postponedUntil());
      } else {
        playerDone(playerId, how.settled());
      }
      postponement.pump();
    });
  }

  private CompletableFuture<PlayerEnd> visit(String playerId, ReadAhead ahead, int inPage) {
    Optional<PlayerProfile> profile = ctx.directory().find(playerId);
    PlayerPushState state = ahead == null ? null : ahead.states().get(playerId);
    long changes;
    Instant readAt;
    if (state != null) {
      changes = ahead.changes()[inPage];
      readAt = ahead.statesReadAt();
    } else {
      readAt = ctx.clock().instant();
      changes = ctx.subscriptions().changeCount(playerId);
      state = ctx.subscriptions().state(playerId);
    }
    Visit visit = new Visit(playerId, profile, state, changes, readAt, variants.assign(playerId));
    if (ahead != null && ahead.recent() != null) {
      visit.recent = ahead.recent().getOrDefault(playerId, List.of());
      visit.recentSince = ahead.recentSince();
      visit.recentMark = ahead.recentMark();
    }
    return conclude(visit, gates.walk(visit));
  }

  private CompletableFuture<PlayerEnd> conclude(Visit v, Verdict verdict) {
    if (verdict instanceof Verdict.Later later) {
      return later.verdict().thenCompose(answer -> conclude(v, answer));
    }
    if (verdict == Verdict.PASS) {
      return send(v.claimed);
    }
    if (verdict instanceof Verdict.Suppress s) {
      String variant = s.reason().equals(Suppression.CONTROL_GROUP)
          ? DeliveryRecord.CONTROL_VARIANT : v.assignment.variant();
      List<DeliveryRecord> records = new ArrayList<>(v.devices.size());
      for (Device d : v.devices) {
        records.add(ledger.newRecord(v.playerId, d, variant, DeliveryState.SUPPRESSED,
            s.reason(), s.detail()));
      }
      ledger.suppress(records);
      return CompletableFuture.completedFuture(PlayerEnd.SETTLED);
    }
    if (verdict instanceof Verdict.Postpone p) {
      Instant now = ctx.clock().instant();
      for (Device d : v.devices) {
        DeliveryRecord planned = ledger.newRecord(v.playerId, d, v.assignment.variant(),
            DeliveryState.CLAIMED, "", "");
        ledger.record(DeliveryEvent.of(EventType.PUSH_SCHEDULED, now, planned,
            Suppression.QUIET_HOURS, "postponed to " + p.until(), 0));
      }
      return CompletableFuture.completedFuture(new PlayerEnd(false, p.until()));
    }
    return CompletableFuture.completedFuture(
        verdict == Verdict.LEFT ? PlayerEnd.LEFT : PlayerEnd.SETTLED);
  }

  private CompletableFuture<PlayerEnd> send(List<Delivery> claimed) {
    if (claimed.size() == 1) {
      Delivery d = claimed.get(0);
      attempts.send(d);
      return d.done.thenApply(settled -> settled ? PlayerEnd.SETTLED : PlayerEnd.LEFT);
    }
    CompletableFuture<?>[] all = new CompletableFuture<?>[claimed.size()];
    for (int i = 0; i < all.length; i++) {
      Delivery d = claimed.get(i);
      attempts.send(d);
      all[i] = d.done;
    }
    return CompletableFuture.allOf(all).thenApply(x -> {
      for (Delivery d : claimed) {
        if (!d.done.join()) {
          return PlayerEnd.LEFT;
        }
      }
      return PlayerEnd.SETTLED;
    });
  }

  /**
   * Ends a postponed player's wait without a send. Cancelled ({@code settle}): their deliveries
   * are recorded as CANCELLED. Stopped: nothing is recorded and the cursor stays before them, so
   * the resumed run reads them again.
   */
  private void endPostponed(String playerId, boolean settle) {
    try {
      if (settle) {
        String variant = variants.assign(playerId).variant();
        List<DeliveryRecord> records = new ArrayList<>();
        for (Device d : ctx.subscriptions().state(playerId).devices()) {
          if (request.targets(d) && d.isSendable()) {
            records.add(ledger.newRecord(playerId, d, variant, DeliveryState.SUPPRESSED,
                Suppression.CANCELLED, "cancelled while postponed by quiet hours"));
          }
        }
        ledger.suppress(records);
      }
    } catch (RuntimeException e) {
      log.error("settling postponed player {} of {} failed", playerId, request.sourceId(), e);
    } finally {
      playerDone(playerId, settle);
    }
  }

  /**
   * A checkpoint saved behind failed (the store failed, or another node took the step over): the
   * run does not end COMPLETED, and a resumed run starts from the last checkpoint that was saved.
   */
  private void checkpointFailed(RuntimeException e) {
    if (!DeliveryLedger.leaseLost(e)) {
      log.error("checkpointing {} failed", request.sourceId(), e);
      playerError.compareAndSet(null, e);
    }
  }

  private void playerDone(String playerId, boolean settled) {
    try {
      if (settled) {
        cursor.settled(playerId); // may checkpoint, writing what the ledger holds first
      }
    } catch (RuntimeException e) {
      checkpointFailed(e);
    } finally {
      if (outstanding.decrementAndGet() == 0) {
        maybeFinish();
      }
    }
  }

  /** @return whether this run is one chunk of a step that several runs send at once */
  private boolean chunk() {
    return release != null && release.concurrent();
  }

  private DeliveryStats stepStats() {
    return stepStats(ctx, request.sourceId(), request.step());
  }

  /** @return the statistics of every delivery of a step, read from the store */
  static DeliveryStats stepStats(EngineContext ctx, String sourceId, String step) {
    try (Stream<DeliveryRecord> records = ctx.store().deliveriesOf(sourceId, step)) {
      DeliveryStats.Accumulator acc = new DeliveryStats.Accumulator();
      records.forEach(acc::add);
      return acc.build();
    }
  }

  private void maybeFinish() {
    if (!driverDone || outstanding.get() != 0 || !finishing.compareAndSet(false, true)) {
      return;
    }
    try {
      ledger.awaitWritesBehind(); // a checkpoint that failed behind decides the status too
      boolean ownedElsewhere = fenced.get();
      Instant now = ctx.clock().instant();
      RunState state = control.state();
      // Fenced: STOPPED even if the stop has not landed yet, so nothing completes the step here
      DispatchReport.Status status = state == RunState.STOPPED || ownedElsewhere
          ? DispatchReport.Status.STOPPED
          : state == RunState.CANCELLED ? DispatchReport.Status.CANCELLED
          : driverError != null || playerError.get() != null ? DispatchReport.Status.FAILED
          : DispatchReport.Status.COMPLETED;
      if (ownedElsewhere) {
        log.info("dispatch {} step '{}' stopped: another node runs it now", request.sourceId(),
            request.step());
      } else if (status == DispatchReport.Status.COMPLETED
          || status == DispatchReport.Status.CANCELLED) {
        Optional<DispatchProgress> prior = ctx.store().progress(request.sourceId(),
            progressStep);
        if (prior.flatMap(DispatchProgress::completedAt).isEmpty()) {
          // A step sent in several runs completes when its last run does (its owner records it).
          if (!oneShot && (release == null
              || status == DispatchReport.Status.CANCELLED && !chunk())) {
            ledger.record(DeliveryEvent.ofSource(EventType.CAMPAIGN_COMPLETED, now,
                request.sourceId(), request.step(),
                status == DispatchReport.Status.CANCELLED ? "cancelled" : ""));
          }
          cursor.save(Optional.of(now));
        }
      } else if (status == DispatchReport.Status.STOPPED && startedAt != null) {
        cursor.save(Optional.empty()); // the cursor stops before the first player left
      }
      if (!ownedElsewhere) {
        ledger.flush();
      }
      // A chunk's report is the node's own business: the step's statistics are read once, by
      // whoever finishes its last chunk (reading them per chunk would read the step N times).
      DeliveryStats stats = chunk() ? new DeliveryStats.Accumulator().build() : stepStats();
      DispatchReport report = new DispatchReport(request.sourceId(), request.step(), status,
          stats, startedAt == null ? now : startedAt, now,
          Optional.<Throwable>ofNullable(driverError).or(() -> Optional.ofNullable(
              playerError.get())).map(Throwable::toString));
      if (heartbeat != null) {
        // A stopped run gives its step back once its last write is done (a rolling restart: the
        // next node resumes at once); any other end lets the lease lapse, by when the campaign
        // has recorded how the run ended.
        heartbeat.stop(!fenced.get() && status == DispatchReport.Status.STOPPED);
      }
      retire.accept(this);
      if (!chunk()) {
        ctx.listener().dispatchFinished(report);
      }
      completion.complete(report);
    } catch (RuntimeException e) {
      if (heartbeat != null) {
        heartbeat.stop(false);
      }
      retire.accept(this);
      if (DeliveryLedger.leaseLost(e)) { // lost while recording the end: the new owner records it
        Instant now = ctx.clock().instant();
        DispatchReport report = new DispatchReport(request.sourceId(), request.step(),
            DispatchReport.Status.STOPPED, new DeliveryStats.Accumulator().build(),
            startedAt == null ? now : startedAt, now, Optional.of(e.getMessage()));
        ctx.listener().dispatchFinished(report);
        completion.complete(report);
        return;
      }
      log.error("finishing dispatch {} failed", request.sourceId(), e);
      completion.completeExceptionally(e);
    }
  }
}
