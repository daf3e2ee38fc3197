package dev.herald.webpush.internal;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.InvalidInputException;
import dev.herald.webpush.VapidKeys;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * VAPID (RFC 8292): the {@code Authorization: vapid t=<JWT>, k=<public key>} header, with the JWT
 * signed once per push-service origin and reused until shortly before it expires, instead of an
 * ECDSA signature per message. Thread-safe.
 */
public final class Vapid {
  /** The longest lifetime RFC 8292 §2 allows. */
  public static final Duration MAX_LIFETIME = Duration.ofHours(24);
  /** The default lifetime: 12 hours, as web-push (Node) and webpush-java use. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);
  /** The shortest lifetime accepted. */
  public static final Duration MIN_LIFETIME = Duration.ofMinutes(5);
  private static final Duration MAX_REFRESH_MARGIN = Duration.ofHours(1);
  private static final int PRUNE_ABOVE = 512;

  private record Token(String header, Instant refreshAt, Instant expiresAt) {}

  private final VapidKeys keys;
  private final String subject;
  private final Duration lifetime;
  private final Duration refreshMargin;
  private final Clock clock;
  private final ECDSASigner signer;
  private final Map<String, Token> tokens = new ConcurrentHashMap<>(); // by origin: one key pair

  /**
   * A header source for one key pair.
   *
   * @param keys the VAPID keys
   * @param subject the validated {@code sub} claim
   * @param lifetime how far ahead {@code exp} lies, at most 24 hours
   * @param clock the clock for {@code exp} and refreshes
   */
  public Vapid(VapidKeys keys, String subject, Duration lifetime, Clock clock) {
    this.keys = keys;
    this.subject = subject;
    this.lifetime = lifetime;
    // Refresh an hour before expiry (a quarter of the lifetime when that is shorter), so that a
    // push service whose clock runs a little ahead never sees an expired token.
    Duration quarter = lifetime.dividedBy(4);
    this.refreshMargin = quarter.compareTo(MAX_REFRESH_MARGIN) < 0 ? quarter : MAX_REFRESH_MARGIN;
    this.clock = clock;
    try {
      this.signer = new ECDSASigner(keys.exportJcaPrivateKey());
    } catch (JOSEException e) {
      throw new IllegalArgumentException("the VAPID key cannot sign ES256", e);
    }
  }

  /**
   * The {@code Authorization} header value for an endpoint origin, from the cache when its token is
   * still fresh.
   *
   * @param origin the endpoint's origin, {@link #origin(URI)}
   * @return {@code vapid t=…, k=…}
   */
  public String authorization(String origin) {
    Instant now = clock.instant();
    Token token = tokens.get(origin);
    if (!isFresh(token, now)) {
      token = tokens.compute(origin,
          (k, current) -> isFresh(current, now) ? current : sign(origin, now));
      if (tokens.size() > PRUNE_ABOVE) {
        tokens.values().removeIf(t -> !now.isBefore(t.expiresAt()));
      }
    }
    return token.header();
  }

  /** Fresh: not yet due for refresh, and (should the clock have gone back) exp within lifetime. */
  private boolean isFresh(Token token, Instant now) {
    return token != null
        && now.isBefore(token.refreshAt())
        && !token.expiresAt().isAfter(now.plus(lifetime));
  }

  private Token sign(String origin, Instant now) {
    // JWT NumericDate is whole seconds: round exp down so it never exceeds now + lifetime.
    Instant expiresAt = Instant.ofEpochSecond(now.plus(lifetime).getEpochSecond());
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .audience(origin)
        .expirationTime(Date.from(expiresAt))
        .subject(subject)
        .build();
    SignedJWT jwt = new SignedJWT(
        new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(signer); // Nimbus writes the JOSE R||S form RFC 7518 §3.4 requires, not DER
    } catch (JOSEException e) {
      throw new IllegalStateException("signing the VAPID token failed", e);
    }
    String header = "vapid t=" + jwt.serialize() + ", k=" + keys.publicKeyBase64Url();
    return new Token(header, expiresAt.minus(refreshMargin), expiresAt);
  }

  /**
   * The Unicode serialisation of an endpoint's origin (RFC 6454), which VAPID's {@code aud} must
   * be: scheme, host and the port unless it is the scheme's default.
   *
   * @param endpoint the push endpoint
   * @return for example {@code https://fcm.googleapis.com} or {@code http://localhost:8080}
   */
  public static String origin(URI endpoint) {
    String scheme = endpoint.getScheme().toLowerCase(Locale.ROOT);
    String host = endpoint.getHost().toLowerCase(Locale.ROOT);
    int port = endpoint.getPort();
    boolean defaultPort = port == -1
        || (scheme.equals("https") && port == 443)
        || (scheme.equals("http") && port == 80);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }

  /**
   * Validates the {@code sub} claim: a {@code mailto:} or {@code https:} URL that does not point at
   * localhost (Apple's push service answers 403 BadJwtToken to those).
   *
   * @param subject the subject
   * @return the subject, stripped
   * @throws InvalidInputException naming {@code vapid.subject}
   */
  public static String validateSubject(String subject) {
    if (subject == null || subject.isBlank()) {
      throw new InvalidInputException("vapid.subject",
          "is required: a mailto: or https: URL where the push service can reach you,"
              + " for example mailto:push-ops@casino.example");
    }
    String s = subject.strip();
    if (s.chars().anyMatch(c -> Character.isWhitespace(c) || c == '<' || c == '>')) {
      throw new InvalidInputException("vapid.subject",
          "must be a bare mailto: or https: URL without spaces or angle brackets");
    }
    String lower = s.toLowerCase(Locale.ROOT);
    String host;
    if (lower.startsWith("mailto:")) {
      String address = s.substring("mailto:".length());
      int at = address.lastIndexOf('@');
      if (at <= 0 || at == address.length() - 1) {
        throw new InvalidInputException("vapid.subject",
            "must be mailto: followed by an email address, for example mailto:ops@casino.example");
      }
      host = address.substring(at + 1);
    } else if (lower.startsWith("https:")) {
      try {
        URI uri = new URI(s);
        host = uri.getHost();
      } catch (URISyntaxException e) {
        host = null;
      }
      if (host == null) {
        throw new InvalidInputException("vapid.subject",
            "must be an https: URL with a host, for example https://casino.example/contact");
      }
    } else {
      throw new InvalidInputException("vapid.subject",
          "must start with mailto: or https: (RFC 8292 §2.1; Apple rejects anything else)");
    }
    String h = host.toLowerCase(Locale.ROOT);
    if (h.equals("localhost") || h.endsWith(".localhost") || h.startsWith("127.")
        || h.equals("[::1]") || h.equals("::1") || h.endsWith(".local")) {
      throw new InvalidInputException("vapid.subject",
          "must not point at " + host + ": Apple's push service rejects a local subject with 403"
              + " BadJwtToken; use a real contact address");
    }
    return s;
  }
}
