package dev.herald.http2;

import java.util.concurrent.TimeoutException;

/** A request's deadline passed before its answer arrived. */
public final class Http2TimeoutException extends TimeoutException {
  private static final long serialVersionUID = 1L;

  /** Whether the request had been written. */
  private final boolean sent;

  /**
   * Creates the exception.
   *
   * @param message the description
   * @param sent whether the request had been written (the server may have it) or was still
   *     waiting for a stream (it was not sent)
   */
  public Http2TimeoutException(String message, boolean sent) {
    super(message);
    this.sent = sent;
  }

  /** @return true when the request was written and the server may have it */
  public boolean sent() {
    return sent;
  }
}
