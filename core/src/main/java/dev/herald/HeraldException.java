package dev.herald;

/**
 * A failure inside Herald that is neither bad input nor an illegal state change: a host store
 * that keeps losing concurrent updates, a provider that is not registered, a closed instance.
 *
 * <p>Send outcomes are never reported this way: a send completes with a
 * {@link dev.herald.spi.SendResult} value.
 */
public class HeraldException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message that says what went wrong and what to do.
   *
   * @param message the explanation
   */
  public HeraldException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the cause.
   *
   * @param message the explanation
   * @param cause the underlying failure
   */
  public HeraldException(String message, Throwable cause) {
    super(message, cause);
  }
}
