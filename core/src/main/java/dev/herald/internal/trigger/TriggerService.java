package dev.herald.internal.trigger;

import dev.herald.HeraldListener;
import dev.herald.InvalidInputException;
import dev.herald.analytics.Analytics;
import dev.herald.analytics.CampaignStats;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.internal.Checks;
import dev.herald.internal.Timers;
import dev.herald.internal.dispatch.Dispatcher;
import dev.herald.internal.dispatch.EngineContext;
import dev.herald.internal.dispatch.Ownership;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Lease;
import dev.herald.spi.PendingTrigger;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerLocks;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.Scheduler;
import dev.herald.spi.TriggerStore;
import dev.herald.trigger.PlayerEvent;
import dev.herald.trigger.PlayerEventType;
import dev.herald.trigger.TriggerFiring;
import dev.herald.trigger.TriggerRule;
import dev.herald.trigger.Triggers;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Triggers} implementation. Rules are indexed by event type in an immutable snapshot
 * replaced on every change, so {@link #report} reads the rules without locks: only the rules of
 * the event's type are looked at. The decisions for one player (already handled? entry limit?
 * record the entry) are made under that player's lock stripe, and under the delivery store's
 * {@link PlayerLocks player lock} when it has one (shared by every node), so two events of one
 * player reported at once, to one node or two, cannot both pass a once-per-player rule.
 */
public final class TriggerService implements Triggers {
  private static final Logger log = LoggerFactory.getLogger(TriggerService.class);
  /** The timer kind of a delayed send; its id is the {@link PendingTrigger#id()}. */
  static final String SEND = "trigger-send";
  /** The lease of the inactivity scan: on a cluster, one node scans at a time. */
  static final String SCAN_LEASE = "scan:inactivity";
  private static final PlayerLocks.Held NOT_SHARED = () -> { };
  /**
   * How long after this node was built a due delayed send waits for its rule: Herald starts its
   * scheduler when built (a durable one picks at once the sends that came due while every node
   * was down), and the host defines its rules only afterwards.
   */
  private static final Duration RULE_GRACE = Duration.ofSeconds(5);

  private final TriggerStore store;
  private final Dispatcher dispatcher;
  private final DeliveryStore deliveries;
  private final PlayerDirectory directory;
  private final AudienceResolver resolver;
  private final Scheduler scheduler;
  private final Timers timers;
  private final PlayerLocks clusterLocks;
  private final Executor executor;
  private final Clock clock;
  private final Ownership ownership;
  private final HeraldListener listener;
  private final Analytics analytics;
  private final ReentrantLock[] playerLocks = new ReentrantLock[64];
  private final Map<String, TriggerRule> rules = new ConcurrentHashMap<>();
  private volatile Index index = new Index(Map.of(), Set.of(), List.of());
  private final AtomicBoolean scanning = new AtomicBoolean();
  private final long ruleGraceEnds = System.nanoTime() + RULE_GRACE.toNanos();
  /** Rules {@link #remove removed} on this node: their delayed sends are dropped when due. */
  private final Set<String> removedRules = ConcurrentHashMap.newKeySet();
  /** Delayed sends (in-process timers) that came due before this node had their rule. */
  private final Map<String, PendingTrigger> awaitingRule = new ConcurrentHashMap<>();

  /** Rules by event type, the event types that cancel something, and the inactivity rules. */
  private record Index(Map<String, List<TriggerRule>> byEvent, Set<String> cancelling,
      List<TriggerRule> inactivity) {}

  /**
   * Creates the engine.
   *
   * @param store runtime state
   * @param dispatcher runs the sends
   * @param engine the delivery store (skips), directory (inactivity scans), resolver (segment
   *     membership), scheduler (delayed sends, scans), executor (runs scheduled scans and delayed
   *     sends, which may wait for room with a provider — not on the scheduler's thread: the
   *     retries that make room need it), clock and contained listener
   * @param analytics statistics
   * @param timers delayed sends (kind {@value #SEND}); the handler is registered here
   * @param ownership the inactivity scan's lease ({@value #SCAN_LEASE})
   */
  public TriggerService(TriggerStore store, Dispatcher dispatcher, EngineContext engine,
      Analytics analytics, Timers timers, Ownership ownership) {
    this.store = store;
    this.dispatcher = dispatcher;
    this.deliveries = engine.store();
    this.directory = engine.directory();
    this.resolver = engine.resolver();
    this.scheduler = engine.scheduler();
    this.timers = timers;
    this.clusterLocks = deliveries instanceof PlayerLocks locks ? locks : null;
    this.executor = engine.driverExecutor();
    this.clock = engine.clock();
    this.ownership = ownership;
    this.listener = engine.listener();
    this.analytics = analytics;
    for (int i = 0; i < playerLocks.length; i++) {
      playerLocks[i] = new ReentrantLock();
    }
    timers.handle(SEND, this::dueOnAnyNode);
  }

