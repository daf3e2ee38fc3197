package dev.herald.http2;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * What the server answered to one request. Immutable.
 *
 * @param status the {@code :status}
 * @param headers the response headers by lower-case name (the last value of a repeated header)
 * @param body the body, cut at the client's {@code maxResponseBytes}
 * @param connectionId the id of the connection that carried the request, for
 *     {@link Http2Client#retire(long)}
 */
public record Http2Response(int status, Map<String, String> headers, byte[] body,
    long connectionId) {

  /**
   * A header.
   *
   * @param lowerCaseName the header name, in lower case
   * @return its value, if present
   */
  public Optional<String> header(String lowerCaseName) {
    return Optional.ofNullable(headers.get(lowerCaseName));
  }

  /** @return the body decoded as UTF-8 */
  public String bodyUtf8() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** Shows the status and size; never the body, which may hold a token. */
  @Override
  public String toString() {
    return "Http2Response{status=" + status + ", " + body.length + " bytes, connection "
        + connectionId + "}";
  }
}
