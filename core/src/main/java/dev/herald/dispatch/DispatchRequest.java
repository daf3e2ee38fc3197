package dev.herald.dispatch;

import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.content.Content;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.NotificationType;
import dev.herald.internal.Checks;
import dev.herald.internal.Templates;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.TargetDevices;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One run of sends: a source (a campaign, a trigger rule, a transactional key) and a step within
 * it, an audience, the content (or A/B variants and a control group), the devices targeted and a
 * delivery policy. The delivery key of each message is (source, step, player, device): running the
 * same request again sends nothing twice.
 *
 * <pre>{@code
 * DispatchRequest request = DispatchRequest.builder("spring-promo", Audience.segment("vip-de"))
 *     .content(Content.of(template))
 *     .targetDevices(TargetDevices.ALL)
 *     .policy(DeliveryPolicy.builder().cap(FrequencyCap.marketing(3, Duration.ofDays(1))).build())
 *     .build();
 * }</pre>
 */
public final class DispatchRequest {
  private final String sourceId;
  private final String step;
  private final Audience audience;
  private final List<Variant> variants;
  private final double controlShare;
  private final TargetDevices targetDevices;
  private final Brand brand;
  private final DeliveryPolicy policy;
  private final Map<String, String> values;

  private DispatchRequest(Builder b, List<Variant> variants) {
    this.sourceId = b.sourceId;
    this.step = b.step;
    this.audience = b.audience;
    this.variants = List.copyOf(variants);
    this.controlShare = b.controlShare;
    this.targetDevices = b.targetDevices;
    this.brand = b.brand;
    this.policy = b.policy;
    this.values = Map.copyOf(b.values);
  }

  /**
   * Starts a request.
   *
   * @param sourceId the campaign, trigger rule or transactional id, at most 128 characters
   * @param audience who to send to
   * @return a builder
   */
  public static Builder builder(String sourceId, Audience audience) {
    return new Builder(Checks.nonBlank(sourceId, "sourceId", 128),
        Checks.required(audience, "audience"));
  }

  /** @return the source id */
  public String sourceId() {
    return sourceId;
  }

  /** @return the step within the source; empty for a one-off */
  public String step() {
    return step;
  }

  /** @return the audience */
  public Audience audience() {
    return audience;
  }

  /**
   * The variants; one variant named {@value DeliveryRecord#DEFAULT_VARIANT} without an A/B test.
   *
   * @return the variants, never empty
   */
  public List<Variant> variants() {
    return variants;
  }

  /** @return the share of the audience held out as a control group, 0 to 0.9 */
  public double controlShare() {
    return controlShare;
  }

  /** @return the device kinds targeted */
  public TargetDevices targetDevices() {
    return targetDevices;
  }

  /**
   * The brand whose devices are sent to; every brand's when empty.
   *
   * @return the targeted brand, or empty for all brands
   */
  public Optional<Brand> brand() {
    return Optional.ofNullable(brand);
  }

  /**
   * Whether a device is aimed at: of the {@link #targetDevices() targeted kind} and, when the
   * request targets one brand, of that brand.
   *
   * @param device a player's device
   * @return true when the request is meant for the device
   */
  public boolean targets(Device device) {
    return targetDevices.includes(device.platform())
        && (brand == null || brand.equals(device.brand()));
  }

  /** @return the delivery policy */
  public DeliveryPolicy policy() {
    return policy;
  }

  /**
   * Values for the content's placeholders that take precedence over the players' attributes: a
   * trigger passes its event's attributes here.
   *
   * @return the values by placeholder name
   */
  public Map<String, String> values() {
    return values;
  }

  /** @return the notification type, shared by every variant and locale */
  public NotificationType type() {
    return variants.get(0).content().defaultTemplate().type();
  }

  /** @return the content kind (VISIBLE, DATA, LIVE_ACTIVITY), shared by every variant and locale */
  public ContentKind kind() {
    return variants.get(0).content().defaultTemplate().kind();
  }

