package dev.herald.campaign;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a campaign is in its life.
 *
 * <pre>
 *   DRAFT ──schedule──▶ SCHEDULED ──(its time comes)──▶ RUNNING ──(run done)──▶ COMPLETED
 *                                  ▲                       │  ▲
 *                                  └──(next recurrence)────┘  │ pause / resume
 *                                                          PAUSED
 *   DRAFT | SCHEDULED | RUNNING | PAUSED ──cancel──▶ CANCELLED
 * </pre>
 */
public enum CampaignState {
  /** Being edited; sends nothing. */
  DRAFT,
  /** Waiting for its next run. */
  SCHEDULED,
  /** Sending. */
  RUNNING,
  /** A run stopped by a marketer; no new sends until resumed. */
  PAUSED,
  /** Every run done; final. */
  COMPLETED,
  /** Stopped for good; final. */
  CANCELLED;

  /**
   * The states this one may move to.
   *
   * @return the legal next states
   */
  public Set<CampaignState> next() {
    return switch (this) {
      case DRAFT -> EnumSet.of(SCHEDULED, CANCELLED);
      case SCHEDULED -> EnumSet.of(RUNNING, CANCELLED);
      case RUNNING -> EnumSet.of(PAUSED, SCHEDULED, COMPLETED, CANCELLED);
      case PAUSED -> EnumSet.of(RUNNING, CANCELLED);
      case COMPLETED, CANCELLED -> EnumSet.noneOf(CampaignState.class);
    };
  }

  /** @return true for COMPLETED and CANCELLED */
  public boolean isFinal() {
    return this == COMPLETED || this == CANCELLED;
  }
}
