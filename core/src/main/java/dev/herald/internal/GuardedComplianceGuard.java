package dev.herald.internal;

import dev.herald.content.NotificationType;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.PlayerProfile;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Contains a host's {@link ComplianceGuard}, wrapped once when Herald is built. Fails closed on
 * everything a guard can do wrong: throw (an {@link Error} such as {@code NoClassDefFoundError}
 * included), return null, fail its future, or answer with something that is not a
 * {@link ComplianceDecision} (raw types get past the compiler). Each becomes
 * {@link ComplianceDecision#UNKNOWN}; the returned future never completes exceptionally. How long
 * the guard may take is the dispatch gate's business.
 */
public final class GuardedComplianceGuard implements ComplianceGuard {
  private static final Logger log = LoggerFactory.getLogger(GuardedComplianceGuard.class);
  private static final ComplianceDecision UNKNOWN =
      ComplianceDecision.suppress(ComplianceDecision.UNKNOWN);

  private final ComplianceGuard host;

  private GuardedComplianceGuard(ComplianceGuard host) {
    this.host = host;
  }

  /**
   * Wraps a guard, once.
   *
   * @param host the host's guard (or the default one)
   * @return the contained guard
   */
  public static GuardedComplianceGuard of(ComplianceGuard host) {
    return host instanceof GuardedComplianceGuard g ? g : new GuardedComplianceGuard(host);
  }

  @Override
  public CompletableFuture<ComplianceDecision> check(String playerId, NotificationType type) {
    return check(playerId, Optional.empty(), type, false);
  }

  /**
   * Asks the guard; the default guard reads the profile the caller already loaded.
   *
   * @param playerId the player
   * @param profile the player's profile as the caller read it
   * @param type the notification type
   * @return completes with the decision, or {@link ComplianceDecision#UNKNOWN}; never exceptionally
   */
  public CompletableFuture<ComplianceDecision> check(String playerId,
      Optional<PlayerProfile> profile, NotificationType type) {
    return check(playerId, profile, type, true);
  }

  private CompletableFuture<ComplianceDecision> check(String playerId,
      Optional<PlayerProfile> profile, NotificationType type, boolean profileRead) {
    CompletableFuture<?> answer;
    try {
      CompletionStage<?> stage = profileRead && host instanceof ProfileComplianceGuard g
          ? g.check(playerId, profile, type) : host.check(playerId, type);
      if (stage == null) {
        log.warn("compliance guard answered null for player {}; suppressing (fail closed)",
            playerId);
        return CompletableFuture.completedFuture(UNKNOWN);
      }
      answer = stage.toCompletableFuture();
    } catch (RuntimeException | LinkageError | AssertionError e) {
      log.warn("compliance guard threw for player {}; suppressing (fail closed): {}", playerId,
          e.toString());
      return CompletableFuture.completedFuture(UNKNOWN);
    }
    if (answer.isDone() && !answer.isCompletedExceptionally()) {
      Object value = answer.join();
      if (value instanceof ComplianceDecision) {
        @SuppressWarnings("unchecked") // the value is checked: a done future keeps it
        CompletableFuture<ComplianceDecision> checked =
            (CompletableFuture<ComplianceDecision>) answer;
        return checked;
      }
      return CompletableFuture.completedFuture(decision(playerId, value, null));
    }
    return answer.handle((Object value, Throwable error) -> decision(playerId, value, error));
  }

  private static ComplianceDecision decision(String playerId, Object value, Throwable error) {
    if (value instanceof ComplianceDecision d && error == null) {
      return d;
    }
    if (error != null) {
      log.debug("compliance check failed for player {}: {}", playerId, error.toString());
    } else if (value != null) {
      log.warn("compliance guard answered a {} for player {}, not a ComplianceDecision; "
          + "suppressing (fail closed)", value.getClass().getName(), playerId);
    }
    return UNKNOWN;
  }
}
