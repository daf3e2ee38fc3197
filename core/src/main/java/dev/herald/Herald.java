package dev.herald;

import dev.herald.analytics.Analytics;
import dev.herald.campaign.Campaigns;
import dev.herald.campaign.TransactionalSends;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.embedded.ExecutorScheduler;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.embedded.LocalLeases;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.internal.Checks;
import dev.herald.internal.campaign.CampaignService;
import dev.herald.internal.campaign.TransactionalService;
import dev.herald.internal.GuardedComplianceGuard;
import dev.herald.internal.GuardedScheduler;
import dev.herald.internal.Listeners;
import dev.herald.internal.Timers;
import dev.herald.spi.NodeRegistry;
import dev.herald.internal.dispatch.Dispatcher;
import dev.herald.internal.dispatch.EngineContext;
import dev.herald.internal.dispatch.Ownership;
import dev.herald.internal.dispatch.Providers;
import dev.herald.internal.dispatch.WriterThreads;
import dev.herald.internal.trigger.TriggerService;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Leases;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PushProvider;
import dev.herald.spi.Scheduler;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import dev.herald.subscription.Subscriptions;
import dev.herald.trigger.Triggers;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one object a host creates: Herald's facade over subscription state, providers and the host
 * services it was built with.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()          // every host service has an in-memory default
 *     .subscriptionStore(myJdbcStore)
 *     .provider(webPushProvider)
 *     .build();
 * herald.subscriptions().permissionGranted("player-42", "browser-7", webPushAddress);
 * }</pre>
 *
 * <p>Thread-safe and long-lived: build one per application and {@link #close()} it on shutdown,
 * which closes the providers registered on it.
 */
public final class Herald implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Herald.class);

  private final Clock clock;
  private final SubscriptionStore subscriptionStore;
  private final PlayerDirectory playerDirectory;
  private final DeliveryStore deliveryStore;
  private final TriggerStore triggerStore;
  private final Scheduler scheduler;
  private final HeraldListener listener;
  private final Providers providers;
  private final Subscriptions subscriptions;
  private final Analytics analytics;
  private final AudienceResolver audienceResolver;
  private final Dispatcher dispatcher;
  private final CampaignService campaigns;
  private final TriggerService triggers;
  private final TransactionalService transactional;
  private final LazyExecutor ownedExecutor;
  /** The threads campaign runs write on, when the drivers run on Herald's own; else null. */
  private final WriterThreads writers;
  private final ExecutorScheduler ownedScheduler;
  private final Timers timers;
  private final Ownership ownership;
  private final Scheduler guardedScheduler;
  private volatile Scheduler.ScheduledTask takeOverWatch;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Herald(Builder b) {
    this.clock = b.clock;
    this.subscriptionStore = b.subscriptionStore != null
        ? b.subscriptionStore : new InMemorySubscriptionStore();
    this.playerDirectory = b.playerDirectory != null
        ? b.playerDirectory : new InMemoryPlayerDirectory();
    this.deliveryStore = b.deliveryStore != null ? b.deliveryStore : new InMemoryDeliveryStore();
    this.ownedScheduler = b.scheduler == null ? ExecutorScheduler.create(clock) : null;
    this.scheduler = b.scheduler != null ? b.scheduler : ownedScheduler;
    this.listener = b.listener;
    this.providers = new Providers(b.providers);
    // The host's callbacks are contained once, here; the engine calls them directly.
    HeraldListener contained = Listeners.guarded(listener);
    this.subscriptions = Subscriptions.create(subscriptionStore, clock, contained);
    this.analytics = Analytics.create(deliveryStore, clock, contained, b.conversionWindow);
    ComplianceGuard guard = b.complianceGuard != null
        ? b.complianceGuard : new ProfileComplianceGuard(playerDirectory, clock);
    this.ownedExecutor = b.dispatchExecutor == null ? new LazyExecutor() : null;
    Executor executor = b.dispatchExecutor != null ? b.dispatchExecutor : ownedExecutor;
    // A factory sees this instance's stores and clock (assigned above), nothing else yet.
    this.audienceResolver = b.audienceResolver != null ? b.audienceResolver
        : b.audienceResolverFactory != null ? b.audienceResolverFactory.apply(this) : null;
    this.guardedScheduler = GuardedScheduler.of(scheduler);
    // One node decides caps in its own locks and claims in batches; several nodes decide
    // them in the delivery store, per player (see docs/scaling.md).
    boolean clustered =
        b.leases != null && !(b.leases instanceof LocalLeases) || scheduler instanceof NodeRegistry;
    // A node of a cluster writes each outcome as it comes, and keeps its writes in order
    this.writers = ownedExecutor != null && !clustered ? new WriterThreads() : null;
    EngineContext engine = new EngineContext(clock, subscriptions, playerDirectory,
        audienceResolver, GuardedComplianceGuard.of(guard), deliveryStore,
        guardedScheduler, contained, providers, b.dispatchSettings, executor,
        liveNodes(scheduler), clustered, writers);
    this.ownership = new Ownership(b.leases != null ? b.leases : new LocalLeases(),
        b.nodeId != null ? b.nodeId : defaultNodeId(), b.leaseHeartbeat, b.leaseExpiry, clock,
        guardedScheduler);
    this.dispatcher = new Dispatcher(engine, ownership);
    this.timers = Timers.of(scheduler, engine.scheduler());
    this.campaigns = new CampaignService(
        b.campaignStore != null ? b.campaignStore : new InMemoryCampaignStore(), dispatcher,
        engine, timers, b.audienceChunks, b.playersPerChunk);
    this.triggerStore = b.triggerStore != null ? b.triggerStore : new InMemoryTriggerStore();
    this.triggers = new TriggerService(triggerStore, dispatcher, engine,
        analytics, timers, ownership);
    this.transactional = new TransactionalService(dispatcher);
    timers.start(); // a DurableScheduler runs what is due from now on, on this node too
  }

  /** Rate budgets are split across the nodes a node-tracking scheduler counts. */
  private static IntSupplier liveNodes(Scheduler scheduler) {
    if (scheduler instanceof NodeRegistry registry) {
      AtomicInteger lastKnown = new AtomicInteger(1);
      return () -> {
        try {
          lastKnown.set(Math.max(1, registry.liveNodes()));
        } catch (RuntimeException e) {
          log.debug("the node registry failed; keeping the last count", e); // contained
        }
        return lastKnown.get();
      };
    }
    return () -> 1;
  }

  /**
   * Starts configuring Herald. Everything is optional: without a store the in-memory one is used,
   * without a clock the system UTC clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the subscription state machine */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** @return the clock every timestamp comes from */
  public Clock clock() {
    return clock;
  }

  /** @return the player directory Herald reads profiles from */
  public PlayerDirectory players() {
    return playerDirectory;
  }

  /** @return the subscription store */
  public SubscriptionStore subscriptionStore() {
    return subscriptionStore;
  }

  /**
   * The audience resolver, as the type it was registered with.
   *
   * <pre>{@code
   * Herald herald = Herald.builder()
   *     .audienceResolverFrom(h -> Segmentation.builder().herald(h).build())
   *     .build();
   * Segmentation segments = herald.audienceResolver(Segmentation.class);
   * }</pre>
   *
   * @param type the resolver's class
   * @param <T> the resolver's type
   * @return the resolver
   * @throws InvalidInputException when none is registered or it is of another type
   */
  public <T extends AudienceResolver> T audienceResolver(Class<T> type) {
    if (!type.isInstance(audienceResolver)) {
      throw new InvalidInputException("audienceResolver", audienceResolver == null
          ? "none is registered on the Herald builder"
          : "is a " + audienceResolver.getClass().getName() + ", not a " + type.getName());
    }
    return type.cast(audienceResolver);
  }

  /** @return the delivery store */
  public DeliveryStore deliveryStore() {
    return deliveryStore;
  }

  /** @return the scheduler delayed work runs on */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** @return statistics, the communication log, click and conversion tracking */
  public Analytics analytics() {
    return analytics;
  }

  /**
   * Starts sending: streams the audience, applies the gates, sends through the registered
   * providers and records every outcome; see {@link dev.herald.dispatch}. Returns at once. Running
   * the same source and step again (after a restart, say) sends nothing twice; while a run for it
   * is active, its handle is returned. With {@link Builder#leases shared leases}, when another
   * node runs the step, nothing runs here and the handle returned is complete, status STOPPED.
   *
   * @param request what to send to whom
   * @return the handle of the run
   * @throws InvalidInputException when a segment audience is used without an AudienceResolver
   */
  public DispatchHandle dispatch(DispatchRequest request) {
    checkOpen();
    Checks.required(request, "request");
    return dispatcher.start(request, false, true);
  }

  /** @return campaigns and their lifecycle */
  public Campaigns campaigns() {
    return campaigns;
  }

  /** @return the trigger engine: rules on player events */
  public Triggers triggers() {
    return triggers;
  }

  /** @return one-player SERVICE sends with an idempotency key */
  public TransactionalSends transactional() {
    return transactional;
  }

  /**
   * Picks up where a previous process left off, from durable stores: re-arms scheduled
   * campaigns, resumes running ones (sending nothing twice) and re-arms delayed trigger sends.
   * Call it once after building, when the host's stores are durable; with the in-memory defaults
   * there is nothing to recover.
   *
   * <p>With {@link Builder#leases shared leases} (several nodes on one database), a running
   * campaign is resumed here only when no live node holds its lease; and from then on, every
   * heartbeat interval, this node looks again: it takes over the campaigns whose node died (their
   * lease expired) and follows pauses, resumes and cancels made on other nodes. See
   * docs/scaling.md.
   *
   * @return how many campaigns and delayed sends were picked up
   */
  public int recover() {
    checkOpen();
    int recovered = campaigns.recover() + triggers.recover();
    if (ownership.clustered() && takeOverWatch == null) {
      watchForTakeOvers();
    }
    return recovered;
  }

  /** @return this node's name in the lease table ({@link Builder#nodeId}) */
  public String nodeId() {
    return ownership.nodeId();
  }

  private synchronized void watchForTakeOvers() {
    if (closed.get()) {
      return;
    }
    takeOverWatch = guardedScheduler.schedule(clock.instant().plus(
        ownership.heartbeatInterval()), () -> {
          if (closed.get()) {
            return;
          }
          try {
            campaigns.followCluster();
          } finally {
            watchForTakeOvers();
          }
        });
  }

  private static String defaultNodeId() {
    String host = System.getenv("HOSTNAME");
    return (host == null || host.isBlank() ? "node" : host) + "-"
        + ProcessHandle.current().pid() + "-"
        + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL);
  }

  /**
   * Erases a player (the right to erasure) from every store Herald writes: their devices,
   * addresses, status history and preferences ({@link SubscriptionStore#erasePlayer}), their
   * delayed trigger sends, rule entries and activity ({@link TriggerStore#erasePlayer}), and
   * their deliveries and events, which are anonymised so that campaign statistics stay correct
   * ({@link DeliveryStore#erasePlayer}). A delayed send already armed finds its row gone and
   * sends nothing. The host's own {@link PlayerDirectory} is the host's to erase.
   *
   * @param playerId the player
   * @return what was erased
   */
  public PlayerErasure erasePlayer(String playerId) {
    checkOpen();
    Checks.nonBlank(playerId, "playerId");
    // pending sends first: nothing new is sent while the rest goes
    int pending = triggerStore.erasePlayer(playerId);
    int devices = subscriptionStore.erasePlayer(playerId);
    int deliveries = deliveryStore.erasePlayer(playerId);
    return new PlayerErasure(devices, deliveries, pending);
  }

  /**
   * Retention: deletes the events and delivery records older than {@code maxAge}, in batches of
   * at most {@code batchSize} rows each ({@link DeliveryStore#deleteBefore}), so that no single
   * statement or transaction grows with the backlog. Call it from a daily job.
   *
   * @param maxAge how long events and deliveries are kept, at least one day
   * @param batchSize rows per batch, 1 to 100,000
   * @return how many events and deliveries were deleted
   */
  public long deleteOlderThan(Duration maxAge, int batchSize) {
    checkOpen();
    Checks.required(maxAge, "maxAge");
    if (maxAge.compareTo(Duration.ofDays(1)) < 0) {
      throw new InvalidInputException("maxAge", "must be at least 1 day, got " + maxAge);
    }
    if (batchSize < 1 || batchSize > 100_000) {
      throw new InvalidInputException("batchSize", "must be 1 to 100000, got " + batchSize);
    }
    java.time.Instant cutoff = clock.instant().minus(maxAge);
    long total = 0;
    int deleted;
    while ((deleted = deliveryStore.deleteBefore(cutoff, batchSize)) > 0) {
      total += deleted;
    }
    return total;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new HeraldException("this Herald is closed");
    }
  }

  /** @return the listener told of Herald's events */
  public HeraldListener listener() {
    return listener;
  }

  /**
   * The provider registered for a platform of the {@link Brand#DEFAULT default brand}.
   *
   * @param platform the platform
   * @return the provider, or empty when none was registered
   */
  public Optional<PushProvider> provider(Platform platform) {
    return provider(platform, Brand.DEFAULT);
  }

  /**
   * The provider registered for a platform of a brand.
   *
   * @param platform the platform
   * @param brand the brand
   * @return the provider, or empty when none was registered for that pair
   */
  public Optional<PushProvider> provider(Platform platform, Brand brand) {
    return providers.find(Checks.required(platform, "platform"), Checks.required(brand, "brand"));
  }

  /**
   * The brands that have at least one provider registered.
   *
   * @return the brands in id order: {@link Brand#DEFAULT} alone for a single-brand Herald, empty
   *     when no provider is registered
   */
  public Set<Brand> brands() {
    return providers.brands();
  }

  /**
   * Closes the registered providers and the threads Herald started for itself (the default
   * scheduler and dispatch executor); idempotent. Runs still in flight stop where they are and
   * their completion futures complete with status STOPPED: deliveries waiting for their time are
   * left claimed and are sent when the step runs again ({@link #recover()}), deliveries whose
   * provider call was in flight are reported as UNKNOWN then.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    timers.stop();
    synchronized (this) {
      if (takeOverWatch != null) {
        takeOverWatch.cancel();
      }
    }
    dispatcher.stopAll();
    if (writers != null) {
      writers.close(); // what is queued is still written; a run still ending writes itself
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
    }
    if (ownedScheduler != null) {
      ownedScheduler.close();
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (PushProvider provider : providers.all()) {
      try {
        provider.close();
      } catch (RuntimeException e) {
        failures.add(e);
        log.warn("closing the {} provider failed", provider.platform(), e);
      }
    }
    if (!failures.isEmpty()) {
      HeraldException e = new HeraldException("closing " + failures.size() + " provider(s) failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** Configures a {@link Herald}. Not thread-safe; {@link #build()} may be called once. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private SubscriptionStore subscriptionStore;
    private PlayerDirectory playerDirectory;
    private HeraldListener listener = HeraldListener.NONE;
    private final Map<Providers.Key, PushProvider> providers = new LinkedHashMap<>();
    private DeliveryStore deliveryStore;
    private AudienceResolver audienceResolver;
    private java.util.function.Function<Herald, ? extends AudienceResolver> audienceResolverFactory;
    private ComplianceGuard complianceGuard;
    private Scheduler scheduler;
    private Executor dispatchExecutor;
    private DispatchSettings dispatchSettings = DispatchSettings.defaults();
    private Duration conversionWindow = Duration.ofHours(24);
    private CampaignStore campaignStore;
    private TriggerStore triggerStore;
    private Leases leases;
    private AudienceChunks audienceChunks;
    private int playersPerChunk;
    private String nodeId;
    private Duration leaseHeartbeat = Duration.ofSeconds(10);
    private Duration leaseExpiry = Duration.ofSeconds(30);

    private Builder() {}

    /**
     * Shares the running of campaigns with other Herald nodes on the same database: each run
     * holds its step's lease and writes only while it does ({@code dev.herald.jdbc.JdbcLeases}
     * keeps them in PostgreSQL; the delivery store must fence its writes with the same leases).
     * By default a {@link LocalLeases}: one node, no coordination. See docs/scaling.md.
     *
     * @param value where leases are kept
     * @return this builder
     */
    public Builder leases(Leases value) {
      this.leases = Checks.required(value, "leases");
      return this;
    }

    /**
     * @param value this node's name in the lease table, unique among the nodes sharing the
     *     database, at most 200 characters; by default the host name, the process id and a
     *     random suffix
     * @return this builder
     */
    public Builder nodeId(String value) {
      this.nodeId = Checks.nonBlank(value, "nodeId", 200);
      return this;
    }

    /**
     * How a running step's lease is kept: renewed every {@code heartbeatInterval}, it lasts
     * {@code expiry} from each renewal; a node that dies is taken over at most about
     * {@code expiry} plus one heartbeat later. 10 s and 30 s by default.
     *
     * @param heartbeatInterval 100 ms to 10 minutes
     * @param expiry at least twice the heartbeat interval, at most 1 hour
     * @return this builder
     */
    public Builder leaseTimes(Duration heartbeatInterval, Duration expiry) {
      Duration interval = Checks.range(heartbeatInterval, "leaseHeartbeatInterval",
          Duration.ofMillis(100), Duration.ofMinutes(10));
      this.leaseExpiry = Checks.range(expiry, "leaseExpiry", interval.multipliedBy(2),
          Duration.ofHours(1));
      this.leaseHeartbeat = interval;
      return this;
    }

    /**
     * Shares each campaign run among the nodes: its audience is cut into chunks of
     * {@code playersPerChunk} players (ranges of player ids), which the nodes claim, send and
     * mark done one at a time, so that every node sends part of one campaign
     * ({@code dev.herald.jdbc.JdbcAudienceChunks} on PostgreSQL, with {@code JdbcLeases} over the
     * same schema). Local-time campaigns still run each wave on one node. Without this, a
     * campaign run is sent by one node at a time. See docs/scaling.md.
     *
     * @param value where the chunks are kept
     * @param playersPerChunk how many players a chunk holds, 1 to 10,000,000
     * @return this builder
     */
    public Builder audienceChunks(AudienceChunks value, int playersPerChunk) {
      this.audienceChunks = Checks.required(value, "audienceChunks");
      this.playersPerChunk = Checks.range(playersPerChunk, "playersPerChunk", 1, 10_000_000);
      return this;
    }

    /**
     * @param value where campaigns are kept; the in-memory store by default
     * @return this builder
     */
    public Builder campaignStore(CampaignStore value) {
      this.campaignStore = Checks.required(value, "campaignStore");
      return this;
    }

    /**
     * @param value where delayed trigger sends and entry history are kept; in memory by default
     * @return this builder
     */
    public Builder triggerStore(TriggerStore value) {
      this.triggerStore = Checks.required(value, "triggerStore");
      return this;
    }

    /**
     * @param value where deliveries and events are kept; the in-memory store by default
     * @return this builder
     */
    public Builder deliveryStore(DeliveryStore value) {
      this.deliveryStore = Checks.required(value, "deliveryStore");
      return this;
    }

    /**
     * @param value resolves segment audiences (herald-segmentation provides one); none by default
     * @return this builder
     */
    public Builder audienceResolver(AudienceResolver value) {
      this.audienceResolver = Checks.required(value, "audienceResolver");
      this.audienceResolverFactory = null;
      return this;
    }

    /**
     * Builds the audience resolver from the Herald being built, so it can share Herald's stores
     * (the in-memory defaults included) and clock:
     * {@code .audienceResolverFrom(h -> Segmentation.builder().herald(h).build())}. The factory may
     * read {@link Herald#players()}, {@link Herald#subscriptionStore()},
     * {@link Herald#deliveryStore()} and {@link Herald#clock()}, nothing else.
     *
     * @param factory makes the resolver
     * @return this builder
     */
    public Builder audienceResolverFrom(
        java.util.function.Function<Herald, ? extends AudienceResolver> factory) {
      this.audienceResolverFactory = Checks.required(factory, "audienceResolver");
      this.audienceResolver = null;
      return this;
    }

    /**
     * @param value asked before every marketing send; by default a
     *     {@link ProfileComplianceGuard} over the player directory
     * @return this builder
     */
    public Builder complianceGuard(ComplianceGuard value) {
      this.complianceGuard = Checks.required(value, "complianceGuard");
      return this;
    }

    /**
     * @param value runs delayed sends, retries and schedules; by default an
     *     {@link ExecutorScheduler} on one daemon thread. A {@link dev.herald.spi.DurableScheduler}
     *     (such as {@code dev.herald.jdbc.JdbcScheduler}) keeps campaign starts and delayed
     *     trigger sends in storage, each fired once across the nodes and surviving restarts;
     *     Herald starts it when built and stops it when closed
     * @return this builder
     */
    public Builder scheduler(Scheduler value) {
      this.scheduler = Checks.required(value, "scheduler");
      return this;
    }

    /**
     * @param value runs each dispatch's driver loop (one task per run, which blocks while the run
     *     is paused or at its concurrency limit); by default daemon threads started on first use
     * @return this builder
     */
    public Builder dispatchExecutor(Executor value) {
      this.dispatchExecutor = Checks.required(value, "dispatchExecutor");
      return this;
    }

    /**
     * @param value concurrency, retries and timeouts of dispatch
     * @return this builder
     */
    public Builder dispatchSettings(DispatchSettings value) {
      this.dispatchSettings = Checks.required(value, "dispatchSettings");
      return this;
    }

    /**
     * @param value how long after a click a conversion is credited to it, 1 minute to 90 days;
     *     24 hours by default
     * @return this builder
     */
    public Builder conversionWindow(Duration value) {
      this.conversionWindow = Checks.range(value, "conversionWindow", Duration.ofMinutes(1),
          Duration.ofDays(90));
      return this;
    }

    /**
     * @param value the time source for every timestamp, schedule and expiry
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * @param value where subscription state is kept; the in-memory store by default
     * @return this builder
     */
    public Builder subscriptionStore(SubscriptionStore value) {
      this.subscriptionStore = Checks.required(value, "subscriptionStore");
      return this;
    }

    /**
     * @param value where player profiles are read; an empty in-memory directory by default
     * @return this builder
     */
    public Builder playerDirectory(PlayerDirectory value) {
      this.playerDirectory = Checks.required(value, "playerDirectory");
      return this;
    }

    /**
     * @param value told of Herald's events, for metrics and audit
     * @return this builder
     */
    public Builder listener(HeraldListener value) {
      this.listener = Checks.required(value, "listener");
      return this;
    }

    /**
     * Registers the provider for its platform of the {@link Brand#DEFAULT default brand}; Herald
     * closes it on {@link Herald#close()}.
     *
     * @param value the provider
     * @return this builder
     * @throws InvalidInputException when a provider is already registered for the platform
     */
    public Builder provider(PushProvider value) {
      return provider(Brand.DEFAULT, value);
    }

    /**
     * Registers the provider of a brand for its platform: devices of that brand on that platform
     * are sent through it, with its credentials (VAPID key pair, APNs key and topic, Firebase
     * service account). Herald closes it on {@link Herald#close()}.
     *
     * @param brand the brand whose credentials the provider holds
     * @param value the provider
     * @return this builder
     * @throws InvalidInputException when a provider is already registered for the platform and
     *     brand
     */
    public Builder provider(Brand brand, PushProvider value) {
      Checks.required(brand, "brand");
      Checks.required(value, "provider");
      Platform platform = Checks.required(value.platform(), "provider.platform");
      Providers.Key key = new Providers.Key(platform, brand);
      if (providers.containsKey(key)) {
        throw new InvalidInputException("provider", "a provider for " + platform
            + " of brand " + brand + " is already registered (one per platform and brand;"
            + " register another brand's with provider(brand, provider))");
      }
      providers.put(key, value);
      return this;
    }

    /** @return the configured Herald */
    public Herald build() {
      return new Herald(this);
    }
  }

  /** Daemon threads for dispatch drivers, started on first use only. */
  private static final class LazyExecutor implements Executor {
    private ExecutorService pool;
    private boolean shutDown;

    @Override
    public synchronized void execute(Runnable task) {
      if (shutDown) {
        throw new java.util.concurrent.RejectedExecutionException("this Herald is closed");
      }
      if (pool == null) {
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newCachedThreadPool(r -> {
          Thread t = new Thread(r, "herald-dispatch-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
      }
      pool.execute(task);
    }

    synchronized void shutdown() {
      shutDown = true;
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }
}
