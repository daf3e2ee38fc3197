package dev.herald.internal.campaign;

import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.EventType;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignSnapshot;
import dev.herald.campaign.CampaignState;
import dev.herald.campaign.Campaigns;
import dev.herald.campaign.IllegalCampaignStateException;
import dev.herald.campaign.Schedule;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchReport;
import dev.herald.internal.Checks;
import dev.herald.internal.Timers;
import dev.herald.internal.dispatch.Dispatcher;
import dev.herald.internal.dispatch.EngineContext;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.StoredCampaign;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link Campaigns} implementation over a {@link CampaignStore} and the dispatcher. */
public final class CampaignService implements Campaigns {
  private static final Logger log = LoggerFactory.getLogger(CampaignService.class);
  private static final int MAX_ATTEMPTS = 64;
  /** The timer kind of a campaign's next run; its id is the campaign id, '@' and the instant. */
  static final String START = "campaign-start";

  private final CampaignStore store;
  private final Dispatcher dispatcher;
  private final DeliveryStore deliveries;
  private final PlayerDirectory directory;
  private final Timers timers;
  private final Clock clock;
  private final boolean hasResolver;
  private final Map<String, DispatchHandle> runs = new ConcurrentHashMap<>();
  private final AudienceChunks chunks;
  private final int playersPerChunk;

  /**
   * Creates the service.
   *
   * @param store where campaigns are kept
   * @param dispatcher runs the sends
   * @param engine the delivery store (campaign events), clock, resolver
   * @param timers arm runs (kind {@value #START}); the handler is registered here
   */
  public CampaignService(CampaignStore store, Dispatcher dispatcher, EngineContext engine,
      Timers timers) {
    this(store, dispatcher, engine, timers, null, 0);
  }

  /**
   * Creates the service; the runs of campaigns (but local-time ones, whose waves run on one
   * node at a time) are shared by the nodes claiming chunks of their audience.
   *
   * @param store where campaigns are kept
   * @param dispatcher runs the sends
   * @param engine the delivery store (campaign events), clock, resolver
   * @param timers arm runs (kind {@value #START}); the handler is registered here
   * @param chunks where the chunks of runs are kept, or null: each run on one node
   * @param playersPerChunk how many players a chunk holds
   */
  public CampaignService(CampaignStore store, Dispatcher dispatcher, EngineContext engine,
      Timers timers, AudienceChunks chunks, int playersPerChunk) {
    this.chunks = chunks;
    this.playersPerChunk = playersPerChunk;
    this.store = store;
    this.dispatcher = dispatcher;
    this.deliveries = engine.store();
    this.directory = engine.directory();
    this.timers = timers;
    this.clock = engine.clock();
    this.hasResolver = engine.resolver() != null;
    timers.handle(START, this::due);
  }

  @Override
  public CampaignSnapshot create(Campaign campaign) {
    Checks.required(campaign, "campaign");
    checkAudience(campaign);
    Instant now = clock.instant();
    StoredCampaign stored = new StoredCampaign(campaign.id(), CampaignState.DRAFT,
        CampaignJson.write(campaign), 1, now, now, Optional.empty(), Optional.empty());
    if (!store.save(stored, 0)) {
      throw new InvalidInputException(
          "campaign.id", "a campaign with id " + campaign.id() + " already exists");
    }
    deliveries.append(DeliveryEvent.ofSource(EventType.CAMPAIGN_CREATED, now, campaign.id(), "",
        campaign.name()));
    return snapshot(stored);
  }

  @Override
  public CampaignSnapshot update(Campaign campaign) {
    Checks.required(campaign, "campaign");
    checkAudience(campaign);
    String json = CampaignJson.write(campaign);
    return snapshot(transition(campaign.id(), "update", EnumSet.of(CampaignState.DRAFT),
        CampaignState.DRAFT, c -> with(c, CampaignState.DRAFT, json, c.currentStep(),
            c.nextRunAt())));
  }

  @Override
  public CampaignSnapshot schedule(String id) {
    Instant now = clock.instant();
    Campaign campaign = campaign(load(id));
    InvalidInputException noRun =
        new InvalidInputException("campaign.schedule", "has no run after " + now);
    Instant first;
    Optional<String> step = Optional.empty();
    if (campaign.schedule() instanceof Schedule.PlayerLocal local) {
      // A local-time campaign keeps the wave to run next as its step while it is scheduled.
      LocalWaves.Wave wave = LocalWaves.first(local, now).orElseThrow(() -> noRun);
      first = wave.at();
      step = Optional.of(wave.key());
    } else {
      first = campaign.schedule().next(now, false).orElseThrow(() -> noRun);
    }
    Optional<String> firstStep = step;
    StoredCampaign scheduled = transition(id, "schedule", EnumSet.of(CampaignState.DRAFT),
        CampaignState.SCHEDULED, c -> with(c, CampaignState.SCHEDULED, c.definition(),
            firstStep.isPresent() ? firstStep : c.currentStep(), Optional.of(first)));
    arm(scheduled, campaign);
    return snapshot(scheduled);
  }

