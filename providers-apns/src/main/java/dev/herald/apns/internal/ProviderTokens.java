package dev.herald.apns.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ES256 provider tokens of token authentication, one per connection.
 *
 * <p>APNs counts token changes per connection: a token older than 60 minutes is refused with
 * {@code ExpiredProviderToken}, and changing it more often than every 20 minutes is refused with
 * {@code TooManyProviderTokenUpdates}. A token shared by all connections breaks the second rule
 * whenever a connection opens just before the shared token is renewed (Pushy learned this and
 * went back to one token per connection). So each connection gets its own token when it first
 * carries a request, and keeps it until it is {@code refreshAfter} old (50 minutes by default,
 * between 20 and 55 allowed). A retired connection's token is forgotten with it.
 *
 * <p>Thread-safe. The JWT is a bearer secret: it is never logged.
 */
final class ProviderTokens {
  /** A signed token, its {@code authorization} header value, and when it is to be replaced. */
  private record Token(String authorization, long replaceAtMillis) {}

  private final ECDSASigner signer;
  private final JWSHeader header;
  private final String teamId;
  private final Clock clock;
  private final Duration refreshAfter;
  private final Map<Long, Token> byConnection = new HashMap<>();
  private final AtomicLong signed = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile Instant lastSigned;
  private volatile String lastFailure;

  ProviderTokens(
      ECPrivateKey key, String teamId, String keyId, Clock clock, Duration refreshAfter) {
    try {
      this.signer = new ECDSASigner(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the APNs signing key cannot sign ES256", e);
    }
    this.header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(keyId).build();
    this.teamId = teamId;
    this.clock = clock;
    this.refreshAfter = refreshAfter;
  }

  /**
   * The {@code authorization} header to send on a connection ({@code bearer} and the token),
   * signing a new token when the connection has none or its token is {@code refreshAfter} old.
   * While the token stays, the same String instance is returned, so the HTTP/2 client can keep
   * its encoded form.
   *
   * @param connection the id of the connection the request goes out on
   * @return {@code "bearer " + jwt}
   */
  String authorizationFor(long connection) {
    long now = clock.millis();
    synchronized (byConnection) {
      Token token = byConnection.get(connection);
      if (token == null || now >= token.replaceAtMillis()) {
        token = sign(Instant.ofEpochMilli(now));
        byConnection.put(connection, token);
      }
      return token.authorization();
    }
  }

  /**
   * Drops a connection's token, after the connection was retired or closed.
   *
   * @param connection the connection's id
   */
  void forget(long connection) {
    synchronized (byConnection) {
      byConnection.remove(connection);
    }
  }

  /** @return how many tokens were signed so far */
  long signedCount() {
    return signed.get();
  }

  /** @return how many signing attempts failed */
  long failureCount() {
    return failures.get();
  }

  /** @return when a token was last signed, if ever */
  Optional<Instant> lastSigned() {
    return Optional.ofNullable(lastSigned);
  }

  /** @return what the last signing failure was, if the last attempt failed */
  Optional<String> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }

  private Token sign(Instant now) {
    Instant iat = now.truncatedTo(ChronoUnit.SECONDS);
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder().issuer(teamId).issueTime(Date.from(iat)).build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(signer);
    } catch (JOSEException | RuntimeException e) {
      failures.incrementAndGet();
      lastFailure = "could not sign an APNs provider token: " + e.getClass().getSimpleName();
      throw new IllegalStateException("could not sign an APNs provider token", e);
    }
    signed.incrementAndGet();
    lastSigned = now;
    lastFailure = null;
    return new Token("bearer " + jwt.serialize(), iat.plus(refreshAfter).toEpochMilli());
  }
}
