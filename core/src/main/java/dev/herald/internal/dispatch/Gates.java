package dev.herald.internal.dispatch;

import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.Suppression;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.internal.GuardedComplianceGuard;
import dev.herald.internal.dispatch.Gate.Verdict;
import dev.herald.internal.dispatch.Gate.Visit;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerLocks;
import dev.herald.spi.PlayerProfile;
import dev.herald.content.LiveActivity;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's gates, in the documented order (see the {@code dev.herald.dispatch} package):
 * <ol>
 *   <li>{@link Devices} — a device of the targeted kind exists and is ALLOWED (Live Activity
 *       push tokens take only LIVE_ACTIVITY content, for their activity);
 *   <li>{@link Consent} — MARKETING only: consent and the category;
 *   <li>{@link Compliance} — MARKETING only: the compliance guard, failing closed;
 *   <li>{@link Caps} — frequency caps;
 *   <li>{@link Quiet} — quiet hours: postpone or drop;
 *   <li>{@link Expiry} — the deadline and the time to live;
 *   <li>{@link ControlGroup} — held out;
 *   <li>{@link Render} — the template renders;
 *   <li>{@link Claim} — the delivery key is claimed (a duplicate is skipped).
 * </ol>
 * Gates 4 to 9 run under the player's lock, so that the cap check and the claim are one step
 * within the process. When a run has caps, the node shares work with others
 * ({@link EngineContext#clustered()}) and its delivery store can lock a player across them
 * ({@link PlayerLocks}), they also run under the store's player lock: the player's deliveries
 * are read then (not ahead with the page) and the claim is written before it is released (not
 * batched), so that the cap holds across the nodes. SERVICE types
 * leave out gates 2 and 3, and by the policy's default 4 and 5.
 */
final class Gates {
  private static final Logger log = LoggerFactory.getLogger(Gates.class);
  private static final Verdict COMPLIANCE_UNKNOWN =
      new Verdict.Suppress(Suppression.compliance(ComplianceDecision.UNKNOWN), "");

  private final List<Gate> open;
  private final List<Gate> underLock;
  private final Function<String, ReentrantLock> lockFor;
  private final PlayerLocks clusterLocks;
  private final Clock clock;

  private Gates(List<Gate> open, List<Gate> underLock, Function<String, ReentrantLock> lockFor,
      PlayerLocks clusterLocks, Clock clock) {
    this.open = List.copyOf(open);
    this.underLock = List.copyOf(underLock);
    this.lockFor = lockFor;
    this.clusterLocks = clusterLocks;
    this.clock = clock;
  }

  /** What the gates of one run need from it. */
  record RunView(EngineContext ctx, DispatchRequest request, String category,
      DeliveryLedger ledger, RunControl control, Attempts attempts, BooleanSupplier resuming,
      Supplier<Instant> expiresAt, Executor timeouts, PendingClaims pending) {}

  /** The gates of a run, in order. */
  static Gates of(RunView run, ClaimBatch batch, Function<String, ReentrantLock> lockFor) {
    NotificationType type = run.request().type();
    DeliveryPolicy policy = run.request().policy();
    boolean service = !type.isMarketing();
    List<Gate> open = new ArrayList<>();
    open.add(new Devices(run));
    if (!service) {
      open.add(new Consent(run.category()));
      open.add(new Compliance(run.ctx().guard(), type, run.ctx().settings().complianceTimeout(),
          run.ctx().clock(), run.timeouts()));
    }
    List<Gate> locked = new ArrayList<>();
    PlayerLocks clusterLocks = null;
    ClaimBatch claims = batch;
    if (!(service && policy.serviceBypassesCaps()) && !policy.caps().isEmpty()) {
      if (run.ctx().clustered() && run.ctx().store() instanceof PlayerLocks shared) {
        clusterLocks = shared;
        claims = null; // the claim is written under the cluster lock, with the cap check
      }
      locked.add(new Caps(run.ctx().store(), run.pending(), run.request(), run.category(),
          clusterLocks != null));
    }
    if (!(service && policy.serviceBypassesQuietHours()) && policy.quietHours().isPresent()) {
      locked.add(new Quiet(policy.quietHours().get()));
    }
    locked.add(new Expiry(run.expiresAt()));
    locked.add(new ControlGroup());
    locked.add(new Render(run.request()));
    locked.add(new Claim(run, claims));
    return new Gates(open, locked, lockFor, clusterLocks, run.ctx().clock());
  }

  /**
   * Walks the player through the gates.
   *
   * @param visit the player
   * @return the first verdict that is not PASS, PASS when every gate passed (the deliveries are
   *     claimed), or {@link Verdict.Later} when the compliance guard answers later
   */
  Verdict walk(Visit visit) {
    return walk(visit, 0);
  }

  private Verdict walk(Visit visit, int from) {
    for (int i = from; i < open.size(); i++) {
      Verdict v = open.get(i).check(visit);
      if (v instanceof Verdict.Later later) {
        int next = i + 1;
        return new Verdict.Later(later.verdict().thenApply(
            answer -> answer == Verdict.PASS ? walk(visit, next) : answer));
      }
      if (v != Verdict.PASS) {
        return v;
      }
    }
    ReentrantLock lock = lockFor.apply(visit.playerId);
    lock.lock();
    try (PlayerLocks.Held cluster = clusterLocks == null ? null
        : clusterLocks.lockPlayer(visit.playerId)) {
      visit.now = clock.instant();
      visit.zone = visit.profile.flatMap(PlayerProfile::timeZone);
      for (Gate gate : underLock) {
        Verdict v = gate.check(visit);
        if (v != Verdict.PASS) {
          return v;
        }
      }
      return Verdict.PASS;
    } finally {
      lock.unlock();
    }
  }

  /**
   * How far back a read ahead of the players' recent deliveries must reach for the cap gate, or
   * null when the run has no cap gate (nothing to read ahead).
   */
  Instant readAheadSince(Instant now) {
    for (Gate gate : underLock) {
      if (gate instanceof Caps caps) {
        return caps.readAheadSince(now);
      }
    }
    return null;
  }

  /** Why a device that is not ALLOWED is not sent to. */
  static String notSendable(Device d) {
    return d.status() == PushStatus.ASK && d.invalidation().isPresent()
        ? Suppression.DEVICE_INVALIDATED : Suppression.device(d.status());
  }

  // ------------------------------------------------------------------ the gates, in order

  /** 1. A device of the targeted kind exists and is ALLOWED; each other device is suppressed. */
  static final class Devices implements Gate {
    private final RunView run;
    private final LiveActivity activity; // null unless the content is a Live Activity update

    Devices(RunView run) {
      this.run = run;
      this.activity = run.request().liveActivity().orElse(null);
    }

    @Override
    public Verdict check(Visit v) {
      boolean resuming = run.resuming().getAsBoolean();
      List<Device> devices = v.state.devices();
      List<Device> eligible = new ArrayList<>(devices.size());
      List<DeliveryRecord> refused = null; // rarely any: allocated when needed
      boolean anyTargeted = false;
      for (Device d : devices) {
        if (!targets(d)) {
          continue;
        }
        anyTargeted = true;
        if (resuming && alreadyDecided(v.playerId, d.deviceId())) {
          continue;
        }
        if (d.isSendable()) {
          eligible.add(d);
        } else {
          if (refused == null) {
            refused = new ArrayList<>();
          }
          refused.add(run.ledger().newRecord(v.playerId, d, v.assignment.variant(),
              DeliveryState.SUPPRESSED, notSendable(d), ""));
        }
      }
      if (!anyTargeted) {
        run.ledger().suppress(List.of(run.ledger().newRecord(v.playerId, null,
            v.assignment.variant(), DeliveryState.SUPPRESSED, Suppression.NO_DEVICE, "")));
        return Verdict.DECIDED;
      }
      if (refused != null) {
        run.ledger().suppress(refused);
      }
      v.devices = eligible;
      return eligible.isEmpty() ? Verdict.DECIDED : Verdict.PASS;
    }

    /**
     * The request's device kinds, and its content kind: a Live Activity's push token takes only
     * pushes for its activity, and those go nowhere else.
     */
    private boolean targets(Device d) {
      if (!run.request().targets(d)) { // platform and brand
        return false;
      }
      Optional<DeviceAddress> address = d.address();
      boolean activityToken = address.isPresent()
          && address.get() instanceof ApnsAddress apns && apns.isLiveActivity();
      if (activity == null) {
        return !activityToken;
      }
      // A Live Activity device that lost its address (invalidated) is still recognised by its
      // id, so that the send is recorded as suppressed for it.
      return (activityToken || address.isEmpty() && d.platform() == Platform.APNS)
          && activity.matchesDeviceId(d.deviceId());
    }

    private boolean alreadyDecided(String playerId, String deviceId) {
      return run.ledger().find(DeliveryRecord.key(run.ledger().sourceId(), run.ledger().step(),
              playerId, deviceId))
          .filter(r -> r.state() != DeliveryState.CLAIMED)
          .isPresent();
    }
  }

  /** 2. MARKETING only: marketing consent, and the category if the player chose categories. */
  static final class Consent implements Gate {
    private final String category;

    Consent(String category) {
      this.category = category;
    }

    @Override
    public Verdict check(Visit v) {
      PushPreferences preferences = v.state.preferences();
      if (!preferences.marketingConsent()) {
        return new Verdict.Suppress(Suppression.NO_CONSENT, "");
      }
      if (!preferences.categories().isEmpty() && !preferences.optedInto(category)) {
        return new Verdict.Suppress(Suppression.CATEGORY_OPT_OUT, category);
      }
      return Verdict.PASS;
    }
  }

  /**
   * 3. MARKETING only: the compliance guard. The timeout counts the time spent inside the
   * guard's {@code check()} as well as the wait for its future; whatever goes wrong suppresses
   * (fail closed), the guard wrapper having already turned throws and odd answers into UNKNOWN.
   */
  static final class Compliance implements Gate {
    private final GuardedComplianceGuard guard;
    private final NotificationType type;
    private final Duration timeout;
    private final Clock clock;
    private final Executor timeouts;

    Compliance(GuardedComplianceGuard guard, NotificationType type, Duration timeout, Clock clock,
        Executor timeouts) {
      this.guard = guard;
      this.type = type;
      this.timeout = timeout;
      this.clock = clock;
      this.timeouts = timeouts;
    }

    @Override
    public Verdict check(Visit v) {
      // Measured by Herald's clock (the system clock in production): a fake clock in tests only
      // moves when told, so a thread descheduled on a busy machine is not mistaken for a slow guard.
      Instant asked = clock.instant();
      CompletableFuture<ComplianceDecision> answer = guard.check(v.playerId, v.profile, type);
      Duration left = timeout.minus(Duration.between(asked, clock.instant()));
      if (left.isNegative() || left.isZero()) {
        log.warn("compliance guard took longer than {} inside check() for player {}; "
            + "suppressing (fail closed)", timeout, v.playerId);
        answer.cancel(false);
        return COMPLIANCE_UNKNOWN;
      }
      if (answer.isDone()) {
        return verdict(answer.join());
      }
      return new Verdict.Later(Deadline.within(answer, left, timeouts, () -> answer.cancel(false))
          .handle((decision, error) -> {
            if (error != null) {
              log.debug("compliance check for player {} ended: {}", v.playerId, error.toString());
              return COMPLIANCE_UNKNOWN;
            }
            return verdict(decision);
          }));
    }

    private static Verdict verdict(ComplianceDecision decision) {
      return decision.allowed() ? Verdict.PASS
          : new Verdict.Suppress(Suppression.compliance(decision.reason()), "");
    }
  }

  /** 4. Frequency caps: messages that may have reached the player in the caps' windows. */
  static final class Caps implements Gate {
    private final DeliveryStore store;
    private final PendingClaims pending;
    private final String sourceId;
    private final String step;
    private final String stepKey;
    private final List<FrequencyCap> caps = new ArrayList<>();
    /** Under the store's player lock: read the player's deliveries now, never ahead. */
    private final boolean readUnderLock;

    Caps(DeliveryStore store, PendingClaims pending, DispatchRequest request, String category,
        boolean readUnderLock) {
      this.store = store;
      this.readUnderLock = readUnderLock;
      this.pending = pending;
      this.sourceId = request.sourceId();
      this.step = request.step();
      this.stepKey = PendingClaims.stepKey(sourceId, step);
      for (FrequencyCap cap : request.policy().caps()) {
        if (cap.counts(request.type(), category)) {
          caps.add(cap);
        }
      }
    }

    @Override
    public Verdict check(Visit v) {
      if (caps.isEmpty()) {
        return Verdict.PASS;
      }
      ZoneId z = v.zone.orElse(ZoneOffset.UTC);
      Instant earliest = v.now;
      for (FrequencyCap cap : caps) {
        Instant start = cap.window().start(v.now, z);
        if (start.isBefore(earliest)) {
          earliest = start;
        }
      }
      // Pending claims first: one removed from there is already durable in the store.
      List<DeliveryRecord> waiting = pending.of(v.playerId);
      List<DeliveryRecord> stored;
      // Another node's claim since the page was read ahead is seen only by a read under the lock.
      if (!readUnderLock && v.recent != null && !v.recentSince.isAfter(earliest)
          && !pending.claimedSince(v.playerId, stepKey, v.recentMark)) {
        stored = v.recent; // read ahead with the player's page, and nothing new since
      } else {
        stored = store.deliveriesOfPlayer(v.playerId, earliest);
      }
      if (waiting.isEmpty() && stored.isEmpty()) {
        return Verdict.PASS; // nothing counts, and every cap allows at least one
      }
      List<DeliveryRecord> recent = new ArrayList<>(waiting.size() + stored.size());
      recent.addAll(waiting);
      recent.addAll(stored);
      for (FrequencyCap cap : caps) {
        Instant start = cap.window().start(v.now, z);
        Set<String> messages = new HashSet<>();
        for (DeliveryRecord r : recent) {
          boolean sameStep = r.sourceId().equals(sourceId) && r.step().equals(step);
          if (mayHaveReached(r) && !sameStep && !r.createdAt().isBefore(start)
              && cap.counts(r.type(), r.category())) {
            messages.add(r.sourceId() + '|' + r.step());
          }
        }
        if (messages.size() >= cap.max()) {
          return new Verdict.Suppress(Suppression.FREQUENCY_CAP, "");
        }
      }
      return Verdict.PASS;
    }

    /**
     * How far back a read ahead of players' recent deliveries must reach for these caps, in any
     * time zone (a day earlier than in UTC covers every offset).
     *
     * @param now the time of the read
     * @return the earliest creation time, or null when no cap counts this run
     */
    Instant readAheadSince(Instant now) {
      Instant earliest = null;
      for (FrequencyCap cap : caps) {
        Instant start = cap.window().start(now, ZoneOffset.UTC).minus(Duration.ofDays(1));
        if (earliest == null || start.isBefore(earliest)) {
          earliest = start;
        }
      }
      return earliest;
    }

    /**
     * Whether a delivery counts against caps: it is (or may be) with the player — claimed, being
     * sent or retried, delivered, or of unknown fate after a crash.
     */
    private static boolean mayHaveReached(DeliveryRecord r) {
      return switch (r.state()) {
        case CLAIMED, SENDING, DELIVERED -> true;
        case FAILED -> r.reason().equals(Suppression.UNKNOWN);
        case SUPPRESSED -> false;
      };
    }
  }

  /** 5. Quiet hours in the player's zone: postponed to their end, or dropped. */
  static final class Quiet implements Gate {
    private final QuietHours quiet;

    Quiet(QuietHours quiet) {
      this.quiet = quiet;
    }

    @Override
    public Verdict check(Visit v) {
      Optional<Instant> until = quiet.quietUntil(v.now, v.zone);
      if (until.isEmpty()) {
        return Verdict.PASS;
      }
      return quiet.mode() == QuietHours.Mode.DROP
          ? new Verdict.Suppress(Suppression.QUIET_HOURS, "")
          : new Verdict.Postpone(until.get());
    }
  }

  /** 6. The deadline and the message's time to live. */
  static final class Expiry implements Gate {
    private final Supplier<Instant> expiresAt;

    Expiry(Supplier<Instant> expiresAt) {
      this.expiresAt = expiresAt;
    }

    @Override
    public Verdict check(Visit v) {
      return v.now.isAfter(expiresAt.get())
          ? new Verdict.Suppress(Suppression.EXPIRED, "") : Verdict.PASS;
    }
  }

  /** 7. The control group is held out, and recorded as such. */
  static final class ControlGroup implements Gate {
    @Override
    public Verdict check(Visit v) {
      return v.assignment.control()
          ? new Verdict.Suppress(Suppression.CONTROL_GROUP, "") : Verdict.PASS;
    }
  }

  /** 8. The player's variant renders. */
  static final class Render implements Gate {
    private final DispatchRequest request;

    Render(DispatchRequest request) {
      this.request = request;
    }

    @Override
    public Verdict check(Visit v) {
      try {
        v.notification = v.assignment.renderer().render(v.playerId, v.profile, request.values());
        return Verdict.PASS;
      } catch (InvalidInputException e) {
        return new Verdict.Suppress(Suppression.RENDER_FAILED, e.getMessage());
      }
    }
  }

  /**
   * 9. Each delivery is claimed — in the run's {@link ClaimBatch} when the driver walks the
   * player, at once otherwise; a key already claimed is skipped, unless a run of this step that
   * died claimed it and never handed it to a provider, in which case it is this run's to send. A
   * run that ended meanwhile claims nothing.
   */
  static final class Claim implements Gate {
    private final RunView run;
    private final ClaimBatch batch;

    Claim(RunView run, ClaimBatch batch) {
      this.run = run;
      this.batch = batch;
    }

    @Override
    public Verdict check(Visit v) {
      RunState state = run.control().state();
      if (state.ended()) {
        return state.settlesCutOffWork()
            ? new Verdict.Suppress(Suppression.CANCELLED, "cancelled before the send")
            : Verdict.LEFT;
      }
      List<DeliveryRecord> records = new ArrayList<>(v.devices.size());
      for (Device d : v.devices) {
        records.add(run.ledger().newRecord(v.playerId, d, v.assignment.variant(),
            DeliveryState.CLAIMED, "", ""));
      }
      if (batch != null && batch.onDriver()) {
        return new Verdict.Later(batch.add(v, records, this::claimed));
      }
      List<Boolean> inserted = run.ledger().claim(records);
      run.pending().durable(v.playerId, PendingClaims.stepKey(run.request().sourceId(),
          run.request().step()));
      return claimed(v, records, inserted);
    }

    /** The player's verdict once their claims are written: PASS with deliveries, or DECIDED. */
    private Verdict claimed(Visit v, List<DeliveryRecord> records, List<Boolean> inserted) {
      List<Delivery> claimed = new ArrayList<>(records.size());
      for (int i = 0; i < inserted.size(); i++) {
        Device device = v.devices.get(i);
        DeviceAddress address = device.address().orElseThrow();
        if (inserted.get(i)) {
          claimed.add(new Delivery(records.get(i), address, v.stateChanges, v.stateReadAt,
              v.notification, run.attempts()));
        } else if (run.resuming().getAsBoolean()) {
          run.ledger().find(records.get(i).key())
              .filter(r -> r.state() == DeliveryState.CLAIMED)
              .ifPresent(left -> claimed.add(new Delivery(left, address, v.stateChanges,
                  v.stateReadAt, v.notification, run.attempts())));
        }
      }
      v.claimed = claimed;
      return claimed.isEmpty() ? Verdict.DECIDED : Verdict.PASS;
    }
  }
}
