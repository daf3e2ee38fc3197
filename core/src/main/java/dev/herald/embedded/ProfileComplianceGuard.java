package dev.herald.embedded;

import dev.herald.content.NotificationType;
import dev.herald.internal.Checks;
import dev.herald.spi.ComplianceDecision;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The default {@link ComplianceGuard}: reads responsible-gambling flags from the player's profile
 * in the {@link PlayerDirectory}. An unknown player, or a flag of the wrong type (the string
 * {@code "true"} where a boolean is expected), is suppressed (fail closed).
 *
 * <table>
 *   <caption>Attributes read</caption>
 *   <tr><th>attribute</th><th>type</th><th>suppresses with</th></tr>
 *   <tr><td>{@value #SELF_EXCLUDED}</td><td>boolean</td><td>SELF_EXCLUDED, when true</td></tr>
 *   <tr><td>{@value #SELF_EXCLUDED_UNTIL}</td><td>timestamp</td><td>SELF_EXCLUDED, until then</td></tr>
 *   <tr><td>{@value #COOLING_OFF}</td><td>boolean</td><td>COOLING_OFF, when true</td></tr>
 *   <tr><td>{@value #COOLING_OFF_UNTIL}</td><td>timestamp</td><td>COOLING_OFF, until then</td></tr>
 *   <tr><td>{@value #ACCOUNT_CLOSED}</td><td>boolean</td><td>ACCOUNT_CLOSED, when true</td></tr>
 *   <tr><td>{@value #DEPOSIT_LIMIT_REACHED}</td><td>boolean</td><td>DEPOSIT_LIMIT, when true, for
 *       deposit-driving types only (by default DEPOSIT_REMINDER, PROMOTIONAL, REACTIVATION,
 *       VIP_OFFER)</td></tr>
 * </table>
 * The same names are declared in {@code herald-segmentation}'s casino attribute catalogue, so
 * segments can select on them too. A host with a national register (GAMSTOP, Spelpaus, ROFUS...) or its own RG service implements
 * {@link ComplianceGuard} instead, answering from a cache.
 */
public final class ProfileComplianceGuard implements ComplianceGuard {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ProfileComplianceGuard.class);

  /** Boolean: the player is self-excluded indefinitely. */
  public static final String SELF_EXCLUDED = "rg.self_excluded";
  /** Timestamp: the player is self-excluded until then. */
  public static final String SELF_EXCLUDED_UNTIL = "rg.self_excluded_until";
  /** Boolean: the player is cooling off (time-out). */
  public static final String COOLING_OFF = "rg.cooling_off";
  /** Timestamp: the player is cooling off (time-out) until then. */
  public static final String COOLING_OFF_UNTIL = "rg.cooling_off_until";
  /** Boolean: the account is closed. */
  public static final String ACCOUNT_CLOSED = "rg.account_closed";
  /** Boolean: the player reached (or lowered) a deposit limit. */
  public static final String DEPOSIT_LIMIT_REACHED = "rg.deposit_limit";

  private static final Set<NotificationType> DEPOSIT_DRIVING = Set.of(
      NotificationType.DEPOSIT_REMINDER, NotificationType.PROMOTIONAL,
      NotificationType.REACTIVATION, NotificationType.VIP_OFFER);

  private final PlayerDirectory directory;
  private final Clock clock;
  private final Set<NotificationType> depositDriving;

  /**
   * A guard over a directory, with the default deposit-driving types.
   *
   * @param directory where profiles are read
   * @param clock the time source for the "until" timestamps
   */
  public ProfileComplianceGuard(PlayerDirectory directory, Clock clock) {
    this(directory, clock, DEPOSIT_DRIVING);
  }

  /**
   * A guard over a directory.
   *
   * @param directory where profiles are read
   * @param clock the time source for the "until" timestamps
   * @param depositDriving the types a reached deposit limit suppresses
   */
  public ProfileComplianceGuard(
      PlayerDirectory directory, Clock clock, Set<NotificationType> depositDriving) {
    this.directory = Checks.required(directory, "directory");
    this.clock = Checks.required(clock, "clock");
    this.depositDriving = Set.copyOf(Checks.required(depositDriving, "depositDriving"));
  }

  /** A flag the host set with the wrong type ("true" for true) must not read as "not set". */
  private static Optional<String> mistyped(PlayerProfile p) {
    for (String name : List.of(SELF_EXCLUDED, COOLING_OFF, ACCOUNT_CLOSED, DEPOSIT_LIMIT_REACHED)) {
      if (p.attribute(name).isPresent() && p.bool(name).isEmpty()) {
        return Optional.of(name);
      }
    }
    for (String name : List.of(SELF_EXCLUDED_UNTIL, COOLING_OFF_UNTIL)) {
      if (p.attribute(name).isPresent() && p.instant(name).isEmpty()) {
        return Optional.of(name);
      }
    }
    return Optional.empty();
  }

  @Override
  public CompletionStage<ComplianceDecision> check(String playerId, NotificationType type) {
    return check(playerId, directory.find(playerId), type);
  }

  /**
   * Decides from a profile the caller already read.
   *
   * @param playerId the player
   * @param found the player's profile, empty for an unknown player
   * @param type the notification type
   * @return the decision, already complete
   */
  public CompletionStage<ComplianceDecision> check(
      String playerId, Optional<PlayerProfile> found, NotificationType type) {
    if (found.isEmpty()) {
      return CompletableFuture.completedFuture(ComplianceDecision.suppress(ComplianceDecision.UNKNOWN));
    }
    PlayerProfile p = found.get();
    Optional<String> mistyped = mistyped(p);
    if (mistyped.isPresent()) {
      log.warn("player {}: attribute {} does not have the type the guard reads; suppressing "
          + "marketing (fail closed)", playerId, mistyped.get());
      return CompletableFuture.completedFuture(
          ComplianceDecision.suppress(ComplianceDecision.UNKNOWN));
    }
    Instant now = clock.instant();
    ComplianceDecision decision;
    if (p.bool(ACCOUNT_CLOSED).orElse(false)) {
      decision = ComplianceDecision.suppress(ComplianceDecision.ACCOUNT_CLOSED);
    } else if (p.bool(SELF_EXCLUDED).orElse(false)
        || p.instant(SELF_EXCLUDED_UNTIL).map(now::isBefore).orElse(false)) {
      decision = ComplianceDecision.suppress(ComplianceDecision.SELF_EXCLUDED);
    } else if (p.bool(COOLING_OFF).orElse(false)
        || p.instant(COOLING_OFF_UNTIL).map(now::isBefore).orElse(false)) {
      decision = ComplianceDecision.suppress(ComplianceDecision.COOLING_OFF);
    } else if (p.bool(DEPOSIT_LIMIT_REACHED).orElse(false) && depositDriving.contains(type)) {
      decision = ComplianceDecision.suppress(ComplianceDecision.DEPOSIT_LIMIT);
    } else {
      decision = ComplianceDecision.allow();
    }
    return CompletableFuture.completedFuture(decision);
  }
}
