package dev.herald.segmentation;

import dev.herald.InvalidInputException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One attribute a rule may name: its name, its type, whether Herald or the host supplies it, and
 * a sentence for back-office pickers.
 *
 * <p><b>Beta:</b> may change before 1.0.
 *
 * @param name the name used in rules, for example {@code vip_level} or {@code push.enabled}
 * @param type the value type
 * @param heraldOwned true for Herald's own {@code push.*} attributes, false for the host's
 * @param description what the attribute holds, for humans; may be empty
 */
public record Attribute(String name, AttributeType type, boolean heraldOwned, String description) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.\\-]{0,63}");

  /**
   * Validates the fields.
   *
   * @param name the attribute's name
   * @param type its type
   * @param heraldOwned whether Herald supplies it
   * @param description what it holds
   */
  public Attribute {
    Objects.requireNonNull(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new InvalidInputException(
          "attribute", "name '" + name + "' must be letters, digits, _ . - starting with a letter,"
              + " at most 64 characters");
    }
    Objects.requireNonNull(type, "type");
    description = description == null ? "" : description;
  }

  /**
   * Whether {@code name} is a valid attribute name (the same rule as
   * {@link dev.herald.spi.PlayerProfile} attribute names).
   *
   * @param name a candidate name
   * @return true when valid
   */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }
}
