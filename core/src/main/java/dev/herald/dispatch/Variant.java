package dev.herald.dispatch;

import dev.herald.InvalidInputException;
import dev.herald.content.Content;
import dev.herald.internal.Checks;
import dev.herald.analytics.DeliveryRecord;
import java.util.regex.Pattern;

/**
 * One arm of an A/B test: its content and its share of the (non-control) audience.
 *
 * @param id a short id: letters, digits, {@code _} and {@code -}, at most 32; not
 *     {@value DeliveryRecord#CONTROL_VARIANT}
 * @param weight the relative share, 1 to 1000
 * @param content what this arm sends
 */
public record Variant(String id, int weight, Content content) {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  /**
   * Validates the fields.
   *
   * @param id a short id: letters, digits, {@code _} and {@code -}, at most 32; not {@value
   *     DeliveryRecord#CONTROL_VARIANT}
   * @param weight the relative share, 1 to 1000
   * @param content what this arm sends
   */
  public Variant {
    Checks.nonBlank(id, "variant.id");
    if (!ID.matcher(id).matches()) {
      throw new InvalidInputException(
          "variant.id", "must be letters, digits, _ or -, at most 32, got " + id);
    }
    if (id.equals(DeliveryRecord.CONTROL_VARIANT)) {
      throw new InvalidInputException("variant.id", "\"control\" is reserved for the control group");
    }
    Checks.range(weight, "variant.weight", 1, 1000);
    Checks.required(content, "variant.content");
  }

  /**
   * A variant with weight 1.
   *
   * @param id the id
   * @param content the content
   * @return the variant
   */
  public static Variant of(String id, Content content) {
    return new Variant(id, 1, content);
  }
}
