package dev.herald.trigger;

import dev.herald.InvalidInputException;
import dev.herald.content.Content;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.internal.Checks;
import dev.herald.subscription.Brand;
import dev.herald.subscription.TargetDevices;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * When a player event should send a message: the event type (or inactivity), conditions on the
 * event's attributes and on segment membership, a delay (re-checked when it fires), events that
 * cancel a pending send, how often one player may enter, a priority among rules that fire
 * together, and what to send. Immutable.
 *
 * <pre>{@code
 * TriggerRule reminder = TriggerRule.builder("deposit-reminder", "Finish your deposit")
 *     .on(PlayerEventType.DEPOSIT_ABANDONED)
 *     .when(EventCondition.ge("amount", 20))
 *     .delay(Duration.ofMinutes(30))
 *     .cancelOn(PlayerEventType.DEPOSIT)
 *     .entryMode(EntryMode.oncePer(Duration.ofDays(1)))
 *     .content(Content.of(MessageTemplate.builder()
 *         .type(NotificationType.DEPOSIT_REMINDER)
 *         .title("Your €{{amount}} deposit is waiting").build()))
 *     .build();
 * }</pre>
 *
 * <p>Each firing is a dispatch whose source is {@code rule:<id>} and whose step is the event id,
 * so per-rule statistics come from {@link dev.herald.analytics.Analytics#stats(String)}. The
 * event's attributes (and {@code event_id}) are available to the message's placeholders.
 */
public final class TriggerRule {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** The longest delay accepted. */
  public static final Duration MAX_DELAY = Duration.ofDays(30);

  private final String id;
  private final String name;
  private final PlayerEventType on;
  private final Duration inactiveFor;
  private final List<EventCondition> conditions;
  private final String segment;
  private final Duration delay;
  private final Set<PlayerEventType> cancelOn;
  private final EntryMode entryMode;
  private final int priority;
  private final Content content;
  private final TargetDevices targetDevices;
  private final Brand brand;
  private final DeliveryPolicy policy;

  private TriggerRule(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.on = b.on;
    this.inactiveFor = b.inactiveFor;
    this.conditions = List.copyOf(b.conditions);
    this.segment = b.segment;
    this.delay = b.delay;
    this.cancelOn = Set.copyOf(b.cancelOn);
    this.entryMode = b.entryMode;
    this.priority = b.priority;
    this.content = b.content;
    this.targetDevices = b.targetDevices;
    this.brand = b.brand;
    this.policy = b.policy;
  }

  /**
   * Starts a rule.
   *
   * @param id letters, digits, {@code _ . -}, at most 64
   * @param name a human-readable name
   * @return a builder
   */
  public static Builder builder(String id, String name) {
    String i = Checks.nonBlank(id, "rule.id");
    if (!ID.matcher(i).matches()) {
      throw new InvalidInputException(
          "rule.id", "must be letters, digits, _ . or -, at most 64, got " + i);
    }
    return new Builder(i, Checks.nonBlank(name, "rule.name", 200));
  }

  /** @return the id */
  public String id() {
    return id;
  }

  /** @return the name */
  public String name() {
    return name;
  }

  /** @return the dispatch source of this rule's sends: {@code rule:<id>} */
  public String sourceId() {
    return "rule:" + id;
  }

  /**
   * The event type that fires the rule; for an inactivity rule, the activity whose absence does.
   *
   * @return the event type
   */
  public PlayerEventType on() {
    return on;
  }

  /** @return for an inactivity rule, how long without the activity fires it */
  public Optional<Duration> inactiveFor() {
    return Optional.ofNullable(inactiveFor);
  }

  /** @return whether this rule fires from the periodic inactivity scan */
  public boolean isInactivityRule() {
    return inactiveFor != null;
  }

  /** @return the conditions on the event's attributes, all of which must hold */
  public List<EventCondition> conditions() {
    return conditions;
  }

  /** @return the segment the player must be in, checked when the rule fires and when it sends */
  public Optional<String> segment() {
    return Optional.ofNullable(segment);
  }

  /** @return how long after the event the message goes */
  public Duration delay() {
    return delay;
  }

  /** @return events that cancel a pending (delayed) send of this rule */
  public Set<PlayerEventType> cancelOn() {
    return cancelOn;
  }

  /** @return how often one player may enter */
  public EntryMode entryMode() {
    return entryMode;
  }

  /** @return the priority; when several rules fire on one event only the highest sends */
  public int priority() {
    return priority;
  }

  /** @return what to send */
  public Content content() {
    return content;
  }

  /** @return the notification type */
  public NotificationType type() {
    return content.defaultTemplate().type();
  }

  /** @return the devices targeted */
  public TargetDevices targetDevices() {
    return targetDevices;
  }

  /**
   * The brand whose devices the rule sends to; every brand's when empty.
   *
   * @return the targeted brand, or empty for all brands
   */
  public Optional<Brand> brand() {
    return Optional.ofNullable(brand);
  }

  /** @return the delivery policy (caps, quiet hours) */
  public DeliveryPolicy policy() {
    return policy;
  }

  /**
   * The profile attribute that holds the last time of this rule's activity, read by the
   * inactivity scan alongside the events Herald has seen: {@code last_login_at} for LOGIN.
   *
   * @return the attribute name
   */
  public String activityAttribute() {
    return "last_" + on.name().toLowerCase(Locale.ROOT) + "_at";
  }

  @Override
  public String toString() {
    return "TriggerRule{" + id + " on " + (inactiveFor != null ? "no " + on + " for " + inactiveFor
        : on.toString()) + "}";
  }

  /** Builds a {@link TriggerRule}; {@link #build()} requires the event and the content. */
  public static final class Builder {
    private final String id;
    private final String name;
    private PlayerEventType on;
    private Duration inactiveFor;
    private final List<EventCondition> conditions = new ArrayList<>();
    private String segment;
    private Duration delay = Duration.ZERO;
    private final Set<PlayerEventType> cancelOn = new LinkedHashSet<>();
    private EntryMode entryMode = EntryMode.everyTime();
    private int priority;
    private Content content;
    private Brand brand;
    private TargetDevices targetDevices = TargetDevices.ALL;
    private DeliveryPolicy policy = DeliveryPolicy.none();

    private Builder(String id, String name) {
      this.id = id;
      this.name = name;
    }

    /**
     * @param value the event that fires the rule
     * @return this builder
     */
    public Builder on(PlayerEventType value) {
      this.on = Checks.required(value, "rule.on");
      this.inactiveFor = null;
      return this;
    }

    /**
     * Fires from the periodic inactivity scan for players without {@code activity} for
     * {@code period}, once per spell of inactivity.
     *
     * @param activity the activity, for example LOGIN
     * @param period one hour to one year
     * @return this builder
     */
    public Builder inactivity(PlayerEventType activity, Duration period) {
      this.on = Checks.required(activity, "rule.activity");
      this.inactiveFor = Checks.range(period, "rule.inactiveFor", Duration.ofHours(1),
          Duration.ofDays(366));
      return this;
    }

    /**
     * @param values conditions that must all hold
     * @return this builder
     */
    public Builder when(EventCondition... values) {
      for (EventCondition c : values) {
        conditions.add(Checks.required(c, "rule.condition"));
      }
      Checks.maxSize(conditions, "rule.conditions", 32);
      return this;
    }

    /**
     * @param value the segment the player must be in
     * @return this builder
     */
    public Builder inSegment(String value) {
      this.segment = Checks.nonBlank(value, "rule.segment", 128);
      return this;
    }

    /**
     * @param value zero (send at once) to 30 days
     * @return this builder
     */
    public Builder delay(Duration value) {
      this.delay = Checks.range(value, "rule.delay", Duration.ZERO, MAX_DELAY);
      return this;
    }

    /**
     * @param values events that cancel a pending send
     * @return this builder
     */
    public Builder cancelOn(PlayerEventType... values) {
      for (PlayerEventType t : values) {
        cancelOn.add(Checks.required(t, "rule.cancelOn"));
      }
      return this;
    }

    /**
     * @param value how often one player may enter
     * @return this builder
     */
    public Builder entryMode(EntryMode value) {
      this.entryMode = Checks.required(value, "rule.entryMode");
      return this;
    }

    /**
     * @param value higher wins when several rules fire on one event
     * @return this builder
     */
    public Builder priority(int value) {
      this.priority = value;
      return this;
    }

    /**
     * @param value what to send
     * @return this builder
     */
    public Builder content(Content value) {
      this.content = Checks.required(value, "rule.content");
      return this;
    }

    /**
     * @param value the devices to target
     * @return this builder
     */
    public Builder targetDevices(TargetDevices value) {
      this.targetDevices = Checks.required(value, "rule.targetDevices");
      return this;
    }

    /**
     * Sends only to devices of one brand (a welcome from the site the player signed up on);
     * without it every brand's devices are sent to.
     *
     * @param value the brand, or null for all brands
     * @return this builder
     */
    public Builder brand(Brand value) {
      this.brand = value;
      return this;
    }

    /**
     * @param value caps and quiet hours for this rule's sends
     * @return this builder
     */
    public Builder policy(DeliveryPolicy value) {
      this.policy = Checks.required(value, "rule.policy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the rule
     * @throws InvalidInputException when the event or content is missing
     */
    public TriggerRule build() {
      Checks.required(on, "rule.on");
      Checks.required(content, "rule.content");
      if (inactiveFor != null && !delay.isZero()) {
        throw new InvalidInputException("rule.delay", "an inactivity rule sends when the scan "
            + "finds the player; it takes no delay");
      }
      return new TriggerRule(this);
    }
  }
}
