package dev.herald.spi;

import dev.herald.internal.Checks;

/**
 * A compliance guard's answer for one player and one marketing send.
 *
 * @param allowed whether the send may go
 * @param reason when suppressed, a code such as {@link #SELF_EXCLUDED}; empty when allowed
 */
public record ComplianceDecision(boolean allowed, String reason) {
  /** The player is self-excluded (operator or national register such as GAMSTOP). */
  public static final String SELF_EXCLUDED = "SELF_EXCLUDED";
  /** The player is in a cooling-off or time-out period. */
  public static final String COOLING_OFF = "COOLING_OFF";
  /** The player's account is closed. */
  public static final String ACCOUNT_CLOSED = "ACCOUNT_CLOSED";
  /** The player reached or lowered a deposit limit: no deposit-driving messages. */
  public static final String DEPOSIT_LIMIT = "DEPOSIT_LIMIT";
  /** The guard could not answer (unknown player, failure, timeout): fail closed. */
  public static final String UNKNOWN = "COMPLIANCE_UNKNOWN";

  private static final ComplianceDecision ALLOW = new ComplianceDecision(true, "");

  /**
   * Validates the fields.
   *
   * @param allowed whether the send may go
   * @param reason when suppressed, a code such as {@link #SELF_EXCLUDED}; empty when allowed
   */
  public ComplianceDecision {
    Checks.required(reason, "reason");
    if (!allowed && reason.isBlank()) {
      throw new dev.herald.InvalidInputException("reason", "is required when suppressing");
    }
  }

  /**
   * The send may go.
   *
   * @return an allowing decision
   */
  public static ComplianceDecision allow() {
    return ALLOW;
  }

  /**
   * The send must not go.
   *
   * @param reason a code such as {@link #SELF_EXCLUDED}
   * @return a suppressing decision
   */
  public static ComplianceDecision suppress(String reason) {
    return new ComplianceDecision(false, Checks.nonBlank(reason, "reason", 128));
  }
}
