package dev.herald.segmentation.internal;

import dev.herald.InvalidInputException;
import java.util.regex.Pattern;

/** Segment id rules, shared by the tree and the registry. */
public final class SegmentIds {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:\\-]{0,127}");

  private SegmentIds() {}

  /**
   * Checks a segment id.
   *
   * @param id the candidate
   * @return the id
   * @throws InvalidInputException when it is not 1 to 128 letters, digits, {@code _ . : -},
   *     starting with a letter or digit
   */
  public static String check(String id) {
    if (!isValid(id)) {
      throw new InvalidInputException(
          "segmentId", "must be 1 to 128 letters, digits, _ . : - starting with a letter or"
              + " digit, got " + (id == null ? "null" : "'" + dev.herald.internal.Excerpt.of(id) + "'"));
    }
    return id;
  }

  /**
   * Whether a segment id is well-formed.
   *
   * @param id the candidate
   * @return true when {@link #check} would accept it
   */
  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }
}
