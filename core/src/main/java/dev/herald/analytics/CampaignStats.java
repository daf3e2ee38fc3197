package dev.herald.analytics;

import dev.herald.internal.Checks;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A campaign's (or any dispatch source's) counts, in total and per A/B variant; the control group
 * appears as variant {@value DeliveryRecord#CONTROL_VARIANT}.
 *
 * @param sourceId the campaign, trigger rule or transactional source
 * @param total counts over every step and variant
 * @param byVariant counts per variant
 */
public record CampaignStats(
    String sourceId, DeliveryStats total, Map<String, DeliveryStats> byVariant) {

  /**
   * Validates and copies.
   *
   * @param sourceId the campaign, trigger rule or transactional source
   * @param total counts over every step and variant
   * @param byVariant counts per variant
   */
  public CampaignStats {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(total, "total");
    byVariant = Collections.unmodifiableMap(new TreeMap<>(byVariant));
  }
}
