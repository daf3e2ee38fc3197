package dev.herald.content;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What kind of notification this is — promotional, deposit reminder, tournament, cashback, VIP
 * offer, security alert, reactivation, or one of the host's own — and so its {@link Purpose}
 * and the opt-in category it belongs to.
 *
 * <p>Custom types are created with {@link #custom}; the built-in names are reserved, so a custom
 * type can never stand in for a built-in one (a SERVICE "PROMOTIONAL" would skip consent and the
 * compliance guard). Two types are equal when their name, purpose, category and
 * {@link #sharedCaps()} are.
 *
 * <p>A custom type can be left out of the caps it shares with other types
 * ({@link #withoutSharedCaps()}): live odds pushed every few minutes during a match, or a balance
 * refresh, should neither use up nor be stopped by the "three promotions a day" cap. A cap on the
 * type itself still applies.
 *
 * <pre>{@code
 * NotificationType liveOdds = NotificationType.custom("LIVE_ODDS", Purpose.MARKETING, "sports")
 *     .withoutSharedCaps();
 * }</pre>
 */
public final class NotificationType {
  private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");

  /** A general promotion or bonus offer. */
  public static final NotificationType PROMOTIONAL =
      new NotificationType("PROMOTIONAL", Purpose.MARKETING, "promotions");
  /** A nudge to complete or make a deposit. */
  public static final NotificationType DEPOSIT_REMINDER =
      new NotificationType("DEPOSIT_REMINDER", Purpose.MARKETING, "promotions");
  /** A tournament starting, ending or with results. */
  public static final NotificationType TOURNAMENT =
      new NotificationType("TOURNAMENT", Purpose.MARKETING, "tournaments");
  /** Cashback credited or available. */
  public static final NotificationType CASHBACK =
      new NotificationType("CASHBACK", Purpose.MARKETING, "cashback");
  /** An offer for VIP players. */
  public static final NotificationType VIP_OFFER =
      new NotificationType("VIP_OFFER", Purpose.MARKETING, "vip");
  /** A login from a new device, a password change: always delivered. */
  public static final NotificationType SECURITY_ALERT =
      new NotificationType("SECURITY_ALERT", Purpose.SERVICE, "security");
  /** A win-back message to an inactive player. */
  public static final NotificationType REACTIVATION =
      new NotificationType("REACTIVATION", Purpose.MARKETING, "promotions");

  private final String name;
  private final Purpose purpose;
  private final String category;
  private final boolean sharedCaps;
  private final int hash; // types are looked up per delivery (caps, the compliance guard)

  private NotificationType(String name, Purpose purpose, String category) {
    this(name, purpose, category, true);
  }

  private NotificationType(String name, Purpose purpose, String category, boolean sharedCaps) {
    this.name = name;
    this.purpose = purpose;
    this.category = category;
    this.sharedCaps = sharedCaps;
    this.hash = java.util.Objects.hash(name, purpose, category, sharedCaps);
  }

  /**
   * A host-defined type.
   *
   * @param name upper-case letters, digits and underscores, starting with a letter, at most 64
   * @param purpose MARKETING or SERVICE
   * @param category the opt-in category marketing messages of this type need, lower case
   * @return the type
   * @throws InvalidInputException when the name or category is malformed, or the name is a
   *     built-in type's
   */
  public static NotificationType custom(String name, Purpose purpose, String category) {
    String n = Checks.nonBlank(name, "notificationType.name");
    if (!NAME.matcher(n).matches()) {
      throw new InvalidInputException(
          "notificationType.name",
          "must be upper-case letters, digits and underscores starting with a letter, at most 64");
    }
    for (NotificationType builtIn : builtIns()) {
      if (builtIn.name.equals(n)) {
        throw new InvalidInputException("notificationType.name", n + " is reserved for the "
            + "built-in type NotificationType." + n + " (" + builtIn.purpose + ", category "
            + builtIn.category + "); use it, or give the custom type another name");
      }
    }
    Checks.required(purpose, "notificationType.purpose");
    String c = Checks.nonBlank(category, "notificationType.category", 64).toLowerCase(Locale.ROOT);
    return new NotificationType(n, purpose, c);
  }

  /**
   * Looks up a built-in type by name.
   *
   * @param name for example {@code "VIP_OFFER"}, any case
   * @return the built-in type
   * @throws InvalidInputException when no built-in type has that name
   */
  public static NotificationType builtIn(String name) {
    String n = Checks.nonBlank(name, "notificationType").toUpperCase(Locale.ROOT);
    for (NotificationType t : builtIns()) {
      if (t.name.equals(n)) {
        return t;
      }
    }
    throw new InvalidInputException(
        "notificationType", "unknown type " + n + "; built-in types are " + java.util.List.of(
            builtIns()).stream().map(NotificationType::name).toList());
  }

  /**
   * The seven built-in types.
   *
   * @return a new array of them
   */
  public static NotificationType[] builtIns() {
    return new NotificationType[] {
      PROMOTIONAL, DEPOSIT_REMINDER, TOURNAMENT, CASHBACK, VIP_OFFER, SECURITY_ALERT, REACTIVATION
    };
  }

  /** @return the type's name, for example {@code "VIP_OFFER"} */
  public String name() {
    return name;
  }

  /** @return MARKETING or SERVICE */
  public Purpose purpose() {
    return purpose;
  }

  /** @return the opt-in category, for example {@code "tournaments"} */
  public String category() {
    return category;
  }

  /**
   * Whether messages of this type count against, and are stopped by, the caps types share:
   * {@link dev.herald.dispatch.FrequencyCap#marketing MARKETING} and
   * {@link dev.herald.dispatch.FrequencyCap#category CATEGORY} caps. A
   * {@link dev.herald.dispatch.FrequencyCap#type TYPE} cap on this type applies either way.
   *
   * @return true for every built-in type and by default; false after {@link #withoutSharedCaps()}
   */
  public boolean sharedCaps() {
    return sharedCaps;
  }

  /**
   * This custom type, left out of the caps it would share with other types: its messages neither
   * count against nor are stopped by marketing-wide and category caps. Consent, the compliance
   * guard and quiet hours still apply as its purpose says.
   *
   * @return a copy that does not share caps
   * @throws InvalidInputException for a built-in type, which always shares caps (define a custom
   *     type instead)
   */
  public NotificationType withoutSharedCaps() {
    for (NotificationType builtIn : builtIns()) {
      if (builtIn.equals(this)) {
        throw new InvalidInputException("notificationType.sharedCaps", "the built-in type "
            + name + " always shares caps; define a custom type for messages that should not");
      }
    }
    return new NotificationType(name, purpose, category, false);
  }

  /** @return true for MARKETING types */
  public boolean isMarketing() {
    return purpose == Purpose.MARKETING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationType t && t.name.equals(name) && t.purpose == purpose
        && t.category.equals(category) && t.sharedCaps == sharedCaps;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return name;
  }
}
