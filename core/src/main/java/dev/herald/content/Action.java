package dev.herald.content;

import dev.herald.internal.Checks;
import java.util.Optional;

/**
 * A button on a notification.
 *
 * @param id the action id reported back when clicked, for example {@code "claim"}
 * @param title the button label
 * @param link where the button leads (a URL or an app deep link), empty for none
 */
public record Action(String id, String title, Optional<String> link) {
  /** The longest id accepted. */
  public static final int MAX_ID_CHARS = 64;
  /** The longest title accepted. */
  public static final int MAX_TITLE_CHARS = 64;

  /**
   * Validates the fields.
   *
   * @param id the action id reported back when clicked, for example {@code "claim"}
   * @param title the button label
   * @param link where the button leads (a URL or an app deep link), empty for none
   */
  public Action {
    id = Checks.nonBlank(id, "action.id", MAX_ID_CHARS);
    title = Checks.nonBlank(title, "action.title", MAX_TITLE_CHARS);
    Checks.required(link, "action.link");
    link.ifPresent(l -> Checks.absoluteUri(l, "action.link", Notification.MAX_LINK_CHARS));
  }

  /**
   * A button with a link.
   *
   * @param id the action id
   * @param title the label
   * @param link an absolute URL or deep link
   * @return the action
   */
  public static Action of(String id, String title, String link) {
    return new Action(id, title, Optional.of(link));
  }

  /**
   * A button without a link (the app or service worker decides by id).
   *
   * @param id the action id
   * @param title the label
   * @return the action
   */
  public static Action of(String id, String title) {
    return new Action(id, title, Optional.empty());
  }
}
