package dev.herald;

import java.util.Objects;

/**
 * Bad input refused at the API edge, before anything is stored or sent.
 *
 * <p>The message always names the field and what was expected, for example
 * {@code "webPush.p256dh: expected a 65-byte uncompressed P-256 point, got 33 bytes"}. The
 * offending value itself is never echoed when it could be a secret or a capability URL.
 */
public final class InvalidInputException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The field that was wrong. */
  private final String field;

  /**
   * Creates an exception for one field.
   *
   * @param field the name of the field that was refused, as the caller knows it
   * @param expectation what was expected and, where safe, what was given
   */
  public InvalidInputException(String field, String expectation) {
    super(Objects.requireNonNull(field, "field") + ": " + expectation);
    this.field = field;
  }

  /**
   * The name of the refused field.
   *
   * @return the field name, for example {@code "title"} or {@code "apns.deviceToken"}
   */
  public String field() {
    return field;
  }
}