  @Override
  public synchronized void define(TriggerRule rule) {
    Checks.required(rule, "rule");
    if (rule.segment().isPresent() && resolver == null) {
      throw new InvalidInputException("rule.segment", "a rule with a segment needs an "
          + "AudienceResolver on the Herald builder (add herald-segmentation)");
    }
    rules.put(rule.id(), rule);
    removedRules.remove(rule.id());
    reindex();
    notifyAll(); // the sends waiting for a rule (see awaitRule)
    for (PendingTrigger p : List.copyOf(awaitingRule.values())) {
      if (p.ruleId().equals(rule.id()) && awaitingRule.remove(p.id()) != null) {
        arm(p);
      }
    }
  }

  @Override
  public synchronized boolean remove(String ruleId) {
    boolean removed = rules.remove(Checks.nonBlank(ruleId, "ruleId")) != null;
    removedRules.add(ruleId);
    reindex();
    notifyAll();
    for (PendingTrigger p : List.copyOf(awaitingRule.values())) {
      if (p.ruleId().equals(ruleId) && awaitingRule.remove(p.id()) != null) {
        store.removePending(p.id()); // due, and its rule is removed: dropped
      }
    }
    return removed;
  }

  private void reindex() {
    Map<String, List<TriggerRule>> byEvent = new HashMap<>();
    Set<String> cancelling = new HashSet<>();
    List<TriggerRule> inactivity = new ArrayList<>();
    for (TriggerRule r : rules.values()) {
      if (r.isInactivityRule()) {
        inactivity.add(r);
      } else {
        byEvent.computeIfAbsent(r.on().name(), k -> new ArrayList<>()).add(r);
      }
      r.cancelOn().forEach(t -> cancelling.add(t.name()));
    }
    Comparator<TriggerRule> order = Comparator.comparingInt(TriggerRule::priority).reversed()
        .thenComparing(TriggerRule::id);
    byEvent.replaceAll((k, v) -> v.stream().sorted(order).toList());
    index = new Index(Map.copyOf(byEvent), Set.copyOf(cancelling),
        inactivity.stream().sorted(order).toList());
  }

  @Override
  public List<TriggerRule> rules() {
    return List.copyOf(rules.values());
  }

  @Override
  public Optional<TriggerRule> rule(String ruleId) {
    return Optional.ofNullable(ruleId == null ? null : rules.get(ruleId));
  }

  @Override
  public List<TriggerFiring> report(PlayerEvent event) {
    Checks.required(event, "event");
    Index idx = index;
    String type = event.type().name();
    store.recordActivity(event.playerId(), type, event.occurredAt());
    if (idx.cancelling.contains(type)) {
      cancelPending(event);
    }
    List<TriggerRule> candidates = idx.byEvent.get(type);
    if (candidates == null) {
      return List.of();
    }
    List<Runnable> sends = new ArrayList<>(1);
    List<TriggerFiring> firings;
    ReentrantLock lock = lockFor(event.playerId());
    lock.lock();
    try (PlayerLocks.Held cluster = clusterLock(event.playerId())) {
      firings = decide(candidates, event, type, sends);
    } finally {
      lock.unlock();
    }
    // Sent (and delayed sends armed) outside the locks: a send runs the host's compliance guard
    // and listeners, and may wait for room with a provider; other players on the same lock
    // stripe must not wait for that, nor a node's decision transaction stay open for it.
    sends.forEach(Runnable::run);
    firings.forEach(listener::triggerFired);   // the engine's listener is guarded
    return firings;
  }

