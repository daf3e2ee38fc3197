package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.herald.testing.MutableClock;
import dev.herald.testing.webpush.MockAnswer;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.webpush.internal.Vapid;
import dev.herald.webpush.internal.WebPushEncryption;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The mock Web Push service refuses what a strict push service refuses: each test breaks one thing
 * in an otherwise valid request built with Herald's own encryption and VAPID code.
 */
class MockWebPushServiceTest {
  private static final MediaType OCTETS = MediaType.get("application/octet-stream");
  private final MutableClock clock = MutableClock.at("2026-11-22T10:00:00Z");
  private final VapidKeys keys = VapidKeys.generate();
  private final OkHttpClient http = new OkHttpClient();
  private MockWebPushService mock;
  private MockSubscription browser;

  @BeforeEach
  void start() throws IOException {
    mock = MockWebPushService.builder().clock(clock).start();
    browser = mock.newSubscription(keys.publicKeyBase64Url());
  }

  @AfterEach
  void stop() throws IOException {
    mock.close();
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }

  private String authorization(MutableClock signingClock, Duration lifetime) {
    return new Vapid(keys, "mailto:ops@casino.example", lifetime, signingClock)
        .authorization(Vapid.origin(URI.create(browser.endpoint())));
  }

  private byte[] body(String text) {
    return WebPushEncryption.withDefaultEngine().encrypt(text.getBytes(StandardCharsets.UTF_8), 0,
        Base64.getUrlDecoder().decode(browser.p256dh()),
        Base64.getUrlDecoder().decode(browser.auth()));
  }

  private Request.Builder valid() {
    return new Request.Builder().url(browser.endpoint())
        .header("TTL", "60")
        .header("Content-Encoding", "aes128gcm")
        .header("Authorization", authorization(clock, Duration.ofHours(12)))
        .post(RequestBody.create(body("{\"title\":\"hi\"}"), OCTETS));
  }

  private int status(Request.Builder request) throws IOException {
    try (Response response = http.newCall(request.build()).execute()) {
      return response.code();
    }
  }

  @Test
  void aValidRequestIsAcceptedAndDecrypted() throws Exception {
    assertThat(status(valid())).isEqualTo(201);
    assertThat(mock.takeMessage(Duration.ofSeconds(5)).text()).isEqualTo("{\"title\":\"hi\"}");
  }

  @Test
  void headerProblemsAre400() throws IOException {
    assertThat(status(valid().removeHeader("TTL"))).isEqualTo(400);
    assertThat(status(valid().header("TTL", "-1"))).isEqualTo(400);
    assertThat(status(valid().header("Urgency", "asap"))).isEqualTo(400);
    assertThat(status(valid().header("Topic", "not a topic!"))).isEqualTo(400);
    assertThat(status(valid().header("Content-Encoding", "aesgcm"))).isEqualTo(400);
    assertThat(mock.answeredCount(400)).isEqualTo(5);
  }

  @Test
  void aBodyThatDoesNotDecryptIs400AndAnOversizedOneIs413() throws IOException {
    byte[] tampered = body("hello");
    tampered[tampered.length - 1] ^= 1;
    assertThat(status(valid().post(RequestBody.create(tampered, OCTETS)))).isEqualTo(400);
    assertThat(status(valid().post(RequestBody.create(new byte[4097], OCTETS)))).isEqualTo(413);
  }

  @Test
  void unknownAndUnsubscribedSubscriptionsAre404And410() throws IOException {
    assertThat(status(valid().url(mock.baseUrl() + "push/nobody"))).isEqualTo(404);
    browser.unsubscribe();
    assertThat(status(valid())).isEqualTo(410);
  }

  @Test
  void vapidProblemsAre401Or403() throws Exception {
    assertThat(status(valid().removeHeader("Authorization"))).isEqualTo(401);
    // Expired: signed 13 hours ago with a 12-hour lifetime.
    MutableClock past = MutableClock.at(clock.instant().minus(Duration.ofHours(13)));
    assertThat(status(valid().header("Authorization", authorization(past, Duration.ofHours(12)))))
        .isEqualTo(403);
    // exp more than 24 hours ahead.
    MutableClock future = MutableClock.at(clock.instant().plus(Duration.ofHours(1)));
    assertThat(status(valid().header("Authorization", authorization(future, Duration.ofHours(24)))))
        .isEqualTo(403);
    // Signed by a key the subscription was not created with.
    String other = new Vapid(VapidKeys.generate(), "mailto:ops@casino.example",
        Duration.ofHours(12), clock).authorization(Vapid.origin(URI.create(browser.endpoint())));
    assertThat(status(valid().header("Authorization", other))).isEqualTo(403);
    // Right key in k=, but the token signed by another key.
    String forged = other.substring(0, other.indexOf(", k=")) + ", k=" + keys.publicKeyBase64Url();
    assertThat(status(valid().header("Authorization", forged))).isEqualTo(403);
    assertThat(status(valid().header("Authorization", "WebPush " + other))).isEqualTo(403);
  }