  /**
   * The Live Activity a LIVE_ACTIVITY dispatch updates: every variant and locale names the same
   * activity, and only the players' devices registered for it are targeted.
   *
   * @return the Live Activity fields of the first variant, or empty for other kinds
   */
  public Optional<LiveActivity> liveActivity() {
    return variants.get(0).content().defaultTemplate().liveActivity();
  }

  /** Builds a {@link DispatchRequest}; {@link #build()} needs content or variants. */
  public static final class Builder {
    private final String sourceId;
    private final Audience audience;
    private String step = "";
    private final List<Variant> variants = new ArrayList<>();
    private Content content;
    private double controlShare;
    private TargetDevices targetDevices = TargetDevices.ALL;
    private Brand brand;
    private DeliveryPolicy policy = DeliveryPolicy.none();
    private final Map<String, String> values = new java.util.TreeMap<>();

    private Builder(String sourceId, Audience audience) {
      this.sourceId = sourceId;
      this.audience = audience;
    }

    /**
     * @param value the step, at most 128 characters
     * @return this builder
     */
    public Builder step(String value) {
      this.step = Checks.maxChars(Checks.required(value, "step"), "step", 128);
      return this;
    }

    /**
     * @param value the content, for a dispatch without A/B variants
     * @return this builder
     */
    public Builder content(Content value) {
      this.content = Checks.required(value, "content");
      return this;
    }

    /**
     * @param value an A/B variant to add
     * @return this builder
     */
    public Builder variant(Variant value) {
      variants.add(Checks.required(value, "variant"));
      Checks.maxSize(variants, "variants", 26);
      return this;
    }

    /**
     * @param value the share held out as a control group and never sent, 0 to 0.9
     * @return this builder
     */
    public Builder controlShare(double value) {
      this.controlShare = Checks.range(value, "controlShare", 0.0, 0.9);
      return this;
    }

    /**
     * @param value the device kinds to target
     * @return this builder
     */
    public Builder targetDevices(TargetDevices value) {
      this.targetDevices = Checks.required(value, "targetDevices");
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
     * @param value the delivery policy
     * @return this builder
     */
    public Builder policy(DeliveryPolicy value) {
      this.policy = Checks.required(value, "policy");
      return this;
    }

    /**
     * Sets placeholder values that take precedence over the players' attributes.
     *
     * @param value names and values
     * @return this builder
     */
    public Builder values(Map<String, String> value) {
      Checks.required(value, "values").forEach((k, v) -> values.put(
          Checks.nonBlank(k, "values.key", 64),
          Checks.maxChars(Checks.required(v, "values[" + k + "]"), "values[" + k + "]", 1024)));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the request
     * @throws InvalidInputException when there is no content, both content and variants, variants
     *     of different notification types or content kinds, Live Activity variants for different
     *     activities, or duplicate variant ids
     */
    public DispatchRequest build() {
      if (content == null && variants.isEmpty()) {
        throw new InvalidInputException("content", "is required (or at least one variant)");
      }
      if (content != null && !variants.isEmpty()) {
        throw new InvalidInputException("content", "set either content or variants, not both");
      }
      List<Variant> all = content != null
          ? List.of(new Variant(DeliveryRecord.DEFAULT_VARIANT, 1, content))
          : variants;
      NotificationType type = all.get(0).content().defaultTemplate().type();
      Set<String> ids = new HashSet<>();
      for (Variant v : all) {
        if (!ids.add(v.id())) {
          throw new InvalidInputException("variant.id", "duplicate variant id " + v.id());
        }
        if (!v.content().defaultTemplate().type().equals(type)) {
          throw new InvalidInputException("variant.content", "variant " + v.id() + " is "
              + v.content().defaultTemplate().type() + " but the first variant is " + type);
        }
        Templates.checkSameTarget(all.get(0).content().defaultTemplate(),
            v.content().defaultTemplate(), "variant " + v.id(), "the first variant");
      }
      return new DispatchRequest(this, all);
    }
  }
}
