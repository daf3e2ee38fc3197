package dev.herald.dispatch;

import dev.herald.content.NotificationType;
import dev.herald.internal.Checks;
import java.time.Duration;
import java.util.Locale;

/**
 * At most {@code max} messages to one player within a {@link CapWindow}: over all marketing, over
 * one notification type, or over one category (the one the message was sent under, a template's
 * override included). A player counts once per dispatch step however many devices it reached;
 * messages claimed, being sent or retried, delivered, or of unknown fate count; suppressed and
 * definitely failed ones do not. A type {@link NotificationType#withoutSharedCaps() without
 * shared caps} is left out of MARKETING and CATEGORY caps, both as a message sent and as one
 * counted; only a TYPE cap on it applies.
 *
 * <pre>{@code
 * FrequencyCap.marketing(3, CapWindow.rolling(Duration.ofDays(1)))   // 3 marketing pushes a day
 * FrequencyCap.type(NotificationType.VIP_OFFER, 1, CapWindow.rolling(Duration.ofDays(7)))
 * FrequencyCap.marketing(2, CapWindow.localDays(1))                   // 2 per local calendar day
 * }</pre>
 *
 * @param scope what is counted
 * @param key the type name or category for TYPE and CATEGORY scopes, empty for MARKETING
 * @param max the most messages allowed in the window, at least 1
 * @param window the window
 */
public record FrequencyCap(Scope scope, String key, int max, CapWindow window) {

  /** What a cap counts. */
  public enum Scope {
    /** Every marketing message whose type shares caps. */
    MARKETING,
    /** Messages of one notification type. */
    TYPE,
    /** Messages of one opt-in category whose type shares caps. */
    CATEGORY
  }

  /**
   * Validates the fields.
   *
   * @param scope what is counted
   * @param key the type name or category for TYPE and CATEGORY scopes, empty for MARKETING
   * @param max the most messages allowed in the window, at least 1
   * @param window the window
   */
  public FrequencyCap {
    Checks.required(scope, "cap.scope");
    Checks.required(key, "cap.key");
    if (scope != Scope.MARKETING) {
      Checks.nonBlank(key, "cap.key");
    }
    Checks.range(max, "cap.max", 1, 10_000);
    Checks.required(window, "cap.window");
  }

  /**
   * A cap over all marketing.
   *
   * @param max the most messages
   * @param window the window
   * @return the cap
   */
  public static FrequencyCap marketing(int max, CapWindow window) {
    return new FrequencyCap(Scope.MARKETING, "", max, window);
  }

  /**
   * A cap over all marketing in a rolling window.
   *
   * @param max the most messages
   * @param window the rolling length
   * @return the cap
   */
  public static FrequencyCap marketing(int max, Duration window) {
    return marketing(max, CapWindow.rolling(window));
  }

  /**
   * A cap over one notification type.
   *
   * @param type the type
   * @param max the most messages
   * @param window the window
   * @return the cap
   */
  public static FrequencyCap type(NotificationType type, int max, CapWindow window) {
    return new FrequencyCap(Scope.TYPE, Checks.required(type, "cap.type").name(), max, window);
  }

  /**
   * A cap over one category.
   *
   * @param category the category
   * @param max the most messages
   * @param window the window
   * @return the cap
   */
  public static FrequencyCap category(String category, int max, CapWindow window) {
    return new FrequencyCap(Scope.CATEGORY,
        Checks.nonBlank(category, "cap.category", 64).toLowerCase(Locale.ROOT), max, window);
  }

  /**
   * Whether a message of this type and category counts against the cap.
   *
   * @param type the message's type
   * @param category the message's category
   * @return true when counted
   */
  public boolean counts(NotificationType type, String category) {
    return switch (scope) {
      case MARKETING -> type.isMarketing() && type.sharedCaps();
      case TYPE -> type.name().equals(key);
      case CATEGORY -> key.equals(category) && type.sharedCaps();
    };
  }
}