  private ReentrantLock lockFor(String playerId) {
    return playerLocks[(playerId.hashCode() & 0x7fffffff) % playerLocks.length];
  }

  /** The player's lock across nodes, when the delivery store is shared by several. */
  private PlayerLocks.Held clusterLock(String playerId) {
    return clusterLocks == null ? NOT_SHARED : clusterLocks.lockPlayer(playerId);
  }

  /** Decides what each candidate rule does; immediate sends are added to {@code sends}. */
  private List<TriggerFiring> decide(List<TriggerRule> candidates, PlayerEvent event, String type,
      List<Runnable> sends) {
    Instant now = clock.instant();
    List<TriggerFiring> firings = new ArrayList<>(2);
    boolean fired = false;
    for (TriggerRule rule : candidates) { // highest priority first
      if (!matches(rule, event)) {
        continue;
      }
      if (alreadyHandled(rule, event)) {
        continue; // the same event reported again: it was dealt with the first time
      }
      if (fired) {
        skip(rule, event.playerId(), event.eventId(), LOWER_PRIORITY, now);
        firings.add(new TriggerFiring(rule.id(), TriggerFiring.Decision.SKIPPED, LOWER_PRIORITY,
            now));
        continue;
      }
      if (!rule.entryMode().allows(store.lastEntry(rule.id(), event.playerId()), now)) {
        skip(rule, event.playerId(), event.eventId(), ENTRY_LIMIT, now);
        firings.add(new TriggerFiring(rule.id(), TriggerFiring.Decision.SKIPPED, ENTRY_LIMIT, now));
        continue;
      }
      fired = true;
      store.recordEntry(rule.id(), event.playerId(), now);
      Map<String, String> values = values(event);
      if (rule.delay().isZero()) {
        sends.add(() -> send(rule, event.playerId(), event.eventId(), values));
        firings.add(new TriggerFiring(rule.id(), TriggerFiring.Decision.SENT, "", now));
      } else {
        Instant sendAt = now.plus(rule.delay());
        PendingTrigger pending = new PendingTrigger(
            DeliveryRecord.key(rule.id(), event.eventId(), event.playerId(), ""), rule.id(),
            event.playerId(), event.eventId(), type, event.occurredAt(), sendAt, values);
        store.savePending(pending);
        sends.add(() -> arm(pending)); // once the decision is committed
        firings.add(new TriggerFiring(rule.id(), TriggerFiring.Decision.SCHEDULED, "", sendAt));
      }
    }
    return firings;
  }

  private boolean alreadyHandled(TriggerRule rule, PlayerEvent event) {
    String key = DeliveryRecord.key(rule.sourceId(), event.eventId(), event.playerId(), "");
    String pendingId = DeliveryRecord.key(rule.id(), event.eventId(), event.playerId(), "");
    return deliveries.progress(rule.sourceId(), event.eventId()).isPresent()
        || deliveries.find(key).isPresent()
        || store.pendingOf(event.playerId()).stream().anyMatch(p -> p.id().equals(pendingId));
  }

  private boolean matches(TriggerRule rule, PlayerEvent event) {
    for (var condition : rule.conditions()) {
      if (!condition.test(event.attributes())) {
        return false;
      }
    }
    return rule.segment().map(s -> inSegment(s, event.playerId())).orElse(true);
  }

  private boolean inSegment(String segment, String playerId) {
    try {
      return resolver.contains(segment, playerId);
    } catch (RuntimeException e) {
      log.warn("segment {} could not be evaluated for player {}: {}", segment, playerId,
          e.toString());
      return false;
    }
  }

  private void cancelPending(PlayerEvent event) {
    for (PendingTrigger p : store.pendingOf(event.playerId())) {
      TriggerRule rule = rules.get(p.ruleId());
      boolean cancels = rule == null
          || rule.cancelOn().contains(event.type()) && !event.occurredAt().isBefore(p.triggeredAt());
      if (cancels && store.removePending(p.id())) {
        timers.cancel(SEND, p.id());
        if (rule != null) {
          skip(rule, p.playerId(), p.eventId(), CANCELLED_BY_EVENT, clock.instant());
        }
      }
    }
  }

