package dev.herald.segmentation.internal;

/**
 * A problem found while reading a rule, before the reader attaches its position. Internal
 * control flow only: readers turn it into a {@link dev.herald.segmentation.SegmentRuleException}.
 */
public final class RuleProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates a problem.
   *
   * @param message what is wrong and what to write instead
   */
  public RuleProblem(String message) {
    super(message, null, false, false);
  }
}
