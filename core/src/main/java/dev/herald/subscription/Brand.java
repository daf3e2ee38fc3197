package dev.herald.subscription;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.util.regex.Pattern;

/**
 * A brand: one site or app of the operator (a casino brand, a sportsbook), with credentials of its
 * own. One Herald serves every brand: providers are registered per (platform, brand), each
 * {@link Device} belongs to one brand, and a campaign, trigger rule or transactional send targets
 * one brand or all of them. A program with one brand never names one: everything is in
 * {@link #DEFAULT}.
 *
 * <pre>{@code
 * Brand luckySpins = Brand.of("lucky-spins");
 * herald.subscriptions().permissionGranted(luckySpins, "player-42", "browser-7", address);
 * }</pre>
 *
 * @param id the brand's id: 1 to {@value #MAX_ID_CHARS} characters of {@code a-z A-Z 0-9 . _ -},
 *     starting with a letter or digit; stored with every device and delivery, so keep it stable
 */
public record Brand(String id) implements Comparable<Brand> {
  /** The longest brand id accepted. */
  public static final int MAX_ID_CHARS = 64;
  // before DEFAULT, whose construction uses it
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  /** The brand of every device and provider that names none. */
  public static final Brand DEFAULT = new Brand("default");

  /**
   * Validates the id.
   *
   * @param id the brand's id: 1 to {@value #MAX_ID_CHARS} characters of {@code a-z A-Z 0-9 . _ -},
   *     starting with a letter or digit
   * @throws InvalidInputException naming the field {@code brand} and the limit
   */
  public Brand {
    Checks.nonBlank(id, "brand", MAX_ID_CHARS);
    if (!ID.matcher(id).matches()) {
      throw new InvalidInputException("brand", "must be letters, digits, '.', '_' or '-',"
          + " starting with a letter or digit, got '" + id + "'");
    }
  }

  /**
   * The brand with this id.
   *
   * @param id the brand's id, 1 to {@value #MAX_ID_CHARS} characters of
   *     {@code a-z A-Z 0-9 . _ -}, starting with a letter or digit
   * @return the brand
   * @throws InvalidInputException naming the field {@code brand} and the limit
   */
  public static Brand of(String id) {
    return "default".equals(id) ? DEFAULT : new Brand(id);
  }

  /** @return whether this is {@link #DEFAULT} */
  public boolean isDefault() {
    return equals(DEFAULT);
  }

  @Override
  public int compareTo(Brand other) {
    return id.compareTo(other.id);
  }

  @Override
  public String toString() {
    return id;
  }
}