  private void arm(PendingTrigger pending) {
    // The scheduler only hands the send over: a send may wait for room with a provider, and the
    // scheduler's thread runs the retries that make that room.
    timers.schedule(pending.sendAt(), SEND, pending.id(), () -> runOnExecutor(() -> {
      try {
        due(pending);
      } catch (RuntimeException e) {
        log.error("delayed trigger send {} failed", pending.id(), e);
      }
    }, "delayed trigger send " + pending.id()));
  }

  /**
   * A durable timer of a delayed send is due, on whichever node picked it. The send is read back
   * from the store (gone: it was cancelled or sent) and handed to the executor; a refusal is
   * thrown, so that the scheduler tries again, here or on another node.
   */
  private void dueOnAnyNode(String pendingId) {
    Optional<PendingTrigger> pending = store.findPending(pendingId);
    if (pending.isEmpty()) {
      return;
    }
    if (!awaitRule(pending.get(), false)) {
      // Not removed here: this node has not been given the rule (a slow start, or a rule only
      // newer nodes define). The timer stays, for a node that has the rule or for this one later.
      throw new IllegalStateException("delayed trigger send " + pendingId + ": rule "
          + pending.get().ruleId() + " is not defined on this node; the send is tried again later");
    }
    executor.execute(() -> {
      try {
        due(pending.get());
      } catch (RuntimeException e) {
        log.error("delayed trigger send {} failed", pendingId, e);
      }
    });
  }

