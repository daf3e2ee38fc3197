package dev.herald.analytics;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Optional;

/**
 * How far a dispatch step has got, kept in the {@link dev.herald.spi.DeliveryStore} so a run
 * interrupted by a restart resumes without re-reading the players it had already settled.
 *
 * @param sourceId the source
 * @param step the step
 * @param startedAt when the step first started
 * @param cursor every player id up to and including this one is settled (audiences stream in
 *     ascending id order); empty before the first checkpoint
 * @param completedAt when the step completed, if it has
 */
public record DispatchProgress(
    String sourceId, String step, Instant startedAt, Optional<String> cursor,
    Optional<Instant> completedAt) {

  /**
   * Validates the fields.
   *
   * @param sourceId the source
   * @param step the step
   * @param startedAt when the step first started
   * @param cursor every player id up to and including this one is settled (audiences stream in
   *     ascending id order); empty before the first checkpoint
   * @param completedAt when the step completed, if it has
   */
  public DispatchProgress {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.required(startedAt, "startedAt");
    Checks.required(cursor, "cursor");
    Checks.required(completedAt, "completedAt");
  }
}
