package dev.herald.trigger;

import dev.herald.analytics.CampaignStats;
import dev.herald.spi.Scheduler;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The trigger engine: the host reports player events, rules indexed by event type decide what to
 * send, delayed sends wait in the {@link dev.herald.spi.TriggerStore} (cancelled by later events,
 * re-checked when they fire), and inactivity rules fire from a periodic scan. Obtained from
 * {@link dev.herald.Herald#triggers()}; thread-safe.
 *
 * <p>Rules live in memory: define them at startup (from code or configuration). Pending sends,
 * entry history and activity times live in the trigger store and survive a restart with
 * {@link dev.herald.Herald#recover()}.
 *
 * <p>Skips and cancellations are recorded as suppressed deliveries of the rule's source with
 * reasons {@value #ENTRY_LIMIT}, {@value #LOWER_PRIORITY}, {@value #CANCELLED_BY_EVENT} and
 * {@value #NOT_IN_SEGMENT}, so they show in the rule's statistics.
 */
public interface Triggers {

  /** Reason: the entry mode allowed no further entry for this player yet. */
  String ENTRY_LIMIT = "ENTRY_LIMIT";
  /** Reason: a higher-priority rule fired on the same event. */
  String LOWER_PRIORITY = "LOWER_PRIORITY";
  /** Reason: a cancel-on event arrived before the delayed send. */
  String CANCELLED_BY_EVENT = "CANCELLED_BY_EVENT";
  /** Reason: when the delayed send fired the player was no longer in the rule's segment. */
  String NOT_IN_SEGMENT = "NOT_IN_SEGMENT";

  /**
   * Adds a rule, or replaces the rule with the same id. Rules live in memory: define them at
   * startup. Herald's scheduler runs from {@code build()}, so a delayed send that came due while
   * the process was down may be picked before its rule is defined: it waits for the rule (a few
   * seconds after the build), then for this call (an in-process timer) or for its retry (a
   * {@link dev.herald.spi.DurableScheduler}'s, maybe on a node that has the rule).
   *
   * @param rule the rule
   * @throws dev.herald.InvalidInputException when it names a segment without an audience resolver
   */
  void define(TriggerRule rule);

  /**
   * Removes a rule; its pending sends are dropped when they come due on this node. (A send whose
   * rule a node was never given is not dropped: it waits for the rule, see {@link #define}.)
   *
   * @param ruleId the rule
   * @return true when it existed
   */
  boolean remove(String ruleId);

  /** @return every rule */
  List<TriggerRule> rules();

  /**
   * Reads a rule.
   *
   * @param ruleId the rule
   * @return the rule, or empty
   */
  Optional<TriggerRule> rule(String ruleId);

  /**
   * Reports an event: cancels pending sends it cancels, then fires the matching rules. A repeated
   * report of the same event id sends nothing twice. Thread-safe: events of one player reported
   * at once are decided one after the other, so entry limits hold. It waits (back-pressure) while
   * a provider has {@code DispatchSettings.maxQueuedSendsPerProvider} calls waiting. Across several Herald
   * instances sharing stores, one player's decisions are serialised by the delivery store's
   * player lock when it has one ({@code dev.herald.spi.PlayerLocks}, as the JDBC store does);
   * without it, route each player's events to one instance (a partition by player id).
   *
   * @param event what happened
   * @return what each matching rule did
   */
  List<TriggerFiring> report(PlayerEvent event);

  /**
   * Runs the inactivity rules once over every player in the directory, on the calling thread.
   * It streams the directory, and each message it starts waits while a provider has
   * {@code DispatchSettings.maxQueuedSendsPerProvider} calls waiting. A scan that finds a million
   * dormant players therefore never queues them all. Do not call it on a thread those sends need,
   * such as the thread of the {@code Scheduler} that runs their retries.
   *
   * <p>One scan runs at a time: a scan called while another runs on this node returns 0 at once.
   * A scan holds a lease ({@code Herald.Builder.leases}): with shared leases, one node of a
   * cluster scans at a time, and a scan called while another node holds the lease returns 0 at
   * once without reading anything. The lease is renewed by heartbeat while the scan goes on, and
   * in each player's decision: a node whose lease was taken over (it stalled past the expiry)
   * records no entry and starts no message from then on; its scan stops and returns what it had
   * handed to dispatch. See docs/scaling.md.
   *
   * @return how many messages were handed to dispatch (0 when another scan runs)
   */
  int scanInactivity();

  /**
   * Runs {@link #scanInactivity()} every {@code every}: the scheduler starts each scan and the
   * dispatch executor runs it. With shared leases, a node whose scan completed keeps the scan's
   * lease for {@code every}, so that the scans the other nodes' timers start within that period
   * skip: the cluster scans about once per period, and when the scanning node dies, another
   * takes the next period over.
   *
   * @param every the period, at least one minute
   * @return a handle that stops the scans
   */
  Scheduler.ScheduledTask scheduleInactivityScans(Duration every);

  /**
   * A rule's statistics: every send it made, and its skips and cancellations.
   *
   * @param ruleId the rule
   * @return the counts
   */
  CampaignStats stats(String ruleId);
}