  @Override
  public CampaignSnapshot pause(String id) {
    StoredCampaign paused = transition(id, "pause", EnumSet.of(CampaignState.RUNNING),
        CampaignState.PAUSED, c -> with(c, CampaignState.PAUSED, c.definition(), c.currentStep(),
            Optional.empty()));
    Optional.ofNullable(runs.get(id)).ifPresent(DispatchHandle::pause);
    return snapshot(paused);
  }

  @Override
  public CampaignSnapshot resume(String id) {
    StoredCampaign resumed = transition(id, "resume", EnumSet.of(CampaignState.PAUSED),
        CampaignState.RUNNING, c -> with(c, CampaignState.RUNNING, c.definition(),
            c.currentStep(), Optional.empty()));
    DispatchHandle handle = runs.get(id);
    if (handle != null) {
      handle.resume();
    } else {
      startRun(resumed);
    }
    return snapshot(resumed);
  }

  @Override
  public CampaignSnapshot cancel(String id) {
    Optional<Instant> armedFor = load(id).nextRunAt();
    StoredCampaign cancelled = transition(id, "cancel",
        EnumSet.of(CampaignState.DRAFT, CampaignState.SCHEDULED, CampaignState.RUNNING,
            CampaignState.PAUSED),
        CampaignState.CANCELLED, c -> with(c, CampaignState.CANCELLED, c.definition(),
            c.currentStep(), Optional.empty()));
    armedFor.ifPresent(at -> timers.cancel(START, timerId(id, at))); // the timer also checks
    DispatchHandle handle = runs.get(id);
    if (handle != null) {
      handle.cancel(); // parked and scheduled sends settle as CANCELLED, none goes out
    }
    return snapshot(cancelled);
  }

  @Override
  public Optional<CampaignSnapshot> find(String id) {
    return store.find(id).map(this::snapshot);
  }

  @Override
  public List<CampaignSnapshot> list() {
    try (Stream<StoredCampaign> all = store.all()) {
      return all.map(this::snapshot).toList();
    }
  }

  @Override
  public Optional<DispatchHandle> currentRun(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(runs.get(id)); // as find(null)
  }

  /**
   * After a restart: re-arms SCHEDULED campaigns (with a durable scheduler their timers are
   * stored already, and re-arming one is a no-op) and resumes RUNNING ones from the stores.
   *
   * @return how many campaigns were re-armed or resumed
   */
  public int recover() {
    int recovered = 0;
    try (Stream<StoredCampaign> all = store.all()) {
      for (StoredCampaign c : all.toList()) {
        if (c.state() == CampaignState.SCHEDULED && c.nextRunAt().isPresent()
            && !timers.scheduledHere(START, timerId(c.id(), c.nextRunAt().get()))) {
          if (timers.durable()) {
            Instant at = c.nextRunAt().get();
            timers.schedule(at, START, timerId(c.id(), at), () -> { });
          } else {
            arm(c, campaign(c));
          }
          recovered++;
        } else if (c.state() == CampaignState.RUNNING && !runs.containsKey(c.id())) {
          if (startRun(c)) {
            recovered++;
          }
        }
      }
    }
    return recovered;
  }

  /**
   * On a cluster, every heartbeat: takes over the RUNNING campaigns no node runs (their node
   * died and their lease expired; a live node's lease makes this a no-op), and makes the runs
   * of this node follow the stored state, which another node may have changed (a pause, a
   * resume, a cancel).
   *
   * @return how many campaigns this node took over
   */
  public int followCluster() {
    int taken = 0;
    List<StoredCampaign> all;
    try (Stream<StoredCampaign> stored = store.all()) {
      all = stored.toList();
    } catch (RuntimeException e) {
      log.warn("could not read the campaigns to follow the cluster; trying again later", e);
      return 0;
    }
    for (StoredCampaign c : all) {
      try {
        DispatchHandle handle = runs.get(c.id());
        if (c.state() == CampaignState.RUNNING) {
          if (handle == null) {
            taken += startRun(c) ? 1 : 0;
          } else if (handle.isPaused()) {
            handle.resume();
          }
        } else if (handle != null && c.state() == CampaignState.PAUSED && !handle.isPaused()) {
          handle.pause();
        } else if (handle != null && c.state() == CampaignState.CANCELLED) {
          handle.cancel();
        }
      } catch (RuntimeException e) {
        log.warn("campaign {}: following the cluster failed; trying again later", c.id(), e);
      }
    }
    return taken;
  }

