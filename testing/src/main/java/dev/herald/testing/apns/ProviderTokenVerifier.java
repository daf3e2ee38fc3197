package dev.herald.testing.apns;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks provider tokens as APNs does: ES256, a known {@code kid}, the key's team as
 * {@code iss}, a valid signature (JOSE R‖S or DER, both of which APNs accepts), an {@code iat}
 * at most an hour old and not in the future, and a connection's token changing at most every
 * 20 minutes. Verified tokens are cached, so a benchmark pays for one signature check per token.
 */
final class ProviderTokenVerifier {
  static final Duration MAX_AGE = Duration.ofHours(1);
  static final Duration MIN_REFRESH = Duration.ofMinutes(20);
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

  record TrustedKey(String teamId, String keyId, ECPublicKey publicKey) {}

  record Verified(String keyId, Instant issuedAt) {}

  record Result(Verified verified, MockApnsReason rejection) {
    static Result ok(Verified v) {
      return new Result(v, null);
    }

    static Result reject(MockApnsReason reason) {
      return new Result(null, reason);
    }
  }

  private record Seen(String token, Instant issuedAt) {}

  private final Map<String, TrustedKey> keys;
  private final Clock clock;
  private final boolean enforceInterval;
  private final Map<String, Verified> verifiedTokens = new ConcurrentHashMap<>();
  private final Map<Integer, Seen> tokenByConnection = new ConcurrentHashMap<>();

  ProviderTokenVerifier(Map<String, TrustedKey> keys, Clock clock, boolean enforceInterval) {
    this.keys = Map.copyOf(keys);
    this.clock = clock;
    this.enforceInterval = enforceInterval;
  }

  Result verify(String token, int connectionIndex) {
    Verified verified = verifiedTokens.get(token);
    if (verified == null) {
      Result result = verifySignature(token);
      if (result.rejection() != null) {
        return result;
      }
      verified = result.verified();
      if (verifiedTokens.size() > 10_000) {
        verifiedTokens.clear();
      }
      verifiedTokens.put(token, verified);
    }
    Instant now = clock.instant();
    if (verified.issuedAt().isAfter(now.plus(CLOCK_SKEW))) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    if (verified.issuedAt().isBefore(now.minus(MAX_AGE))) {
      return Result.reject(MockApnsReason.EXPIRED_PROVIDER_TOKEN);
    }
    Seen previous = tokenByConnection.get(connectionIndex);
    if (previous == null || !previous.token().equals(token)) {
      if (enforceInterval && previous != null
          && verified.issuedAt().isBefore(previous.issuedAt().plus(MIN_REFRESH))) {
        return Result.reject(MockApnsReason.TOO_MANY_PROVIDER_TOKEN_UPDATES);
      }
      tokenByConnection.put(connectionIndex, new Seen(token, verified.issuedAt()));
    }
    return Result.ok(verified);
  }

  private Result verifySignature(String token) {
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    TrustedKey key = keys.get(jwt.getHeader().getKeyID());
    if (key == null || !key.teamId().equals(claims.getIssuer())) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    Date iat = claims.getIssueTime();
    if (iat == null) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    try {
      SignedJWT concat = jwt;
      byte[] signature = jwt.getSignature().decode();
      if (signature.length != 64) {
        // DER, as JCA's SHA256withECDSA produces (Pushy sends this); APNs accepts it.
        byte[] rs = ECDSA.transcodeSignatureToConcat(signature, 64);
        Base64URL[] parts = jwt.getParsedParts();
        concat = new SignedJWT(parts[0], parts[1], Base64URL.encode(rs));
      }
      if (!concat.verify(new ECDSAVerifier(key.publicKey()))) {
        return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
      }
    } catch (JOSEException | ParseException e) {
      return Result.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
    }
    return Result.ok(new Verified(key.keyId(), iat.toInstant()));
  }
}
