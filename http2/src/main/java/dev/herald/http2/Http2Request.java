package dev.herald.http2;

import java.util.Arrays;
import java.util.Objects;

/**
 * One HTTP/2 request to the client's host: method, path, headers and body. Immutable; the body
 * array is not copied, so the caller must not change it after handing it over.
 */
public final class Http2Request {
  private final String method;
  private final String path;
  private final String[] headers;
  private final byte[] body;

  private Http2Request(String method, String path, String[] headers, byte[] body) {
    this.method = method;
    this.path = path;
    this.headers = headers;
    this.body = body;
  }

  /**
   * A POST request.
   *
   * @param path the path with any query, starting with {@code /}
   * @param body the body; not copied
   * @param headerPairs header names (lower case, as HTTP/2 requires) and values, alternating
   * @return the request
   * @throws IllegalArgumentException when the path does not start with {@code /}, a name is not
   *     lower case or a name has no value
   */
  public static Http2Request post(String path, byte[] body, String... headerPairs) {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(body, "body");
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', got " + path);
    }
    if (headerPairs.length % 2 != 0) {
      throw new IllegalArgumentException("headers come in name/value pairs; the last has no value");
    }
    for (int i = 0; i < headerPairs.length; i += 2) {
      String name = Objects.requireNonNull(headerPairs[i], "header name");
      Objects.requireNonNull(headerPairs[i + 1], "value of header " + name);
      for (int c = 0; c < name.length(); c++) {
        if (Character.isUpperCase(name.charAt(c))) {
          throw new IllegalArgumentException("HTTP/2 header names are lower case, got " + name);
        }
      }
    }
    return new Http2Request("POST", path, headerPairs.clone(), body);
  }

  /** @return the method, such as {@code POST} */
  public String method() {
    return method;
  }

  /** @return the path with any query */
  public String path() {
    return path;
  }

  /** @return how many headers the request has, besides the pseudo-headers */
  public int headerCount() {
    return headers.length / 2;
  }

  /**
   * A header's name.
   *
   * @param index 0 to {@link #headerCount()} - 1
   * @return the lower-case name
   */
  public String headerName(int index) {
    return headers[2 * index];
  }

  /**
   * A header's value.
   *
   * @param index 0 to {@link #headerCount()} - 1
   * @return the value
   */
  public String headerValue(int index) {
    return headers[2 * index + 1];
  }

  /** @return the body; not a copy, do not change it */
  public byte[] bodyNoCopy() {
    return body;
  }

  /** Shows method, path and header names; never header values, which may hold credentials. */
  @Override
  public String toString() {
    String[] names = new String[headerCount()];
    for (int i = 0; i < names.length; i++) {
      names[i] = headerName(i);
    }
    return "Http2Request{" + method + " " + path + ", headers=" + Arrays.toString(names)
        + ", " + body.length + " bytes}";
  }
}
