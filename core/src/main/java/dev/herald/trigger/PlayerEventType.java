package dev.herald.trigger;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.util.regex.Pattern;

/**
 * The kind of a {@link PlayerEvent}: one of the casino events below or the host's own
 * ({@link #of(String)}). Equality is by name.
 *
 * @param name upper-case letters, digits and underscores, starting with a letter, at most 64
 */
public record PlayerEventType(String name) {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /** The player registered. */
  public static final PlayerEventType REGISTRATION = new PlayerEventType("REGISTRATION");
  /** The player logged in. */
  public static final PlayerEventType LOGIN = new PlayerEventType("LOGIN");
  /** A login from a device never seen for this player. */
  public static final PlayerEventType LOGIN_NEW_DEVICE = new PlayerEventType("LOGIN_NEW_DEVICE");
  /** The password was changed. */
  public static final PlayerEventType PASSWORD_CHANGED = new PlayerEventType("PASSWORD_CHANGED");
  /** A deposit succeeded. */
  public static final PlayerEventType DEPOSIT = new PlayerEventType("DEPOSIT");
  /** A deposit failed (declined card, say). */
  public static final PlayerEventType DEPOSIT_FAILED = new PlayerEventType("DEPOSIT_FAILED");
  /** The player started a deposit and left before finishing. */
  public static final PlayerEventType DEPOSIT_ABANDONED = new PlayerEventType("DEPOSIT_ABANDONED");
  /** A bet was placed. */
  public static final PlayerEventType BET = new PlayerEventType("BET");
  /** A bet won. */
  public static final PlayerEventType WIN = new PlayerEventType("WIN");
  /** A tournament the player may join started. */
  public static final PlayerEventType TOURNAMENT_STARTED = new PlayerEventType("TOURNAMENT_STARTED");
  /** A tournament the player is in is about to end. */
  public static final PlayerEventType TOURNAMENT_ENDING = new PlayerEventType("TOURNAMENT_ENDING");
  /** Cashback was credited. */
  public static final PlayerEventType CASHBACK_CREDITED = new PlayerEventType("CASHBACK_CREDITED");
  /** A bonus was granted. */
  public static final PlayerEventType BONUS_GRANTED = new PlayerEventType("BONUS_GRANTED");
  /** A bonus is about to expire. */
  public static final PlayerEventType BONUS_EXPIRING = new PlayerEventType("BONUS_EXPIRING");
  /** The player's VIP level changed. */
  public static final PlayerEventType VIP_LEVEL_CHANGED = new PlayerEventType("VIP_LEVEL_CHANGED");

  /**
   * Validates the name.
   *
   * @param name upper-case letters, digits and underscores, starting with a letter, at most 64
   */
  public PlayerEventType {
    Checks.nonBlank(name, "eventType");
    if (!NAME.matcher(name).matches()) {
      throw new InvalidInputException("eventType", "must be upper-case letters, digits and "
          + "underscores starting with a letter, at most 64, got " + name);
    }
  }

  /**
   * A type by name: a built-in one or the host's own.
   *
   * @param name for example {@code "DEPOSIT"} or {@code "MISSION_COMPLETED"}
   * @return the type
   */
  public static PlayerEventType of(String name) {
    return new PlayerEventType(Checks.nonBlank(name, "eventType").toUpperCase(java.util.Locale.ROOT));
  }

  @Override
  public String toString() {
    return name;
  }
}
