package dev.herald.segmentation;

import dev.herald.segmentation.internal.SegmentIds;
import java.time.Instant;
import java.util.Objects;

/**
 * A segment as a {@link SegmentStore} keeps it: an id, a description for humans, the rule in
 * the canonical compact JSON form ({@link Condition#toJson()}), and when it was last defined.
 *
 * <p><b>Beta:</b> may change before 1.0.
 *
 * @param id the segment's id: 1 to 128 letters, digits, {@code _ . : -}
 * @param description what the segment is for; may be empty
 * @param rules the rule in JSON
 * @param updatedAt when it was last defined
 */
public record SavedSegment(String id, String description, String rules, Instant updatedAt) {
  /**
   * Checks the fields.
   *
   * @param id the segment's id
   * @param description what it holds
   * @param rules the rule in JSON
   * @param updatedAt when it was last defined
   */
  public SavedSegment {
    SegmentIds.check(id);
    description = description == null ? "" : description;
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(updatedAt, "updatedAt");
  }
}
