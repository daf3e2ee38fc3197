package dev.herald.segmentation;

import dev.herald.spi.PlayerProfile;
import java.util.Map;
import java.util.Objects;

/**
 * One player's attribute values as a rule reads them: a lookup by canonical attribute name.
 *
 * <p>Values are the Java types listed on {@link AttributeType}; a missing attribute is
 * {@code null}. A value of the wrong type for its catalogue type (a string where a number is
 * declared, say) is treated as missing, the same way by one-player and bulk evaluation.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
@FunctionalInterface
public interface PlayerAttributes {

  /**
   * One value.
   *
   * @param attribute the canonical attribute name
   * @return the value, or null when missing
   */
  Object value(String attribute);

  /**
   * Values from a map.
   *
   * @param values attribute name to value
   * @return the lookup
   */
  static PlayerAttributes of(Map<String, ?> values) {
    Objects.requireNonNull(values, "values");
    return values::get;
  }

  /**
   * The host's attributes of a profile.
   *
   * @param profile the profile
   * @return the lookup
   */
  static PlayerAttributes of(PlayerProfile profile) {
    return of(profile.attributes());
  }

  /**
   * A lookup that asks {@code first} and falls back to this one for names it does not hold.
   *
   * @param first the values that take precedence
   * @return the combined lookup
   */
  default PlayerAttributes overriddenBy(Map<String, ?> first) {
    Objects.requireNonNull(first, "first");
    return name -> {
      Object v = first.get(name);
      return v != null ? v : value(name);
    };
  }
}
