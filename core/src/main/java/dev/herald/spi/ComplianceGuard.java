package dev.herald.spi;

import dev.herald.content.NotificationType;
import java.util.concurrent.CompletionStage;

/**
 * Asked before every MARKETING send whether responsible-gambling rules allow it: self-exclusion,
 * cooling-off, closed accounts, deposit-limit contexts, national registers. SERVICE messages
 * (security alerts) are never held back by it.
 *
 * <p>Herald fails closed: an exception, a failed or late future, or an unknown player suppresses
 * the marketing send with {@link ComplianceDecision#UNKNOWN}. Implementations should answer from a
 * cache and be fast; they are called once per player and marketing send.
 */
@FunctionalInterface
public interface ComplianceGuard {

  /**
   * Decides whether a marketing message of {@code type} may go to {@code playerId} now.
   *
   * @param playerId the player
   * @param type the notification type (its purpose is MARKETING)
   * @return the decision
   */
  CompletionStage<ComplianceDecision> check(String playerId, NotificationType type);
}