  // -------------------------------------------------------------------------------------------

  private void arm(StoredCampaign scheduled, Campaign campaign) {
    Instant at = scheduled.nextRunAt().orElseThrow();
    String step = stepOf(scheduled, campaign, at);
    String runStep = campaign.schedule() instanceof Schedule.PlayerLocal
        ? LocalWaves.Wave.parse(step).step() : step;
    deliveries.append(DeliveryEvent.ofSource(EventType.PUSH_SCHEDULED, clock.instant(),
        scheduled.id(), runStep, "next run at " + at));
    timers.schedule(at, START, timerId(scheduled.id(), at), () -> fire(scheduled.id(), step));
  }

  /**
   * The step of the run at {@code at}: the wave kept as the campaign's step for a local-time
   * schedule, the instant for a recurring one, else "".
   */
  private static String stepOf(StoredCampaign scheduled, Campaign campaign, Instant at) {
    if (campaign.schedule() instanceof Schedule.PlayerLocal) {
      return scheduled.currentStep().orElseThrow();
    }
    return campaign.schedule() instanceof Schedule.Recurring ? at.toString() : "";
  }

  /**
   * One timer per campaign and run instant: arming the same run twice (two nodes recovering)
   * keeps one. Microseconds, as a database keeps the stored next run.
   */
  private static String timerId(String campaignId, Instant at) {
    return campaignId + '@' + at.truncatedTo(ChronoUnit.MICROS);
  }

  /**
   * A durable timer is due, on whichever node picked it, possibly after every node restarted.
   * It starts the run only if the campaign still waits for exactly this run: a timer of a
   * cancelled campaign, or one run again after its node died, does nothing. A failure to start
   * is thrown, so that the scheduler tries again.
   */
  private void due(String timerId) {
    int at = timerId.lastIndexOf('@');
    String id = timerId.substring(0, at);
    Instant when = Instant.parse(timerId.substring(at + 1));
    Optional<StoredCampaign> current = store.find(id);
    if (current.isEmpty() || current.get().state() != CampaignState.SCHEDULED
        || current.get().nextRunAt().map(t -> !t.truncatedTo(ChronoUnit.MICROS).equals(when))
            .orElse(true)) {
      log.debug("campaign {}: timer for {} is stale; nothing to start", id, when);
      return;
    }
    start(id, stepOf(current.get(), campaign(current.get()), when));
  }

  private void fire(String id, String step) {
    try {
      start(id, step);
    } catch (RuntimeException e) {
      log.error("campaign {} failed to start its run", id, e);
    }
  }

  private void start(String id, String step) {
    try {
      StoredCampaign running = transition(id, "run", EnumSet.of(CampaignState.SCHEDULED),
          CampaignState.RUNNING, c -> with(c, CampaignState.RUNNING, c.definition(),
              Optional.of(step), Optional.empty()));
      startRun(running);
    } catch (IllegalCampaignStateException e) {
      log.debug("campaign {} not run: {}", id, e.getMessage()); // cancelled meanwhile
    }
  }

  /** @return whether the run started here (not when another node runs the step) */
  private boolean startRun(StoredCampaign running) {
    String step = running.currentStep().orElse("");
    Campaign campaign = campaign(running);
    LocalWaves.WaveRelease release = null;
    DispatchHandle handle;
    if (campaign.schedule() instanceof Schedule.PlayerLocal local) {
      LocalWaves.Wave wave = LocalWaves.Wave.parse(step);
      release = new LocalWaves.WaveRelease(wave, local, directory);
      handle = dispatcher.start(campaign.toRequest(wave.step()), release);
    } else if (chunks != null) {
      handle = dispatcher.startChunked(campaign.toRequest(step), chunks, playersPerChunk);
    } else {
      handle = dispatcher.start(campaign.toRequest(step));
    }
    LocalWaves.WaveRelease waveRelease = release;
    if (Dispatcher.ownedElsewhere(handle)) {
      log.debug("campaign {} run '{}' is owned by another node", running.id(), step);
      return false;
    }
    runs.put(running.id(), handle);
    handle.completion().whenComplete((report, error) -> {
      runs.remove(running.id(), handle);
      try {
        finished(running.id(), step, report, error, waveRelease);
      } catch (IllegalCampaignStateException e) {
        // another node recorded the end of the same run first (it took the step over)
        log.debug("campaign {}: {}", running.id(), e.getMessage());
      } catch (RuntimeException e) {
        log.error("campaign {} could not record the end of its run", running.id(), e);
      }
    });
    // A pause or cancel that landed after the run started but before its handle was registered
    // changed the stored state without reaching the run; the stored state wins.
    try {
      CampaignState now = load(running.id()).state();
      if (now == CampaignState.PAUSED) {
        handle.pause();
      } else if (now == CampaignState.CANCELLED) {
        handle.cancel();
      }
    } catch (RuntimeException e) {
      log.warn("campaign {}: could not re-read its state after starting the run", running.id(), e);
    }
    return true;
  }

