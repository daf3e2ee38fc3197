package dev.herald.fcm.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.internal.RetryAfter;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import java.io.IOException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.CompletableFuture;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains, caches and refreshes the OAuth2 access token FCM requires, by the JWT-bearer grant
 * (RFC 7523) that Google documents for service accounts.
 *
 * <p>The assertion is an RS256 JWT with {@code kid} = the private key id, {@code iss} = the client
 * e-mail, {@code scope} = {@value #SCOPE}, {@code aud} = the token endpoint, {@code iat} = now and
 * {@code exp} = now + one hour (Google's maximum); it is posted as
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=…}.
 *
 * <p>Caching: a token is used until {@link AccessToken#refreshAt()}, five minutes before it
 * expires (or half-way through a lifetime shorter than ten minutes). Between then and expiry,
 * sends keep using it while one refresh runs in the background; after expiry, sends wait for the
 * refresh. However many sends arrive at once, one request is in flight (single flight). After a
 * failed request, no other is made for {@link #RETRY_PAUSE}: sends that need a token fail the same
 * way at once, and a background refresh waits, so a token endpoint outage does not turn every
 * send into a token request. Thread-safe.
 */
public final class AccessTokenSource {
  /** The OAuth2 scope FCM's send method requires. */
  public static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
  /** The grant type of the token request. */
  public static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";
  /** The assertion's lifetime: Google's maximum. */
  public static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
  /** How long before expiry a token is replaced. */
  public static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
  /** The least time between a failed token request and the next. */
  public static final Duration RETRY_PAUSE = Duration.ofSeconds(10);

  private static final Logger log = LoggerFactory.getLogger(AccessTokenSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final OkHttpClient client;
  private final HttpUrl tokenUri;
  private final String clientEmail;
  private final JWSHeader header;
  private final RSASSASigner signer;
  private final Clock clock;

  private final Object lock = new Object();
  private volatile AccessToken current;
  private CompletableFuture<AccessToken> inFlight; // guarded by lock
  private Throwable lastFailure; // guarded by lock
  private Instant retryAt = Instant.MIN; // guarded by lock
  private long refreshes; // guarded by lock
  private long failures; // guarded by lock
  private Instant lastRefresh; // guarded by lock

  /**
   * The source's counts, for {@code FcmProvider.status()}.
   *
   * @param refreshes tokens obtained so far
   * @param failures token requests that failed
   * @param lastRefresh when a token was last obtained, or null
   * @param lastFailure what the last request's failure was when it failed, or null; never holds
   *     a secret (exception type and message only)
   */
  public record Stats(long refreshes, long failures, Instant lastRefresh, String lastFailure) {}

  /**
   * Creates a source; nothing is requested until the first {@link #get()}.
   *
   * @param client the HTTP client for the token endpoint; the source derives one from it that
   *     never follows redirects
   * @param tokenUri the token endpoint (the service account's {@code token_uri})
   * @param clientEmail the service account's e-mail
   * @param privateKeyId the private key's id
   * @param privateKey the service account's RSA key
   * @param clock the clock for {@code iat}, {@code exp} and expiry
   */
  public AccessTokenSource(
      OkHttpClient client,
      HttpUrl tokenUri,
      String clientEmail,
      String privateKeyId,
      RSAPrivateKey privateKey,
      Clock clock) {
    // A redirect would re-post the signed assertion (an hour of access tokens) to wherever the
    // answer points, https or not: the endpoint is the service account's token_uri, or nothing.
    this.client = client.newBuilder().followRedirects(false).followSslRedirects(false).build();
    this.tokenUri = tokenUri;
    this.clientEmail = clientEmail;
    this.header =
        new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).keyID(privateKeyId)
            .build();
    this.signer = new RSASSASigner(privateKey);
    this.clock = clock;
  }

  /**
   * A usable access token: the cached one, or the one being fetched.
   *
   * @return a future of the token; it fails with a {@link TokenEndpointException} when the token
   *     endpoint refused, or with an {@link IOException} when it could not be reached
   */
  public CompletableFuture<AccessToken> get() {
    Instant now = clock.instant();
    AccessToken token = current;
    if (token != null && now.isBefore(token.refreshAt())) {
      return token.asFuture();
    }
    CompletableFuture<AccessToken> started = null;
    CompletableFuture<AccessToken> result;
    synchronized (lock) {
      token = current;
      if (token != null && now.isBefore(token.refreshAt())) {
        return token.asFuture();
      }
      boolean usable = token != null && now.isBefore(token.expiresAt());
      boolean pausing = now.isBefore(retryAt);
      if (!usable && inFlight == null && pausing && lastFailure != null) {
        return CompletableFuture.failedFuture(lastFailure); // the last attempt failed just now
      }
      if (inFlight == null && !pausing) {
        started = new CompletableFuture<>();
        inFlight = started;
      }
      result = usable ? token.asFuture() : inFlight;
    }
    if (started != null) {
      refresh(started, now); // outside the lock: completion may run callers' code
    }
    return result;
  }

  /** @return the counts so far */
  public Stats stats() {
    synchronized (lock) {
      String failure = lastFailure == null ? null
          : lastFailure.getClass().getSimpleName() + ": " + lastFailure.getMessage();
      if (failure != null && failure.length() > 300) {
        failure = failure.substring(0, 300) + "…";
      }
      return new Stats(refreshes, failures, lastRefresh, failure);
    }
  }

  /**
   * Drops a token FCM refused (HTTP 401), so the next {@link #get()} fetches a new one. A token
   * that was already replaced is left alone, so many sends refused at once cause one refresh.
   *
   * @param refused the token FCM refused
   */
  public void invalidate(AccessToken refused) {
    synchronized (lock) {
      if (current == refused) {
        current = null;
      }
    }
  }

  /**
   * Signs a fresh assertion.
   *
   * @param now the issue time
   * @return the compact JWT
   * @throws JOSEException when signing fails
   */
  public String assertion(Instant now) throws JOSEException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(clientEmail)
            .claim("scope", SCOPE)
            .audience(tokenUri.toString())
            .issueTime(Date.from(now))
            .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
            .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    jwt.sign(signer);
    return jwt.serialize();
  }

  private void refresh(CompletableFuture<AccessToken> future, Instant now) {
    Request request;
    String assertion;
    try {
      assertion = assertion(now);
      request =
          new Request.Builder()
              .url(tokenUri)
              .post(
                  new FormBody.Builder()
                      .add("grant_type", GRANT_TYPE)
                      .add("assertion", assertion)
                      .build())
              .build();
    } catch (JOSEException | RuntimeException e) {
      fail(future, new IllegalStateException("cannot sign the OAuth2 assertion for "
          + clientEmail + ": " + e.getClass().getSimpleName()));
      return;
    }
    CompletableFuture<HttpExchange.Answer> exchange;
    try {
      exchange = HttpExchange.execute(client, request);
    } catch (RuntimeException e) {
      fail(future, e); // clears the single flight, so the next send asks again
      return;
    }
    exchange.whenComplete((answer, failure) -> {
      if (failure != null) {
        log.warn("FCM token endpoint {} unreachable: {}", tokenUri, failure.toString());
        fail(future, failure);
        return;
      }
      AccessToken token;
      try {
        token = parse(answer, now, assertion);
      } catch (TokenEndpointException e) {
        log.warn("FCM token endpoint refused {}: {}", clientEmail, e.getMessage());
        fail(future, e);
        return;
      }
      synchronized (lock) {
        current = token;
        inFlight = null;
        lastFailure = null;
        retryAt = Instant.MIN;
        refreshes++;
        lastRefresh = now;
      }
      log.debug("FCM access token for {} refreshed; expires at {}", clientEmail,
          token.expiresAt());
      future.complete(token);
    });
  }

  private void fail(CompletableFuture<AccessToken> future, Throwable failure) {
    synchronized (lock) {
      inFlight = null;
      lastFailure = failure;
      retryAt = clock.instant().plus(RETRY_PAUSE);
      failures++;
    }
    future.completeExceptionally(failure);
  }

  private AccessToken parse(HttpExchange.Answer answer, Instant requestedAt, String assertion) {
    JsonNode body = readJson(answer.body());
    if (answer.status() == 200) {
      String value = body.path("access_token").asText("");
      long lifetimeSeconds = body.path("expires_in").asLong(0);
      if (value.isBlank() || lifetimeSeconds <= 0) {
        throw new TokenEndpointException(SendResult.rejected(
            RejectionKind.OTHER,
            "the token endpoint " + tokenUri + " answered 200 without access_token and a"
                + " positive expires_in",
            200));
      }
      Duration lifetime = Duration.ofSeconds(lifetimeSeconds);
      Duration untilRefresh = lifetime.minus(REFRESH_MARGIN);
      if (untilRefresh.compareTo(lifetime.dividedBy(2)) < 0) {
        untilRefresh = lifetime.dividedBy(2);
      }
      // Measured from the request, not the answer: the token cannot outlive what was promised.
      return new AccessToken(value, requestedAt.plus(lifetime), requestedAt.plus(untilRefresh));
    }
    String error = body.path("error").asText("");
    String description = body.path("error_description").asText("");
    String said = error.isEmpty() ? "HTTP " + answer.status()
        : error + (description.isEmpty() ? "" : " (" + description + ")");
    // A hostile or broken endpoint may echo the request; the assertion must not reach a reason.
    said = said.replace(assertion, "[assertion]");
    if (said.length() > 500) {
      said = said.substring(0, 500) + "…";
    }
    int status = answer.status();
    if (status >= 300 && status < 400) {
      throw new TokenEndpointException(SendResult.rejected(
          RejectionKind.CONFIGURATION,
          "the OAuth2 token endpoint " + tokenUri + " answered HTTP " + status + ", a redirect"
              + redirectTarget(answer.location()) + "; Herald does not follow redirects from the"
              + " token endpoint, which would send the signed assertion elsewhere: set token_uri in"
              + " the service-account file to the endpoint itself",
          status));
    }
    if (status == 429 || status >= 500) {
      throw new TokenEndpointException(SendResult.retryLater(
          "the OAuth2 token endpoint is unavailable: " + said,
          RetryAfter.parse(answer.retryAfter(), clock.instant()).orElse(null),
          status));
    }
    if (status == 400 || status == 401 || status == 403) {
      throw new TokenEndpointException(SendResult.rejected(
          RejectionKind.CREDENTIALS,
          "the OAuth2 token endpoint refused the service account " + clientEmail + ": " + said
              + "; check that its key still exists (Google Cloud console → IAM → Service"
              + " accounts → Keys), that the key file is the current one, and that this"
              + " machine's clock is right",
          status));
    }
    throw new TokenEndpointException(SendResult.rejected(
        RejectionKind.OTHER, "the OAuth2 token endpoint answered " + said, status));
  }

  /** Where a redirect pointed: its scheme and host only, never a path or query. */
  private String redirectTarget(String location) {
    HttpUrl target = location == null ? null : tokenUri.resolve(location);
    return target == null ? "" : " to " + target.scheme() + "://" + target.host();
  }

  private static JsonNode readJson(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node == null ? JSON.missingNode() : node;
    } catch (IOException e) {
      return JSON.missingNode();
    }
  }
}
