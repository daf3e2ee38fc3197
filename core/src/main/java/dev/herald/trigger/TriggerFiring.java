package dev.herald.trigger;

import dev.herald.internal.Checks;
import java.time.Instant;

/**
 * What one rule did with one reported event.
 *
 * @param ruleId the rule
 * @param decision sent now, scheduled for later, or skipped
 * @param reason why it was skipped ({@code ENTRY_LIMIT}, {@code LOWER_PRIORITY}), else empty
 * @param sendAt when the message goes (now, or after the delay)
 */
public record TriggerFiring(String ruleId, Decision decision, String reason, Instant sendAt) {

  /** What a matching rule did. */
  public enum Decision {
    /** Handed to dispatch now. */
    SENT,
    /** Waiting for its delay; may still be cancelled. */
    SCHEDULED,
    /** Matched, but not entered; see the reason. */
    SKIPPED
  }

  /**
   * Validates the fields.
   *
   * @param ruleId the rule
   * @param decision sent now, scheduled for later, or skipped
   * @param reason why it was skipped ({@code ENTRY_LIMIT}, {@code LOWER_PRIORITY}), else empty
   * @param sendAt when the message goes (now, or after the delay)
   */
  public TriggerFiring {
    Checks.nonBlank(ruleId, "ruleId");
    Checks.required(decision, "decision");
    Checks.required(reason, "reason");
    Checks.required(sendAt, "sendAt");
  }
}
