package dev.herald.segmentation.internal;

/** Decides whether a rule may refer to a segment; readers report the answer at its position. */
@FunctionalInterface
public interface ReferenceCheck {
  /** Accepts every reference; the compiler resolves them later. */
  ReferenceCheck ANY = id -> null;

  /**
   * Checks one reference.
   *
   * @param segmentId the referenced segment
   * @return the problem (unknown segment, cycle), or null when the reference is fine
   */
  String problem(String segmentId);
}
