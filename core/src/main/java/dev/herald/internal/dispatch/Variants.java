package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.Variant;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's A/B variants and control group: assigns each player by a stable hash of (source,
 * player), so a player lands in the same variant in every run of a campaign whatever the id order.
 */
final class Variants {
  private final String sourceId;
  private final double controlShare;
  private final List<Variant> variants;
  private final List<Assignment> assignments = new ArrayList<>();
  private final int totalWeight;
  private final Assignment control = new Assignment(DeliveryRecord.CONTROL_VARIANT, null, true);

  /** A player's A/B assignment: the variant id and its renderer (none for the control group). */
  record Assignment(String variant, Renderer renderer, boolean control) {}

  Variants(DispatchRequest request) {
    this.sourceId = request.sourceId();
    this.controlShare = request.controlShare();
    this.variants = request.variants();
    int weight = 0;
    for (Variant v : variants) {
      assignments.add(new Assignment(v.id(), new Renderer(v.content()), false));
      weight += v.weight();
    }
    this.totalWeight = weight;
  }

  Assignment assign(String playerId) {
    if (variants.size() == 1 && controlShare == 0) {
      return assignments.get(0);
    }
    double u = unitHash(sourceId, playerId);
    if (u < controlShare) {
      return control;
    }
    double scaled = (u - controlShare) / (1 - controlShare) * totalWeight;
    int acc = 0;
    for (int i = 0; i < variants.size(); i++) {
      acc += variants.get(i).weight();
      if (scaled < acc) {
        return assignments.get(i);
      }
    }
    return assignments.get(assignments.size() - 1);
  }

  /**
   * A stable hash of (source, player) into [0, 1): FNV-1a over the UTF-16 chars, then the
   * SplitMix64 finaliser, so assignment does not follow id order.
   */
  static double unitHash(String sourceId, String playerId) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < sourceId.length(); i++) {
      h = (h ^ sourceId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ 0x1f) * 0x100000001b3L;
    for (int i = 0; i < playerId.length(); i++) {
      h = (h ^ playerId.charAt(i)) * 0x100000001b3L;
    }
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    h = h ^ (h >>> 31);
    return (h >>> 11) * 0x1.0p-53;
  }
}
