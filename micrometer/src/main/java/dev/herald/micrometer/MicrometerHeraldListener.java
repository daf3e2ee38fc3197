package dev.herald.micrometer;

import dev.herald.HeraldListener;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.dispatch.DispatchReport;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import dev.herald.subscription.StatusChange;
import dev.herald.trigger.TriggerFiring;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Records what Herald does as Micrometer meters: deliveries by outcome, suppressions by reason,
 * provider call latency, retries, dispatch runs and trigger firings. Register it on the builder;
 * bind {@link ProviderMetrics} as well for the providers' connections, queues and credential
 * refreshes.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *     .provider(webPush)
 *     .listener(new MicrometerHeraldListener(registry))
 *     .build();
 * ProviderMetrics.of(herald).bindTo(registry);
 * }</pre>
 *
 * <p>Tags are low-cardinality only: the provider's platform, an outcome, a notification type and
 * its purpose, a reason code, a status. Player ids, device ids, delivery ids and campaign ids are
 * never tags. Every meter is listed, with what to alert on, in {@code docs/metrics.md}.
 *
 * <p>Thread-safe and non-blocking, as a listener must be.
 */
public final class MicrometerHeraldListener implements HeraldListener {
  /** Settled deliveries; tags {@code provider}, {@code outcome}, {@code reason}. */
  public static final String DELIVERIES = "herald.deliveries";
  /** Deliveries a gate held back; tags {@code provider}, {@code reason}, {@code type},
   * {@code purpose}. */
  public static final String SUPPRESSIONS = "herald.suppressions";
  /** Provider calls started; tags {@code provider}, {@code type}, {@code purpose},
   * {@code attempt}. */
  public static final String SENDS = "herald.sends";
  /** Time from a provider call to its answer; tags {@code provider}, {@code outcome}. */
  public static final String PROVIDER_LATENCY = "herald.provider.latency";
  /** Provider calls that got no answer; tags {@code provider}, {@code error}. */
  public static final String PROVIDER_ERRORS = "herald.provider.errors";
  /** Deliveries scheduled to be tried again; tag {@code provider}. */
  public static final String RETRIES = "herald.retries";
  /** Dispatch runs started or resumed; tag {@code source}. */
  public static final String RUNS_STARTED = "herald.campaign.runs.started";
  /** Dispatch runs ended; tags {@code source}, {@code status}. */
  public static final String RUNS_FINISHED = "herald.campaign.runs.finished";
  /** Deliveries considered by each ended run; tag {@code source}. */
  public static final String RUN_AUDIENCE = "herald.campaign.audience";
  /** Trigger rules that matched a player event; tags {@code decision}, {@code reason}. */
  public static final String TRIGGERS_FIRED = "herald.triggers.fired";
  /** Device status changes; tags {@code status}, {@code reason}. */
  public static final String STATUS_CHANGES = "herald.subscription.changes";
  /** Notification clicks; tag {@code provider}. */
  public static final String CLICKS = "herald.clicks";
  /** Conversions credited to clicks; no tags. */
  public static final String CONVERSIONS = "herald.conversions";

  private static final String NONE = "none";

  private final Meter.MeterProvider<Counter> deliveries;
  private final Meter.MeterProvider<Counter> suppressions;
  private final Meter.MeterProvider<Counter> sends;
  private final Meter.MeterProvider<Timer> latency;
  private final Meter.MeterProvider<Counter> errors;
  private final Meter.MeterProvider<Counter> retries;
  private final Meter.MeterProvider<Counter> runsStarted;
  private final Meter.MeterProvider<Counter> runsFinished;
  private final Meter.MeterProvider<DistributionSummary> runAudience;
  private final Meter.MeterProvider<Counter> triggersFired;
  private final Meter.MeterProvider<Counter> statusChanges;
  private final Meter.MeterProvider<Counter> clicks;
  private final Counter conversions;

