package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryStats;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.AudienceChunks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's share of a step that several nodes send together. The step's audience is cut once
 * into {@link AudienceChunk chunks} of about {@code playersPerChunk} players (ranges of player
 * ids, by whichever node comes first); the node then claims a chunk, sends it as a {@link Run}
 * that holds the chunk's lease (heartbeat and fenced writes as for any run), marks it done, and
 * claims the next, one chunk at a time, until no chunk is left that a live node does not hold.
 * Then this share ends: with COMPLETED (or CANCELLED) on the one node that finds every chunk done
 * and {@link AudienceChunks#finish finishes} the step, recording its completion once; with
 * STOPPED on the others. A chunk a dead node held becomes claimable when its lease expires:
 * the node that claims it resumes it as any run resumes (calls left SENDING are UNKNOWN, claimed
 * deliveries are sent, players behind the chunk's checkpoint are skipped).
 *
 * <p>Pause and cancel reach the chunk being sent; a cancelled share goes on claiming chunks,
 * each recording its players as CANCELLED, so that the step's statistics count its audience.
 */
final class ChunkedDispatch implements DispatchHandle {
  private static final Logger log = LoggerFactory.getLogger(ChunkedDispatch.class);

  private final EngineContext ctx;
  private final Dispatcher dispatcher;
  private final Ownership ownership;
  private final AudienceChunks chunks;
  private final DispatchRequest request;
  private final int playersPerChunk;
  private final CompletableFuture<DispatchReport> completion = new CompletableFuture<>();
  private final AtomicLong playersReadBefore = new AtomicLong();
  private final Object lock = new Object();
  private DispatchHandle current; // guarded by lock
  private boolean paused; // guarded by lock
  private boolean cancelled; // guarded by lock
  private boolean ended; // guarded by lock
  /**
   * This node is finishing the step: once the store has it finished, only this node reports it,
   * so a close that comes meanwhile must not end the share STOPPED (the COMPLETED report would
   * be lost and the campaign left RUNNING with every chunk done). Guarded by lock.
   */
  private boolean finishing;
  private volatile Instant startedAt;

  ChunkedDispatch(EngineContext ctx, Dispatcher dispatcher, Ownership ownership,
      AudienceChunks chunks, DispatchRequest request, int playersPerChunk) {
    this.ctx = ctx;
    this.dispatcher = dispatcher;
    this.ownership = ownership;
    this.chunks = chunks;
    this.request = request;
    this.playersPerChunk = playersPerChunk;
  }

  /** Starts claiming, on the driver executor (cutting the audience reads all of it). */
  void begin() {
    startedAt = ctx.clock().instant();
    next();
  }

  private void next() {
    try {
      ctx.driverExecutor().execute(this::claimNext);
    } catch (RuntimeException e) {
      end(dispatcher.closed() ? DispatchReport.Status.STOPPED : DispatchReport.Status.FAILED,
          e.toString());
    }
  }

  /** Claims a chunk and starts sending it; or, with none left for this node, ends the share. */
  private void claimNext() {
    synchronized (lock) {
      if (ended || paused || current != null) {
        return; // resume() or the current chunk's end calls again
      }
    }
    AudienceChunk chunk = null;
    try {
      if (!chunks.planned(request.sourceId(), request.step())) {
        plan();
      }
      Optional<AudienceChunk> claimed = chunks.claim(request.sourceId(), request.step(),
          ownership.nodeId(), ctx.clock().instant(), ownership.expiry());
      if (claimed.isEmpty()) {
        noChunkLeft();
        return;
      }
      chunk = claimed.get();
      boolean startCancelled;
      synchronized (lock) {
        startCancelled = cancelled;
      }
      DispatchHandle run = dispatcher.start(request, new ChunkRelease(chunk), chunk.lease(),
          startCancelled);
      boolean cancelNow;
      boolean pauseNow;
      synchronized (lock) {
        current = run;
        cancelNow = cancelled && !startCancelled;
        pauseNow = paused;
      }
      if (cancelNow) {
        run.cancel(); // cancelled while it started
      } else if (pauseNow) {
        run.pause();
      }
      AudienceChunk mine = chunk;
      run.completion().whenComplete((report, error) -> chunkEnded(mine, run, report, error));
    } catch (RuntimeException e) {
      if (chunk != null) {
        giveBack(chunk);
      }
      if (dispatcher.closed()) {
        end(DispatchReport.Status.STOPPED, "this Herald is closed");
      } else {
        log.error("dispatch {} step '{}': claiming a chunk failed", request.sourceId(),
            request.step(), e);
        end(DispatchReport.Status.FAILED, e.toString());
      }
    }
  }

  /**
   * Cuts the audience into ranges of {@code playersPerChunk} ids. An audience not in ascending
   * order (which the audience sources promise) cannot be cut into ranges: it is one chunk.
   */
  private void plan() {
    List<String> bounds = new ArrayList<>();
    String previous = null;
    long n = 0;
    boolean ordered = true;
    try (Stream<String> ids = Run.audienceOf(ctx, request)) {
      Iterator<String> it = ids.iterator();
      while (it.hasNext()) {
        String id = it.next();
        if (previous != null && id.compareTo(previous) <= 0) {
          ordered = false;
          break;
        }
        previous = id;
        if (++n % playersPerChunk == 0) {
          bounds.add(id);
        }
      }
    }
    if (!ordered) {
      log.warn("audience of {} is not in ascending player-id order; it is sent as one chunk",
          request.sourceId());
      bounds.clear();
    } else if (!bounds.isEmpty() && bounds.get(bounds.size() - 1).equals(previous)) {
      bounds.remove(bounds.size() - 1); // the last chunk would be empty
    }
    if (ctx.store().progress(request.sourceId(), request.step()).isEmpty()) {
      // When the step started: every chunk's messages expire from here (their TTL), and the
      // report of the node finishing the step says so
      ctx.store().saveProgress(new DispatchProgress(request.sourceId(), request.step(),
          startedAt, Optional.empty(), Optional.empty()));
    }
    if (chunks.plan(request.sourceId(), request.step(), bounds)) {
      log.info("dispatch {} step '{}': {} players cut into {} chunks", request.sourceId(),
          request.step(), n, bounds.size() + 1);
      ctx.listener().dispatchStarted(request.sourceId(), request.step());
    }
  }

  private void chunkEnded(AudienceChunk chunk, DispatchHandle run, DispatchReport report,
      Throwable error) {
    synchronized (lock) {
      current = null;
    }
    playersReadBefore.addAndGet(run.playersRead());
    if (error != null || report.status() == DispatchReport.Status.FAILED) {
      giveBack(chunk); // the campaign pauses; on resume, any node may send the chunk
      end(DispatchReport.Status.FAILED, error != null ? error.toString()
          : report.error().orElse("chunk " + chunk.index() + " failed"));
      return;
    }
    if (report.status() == DispatchReport.Status.STOPPED) {
      if (dispatcher.closed()) {
        giveBack(chunk); // (a lease that expires was given back by the run already)
      }
      end(DispatchReport.Status.STOPPED, report.error().orElse("stopped"));
      return; // closed here, or another node took the chunk: its lease is not ours to mark
    }
    try {
      if (!chunks.markDone(chunk)) {
        log.info("dispatch {} step '{}': chunk {} was claimed by another node meanwhile",
            request.sourceId(), request.step(), chunk.index());
      }
    } catch (RuntimeException e) {
      log.error("dispatch {} step '{}': marking chunk {} done failed", request.sourceId(),
          request.step(), chunk.index(), e);
      end(DispatchReport.Status.FAILED, e.toString());
      return;
    }
    next();
  }

  /**
   * No chunk can be claimed: every chunk is done, or held by a live node. The one node that
   * finds them all done finishes the step; the others' shares end (a node watching the cluster
   * starts a new share later, and claims the chunks of a node that died once they expire).
   */
  private void noChunkLeft() {
    boolean wasCancelled;
    synchronized (lock) {
      if (ended) {
        return; // closed meanwhile: a node that finds every chunk done finishes the step
      }
      wasCancelled = cancelled;
      finishing = true;
    }
    if (!chunks.finish(request.sourceId(), request.step())) {
      synchronized (lock) {
        finishing = false;
      }
      end(DispatchReport.Status.STOPPED, "no chunk left for this node");
      return;
    }
    Instant now = ctx.clock().instant();
    Instant began = ctx.store().progress(request.sourceId(), request.step())
        .map(DispatchProgress::startedAt).orElse(startedAt);
    ctx.store().append(DeliveryEvent.ofSource(EventType.CAMPAIGN_COMPLETED, now,
        request.sourceId(), request.step(), wasCancelled ? "cancelled" : ""));
    // As a single run would: a later run of the step (by a node not cutting it) sends nothing
    ctx.store().saveProgress(new DispatchProgress(request.sourceId(), request.step(), began,
        Optional.empty(), Optional.of(now)));
    DispatchReport report = new DispatchReport(request.sourceId(), request.step(),
        wasCancelled ? DispatchReport.Status.CANCELLED : DispatchReport.Status.COMPLETED,
        Run.stepStats(ctx, request.sourceId(), request.step()), began, now, Optional.empty());
    log.info("dispatch {} step '{}': its last chunk is done; {}", request.sourceId(),
        request.step(), report.status());
    ctx.listener().dispatchFinished(report);
    complete(report);
  }

  private void giveBack(AudienceChunk chunk) {
    try {
      chunks.release(chunk);
    } catch (RuntimeException e) {
      log.warn("giving back chunk {} of {} failed; its lease expires by itself", chunk.index(),
          request.sourceId(), e);
    }
  }

  private void end(DispatchReport.Status status, String why) {
    Instant now = ctx.clock().instant();
    complete(new DispatchReport(request.sourceId(), request.step(), status,
        new DeliveryStats.Accumulator().build(), startedAt == null ? now : startedAt, now,
        status == DispatchReport.Status.STOPPED && why.equals("no chunk left for this node")
            ? Optional.empty() : Optional.of(why)));
  }

  private void complete(DispatchReport report) {
    synchronized (lock) {
      if (ended) {
        return;
      }
      ended = true;
    }
    completion.complete(report);
  }

  /**
   * Herald is closing: a share between chunks ends now; one sending a chunk ends when that
   * chunk's run, stopped by the dispatcher, has recorded its calls on the wire.
   */
  void stop() {
    boolean idle;
    synchronized (lock) {
      idle = current == null && !finishing;
    }
    if (idle) {
      end(DispatchReport.Status.STOPPED, "this Herald is closed");
    }
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
    DispatchHandle run;
    synchronized (lock) {
      paused = true;
      run = current;
    }
    if (run != null) {
      run.pause();
    }
  }

  @Override
  public void resume() {
    DispatchHandle run;
    synchronized (lock) {
      if (!paused) {
        return;
      }
      paused = false;
      run = current;
    }
    if (run != null) {
      run.resume();
    } else {
      next();
    }
  }

  @Override
  public void cancel() {
    DispatchHandle run;
    boolean wasPaused;
    synchronized (lock) {
      cancelled = true;
      wasPaused = paused;
      paused = false;
      run = current;
    }
    if (run != null) {
      run.cancel();
    } else if (wasPaused) {
      next();
    }
  }

  @Override
  public boolean isPaused() {
    synchronized (lock) {
      return paused;
    }
  }

  @Override
  public long playersRead() {
    DispatchHandle run;
    synchronized (lock) {
      run = current;
    }
    return playersReadBefore.get() + (run == null ? 0 : run.playersRead());
  }

  @Override
  public int sendsInFlight() {
    DispatchHandle run;
    synchronized (lock) {
      run = current;
    }
    return run == null ? 0 : run.sendsInFlight();
  }

  /** The players of one chunk: a range of ids, with the chunk's own progress key. */
  private static final class ChunkRelease implements Release {
    private final AudienceChunk chunk;

    ChunkRelease(AudienceChunk chunk) {
      this.chunk = chunk;
    }

    @Override
    public String progressStep() {
      return AudienceChunk.progressStep(chunk.step(), chunk.index());
    }

    @Override
    public Place place(String playerId) {
      if (chunk.after().map(a -> playerId.compareTo(a) <= 0).orElse(false)) {
        return Place.EARLIER;
      }
      return chunk.upTo().map(u -> playerId.compareTo(u) > 0).orElse(false)
          ? Place.LATER : Place.NOW;
    }

    @Override
    public boolean concurrent() {
      return true;
    }

    @Override
    public String startsAfter() {
      return chunk.after().orElse(null);
    }
  }
}
