package dev.herald.spi;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.internal.Checks;
import java.util.Optional;

/**
 * One piece of a dispatch step's audience, claimed by one node through {@link AudienceChunks}:
 * the players whose id is greater than {@code after} and at most {@code upTo}, in the ascending
 * order audiences are read in. The node sends them while it holds the chunk's {@link Lease};
 * every write it makes for them is fenced by that lease ({@link DeliveryStore#fencedBy}), so a
 * node that lost the chunk cannot write over the node that took it next.
 *
 * @param sourceId the campaign
 * @param step the step (the campaign's run)
 * @param index the chunk's place in the step's plan, from 0
 * @param after the last player id of the previous chunk; empty for the first chunk
 * @param upTo the last player id of this chunk; empty for the last chunk
 * @param lease the claim: its fencing token grows with every node that claims the chunk
 */
public record AudienceChunk(String sourceId, String step, int index, Optional<String> after,
    Optional<String> upTo, Lease lease) {

  /**
   * Validates the fields.
   *
   * @param sourceId the campaign
   * @param step the step (the campaign's run)
   * @param index the chunk's place in the step's plan, from 0
   * @param after the last player id of the previous chunk; empty for the first chunk
   * @param upTo the last player id of this chunk; empty for the last chunk
   * @param lease the claim
   */
  public AudienceChunk {
    Checks.nonBlank(sourceId, "chunk.sourceId");
    Checks.required(step, "chunk.step");
    Checks.range(index, "chunk.index", 0, Integer.MAX_VALUE);
    Checks.required(after, "chunk.after");
    Checks.required(upTo, "chunk.upTo");
    Checks.required(lease, "chunk.lease");
  }

  /**
   * The key a chunk's progress (its checkpoint) is kept under, distinct from the step's own.
   *
   * @param step the step
   * @param index the chunk's index
   * @return the key
   */
  public static String progressStep(String step, int index) {
    return step + "#chunk-" + index;
  }

  /**
   * The name of a chunk's lease, in the same space as the leases of whole steps.
   *
   * @param sourceId the campaign
   * @param step the step
   * @param index the chunk's index
   * @return the name
   */
  public static String leaseName(String sourceId, String step, int index) {
    return "dispatch:" + DeliveryRecord.key(sourceId, progressStep(step, index), "", "");
  }
}
