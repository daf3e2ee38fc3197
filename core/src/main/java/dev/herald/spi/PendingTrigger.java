package dev.herald.spi;

import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Map;

/**
 * A delayed trigger send waiting in the {@link TriggerStore}.
 *
 * @param id unique: rule, event and player
 * @param ruleId the rule
 * @param playerId the player
 * @param eventId the event that fired the rule
 * @param eventType the event's type name
 * @param triggeredAt when the event happened
 * @param sendAt when the message is due
 * @param values the event's attributes for the message's placeholders, as text
 */
public record PendingTrigger(String id, String ruleId, String playerId, String eventId,
    String eventType, Instant triggeredAt, Instant sendAt, Map<String, String> values) {

  /**
   * Validates and copies.
   *
   * @param id unique: rule, event and player
   * @param ruleId the rule
   * @param playerId the player
   * @param eventId the event that fired the rule
   * @param eventType the event's type name
   * @param triggeredAt when the event happened
   * @param sendAt when the message is due
   * @param values the event's attributes for the message's placeholders, as text
   */
  public PendingTrigger {
    Checks.nonBlank(id, "id");
    Checks.nonBlank(ruleId, "ruleId");
    Checks.nonBlank(playerId, "playerId");
    Checks.nonBlank(eventId, "eventId");
    Checks.nonBlank(eventType, "eventType");
    Checks.required(triggeredAt, "triggeredAt");
    Checks.required(sendAt, "sendAt");
    values = Map.copyOf(Checks.required(values, "values"));
  }
}