  /**
   * Creates the listener; meters appear in the registry as the events they count first happen.
   *
   * @param registry where to record
   */
  public MicrometerHeraldListener(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    deliveries = Counter.builder(DELIVERIES)
        .description("Deliveries settled: accepted by the push service or failed for good")
        .withRegistry(registry);
    suppressions = Counter.builder(SUPPRESSIONS)
        .description("Deliveries held back by a gate (consent, caps, quiet hours, compliance, ...)")
        .withRegistry(registry);
    sends = Counter.builder(SENDS)
        .description("Provider calls started")
        .withRegistry(registry);
    latency = Timer.builder(PROVIDER_LATENCY)
        .description("Time from a provider call to the push service's answer")
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60))
        .withRegistry(registry);
    errors = Counter.builder(PROVIDER_ERRORS)
        .description("Provider calls without an answer: transport failures and timeouts")
        .withRegistry(registry);
    retries = Counter.builder(RETRIES)
        .description("Deliveries scheduled to be tried again")
        .withRegistry(registry);
    runsStarted = Counter.builder(RUNS_STARTED)
        .description("Dispatch runs started or resumed")
        .withRegistry(registry);
    runsFinished = Counter.builder(RUNS_FINISHED)
        .description("Dispatch runs ended")
        .withRegistry(registry);
    runAudience = DistributionSummary.builder(RUN_AUDIENCE)
        .description("Deliveries a run considered: one per targeted device, plus one per player"
            + " without a matching device")
        .baseUnit("deliveries")
        .withRegistry(registry);
    triggersFired = Counter.builder(TRIGGERS_FIRED)
        .description("Trigger rules that matched a reported player event")
        .withRegistry(registry);
    statusChanges = Counter.builder(STATUS_CHANGES)
        .description("Device status changes, by the status reached")
        .withRegistry(registry);
    clicks = Counter.builder(CLICKS)
        .description("Notification clicks reported")
        .withRegistry(registry);
    conversions = Counter.builder(CONVERSIONS)
        .description("Goals credited to a click")
        .register(registry);
  }

  @Override
  public void eventRecorded(DeliveryEvent event) {
    switch (event.type()) {
      case PUSH_DELIVERED -> deliveries.withTags(Tags.of(
          "provider", provider(event.platform()), "outcome", "delivered", "reason", NONE))
          .increment();
      case PUSH_FAILED -> deliveries.withTags(Tags.of(
          "provider", provider(event.platform()), "outcome", "failed",
          "reason", orNone(event.reason()))).increment();
      case PUSH_CLICKED -> clicks.withTags(Tags.of("provider", provider(event.platform())))
          .increment();
      case CONVERSION -> conversions.increment();
      default -> { } // suppressions are counted in suppressed(), runs in dispatch*()
    }
  }

  @Override
  public void suppressed(DeliveryRecord delivery) {
    suppressions.withTags(Tags.of(
        "provider", provider(delivery.platform()),
        "reason", orNone(delivery.reason()),
        "type", delivery.type().name(),
        "purpose", purpose(delivery))).increment();
  }

  @Override
  public void sendStarted(DeliveryRecord delivery, int attempt) {
    sends.withTags(Tags.of(
        "provider", provider(delivery.platform()),
        "type", delivery.type().name(),
        "purpose", purpose(delivery),
        "attempt", attempt == 1 ? "first" : "retry")).increment();
  }

  @Override
  public void sendFinished(
      DeliveryRecord delivery, int attempt, SendResult result, Duration duration) {
    latency.withTags(Tags.of(
        "provider", provider(delivery.platform()),
        "outcome", lower(result.outcome().name()))).record(duration);
  }

  @Override
  public void sendFailed(DeliveryRecord delivery, int attempt, Throwable error) {
    errors.withTags(Tags.of(
        "provider", provider(delivery.platform()),
        "error", error instanceof TimeoutException ? "timeout" : "transport")).increment();
  }

  @Override
  public void retryScheduled(DeliveryRecord delivery, int nextAttempt, Duration delay) {
    retries.withTags(Tags.of("provider", provider(delivery.platform()))).increment();
  }

  @Override
  public void dispatchStarted(String sourceId, String step) {
    runsStarted.withTags(Tags.of("source", sourceKind(sourceId))).increment();
  }

  @Override
  public void dispatchFinished(DispatchReport report) {
    String source = sourceKind(report.sourceId());
    runsFinished.withTags(Tags.of("source", source, "status", lower(report.status().name())))
        .increment();
    runAudience.withTags(Tags.of("source", source)).record(report.stats().audience());
  }

  @Override
  public void triggerFired(TriggerFiring firing) {
    triggersFired.withTags(Tags.of(
        "decision", lower(firing.decision().name()),
        "reason", orNone(firing.reason()))).increment();
  }

  @Override
  public void statusChanged(StatusChange change) {
    statusChanges.withTags(Tags.of(
        "status", change.to().name(), "reason", change.reason().name())).increment();
  }

  /**
   * What kind of source a dispatch belongs to, from the id conventions of core: trigger rules
   * dispatch as {@code rule:<id>}, transactional sends as {@code transactional:<type>}, campaigns
   * and direct dispatches under their own id. The id itself is never a tag.
   */
  static String sourceKind(String sourceId) {
    if (sourceId.startsWith("rule:")) {
      return "trigger";
    }
    if (sourceId.startsWith("transactional:")) {
      return "transactional";
    }
    return "campaign";
  }

  static String provider(Optional<Platform> platform) {
    return platform.map(p -> lower(p.name())).orElse(NONE);
  }

  private static String purpose(DeliveryRecord delivery) {
    return lower(delivery.type().purpose().name());
  }

  private static String orNone(String reason) {
    return reason == null || reason.isEmpty() ? NONE : reason;
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }
}
