package dev.herald.campaign;

import dev.herald.InvalidInputException;
import dev.herald.content.Content;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.Variant;
import dev.herald.internal.Checks;
import dev.herald.subscription.Brand;
import dev.herald.subscription.TargetDevices;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A campaign's definition: what it says (content, or A/B variants with a control group), to whom
 * (a segment, a list of players, or everyone), on which devices, when ({@link Schedule}), and under
 * which {@link DeliveryPolicy} (quiet hours, caps, throttle, deadline). Immutable; its lifecycle is
 * managed by {@link Campaigns}.
 *
 * <pre>{@code
 * Campaign weekend = Campaign.builder("weekend-spins", "Weekend free spins")
 *     .audience(Audience.segment("active-slots-players"))
 *     .variant(Variant.of("short", shortCopy))
 *     .variant(Variant.of("long", longCopy))
 *     .controlShare(0.1)
 *     .schedule(Schedule.recurring("0 18 * * FRI", ZoneId.of("Europe/Malta")))
 *     .policy(DeliveryPolicy.builder()
 *         .quietHours(QuietHours.postpone(LocalTime.of(22, 0), LocalTime.of(9, 0)))
 *         .cap(FrequencyCap.marketing(3, Duration.ofDays(1))).build())
 *     .build();
 * }</pre>
 */
public final class Campaign {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final String id;
  private final String name;
  private final Audience audience;
  private final List<Variant> variants;
  private final Content content;
  private final double controlShare;
  private final TargetDevices targetDevices;
  private final Brand brand;
  private final Schedule schedule;
  private final DeliveryPolicy policy;

  private Campaign(Builder b) {
    this.id = b.id;
    this.name = b.name;
    this.audience = b.audience;
    this.variants = List.copyOf(b.variants);
    this.content = b.content;
    this.controlShare = b.controlShare;
    this.targetDevices = b.targetDevices;
    this.brand = b.brand;
    this.schedule = b.schedule;
    this.policy = b.policy;
  }

  /**
   * Starts a campaign definition.
   *
   * @param id letters, digits, {@code _ . -}, at most 64; unique among campaigns
   * @param name a human-readable name, at most 200 characters
   * @return a builder
   */
  public static Builder builder(String id, String name) {
    String i = Checks.nonBlank(id, "campaign.id");
    if (!ID.matcher(i).matches()) {
      throw new InvalidInputException(
          "campaign.id", "must be letters, digits, _ . or -, at most 64, got " + i);
    }
    return new Builder(i, Checks.nonBlank(name, "campaign.name", 200));
  }

  /**
   * A builder holding this definition, to derive a changed one.
   *
   * @return a pre-filled builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(id, name);
    b.audience = audience;
    b.variants.addAll(variants);
    b.content = content;
    b.controlShare = controlShare;
    b.targetDevices = targetDevices;
    b.brand = brand;
    b.schedule = schedule;
    b.policy = policy;
    return b;
  }

  /** @return the id */
  public String id() {
    return id;
  }

  /** @return the name */
  public String name() {
    return name;
  }

  /** @return who it is for */
  public Audience audience() {
    return audience;
  }

  /** @return the A/B variants, empty when the campaign has plain content */
  public List<Variant> variants() {
    return variants;
  }

  /** @return the content when there are no variants, else null */
  public Content content() {
    return content;
  }

  /** @return the control-group share */
  public double controlShare() {
    return controlShare;
  }

  /** @return the devices targeted */
  public TargetDevices targetDevices() {
    return targetDevices;
  }

  /**
   * The brand whose devices the campaign sends to; every brand's when empty.
   *
   * @return the targeted brand, or empty for all brands
   */
  public Optional<Brand> brand() {
    return Optional.ofNullable(brand);
  }

  /** @return when it sends */
  public Schedule schedule() {
    return schedule;
  }

  /** @return the delivery policy */
  public DeliveryPolicy policy() {
    return policy;
  }

  /** @return the notification type, shared by every variant */
  public NotificationType type() {
    return (content != null ? content : variants.get(0).content()).defaultTemplate().type();
  }

  /**
   * The dispatch request of one run.
   *
   * @param step the run's step: empty for a one-off, the occurrence instant when recurring
   * @return the request
   */
  public DispatchRequest toRequest(String step) {
    DispatchRequest.Builder b = DispatchRequest.builder(id, audience)
        .step(step)
        .controlShare(controlShare)
        .targetDevices(targetDevices)
        .brand(brand)
        .policy(policy);
    if (content != null) {
      b.content(content);
    } else {
      variants.forEach(b::variant);
    }
    return b.build();
  }

  @Override
  public String toString() {
    return "Campaign{" + id + ", " + name + ", " + type() + "}";
  }

  /** Builds a {@link Campaign}; {@link #build()} checks it the way a dispatch would. */
  public static final class Builder {
    private final String id;
    private final String name;
    private Audience audience;
    private final List<Variant> variants = new ArrayList<>();
    private Content content;
    private double controlShare;
    private TargetDevices targetDevices = TargetDevices.ALL;
    private Brand brand;
    private Schedule schedule = Schedule.now();
    private DeliveryPolicy policy = DeliveryPolicy.none();

    private Builder(String id, String name) {
      this.id = id;
      this.name = name;
    }

    /**
     * @param value who the campaign is for; required
     * @return this builder
     */
    public Builder audience(Audience value) {
      this.audience = Checks.required(value, "campaign.audience");
      return this;
    }

    /**
     * @param value the content, for a campaign without variants
     * @return this builder
     */
    public Builder content(Content value) {
      this.content = Checks.required(value, "campaign.content");
      return this;
    }

    /**
     * @param value an A/B variant
     * @return this builder
     */
    public Builder variant(Variant value) {
      variants.add(Checks.required(value, "campaign.variant"));
      return this;
    }

    /**
     * @param value the control-group share, 0 to 0.9
     * @return this builder
     */
    public Builder controlShare(double value) {
      this.controlShare = Checks.range(value, "campaign.controlShare", 0.0, 0.9);
      return this;
    }

    /**
     * @param value the devices to target
     * @return this builder
     */
    public Builder targetDevices(TargetDevices value) {
      this.targetDevices = Checks.required(value, "campaign.targetDevices");
      return this;
    }

    /**
     * Sends only to devices of one brand; without it every brand's devices are sent to.
     *
     * @param value the brand, or null for all brands
     * @return this builder
     */
    public Builder brand(Brand value) {
      this.brand = value;
      return this;
    }

    /**
     * @param value when to send; now by default
     * @return this builder
     */
    public Builder schedule(Schedule value) {
      this.schedule = Checks.required(value, "campaign.schedule");
      return this;
    }

    /**
     * @param value the delivery policy
     * @return this builder
     */
    public Builder policy(DeliveryPolicy value) {
      this.policy = Checks.required(value, "campaign.policy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the definition
     * @throws InvalidInputException when the audience or content is missing, or the content and
     *     variants are inconsistent
     */
    public Campaign build() {
      Checks.required(audience, "campaign.audience");
      Campaign campaign = new Campaign(this);
      campaign.toRequest(""); // the same checks a run makes: content xor variants, one type
      return campaign;
    }
  }
}
