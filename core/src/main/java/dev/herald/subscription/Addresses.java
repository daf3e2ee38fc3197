package dev.herald.subscription;

/** Helpers shared by the address types. */
final class Addresses {
  private Addresses() {}

  /** Keeps the first and last few characters of a token so logs stay useful but not usable. */
  static String abbreviate(String token) {
    if (token.length() <= 12) {
      return token.substring(0, Math.min(4, token.length())) + "…";
    }
    return token.substring(0, 6) + "…" + token.substring(token.length() - 4);
  }
}
