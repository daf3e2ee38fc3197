package dev.herald.segmentation;

/**
 * The three truth values of rule evaluation (Kleene's logic, as in SQL). A comparison against a
 * missing value is {@link #UNKNOWN}; a player is in a segment only when the whole rule is
 * {@link #TRUE}.
 *
 * <pre>
 *   not UNKNOWN          = UNKNOWN
 *   FALSE and UNKNOWN    = FALSE      TRUE and UNKNOWN  = UNKNOWN
 *   TRUE  or  UNKNOWN    = TRUE       FALSE or UNKNOWN  = UNKNOWN
 * </pre>
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public enum Truth {
  /** The condition holds. */
  TRUE,
  /** The condition does not hold. */
  FALSE,
  /** The condition cannot be decided because a value it needs is missing. */
  UNKNOWN;

  /**
   * The truth of a known boolean.
   *
   * @param value the boolean
   * @return TRUE or FALSE
   */
  public static Truth of(boolean value) {
    return value ? TRUE : FALSE;
  }

  /**
   * Negation: TRUE and FALSE swap, UNKNOWN stays.
   *
   * @return the negated value
   */
  public Truth not() {
    return this == TRUE ? FALSE : this == FALSE ? TRUE : UNKNOWN;
  }

  /**
   * Conjunction: FALSE wins, then UNKNOWN.
   *
   * @param other the other operand
   * @return the conjunction
   */
  public Truth and(Truth other) {
    if (this == FALSE || other == FALSE) {
      return FALSE;
    }
    return this == TRUE && other == TRUE ? TRUE : UNKNOWN;
  }

  /**
   * Disjunction: TRUE wins, then UNKNOWN.
   *
   * @param other the other operand
   * @return the disjunction
   */
  public Truth or(Truth other) {
    if (this == TRUE || other == TRUE) {
      return TRUE;
    }
    return this == FALSE && other == FALSE ? FALSE : UNKNOWN;
  }
}
