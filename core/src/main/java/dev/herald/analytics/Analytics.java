package dev.herald.analytics;

import dev.herald.HeraldListener;
import dev.herald.internal.Checks;
import dev.herald.subscription.Brand;
import dev.herald.internal.Listeners;
import dev.herald.spi.DeliveryStore;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What was sent, delivered and clicked, and why not: per-campaign and per-variant statistics, the
 * communication log of a player, and the click and conversion reports a host feeds back. Obtained
 * from {@link dev.herald.Herald#analytics()}; thread-safe.
 *
 * <h2>Clicks</h2>
 * Every push payload carries its delivery id. The host's click endpoint (called by the service
 * worker or the app when the player taps) passes it to {@link #recordClick}; the first click sets
 * the delivery's click time, every click is logged.
 *
 * <h2>Conversions</h2>
 * When the player reaches a goal (a deposit, a tournament entry), the host calls
 * {@link #recordConversion}; it is credited to the player's most recently clicked delivery within
 * the conversion window (24 hours unless configured), and counted in that campaign's and
 * variant's statistics.
 */
public final class Analytics {
  private final DeliveryStore store;
  private final Clock clock;
  private final HeraldListener listener;
  private final Duration conversionWindow;

  private Analytics(DeliveryStore store, Clock clock, HeraldListener listener,
      Duration conversionWindow) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.conversionWindow = Checks.range(conversionWindow, "conversionWindow",
        Duration.ofMinutes(1), Duration.ofDays(90));
  }

  /**
   * Creates the analytics view over a store. {@link dev.herald.Herald} does this for you.
   *
   * @param store the delivery store
   * @param clock the time source
   * @param listener told of clicks and conversions
   * @param conversionWindow how long after a click a goal is credited to it
   * @return the analytics
   */
  public static Analytics create(DeliveryStore store, Clock clock, HeraldListener listener,
      Duration conversionWindow) {
    return new Analytics(store, clock, listener, conversionWindow);
  }

  /**
   * A campaign's counts in total, per variant and per brand, over every step.
   *
   * @param sourceId the campaign, trigger rule or transactional source
   * @return the counts (all zero for an unknown source)
   */
  public CampaignStats stats(String sourceId) {
    try (Stream<DeliveryRecord> records = store.deliveriesOf(Checks.nonBlank(sourceId, "sourceId"))) {
      return aggregate(sourceId, records);
    }
  }

  /**
   * One step's counts in total, per variant and per brand.
   *
   * @param sourceId the source
   * @param step the step
   * @return the counts
   */
  public CampaignStats stats(String sourceId, String step) {
    try (Stream<DeliveryRecord> records =
        store.deliveriesOf(Checks.nonBlank(sourceId, "sourceId"), Checks.required(step, "step"))) {
      return aggregate(sourceId, records);
    }
  }

  private static CampaignStats aggregate(String sourceId, Stream<DeliveryRecord> records) {
    DeliveryStats.Accumulator total = new DeliveryStats.Accumulator();
    Map<String, DeliveryStats.Accumulator> byVariant = new HashMap<>();
    Map<Brand, DeliveryStats.Accumulator> byBrand = new HashMap<>();
    records.forEach(r -> {
      total.add(r);
      byVariant.computeIfAbsent(r.variant(), v -> new DeliveryStats.Accumulator()).add(r);
      r.brand().ifPresent(b -> byBrand.computeIfAbsent(b, x -> new DeliveryStats.Accumulator())
          .add(r));
    });
    Map<String, DeliveryStats> variants = new HashMap<>();
    byVariant.forEach((k, v) -> variants.put(k, v.build()));
    Map<Brand, DeliveryStats> brands = new HashMap<>();
    byBrand.forEach((k, v) -> brands.put(k, v.build()));
    return new CampaignStats(sourceId, total.build(), variants, brands);
  }

  /**
   * A player's communication log: every event about them, oldest first — what was sent when, and
   * why something was not.
   *
   * @param playerId the player
   * @return the events
   */
  public List<DeliveryEvent> communicationLog(String playerId) {
    try (Stream<DeliveryEvent> events = store.eventsOfPlayer(Checks.nonBlank(playerId, "playerId"))) {
      return events.toList();
    }
  }

  /**
   * A campaign's event log, oldest first.
   *
   * @param sourceId the source
   * @return the events
   */
  public List<DeliveryEvent> events(String sourceId) {
    try (Stream<DeliveryEvent> events = store.eventsOf(Checks.nonBlank(sourceId, "sourceId"))) {
      return events.toList();
    }
  }

  /**
   * One delivery, by the id its payload carried.
   *
   * @param deliveryId the id
   * @return the delivery, or empty
   */
  public Optional<DeliveryRecord> delivery(String deliveryId) {
    return deliveryId == null || deliveryId.isBlank()
        ? Optional.empty() : store.findById(deliveryId.strip());
  }

  /**
   * Records a click reported by the host's click endpoint. Unknown ids are ignored (a click
   * endpoint is public; it must not fail on garbage).
   *
   * @param deliveryId the delivery id from the push payload
   * @param actionId the action button clicked, or null for the notification body
   * @return the clicked delivery, or empty for an unknown id or a delivery that was never sent
   */
  public Optional<DeliveryRecord> recordClick(String deliveryId, String actionId) {
    Optional<DeliveryRecord> found = delivery(deliveryId).filter(Analytics::wasSent);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    String action = actionId == null ? "" : actionId.strip();
    if (action.length() > 64) {
      action = action.substring(0, 64); // a public endpoint: cut garbage rather than fail
    }
    Instant now = clock.instant();
    Optional<DeliveryRecord> changed = store.modify(found.get().key(), r -> r.withClick(now));
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    DeliveryRecord clicked = changed.get();
    DeliveryEvent event = DeliveryEvent.of(EventType.PUSH_CLICKED, now, clicked, action, "", 0);
    store.append(event);
    Listeners.eventRecorded(listener, event);
    return Optional.of(clicked);
  }

  /** Only a message that reached (or may have reached) the device can be clicked. */
  private static boolean wasSent(DeliveryRecord r) {
    return r.state() == DeliveryState.DELIVERED || r.state() == DeliveryState.SENDING
        || r.state() == DeliveryState.FAILED && r.reason().equals(Suppression.UNKNOWN);
  }

  /**
   * Records a goal the player reached and credits it to their last click within the conversion
   * window.
   *
   * @param playerId the player
   * @param goal what was reached, for example {@code "deposit"}
   * @param value its value (a deposit amount), or null
   * @return the delivery credited, or empty when no click falls within the window
   */
  public Optional<DeliveryRecord> recordConversion(String playerId, String goal, BigDecimal value) {
    String player = Checks.nonBlank(playerId, "playerId");
    String g = Checks.nonBlank(goal, "goal", 64);
    Instant now = clock.instant();
    Optional<DeliveryRecord> clicked = store.lastClicked(player, now.minus(conversionWindow));
    if (clicked.isEmpty()) {
      return Optional.empty();
    }
    BigDecimal amount = value == null ? BigDecimal.ZERO : value;
    Optional<DeliveryRecord> changed = store.modify(clicked.get().key(),
        r -> r.withConversion(amount));
    if (changed.isEmpty()) {
      return Optional.empty();
    }
    DeliveryRecord credited = changed.get();
    DeliveryEvent base = DeliveryEvent.of(EventType.CONVERSION, now, credited, g, "", 0);
    DeliveryEvent event = new DeliveryEvent(base.type(), base.at(), base.sourceId(), base.step(),
        base.deliveryId(), base.playerId(), base.deviceId(), base.platform(), base.variant(),
        base.reason(), base.detail(), 0, Optional.ofNullable(value));
    store.append(event);
    Listeners.eventRecorded(listener, event);
    return Optional.of(credited);
  }
}
