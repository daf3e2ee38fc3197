package dev.herald.spi;

import dev.herald.campaign.CampaignState;
import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Optional;

/**
 * A campaign as a {@link CampaignStore} keeps it: the definition as JSON text (Herald encodes and
 * decodes it, so a store needs only a text column), the lifecycle state and a version for
 * compare-and-set.
 *
 * @param id the campaign id
 * @param state the lifecycle state
 * @param definition the definition, as JSON written by Herald
 * @param version the optimistic-concurrency version, 1 when first stored
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 * @param currentStep the step of the current or last run
 * @param nextRunAt when it runs next, while SCHEDULED
 */
public record StoredCampaign(
    String id,
    CampaignState state,
    String definition,
    long version,
    Instant createdAt,
    Instant updatedAt,
    Optional<String> currentStep,
    Optional<Instant> nextRunAt) {

  /**
   * Validates the fields.
   *
   * @param id the campaign id
   * @param state the lifecycle state
   * @param definition the definition, as JSON written by Herald
   * @param version the optimistic-concurrency version, 1 when first stored
   * @param createdAt when it was created
   * @param updatedAt when it last changed
   * @param currentStep the step of the current or last run
   * @param nextRunAt when it runs next, while SCHEDULED
   */
  public StoredCampaign {
    Checks.nonBlank(id, "id");
    Checks.required(state, "state");
    Checks.nonBlank(definition, "definition");
    Checks.required(createdAt, "createdAt");
    Checks.required(updatedAt, "updatedAt");
    Checks.required(currentStep, "currentStep");
    Checks.required(nextRunAt, "nextRunAt");
  }
}
