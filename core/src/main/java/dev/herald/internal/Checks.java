package dev.herald.internal;

import dev.herald.InvalidInputException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Collection;

/**
 * Argument checks that fail with an {@link InvalidInputException} naming the field and the limit.
 *
 * <p>Internal: not part of Herald's public API; provider modules may use it.
 */
public final class Checks {
  private Checks() {}

  /** Fails unless {@code value} is non-null. */
  public static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, "is required");
    }
    return value;
  }

  /** Fails unless {@code value} has a non-whitespace character; returns it trimmed. */
  public static String nonBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(field, "must not be blank");
    }
    return value.strip();
  }

  /** Like {@link #nonBlank} and at most {@code maxChars} characters long. */
  public static String nonBlank(String value, String field, int maxChars) {
    return maxChars(nonBlank(value, field), field, maxChars);
  }

  /** Fails if {@code value} is longer than {@code maxChars}; {@code null} passes. */
  public static String maxChars(String value, String field, int maxChars) {
    if (value != null && value.length() > maxChars) {
      throw new InvalidInputException(
          field, "must be at most " + maxChars + " characters, got " + value.length());
    }
    return value;
  }

  /** Fails if the UTF-8 encoding of {@code value} is longer than {@code maxBytes}. */
  public static String maxUtf8Bytes(String value, String field, int maxBytes) {
    if (value != null) {
      int bytes = value.getBytes(StandardCharsets.UTF_8).length;
      if (bytes > maxBytes) {
        throw new InvalidInputException(
            field, "must be at most " + maxBytes + " bytes in UTF-8, got " + bytes);
      }
    }
    return value;
  }

  /** Fails if {@code value} lies outside {@code [min, max]}. */
  public static int range(int value, String field, int min, int max) {
    if (value < min || value > max) {
      throw new InvalidInputException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Fails if {@code value} lies outside {@code [min, max]}. */
  public static double range(double value, String field, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new InvalidInputException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Fails if {@code value} is null or lies outside {@code [min, max]}. */
  public static Duration range(Duration value, String field, Duration min, Duration max) {
    required(value, field);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new InvalidInputException(
          field, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  /** Fails if the collection holds more than {@code max} elements. */
  public static <C extends Collection<?>> C maxSize(C values, String field, int max) {
    if (values != null && values.size() > max) {
      throw new InvalidInputException(
          field, "must hold at most " + max + " entries, got " + values.size());
    }
    return values;
  }

  /**
   * Parses an absolute URI with a scheme; fails with the field name otherwise.
   *
   * @param value the text
   * @param field the field name for the error
   * @param maxChars the longest accepted text
   * @return the parsed URI
   */
  public static URI absoluteUri(String value, String field, int maxChars) {
    nonBlank(value, field, maxChars);
    try {
      URI uri = new URI(value.strip());
      if (!uri.isAbsolute()) {
        throw new InvalidInputException(field, "must be an absolute URI with a scheme");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new InvalidInputException(field, "is not a valid URI: " + e.getReason());
    }
  }

  /**
   * Parses an absolute {@code https} URL with a host, or {@code http} when allowed.
   *
   * @param value the text
   * @param field the field name for the error
   * @param allowHttp whether plain {@code http} is acceptable (local testing only)
   * @return the parsed URI
   */
  public static URI httpUrl(String value, String field, boolean allowHttp) {
    URI uri = absoluteUri(value, field, 4096);
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    boolean ok = scheme.equals("https") || (allowHttp && scheme.equals("http"));
    if (!ok && scheme.length() > 16) {
      // Not a scheme anyone meant: do not quote it, it may be a pasted secret of any length.
      scheme = "of " + scheme.length() + " characters";
    }
    if (!ok) {
      throw new InvalidInputException(
          field,
          allowHttp
              ? "must be an http or https URL, got scheme " + scheme
              : "must be an https URL, got scheme " + scheme
                  + " (plain http is accepted only when explicitly allowed for local testing)");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new InvalidInputException(field, "must name a host");
    }
    return uri;
  }

  /**
   * Decodes base64url, tolerating standard base64 and padding: browsers and libraries hand out
   * subscription keys and VAPID keys in either form. The error names the field, never the value.
   *
   * @param value the text
   * @param field the field name for the error
   * @return the bytes
   */
  public static byte[] base64(String value, String field) {
    String text = nonBlank(value, field).strip().replace('+', '-').replace('/', '_');
    int end = text.length();
    while (end > 0 && text.charAt(end - 1) == '=') {
      end--;
    }
    try {
      return Base64.getUrlDecoder().decode(text.substring(0, end));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(field, "is not base64url or base64");
    }
  }
}
