package dev.herald.internal;

/**
 * A short quote of untrusted input for an error message: a hostile value can be megabytes long
 * (or hold a secret), so messages quote its start only.
 *
 * <p>Internal: not part of Herald's public API; other modules may use it.
 */
public final class Excerpt {
  /** How many characters of the input an error message quotes. */
  public static final int MAX_CHARS = 40;

  private Excerpt() {}

  /**
   * The first {@value #MAX_CHARS} characters, followed by "…" when there was more.
   *
   * @param text the input, may be null
   * @return the excerpt; "null" for null
   */
  public static String of(CharSequence text) {
    return of(text, MAX_CHARS);
  }

  /**
   * The first {@code max} characters, followed by "…" when there was more; never cuts a
   * surrogate pair in half.
   *
   * @param text the input, may be null
   * @param max how many characters to keep
   * @return the excerpt; "null" for null
   */
  public static String of(CharSequence text, int max) {
    if (text == null) {
      return "null";
    }
    if (text.length() <= max) {
      return text.toString();
    }
    int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
    return text.subSequence(0, end) + "…";
  }
}
