package dev.herald.fcm.internal;

import dev.herald.spi.SendResult;

/**
 * The OAuth2 token endpoint answered, but without a token. Carries the outcome every send waiting
 * for that token completes with: REJECTED when the credentials are wrong, RETRY_LATER when the
 * endpoint is overloaded or down. Its message never holds the assertion or a token.
 */
public final class TokenEndpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient SendResult result;

  /**
   * Creates the exception.
   *
   * @param result the outcome for the waiting sends
   */
  public TokenEndpointException(SendResult result) {
    super(result.reason(), null, false, false);
    this.result = result;
  }

  /** @return the outcome for the sends that waited for the token */
  public SendResult result() {
    return result;
  }
}
