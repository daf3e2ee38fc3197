package dev.herald.http2;

import java.io.IOException;

/**
 * No answer arrived for a request, for a reason other than its deadline (that is an
 * {@link Http2TimeoutException}). {@link #maybeProcessed()} tells whether the server may have
 * acted on the request, which decides whether sending it again risks a duplicate.
 */
public final class Http2TransportException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Why no answer arrived. */
  public enum Kind {
    /** No connection could be opened: DNS, TCP, TLS, or the server did not speak HTTP/2. */
    CONNECT,
    /**
     * The server refused the stream on every attempt (RST_STREAM REFUSED_STREAM, or a GOAWAY
     * whose last stream id is lower): it never processed the request.
     */
    REFUSED,
    /** The queue of requests waiting for a stream is full; the request was not sent. */
    QUEUE_FULL,
    /** The connection closed with the request in flight: the server may have processed it. */
    CONNECTION_LOST,
    /** The server reset the stream with an error code: it may have processed the request. */
    STREAM_RESET
  }

  /** Why no answer arrived. */
  private final Kind kind;
  /** How many times the request was written. */
  private final int attempts;

  /**
   * Creates the exception.
   *
   * @param kind why no answer arrived
   * @param attempts how many times the request was written, 0 when never
   * @param message the description
   * @param cause the underlying failure, or null
   */
  public Http2TransportException(Kind kind, int attempts, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.attempts = attempts;
  }

  /** @return why no answer arrived */
  public Kind kind() {
    return kind;
  }

  /** @return how many times the request was written to a connection */
  public int attempts() {
    return attempts;
  }

  /** @return true when the server may have acted on the request */
  public boolean maybeProcessed() {
    return kind == Kind.CONNECTION_LOST || kind == Kind.STREAM_RESET;
  }
}
