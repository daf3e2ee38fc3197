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
 * compliance guard). Two types are equal when their name, purpose and category are.
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
  private final int hash; // types are looked up per delivery (caps, the compliance guard)

  private NotificationType(String name, Purpose purpose, String category) {
    this.name = name;
    this.purpose = purpose;
    this.category = category;
    this.hash = java.util.Objects.hash(name, purpose, category);
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

  /** @return true for MARKETING types */
  public boolean isMarketing() {
    return purpose == Purpose.MARKETING;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NotificationType t && t.name.equals(name) && t.purpose == purpose
        && t.category.equals(category);
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
