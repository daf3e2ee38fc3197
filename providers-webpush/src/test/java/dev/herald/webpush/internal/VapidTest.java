package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.SignedJWT;
import dev.herald.InvalidInputException;
import dev.herald.testing.MutableClock;
import dev.herald.webpush.VapidKeys;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VapidTest {
  private static final Pattern HEADER = Pattern.compile("vapid t=([^,]+), k=(\\S+)");
  private final VapidKeys keys = VapidKeys.generate();
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");

  @Test
  void theTokenIsAnEs256JwtInJoseFormWithTheRfc8292Claims() throws Exception {
    Vapid vapid = new Vapid(keys, "mailto:ops@casino.example", Vapid.DEFAULT_LIFETIME, clock);
    Matcher m = HEADER.matcher(vapid.authorization("https://fcm.googleapis.com"));
    assertThat(m.matches()).isTrue();
    assertThat(m.group(2)).isEqualTo(keys.publicKeyBase64Url());
    SignedJWT jwt = SignedJWT.parse(m.group(1));
    assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
    assertThat(jwt.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
    assertThat(jwt.getSignature().decode()).hasSize(64); // R||S, not DER
    assertThat(jwt.verify(new ECDSAVerifier(keys.jcaPublicKey()))).isTrue();
    assertThat(jwt.getJWTClaimsSet().getAudience()).isEqualTo(List.of("https://fcm.googleapis.com"));
    assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("mailto:ops@casino.example");
    assertThat(jwt.getJWTClaimsSet().getExpirationTime().toInstant())
        .isEqualTo(Instant.parse("2026-11-22T22:00:00Z"));
  }

  @Test
  void theTokenIsCachedPerOriginUntilAnHourBeforeExpiry() {
    Vapid vapid = new Vapid(keys, "mailto:ops@casino.example", Vapid.DEFAULT_LIFETIME, clock);
    String fcm = vapid.authorization("https://fcm.googleapis.com");
    String mozilla = vapid.authorization("https://updates.push.services.mozilla.com");
    assertThat(mozilla).isNotEqualTo(fcm);
    clock.advance(Duration.ofHours(11).minusSeconds(1));
    assertThat(vapid.authorization("https://fcm.googleapis.com")).isEqualTo(fcm);
    clock.advance(Duration.ofSeconds(1));
    String renewed = vapid.authorization("https://fcm.googleapis.com");
    assertThat(renewed).isNotEqualTo(fcm);
    assertThat(vapid.authorization("https://fcm.googleapis.com")).isEqualTo(renewed);
  }

  @Test
  void aClockThatWentBackNeverGetsATokenExpiringMoreThanTheLifetimeAhead() throws Exception {
    Vapid vapid = new Vapid(keys, "mailto:ops@casino.example", Duration.ofHours(24), clock);
    String first = vapid.authorization("https://fcm.googleapis.com");
    clock.advance(Duration.ofMinutes(-5));
    String second = vapid.authorization("https://fcm.googleapis.com");
    assertThat(second).isNotEqualTo(first);
    Matcher m = HEADER.matcher(second);
    assertThat(m.matches()).isTrue();
    assertThat(SignedJWT.parse(m.group(1)).getJWTClaimsSet().getExpirationTime().toInstant())
        .isBeforeOrEqualTo(clock.instant().plus(Duration.ofHours(24)));
  }

  @Test
  void theAudienceIsTheOriginWithANonDefaultPort() {
    assertThat(Vapid.origin(URI.create("https://fcm.googleapis.com/fcm/send/abc")))
        .isEqualTo("https://fcm.googleapis.com");
    assertThat(Vapid.origin(URI.create("https://FCM.googleapis.com:443/fcm/send/abc")))
        .isEqualTo("https://fcm.googleapis.com");
    assertThat(Vapid.origin(URI.create("https://push.example.com:8443/p?x=1")))
        .isEqualTo("https://push.example.com:8443");
    assertThat(Vapid.origin(URI.create("http://localhost:8080/push/1")))
        .isEqualTo("http://localhost:8080");
    assertThat(Vapid.origin(URI.create("http://localhost:80/push/1"))).isEqualTo("http://localhost");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mailto:ops@casino.example", "https://casino.example/contact",
      "MAILTO:Ops@Casino.Example"})
  void acceptsMailtoAndHttpsSubjects(String subject) {
    assertThat(Vapid.validateSubject(" " + subject + " ")).isEqualTo(subject);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ops@casino.example", "http://casino.example", "mailto:ops",
      "mailto:ops@localhost", "https://localhost/contact", "https://127.0.0.1/",
      "mailto: <ops@casino.example>", "", "mailto:@casino.example"})
  void refusesOtherSubjectsNamingTheField(String subject) {
    assertThatThrownBy(() -> Vapid.validateSubject(subject))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("vapid.subject: ");
  }

  @Test
  void aLocalhostSubjectIsRefusedBecauseAppleRejectsIt() {
    assertThatThrownBy(() -> Vapid.validateSubject("mailto:me@localhost"))
        .hasMessageContaining("Apple").hasMessageContaining("BadJwtToken");
  }
}
