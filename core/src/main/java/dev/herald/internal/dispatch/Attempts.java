package dev.herald.internal.dispatch;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.analytics.Suppression;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Brand;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.Subscriptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's provider calls: waits for the rate limits, queues each call in its provider's
 * {@link ProviderLane}, starts it when its slot comes (if the run still sends), records the
 * outcome, and retries.
 *
 * <p>A claim batch's deliveries that start their calls at once (no throttle, a free slot) have their
 * addresses checked and are marked SENDING together, in a few store round trips, before any of
 * their calls starts ({@link #prepare}); any other delivery is checked and marked alone as its
 * call starts. After a crash, deliveries marked SENDING are of unknown fate (never sent twice),
 * CLAIMED ones are sent on resume. Work cut off by the run's end is settled as CANCELLED (a
 * cancel) or left for the resumed run (a stop), back to CLAIMED if its call never started: see
 * {@link #cutOff}.
 */
final class Attempts {
  private static final Logger log = LoggerFactory.getLogger(Attempts.class);
  /** A bulk address check this old is read again as the call starts (another node's change). */
  static final Duration CHECK_VALID_FOR = Duration.ofSeconds(1);

  private final Clock clock;
  private final Subscriptions subscriptions;
  private final HeraldListener listener;
  private final Providers providers;
  private final DispatchSettings settings;
  /** Marks each delivery SENDING as its call starts (see {@link #prepare}). */
  private final boolean clustered;
  private final Map<Platform, ProviderLane> lanes;
  private final Map<Platform, RateLimiter> providerLimits;
  private final RateLimiter runLimit;
  private final RunControl control;
  private final DeliveryLedger ledger;
  private final Supplier<Instant> expiresAt;
  private final SplittableRandom random;
  private final AtomicInteger inFlight = new AtomicInteger();

  Attempts(EngineContext ctx, Map<Platform, ProviderLane> lanes,
      Map<Platform, RateLimiter> providerLimits, RateLimiter runLimit, RunControl control,
      DeliveryLedger ledger, Supplier<Instant> expiresAt, SplittableRandom random) {
    this.clock = ctx.clock();
    this.subscriptions = ctx.subscriptions();
    this.listener = ctx.listener();
    this.providers = ctx.providers();
    this.settings = ctx.settings();
    this.clustered = ctx.clustered();
    this.lanes = lanes;
    this.providerLimits = providerLimits;
    this.runLimit = runLimit;
    this.control = control;
    this.ledger = ledger;
    this.expiresAt = expiresAt;
    this.random = random;
  }

  /** @return provider calls of this run in flight */
  int inFlight() {
    return inFlight.get();
  }

  /**
   * Before a claim batch's sends: checks the addresses of the deliveries that go to their provider
   * at once (no throttle, a free slot in the provider's lane), in bulk, and marks those still
   * sendable SENDING in one write. The devices are not read again: the players' state was read
   * moments ago for the gates, after their change counts; a device is trusted as that read gave it
   * while its player's count holds and the read is recent ({@link #CHECK_VALID_FOR}), and only the
   * addresses' owners are read now. A delivery left out
   * (throttled, its device changed, the store failed) is checked and marked alone as its call
   * starts, as before.
   *
   * <p>Not on a cluster: there each delivery is marked as its call starts, so that a node killed
   * leaves UNKNOWN only its calls on the wire (at most its in-flight limit), not also the marked
   * calls still waiting for a slot.
   *
   * @param ds deliveries just claimed by this run, none sent yet
   */
  void prepare(List<Delivery> ds) {
    if (ds.isEmpty() || runLimit != null || !control.isRunning() || clustered) {
      return;
    }
    List<Delivery> atOnce = new ArrayList<>(ds.size());
    List<String> addressKeys = new ArrayList<>(ds.size());
    // Only as many as will start at once: one that waits for a slot is marked as it starts, so
    // a crash leaves UNKNOWN only (about) the calls that started.
    Map<Platform, Integer> slots = new EnumMap<>(Platform.class);
    for (Delivery d : ds) {
      Platform platform = d.record.platform().orElseThrow();
      int free = slots.computeIfAbsent(platform, p -> lanes.get(p).freeSlots());
      if (free > 0 && d.attempt == 1 && !providerLimits.containsKey(platform)
          && providers.find(platform, d.record.brand().orElse(Brand.DEFAULT)).isPresent()) {
        slots.put(platform, free - 1);
        atOnce.add(d);
        addressKeys.add(d.addressKey);
      }
    }
    if (atOnce.isEmpty()) {
      return;
    }
    try {
      Instant now = clock.instant();
      Map<String, AddressOwner> owners = subscriptions.owners(addressKeys);
      List<Delivery> mark = new ArrayList<>(atOnce.size());
      for (Delivery d : atOnce) {
        AddressOwner owner = owners.get(d.addressKey);
        String player = d.record.playerId();
        if (owner != null && owner.is(player, d.record.deviceId().orElseThrow())
            && subscriptions.changeCount(player) == d.stateChanges
            && !now.isAfter(d.stateReadAt.plus(CHECK_VALID_FOR))) {
          d.checkedAddress = d.claimedAddress;
          d.checkedChanges = d.stateChanges;
          d.checkedAt = d.stateReadAt;
          mark.add(d);
        }
      }
      if (!mark.isEmpty()) {
        ledger.markSending(mark, now);
      }
    } catch (RuntimeException e) {
      log.warn("checking and marking {} deliveries in bulk failed; each is checked as its call "
          + "starts", atOnce.size(), e);
      for (Delivery d : atOnce) {
        d.checkedAddress = null;
      }
    }
  }

  /**
   * Sends a claimed delivery: after its rate-limit slot, through its provider's lane.
   *
   * @param d the delivery; {@code d.done} completes when it is settled or left
   */
  void send(Delivery d) {
    Instant now = clock.instant();
    Instant at = now;
    Platform platform = d.record.platform().orElseThrow();
    RateLimiter providerLimit = providerLimits.get(platform);
    if (providerLimit != null) {
      at = max(at, providerLimit.reserve(now));
    }
    if (runLimit != null) {
      at = max(at, runLimit.reserve(now));
    }
    if (at.isAfter(now)) {
      control.schedule(at, waitingFor(d));
    } else {
      enqueue(d);
    }
  }

  /** The run withdrew its queued calls (it ended): each is settled or left. */
  void withdrawQueued() {
    RunState state = control.state();
    for (ProviderLane lane : lanes.values()) {
      List<ProviderLane.Call> withdrawn = lane.withdraw(this);
      for (ProviderLane.Call call : withdrawn) {
        cutOff((Delivery) call, state.settlesCutOffWork());
      }
    }
  }

  private RunControl.Waiting waitingFor(Delivery d) {
    return new RunControl.Waiting(() -> enqueue(d), settle -> cutOff(d, settle));
  }

  private void enqueue(Delivery d) {
    lanes.get(d.record.platform().orElseThrow()).submit(d);
  }

  /**
   * The delivery's slot came: starts its call if the run is RUNNING and the device is still the
   * one claimed; otherwise parks it (paused), ends it (ended) or suppresses it.
   *
   * @return the provider's future, or null when no call starts
   */
  CompletableFuture<SendResult> start(Delivery d) {
    try {
      if (!control.enterStart()) {
        control.proceedOrPark(waitingFor(d)); // parks while paused, ends after an end
        return null;
      }
      try {
        return call(d);
      } finally {
        control.exitStart();
      }
    } catch (RuntimeException e) {
      if (DeliveryLedger.leaseLost(e)) {
        d.done.complete(false); // not marked SENDING, no call: the step's new owner sends it
        return null;
      }
      log.error("sending {} failed", d.record.deliveryId(), e);
      d.done.complete(true);
      return null;
    }
  }

  private CompletableFuture<SendResult> call(Delivery d) {
    Instant now = clock.instant();
    if (now.isAfter(expiresAt.get())) {
      settleWithoutCall(d, Suppression.EXPIRED, "");
      return null;
    }
    String player = d.record.playerId();
    String device = d.record.deviceId().orElseThrow();
    Optional<DeviceAddress> address = checkedInBulk(d, now);
    if (address.isEmpty()) {
      address = subscriptions.sendableAddress(player, device);
    }
    if (address.isEmpty() || !address.get().key().equals(d.addressKey)) {
      String reason = subscriptions.device(player, device)
          .map(x -> x.isSendable() ? Suppression.device(PushStatus.SUSPENDED)
              : Gates.notSendable(x))
          .orElse(Suppression.NO_DEVICE);
      settleWithoutCall(d, reason, "the device changed before the send");
      return null;
    }
    Platform platform = d.record.platform().orElseThrow();
    Brand brand = d.record.brand().orElse(Brand.DEFAULT);
    PushProvider provider = providers.find(platform, brand).orElse(null);
    if (provider == null) {
      settleWithoutCall(d, Suppression.NO_PROVIDER, "no provider registered for " + platform
          + " of brand " + brand);
      return null;
    }
    int attempt = d.attempt;
    if (attempt == 1) {
      if (!d.markedSending) {
        ledger.markSending(d, now); // from here on a crash leaves the outcome unknown
      }
      ledger.sent(d, now);
    }
    listener.sendStarted(d.record, attempt);
    PushMessage message = new PushMessage(d.record.deliveryId(), address.get(), d.notification,
        expiresAt.get());
    d.address = address.get();
    d.startedNanos = System.nanoTime();
    inFlight.incrementAndGet();
    CompletableFuture<SendResult> f;
    try {
      f = provider.send(message);
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f != null ? f
        : CompletableFuture.failedFuture(new IllegalStateException("provider returned null"));
  }

  /**
   * The address the bulk check of {@link #prepare} found, if nothing changed the player's devices
   * here since and the check is recent; used once.
   */
  private Optional<DeviceAddress> checkedInBulk(Delivery d, Instant now) {
    DeviceAddress checked = d.checkedAddress;
    if (checked == null) {
      return Optional.empty();
    }
    d.checkedAddress = null;
    boolean unchanged = subscriptions.changeCount(d.record.playerId()) == d.checkedChanges
        && !now.isAfter(d.checkedAt.plus(CHECK_VALID_FOR));
    return unchanged ? Optional.of(checked) : Optional.empty();
  }

  /** The outcome of a started call. */
  void finished(Delivery d, SendResult result, Throwable error) {
    inFlight.decrementAndGet();
    try {
      outcome(d, result, error);
    } catch (RuntimeException e) {
      if (DeliveryLedger.leaseLost(e)) {
        d.done.complete(false); // the step's new owner reports it UNKNOWN
        return;
      }
      log.error("recording the outcome of {} failed", d.record.deliveryId(), e);
      d.done.complete(true);
    }
  }

  private void outcome(Delivery d, SendResult result, Throwable error) {
    int attempt = d.attempt;
    if (error != null) {
      Throwable cause = error instanceof CompletionException && error.getCause() != null
          ? error.getCause() : error;
      listener.sendFailed(d.record, attempt, cause);
      if (cause instanceof TimeoutException) {
        // No answer within the deadline: the push service may have the message. Retrying could
        // send it twice, so its fate is reported as unknown.
        settled(d, DeliveryState.FAILED, Suppression.UNKNOWN, "no answer within "
            + settings.sendTimeout() + "; the push service may have the message", 0, null);
      } else if (!settings.retryTransportFailures()) {
        settled(d, DeliveryState.FAILED, Suppression.RETRIES_EXHAUSTED, cause.toString(), 0,
            null);
      } else {
        retryOrGiveUp(d, Optional.empty(), cause.toString(), 0);
      }
      return;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - d.startedNanos);
    listener.sendFinished(d.record, attempt, result, took);
    if (result instanceof SendResult.Accepted a) {
      settled(d, DeliveryState.DELIVERED, "", "", a.httpStatus(), a.messageId().orElse(null));
    } else if (result instanceof SendResult.InvalidAddress i) {
      try {
        subscriptions.invalidate(d.address, i.reason(), i.invalidatedAt());
      } catch (RuntimeException e) {
        log.warn("could not invalidate the address of {}", d.record.deliveryId(), e);
      }
      settled(d, DeliveryState.FAILED, Suppression.INVALID_ADDRESS, i.reason(), i.httpStatus(),
          null);
    } else if (result instanceof SendResult.Rejected r) {
      settled(d, DeliveryState.FAILED, Suppression.REJECTED, r.kind() + ": " + r.reason(),
          r.httpStatus(), null);
    } else if (result instanceof SendResult.RetryLater r) {
      retryOrGiveUp(d, r.retryAfter(), r.reason(), r.httpStatus());
    } else {
      settled(d, DeliveryState.FAILED, Suppression.UNKNOWN, "the provider completed with null",
          0, null);
    }
  }

  private void retryOrGiveUp(Delivery d, Optional<Duration> retryAfter, String reason,
      int status) {
    RunState state = control.state();
    if (state.ended()) {
      if (state.settlesCutOffWork()) {
        settled(d, DeliveryState.FAILED, Suppression.CANCELLED, reason, status, null);
      } else {
        d.done.complete(false); // stopped: left SENDING, reported UNKNOWN by the resumed run
      }
      return;
    }
    Optional<Duration> delay;
    synchronized (random) {
      delay = settings.retryPolicy().nextDelay(d.attempt, retryAfter, random);
    }
    Instant now = clock.instant();
    if (delay.isEmpty() || now.plus(delay.get()).isAfter(expiresAt.get())) {
      settled(d, DeliveryState.FAILED, Suppression.RETRIES_EXHAUSTED, reason, status, null);
      return;
    }
    listener.retryScheduled(d.record, d.attempt + 1, delay.get());
    d.attempt++;
    control.schedule(now.plus(delay.get()), waitingFor(d));
  }

  /** A provider answered (or the call timed out): the outcome of {@code d.attempt} calls. */
  private void settled(Delivery d, DeliveryState state, String reason, String detail, int status,
      String messageId) {
    ledger.settle(d, state, reason, detail, d.attempt, status, messageId,
        state == DeliveryState.DELIVERED ? EventType.PUSH_DELIVERED : EventType.PUSH_FAILED);
    d.done.complete(true);
  }

  private void settleWithoutCall(Delivery d, String reason, String detail) {
    ledger.settleWithoutCall(d, reason, detail);
    d.done.complete(true);
  }

  /**
   * A delivery whose run ended before its next call: settled as CANCELLED (a cancel), or left
   * as it is for the run that resumes the step (a stop).
   */
  void cutOff(Delivery d, boolean settle) {
    if (!settle) {
      if (d.attempt == 1 && d.markedSending) {
        try {
          ledger.unmark(d); // marked with its batch, never called: the resumed run sends it
        } catch (RuntimeException e) {
          log.error("unmarking {} failed; the resumed run reports it UNKNOWN",
              d.record.deliveryId(), e);
        }
      }
      d.done.complete(false);
      return;
    }
    try {
      ledger.settleWithoutCall(d, Suppression.CANCELLED, "");
    } catch (RuntimeException e) {
      if (!DeliveryLedger.leaseLost(e)) {
        log.error("cancelling {} failed", d.record.deliveryId(), e);
      }
    }
    d.done.complete(true);
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
