package dev.herald.dispatch;

import dev.herald.analytics.DeliveryStats;
import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Optional;

/**
 * How a dispatch run ended.
 *
 * @param sourceId the source
 * @param step the step
 * @param status completed, cancelled or failed
 * @param stats the step's counts, read from the delivery store when the run ended
 * @param startedAt when this run started
 * @param finishedAt when every delivery was settled
 * @param error what went wrong, for a failed run (the audience could not be read, say)
 */
public record DispatchReport(
    String sourceId,
    String step,
    Status status,
    DeliveryStats stats,
    Instant startedAt,
    Instant finishedAt,
    Optional<String> error) {

  /** How a run ended. */
  public enum Status {
    /** Every player of the audience was processed and every delivery settled. */
    COMPLETED,
    /** Cancelled: deliveries not yet sent were suppressed as CANCELLED. */
    CANCELLED,
    /** The run could not go on (the audience or a store failed); see the error. */
    FAILED,
    /**
     * Herald was closed while the run went on; claimed deliveries were left as they were, and
     * running the same step again (a campaign's {@code recover()}) resumes it. Also the status
     * of a step another node runs: it held the step's lease, so no run started here, or it took
     * the lease over, so this run stopped writing (see {@link dev.herald.spi.Leases}).
     */
    STOPPED
  }

  /**
   * Validates the fields.
   *
   * @param sourceId the source
   * @param step the step
   * @param status completed, cancelled or failed
   * @param stats the step's counts, read from the delivery store when the run ended
   * @param startedAt when this run started
   * @param finishedAt when every delivery was settled
   * @param error what went wrong, for a failed run (the audience could not be read, say)
   */
  public DispatchReport {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.required(status, "status");
    Checks.required(stats, "stats");
    Checks.required(startedAt, "startedAt");
    Checks.required(finishedAt, "finishedAt");
    Checks.required(error, "error");
  }
}
