package dev.herald.campaign;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Optional;

/**
 * A campaign as it stands: its definition, state and timing.
 *
 * @param campaign the definition
 * @param state the lifecycle state
 * @param createdAt when it was created
 * @param updatedAt when its state last changed
 * @param currentStep the step of the run in progress (or last run); empty before the first
 * @param nextRunAt when it runs next, while SCHEDULED
 */
public record CampaignSnapshot(
    Campaign campaign,
    CampaignState state,
    Instant createdAt,
    Instant updatedAt,
    Optional<String> currentStep,
    Optional<Instant> nextRunAt) {

  /**
   * Validates the fields.
   *
   * @param campaign the definition
   * @param state the lifecycle state
   * @param createdAt when it was created
   * @param updatedAt when its state last changed
   * @param currentStep the step of the run in progress (or last run); empty before the first
   * @param nextRunAt when it runs next, while SCHEDULED
   */
  public CampaignSnapshot {
    Checks.required(campaign, "campaign");
    Checks.required(state, "state");
    Checks.required(createdAt, "createdAt");
    Checks.required(updatedAt, "updatedAt");
    Checks.required(currentStep, "currentStep");
    Checks.required(nextRunAt, "nextRunAt");
  }

  /** @return the campaign's id */
  public String id() {
    return campaign.id();
  }
}
