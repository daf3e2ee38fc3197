package dev.herald.analytics;

import dev.herald.internal.Checks;
import dev.herald.subscription.Brand;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign's (or any dispatch source's) counts, in total, per A/B variant and per brand; the
 * control group appears as variant {@value DeliveryRecord#CONTROL_VARIANT}.
 *
 * @param sourceId the campaign, trigger rule or transactional source
 * @param total counts over every step, variant and brand
 * @param byVariant counts per variant
 * @param byBrand counts per brand, from each record's {@link DeliveryRecord#brand()}: the
 *     device's brand, or the targeted brand for a player without a targeted device. Records of
 *     no brand (a player without devices, in a dispatch to every brand) count only in the total
 */
public record CampaignStats(String sourceId, DeliveryStats total,
    Map<String, DeliveryStats> byVariant, Map<Brand, DeliveryStats> byBrand) {

  /**
   * Validates and copies.
   *
   * @param sourceId the campaign, trigger rule or transactional source
   * @param total counts over every step, variant and brand
   * @param byVariant counts per variant
   * @param byBrand counts per brand
   */
  public CampaignStats {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(total, "total");
    byVariant = Collections.unmodifiableMap(new TreeMap<>(byVariant));
    byBrand = Collections.unmodifiableMap(new TreeMap<>(byBrand));
  }

  /**
   * Counts without a split by brand.
   *
   * @param sourceId the campaign, trigger rule or transactional source
   * @param total counts over every step and variant
   * @param byVariant counts per variant
   */
  public CampaignStats(String sourceId, DeliveryStats total, Map<String, DeliveryStats> byVariant) {
    this(sourceId, total, byVariant, Map.of());
  }

  /**
   * One brand's counts.
   *
   * @param brand the brand
   * @return its counts, all zero when the source sent nothing for it
   */
  public DeliveryStats brand(Brand brand) {
    DeliveryStats counts = byBrand.get(Checks.required(brand, "brand"));
    return counts != null ? counts : new DeliveryStats.Accumulator().build();
  }
}