  private void runOnExecutor(Runnable task, String what) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      log.debug("{} not run: the dispatch executor is shut down", what);
    }
  }

  /**
   * Whether this node can decide a due send: its rule is defined, or was removed here. Until
   * {@link #RULE_GRACE} after this node was built it waits for an unknown rule to be defined.
   *
   * @param park when the rule is still unknown, keep the send for {@link #define} to arm
   */
  private synchronized boolean awaitRule(PendingTrigger pending, boolean park) {
    String ruleId = pending.ruleId();
    while (!rules.containsKey(ruleId) && !removedRules.contains(ruleId)) {
      long left = ruleGraceEnds - System.nanoTime();
      if (left <= 0) {
        if (park) {
          awaitingRule.put(pending.id(), pending);
        }
        return false;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false; // not parked: a closing node's in-process timers are re-armed by recover()
      }
    }
    return true;
  }

  private void due(PendingTrigger pending) {
    if (!awaitRule(pending, true)) {
      log.warn("rule {} is not defined on this node; its delayed send {} waits for it",
          pending.ruleId(), pending.id());
      return;
    }
    if (!store.removePending(pending.id())) {
      return; // cancelled by an event, or already sent
    }
    TriggerRule rule = rules.get(pending.ruleId());
    if (rule == null) {
      log.debug("rule {} was removed; dropping its pending send {}", pending.ruleId(),
          pending.id());
      return;
    }
    if (rule.segment().isPresent() && !inSegment(rule.segment().get(), pending.playerId())) {
      skip(rule, pending.playerId(), pending.eventId(), NOT_IN_SEGMENT, clock.instant());
      return;
    }
    try {
      send(rule, pending.playerId(), pending.eventId(), pending.values());
    } catch (RuntimeException e) {
      if (!dispatcher.closed()) {
        throw e;
      }
      putBack(pending);
    }
  }

  /**
   * This node closed after it took a due send from the store and before the send started (its
   * durable timer is gone by then): the send goes back to the store, for {@link #recover()} and,
   * with a durable scheduler, re-armed for the other nodes now.
   */
  private void putBack(PendingTrigger pending) {
    boolean interrupted = Thread.interrupted(); // the close interrupts the dispatch threads
    try {
      store.savePending(pending);
      if (timers.durable()) {
        arm(pending);
      }
      log.info("delayed trigger send {} not started: this Herald closed; it is kept",
          pending.id());
    } catch (RuntimeException e) {
      log.warn("delayed trigger send {} not started: this Herald closed; keeping or re-arming it"
          + " failed, recover() re-arms what is kept", pending.id(), e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void send(TriggerRule rule, String playerId, String step, Map<String, String> values) {
    DispatchRequest request = DispatchRequest.builder(rule.sourceId(), Audience.player(playerId))
        .step(step)
        .content(rule.content())
        .targetDevices(rule.targetDevices())
        .brand(rule.brand().orElse(null))
        .policy(rule.policy())
        .values(values)
        .build();
    dispatcher.start(request, true, false);
  }

  /** Records a matched-but-not-sent decision as a player-level suppressed delivery. */
  private void skip(TriggerRule rule, String playerId, String step, String reason, Instant now) {
    DeliveryRecord r = new DeliveryRecord(rule.sourceId(), step, playerId, Optional.empty(),
        Optional.empty(), rule.brand(), DeliveryRecord.newDeliveryId(), DeliveryRecord.DEFAULT_VARIANT,
        rule.type(), rule.content().defaultTemplate().category().orElse(rule.type().category()),
        DeliveryState.SUPPRESSED, reason, "", now, now, 0, 0, Optional.empty(),
        Optional.empty(), 0, BigDecimal.ZERO);
    if (deliveries.claim(r)) {
      DeliveryEvent event = DeliveryEvent.of(EventType.PUSH_SUPPRESSED, now, r, reason, "", 0);
      deliveries.append(event);
      listener.eventRecorded(event);
      listener.suppressed(r);
    }
  }

  private static Map<String, String> values(PlayerEvent event) {
    if (event.attributes().isEmpty()) {
      return Map.of("event_id", event.eventId());
    }
    Map<String, String> values = new TreeMap<>();
    event.attributes().forEach((k, v) -> values.put(k, text(v)));
    values.put("event_id", event.eventId());
    return values;
  }

  private static String text(Object v) {
    if (v instanceof BigDecimal d) {
      return d.toPlainString();
    }
    if (v instanceof Collection<?> c) {
      return String.join(", ", c.stream().map(String::valueOf).toList());
    }
    return String.valueOf(v);
  }

  @Override
  public int scanInactivity() {
    return scan(null);
  }

  /**
   * Runs one scan while holding its lease ({@value #SCAN_LEASE}): on a cluster, one node scans at
   * a time, a heartbeat keeps the lease while it scans, and each player's decision is fenced by
   * it (see {@link #enter}).
   *
   * @param holdFor for a scheduled scan, how long this node keeps the lease once the scan is
   *     done (its period: the other nodes' timers of the same period find it held and skip);
   *     null: it is given back at once
   * @return how many messages were handed to dispatch
   */
  private int scan(Duration holdFor) {
    List<TriggerRule> inactivity = index.inactivity;
    if (inactivity.isEmpty()) {
      return 0;
    }
    // One scan per node at a time, too: a second take of the lease by this node would raise
    // the token and fence the scan in progress.
    if (!scanning.compareAndSet(false, true)) {
      log.debug("an inactivity scan is running on this node already; not starting another");
      return 0;
    }
    try {
      Optional<Lease> granted = ownership.acquire(SCAN_LEASE);
      if (granted.isEmpty()) {
        log.debug("another node holds the inactivity scan's lease; not scanning here");
        return 0;
      }
      return scanHolding(inactivity, granted.get(), holdFor);
    } finally {
      scanning.set(false);
    }
  }

  private int scanHolding(List<TriggerRule> inactivity, Lease lease, Duration holdFor) {
    AtomicBoolean lost = new AtomicBoolean();
    Ownership.Heartbeat heartbeat = ownership.keep(lease, () -> lost.set(true));
    boolean done = false;
    try {
      int sent = scanPlayers(inactivity, lease, lost);
      done = !lost.get();
      return sent;
    } finally {
      boolean keep = done && holdFor != null && lease.expires();
      heartbeat.stop(!keep && !lost.get());
      if (keep) {
        try {
          ownership.renew(lease, holdFor);
        } catch (RuntimeException e) {
          log.debug("could not keep the inactivity scan's lease for its period", e);
        }
      }
    }
  }

  private int scanPlayers(List<TriggerRule> inactivity, Lease lease, AtomicBoolean lost) {
    Instant now = clock.instant();
    int sent = 0;
    // Back-pressure comes from the dispatcher: each one-player send waits while a provider's
    // queue is full, so a scan that finds a million dormant players streams through them.
    try (Stream<PlayerProfile> players = directory.all()) {
      for (PlayerProfile p : (Iterable<PlayerProfile>) players::iterator) {
        if (lost.get()) {
          break;
        }
        for (TriggerRule rule : inactivity) {
          Optional<Instant> last = lastActivity(rule, p);
          if (last.isEmpty() || now.isBefore(last.get().plus(rule.inactiveFor().orElseThrow()))) {
            continue;
          }
          if (rule.segment().isPresent() && !inSegment(rule.segment().get(), p.playerId())) {
            continue;
          }
          // One step per player and spell of inactivity: later scans of the same spell send
          // nothing, and players whose last activity has the same instant each get theirs.
          String step = "inactive:" + p.playerId() + ":" + last.get();
          if (deliveries.progress(rule.sourceId(), step).isPresent()) {
            continue;
          }
          Entry entry = enter(rule, p, lease, now);
          if (entry == Entry.LEASE_LOST) {
            lost.set(true);
            break;
          }
          if (entry == Entry.REFUSED) {
            continue;
          }
          send(rule, p.playerId(), step, Map.of("last_activity_at", last.get().toString()));
          sent++;
          break; // one inactivity message per player per scan: the highest priority rule
        }
      }
    }
    if (lost.get()) {
      log.warn("another node took over the inactivity scan (lease {}); this node stopped "
          + "scanning after {} messages", lease.name(), sent);
    }
    return sent;
  }

  /** An inactive player's entry into a rule. */
  private enum Entry { ENTERED, REFUSED, LEASE_LOST }

  /**
   * Decides whether an inactive player enters a rule, under the same locks as {@link #report}.
   * First, in the decision's transaction, the scan's lease is renewed: a node whose lease was
   * taken over records no entry (and sends nothing), and a takeover waits for a decision in
   * progress to commit.
   *
   * @return what was decided
   */
  private Entry enter(TriggerRule rule, PlayerProfile p, Lease lease, Instant now) {
    ReentrantLock lock = lockFor(p.playerId());
    lock.lock();
    try (PlayerLocks.Held cluster = clusterLock(p.playerId())) {
      if (!ownership.renew(lease, ownership.expiry())) {
        return Entry.LEASE_LOST;
      }
      if (!rule.entryMode().allows(store.lastEntry(rule.id(), p.playerId()), now)) {
        return Entry.REFUSED;
      }
      store.recordEntry(rule.id(), p.playerId(), now);
      return Entry.ENTERED;
    } finally {
      lock.unlock();
    }
  }

  private Optional<Instant> lastActivity(TriggerRule rule, PlayerProfile profile) {
    Optional<Instant> seen = store.lastActivity(profile.playerId(), rule.on().name());
    Optional<Instant> known = profile.instant(rule.activityAttribute());
    if (seen.isEmpty()) {
      return known;
    }
    if (known.isEmpty()) {
      return seen;
    }
    return Optional.of(seen.get().isAfter(known.get()) ? seen.get() : known.get());
  }

  @Override
  public Scheduler.ScheduledTask scheduleInactivityScans(Duration every) {
    Duration period = Checks.range(every, "every", Duration.ofMinutes(1), Duration.ofDays(31));
    AtomicBoolean stopped = new AtomicBoolean();
    scheduleScan(period, stopped);
    return () -> !stopped.getAndSet(true);
  }

  private void scheduleScan(Duration period, AtomicBoolean stopped) {
    scheduler.schedule(clock.instant().plus(period), () -> {
      if (stopped.get()) {
        return;
      }
      Runnable scan = () -> {
        try {
          int sent = scan(period);
          log.debug("inactivity scan handed {} messages to dispatch", sent);
        } catch (RuntimeException e) {
          log.error("inactivity scan failed", e);
        } finally {
          if (!stopped.get()) {
            scheduleScan(period, stopped);
          }
        }
      };
      runOnExecutor(scan, "inactivity scan");
    });
  }

  @Override
  public CampaignStats stats(String ruleId) {
    return analytics.stats("rule:" + Checks.nonBlank(ruleId, "ruleId"));
  }

  /**
   * After a restart: re-arms every delayed send in the store (with a durable scheduler their
   * timers are stored already, and re-arming one is a no-op).
   *
   * @return how many were re-armed
   */
  public int recover() {
    int n = 0;
    try (Stream<PendingTrigger> pending = store.allPending()) {
      for (PendingTrigger p : pending.toList()) {
        arm(p);
        n++;
      }
    }
    return n;
  }
}