  @Test
  void anAudienceWithoutThePortIs403UnlessTolerated() throws Exception {
    String origin = Vapid.origin(URI.create(browser.endpoint()));
    String hostOnly = origin.substring(0, origin.lastIndexOf(':'));
    String header = new Vapid(keys, "mailto:ops@casino.example", Duration.ofHours(12), clock)
        .authorization(hostOnly);
    assertThat(status(valid().header("Authorization", header))).isEqualTo(403);

    try (MockWebPushService lenient =
        MockWebPushService.builder().clock(clock).tolerateAudienceWithoutPort().start()) {
      MockSubscription sub = lenient.newSubscription(keys.publicKeyBase64Url());
      String lenientOrigin = Vapid.origin(URI.create(sub.endpoint()));
      String lenientHeader = new Vapid(keys, "mailto:ops@casino.example", Duration.ofHours(12),
          clock).authorization(lenientOrigin.substring(0, lenientOrigin.lastIndexOf(':')));
      byte[] body = WebPushEncryption.withDefaultEngine().encrypt(new byte[] {'x'}, 0,
          Base64.getUrlDecoder().decode(sub.p256dh()), Base64.getUrlDecoder().decode(sub.auth()));
      assertThat(status(new Request.Builder().url(sub.endpoint()).header("TTL", "0")
          .header("Content-Encoding", "aes128gcm").header("Authorization", lenientHeader)
          .post(RequestBody.create(body, OCTETS)))).isEqualTo(201);
    }
  }

  @Test
  void aDerEncodedSignatureIsRefused() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .audience(Vapid.origin(URI.create(browser.endpoint())))
        .expirationTime(Date.from(clock.instant().plus(Duration.ofHours(1))))
        .subject("mailto:ops@casino.example").build();
    String signingInput = new JWSHeader(JWSAlgorithm.ES256).toBase64URL() + "."
        + Base64URL.encode(claims.toString());
    Signature der = Signature.getInstance("SHA256withECDSA"); // DER, as some libraries send
    der.initSign(keys.exportJcaPrivateKey());
    der.update(signingInput.getBytes(StandardCharsets.US_ASCII));
    String token = signingInput + "." + Base64URL.encode(der.sign());
    assertThat(status(valid().header("Authorization",
        "vapid t=" + token + ", k=" + keys.publicKeyBase64Url()))).isEqualTo(403);
  }

  @Test
  void pooledKeyPairsStillGiveEachSubscriptionItsOwnSecretAndDecryptEveryMessage()
      throws Exception {
    try (MockWebPushService pooled =
        MockWebPushService.builder().clock(clock).subscriptionKeyPairs(1).start()) {
      MockSubscription first = pooled.newSubscription(keys.publicKeyBase64Url());
      MockSubscription second = pooled.newSubscription(keys.publicKeyBase64Url());
      assertThat(second.p256dh()).isEqualTo(first.p256dh());
      assertThat(second.auth()).isNotEqualTo(first.auth());
      assertThat(second.endpoint()).isNotEqualTo(first.endpoint());

      browser = second;
      assertThat(status(valid())).isEqualTo(201);
      assertThat(pooled.takeMessage(Duration.ofSeconds(5)).text()).isEqualTo("{\"title\":\"hi\"}");
      // encrypted for the first subscription's secret, posted to the second: refused
      byte[] forFirst = WebPushEncryption.withDefaultEngine().encrypt(
          "{}".getBytes(StandardCharsets.UTF_8), 0,
          Base64.getUrlDecoder().decode(first.p256dh()),
          Base64.getUrlDecoder().decode(first.auth()));
      assertThat(status(valid().post(RequestBody.create(forFirst, OCTETS)))).isEqualTo(400);
    }
  }

  @Test
  void pooledSubscriptionsAreRebuiltFromTheirSignedIdsAndKeepTheirState() throws Exception {
    try (MockWebPushService pooled =
        MockWebPushService.builder().clock(clock).subscriptionKeyPairs(2).start()) {
      MockSubscription first = pooled.newSubscription(keys.publicKeyBase64Url());
      MockSubscription second = pooled.newSubscription(keys.publicKeyBase64Url());
      browser = first;
      assertThat(status(valid())).isEqualTo(201);
      // an id the service did not sign (one character of the first id changed) is unknown
      String id = first.id();
      char last = id.charAt(id.length() - 1);
      String forged = id.substring(0, id.length() - 1) + (last == 'A' ? 'B' : 'A');
      assertThat(status(valid().url(pooled.baseUrl() + "push/" + forged))).isEqualTo(404);
      browser = second;
      second.enqueue(MockAnswer.tooManyRequests(Duration.ofSeconds(3)));
      assertThat(status(valid())).isEqualTo(429);
      assertThat(status(valid())).isEqualTo(201);
      second.unsubscribe();
      assertThat(status(valid())).isEqualTo(410);
      browser = first;
      assertThat(status(valid())).isEqualTo(201);
    }
  }
}