  private void finished(String id, String step, DispatchReport report, Throwable error,
      LocalWaves.WaveRelease release) {
    StoredCampaign current = load(id);
    if (current.state() != CampaignState.RUNNING
        || !current.currentStep().orElse("").equals(step)) {
      return; // cancelled, or paused and since resumed as another run
    }
    if (error != null || report.status() == DispatchReport.Status.FAILED) {
      log.error("campaign {} run '{}' failed; pausing it so an operator can resume: {}", id,
          step, error != null ? error.toString() : report.error().orElse(""));
      transition(id, "pause after a failed run", EnumSet.of(CampaignState.RUNNING),
          CampaignState.PAUSED, c -> with(c, CampaignState.PAUSED, c.definition(),
              c.currentStep(), Optional.empty()));
      return;
    }
    if (report.status() == DispatchReport.Status.CANCELLED
        || report.status() == DispatchReport.Status.STOPPED) {
      return; // cancelled for good, or Herald closed: recover() resumes a RUNNING campaign
    }
    Campaign campaign = campaign(current);
    Optional<Instant> next;
    Optional<String> nextStep;
    if (campaign.schedule() instanceof Schedule.PlayerLocal local) {
      LocalWaves.Wave done = LocalWaves.Wave.parse(step);
      Optional<LocalWaves.Wave> wave = LocalWaves.next(local, done, release.earliestLater());
      if (wave.map(w -> !w.occurrence().equals(done.occurrence())).orElse(true)) {
        // The occurrence's last wave: its one run is complete.
        deliveries.append(DeliveryEvent.ofSource(EventType.CAMPAIGN_COMPLETED, clock.instant(),
            id, done.step(), ""));
      }
      next = wave.map(LocalWaves.Wave::at);
      nextStep = wave.map(LocalWaves.Wave::key);
    } else {
      Instant ranAt = step.isEmpty() ? clock.instant() : Instant.parse(step);
      next = campaign.schedule().next(ranAt, true);
      nextStep = current.currentStep();
    }
    if (next.isPresent()) {
      StoredCampaign scheduled = transition(id, "schedule the next run",
          EnumSet.of(CampaignState.RUNNING), CampaignState.SCHEDULED,
          c -> with(c, CampaignState.SCHEDULED, c.definition(), nextStep, next));
      arm(scheduled, campaign);
    } else {
      transition(id, "complete", EnumSet.of(CampaignState.RUNNING), CampaignState.COMPLETED,
          c -> with(c, CampaignState.COMPLETED, c.definition(), c.currentStep(),
              Optional.empty()));
    }
  }

  private StoredCampaign transition(String id, String action, Set<CampaignState> from,
      CampaignState to, UnaryOperator<StoredCampaign> change) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      StoredCampaign current = load(id);
      if (!from.contains(current.state())) {
        throw new IllegalCampaignStateException(id, current.state(), action, from.toString());
      }
      StoredCampaign next = change.apply(current);
      if (store.save(next, current.version())) {
        log.debug("campaign {}: {} -> {}", id, current.state(), to);
        return next;
      }
    }
    throw new dev.herald.HeraldException("gave up updating campaign " + id + " after "
        + MAX_ATTEMPTS + " concurrent modifications");
  }

  private StoredCampaign with(StoredCampaign c, CampaignState state, String definition,
      Optional<String> step, Optional<Instant> nextRunAt) {
    return new StoredCampaign(c.id(), state, definition, c.version() + 1, c.createdAt(),
        clock.instant(), step, nextRunAt);
  }

  private StoredCampaign load(String id) {
    String i = Checks.nonBlank(id, "campaign.id");
    return store.find(i).orElseThrow(() ->
        new InvalidInputException("campaign.id", "unknown campaign " + i));
  }

  private CampaignSnapshot snapshot(StoredCampaign c) {
    return new CampaignSnapshot(campaign(c), c.state(), c.createdAt(), c.updatedAt(),
        c.currentStep(), c.nextRunAt());
  }

  private static Campaign campaign(StoredCampaign c) {
    return CampaignJson.read(c.definition());
  }

  private void checkAudience(Campaign campaign) {
    if (campaign.audience() instanceof Audience.Segment && !hasResolver) {
      throw new InvalidInputException("campaign.audience", "a segment audience needs an "
          + "AudienceResolver on the Herald builder (add herald-segmentation)");
    }
  }
}
