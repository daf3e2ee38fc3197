package dev.herald.trigger;

import dev.herald.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * How often one player may enter a trigger rule: every time its event happens, once ever, or at
 * most once per period.
 *
 * @param kind the kind
 * @param period the period, for {@link Kind#ONCE_PER_PERIOD}
 */
public record EntryMode(Kind kind, Optional<Duration> period) {

  /** The kinds of entry mode. */
  public enum Kind {
    /** Every matching event fires the rule. */
    EVERY_TIME,
    /** The rule fires once per player, ever. */
    ONCE_PER_PLAYER,
    /** The rule fires at most once per player in each period. */
    ONCE_PER_PERIOD
  }

  /**
   * Validates the fields.
   *
   * @param kind the kind
   * @param period the period, for {@link Kind#ONCE_PER_PERIOD}
   */
  public EntryMode {
    Checks.required(kind, "entryMode.kind");
    Checks.required(period, "entryMode.period");
    if ((kind == Kind.ONCE_PER_PERIOD) != period.isPresent()) {
      throw new dev.herald.InvalidInputException(
          "entryMode.period", "is required for ONCE_PER_PERIOD and only for it");
    }
    period.ifPresent(p -> Checks.range(p, "entryMode.period", Duration.ofMinutes(1),
        Duration.ofDays(3650)));
  }

  /** @return every time */
  public static EntryMode everyTime() {
    return new EntryMode(Kind.EVERY_TIME, Optional.empty());
  }

  /** @return once per player */
  public static EntryMode oncePerPlayer() {
    return new EntryMode(Kind.ONCE_PER_PLAYER, Optional.empty());
  }

  /**
   * @param period one minute to ten years
   * @return at most once per period
   */
  public static EntryMode oncePer(Duration period) {
    return new EntryMode(Kind.ONCE_PER_PERIOD, Optional.of(period));
  }

  /**
   * Whether a player whose last entry was at {@code last} may enter at {@code now}.
   *
   * @param last the last entry, if any
   * @param now the current instant
   * @return true when allowed
   */
  public boolean allows(Optional<Instant> last, Instant now) {
    return switch (kind) {
      case EVERY_TIME -> true;
      case ONCE_PER_PLAYER -> last.isEmpty();
      case ONCE_PER_PERIOD -> last.isEmpty() || !now.isBefore(last.get().plus(period.get()));
    };
  }
}
