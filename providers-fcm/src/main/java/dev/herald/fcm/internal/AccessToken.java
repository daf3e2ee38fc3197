package dev.herald.fcm.internal;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * An OAuth2 access token for FCM, with when it expires and when to start replacing it. Immutable;
 * {@link #toString()} never shows the token.
 */
public final class AccessToken {
  private final String value;
  private final String authorization;
  private final Instant expiresAt;
  private final Instant refreshAt;
  private final CompletableFuture<AccessToken> asFuture;

  /**
   * Creates a token.
   *
   * @param value the bearer token
   * @param expiresAt when the token endpoint said it expires
   * @param refreshAt when to start fetching its successor
   */
  public AccessToken(String value, Instant expiresAt, Instant refreshAt) {
    this.value = value;
    this.authorization = "Bearer " + value;
    this.expiresAt = expiresAt;
    this.refreshAt = refreshAt;
    this.asFuture = CompletableFuture.completedFuture(this);
  }

  /** @return the bearer token; never log it */
  public String value() {
    return value;
  }

  /**
   * The {@code authorization} header's value, made once: every request of the hour carries the
   * same string, so the HTTP/2 client finds it in its header table without comparing characters.
   *
   * @return {@code Bearer <token>}; never log it
   */
  public String authorization() {
    return authorization;
  }

  /** @return when the token expires */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** @return when to start fetching a successor */
  public Instant refreshAt() {
    return refreshAt;
  }

  /** A completed future of this token, shared so the cached path allocates nothing. */
  CompletableFuture<AccessToken> asFuture() {
    return asFuture;
  }

  @Override
  public String toString() {
    return "AccessToken{expiresAt=" + expiresAt + ", refreshAt=" + refreshAt + "}";
  }
}
