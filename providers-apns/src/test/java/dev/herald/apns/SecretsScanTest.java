package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.ApnsAddress;
import dev.herald.testing.SecretScanner;
import dev.herald.testing.apns.MockApnsAnswer;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsFault;
import dev.herald.testing.apns.MockApnsReason;
import dev.herald.testing.apns.MockApnsServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Drives the APNs provider, with a .p8 key and with a client certificate, through its error paths
 * at TRACE logging (this class runs in its own Surefire execution) with known secrets, and fails
 * if any appears in any output, result, exception or {@code toString()}. The server is hostile:
 * it echoes the provider token back as its reason.
 */
@EnabledIfSystemProperty(named = "org.slf4j.simpleLogger.defaultLogLevel", matches = "trace")
class SecretsScanTest {
  private static final MockApnsCredentials.ClientCertificate CLIENT_CERT =
      MockApnsCredentials.clientCertificate(TOPIC);

  @Test
  void noSecretAppearsOnAnyErrorPath() throws Exception {
    List<Object> outcomes = new ArrayList<>();
    List<String> providerTokens = new ArrayList<>();
    SecretScanner scan = SecretScanner.start();
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).trust(CLIENT_CERT)
        .topics(TOPIC).start()) {
      for (String line : KEY.pkcs8Pem().split("\n")) {
        if (!line.startsWith("-----") && line.length() >= 16) {
          scan.secret(".p8 key PEM line", line);
        }
      }
      scan.secret(".p8 private scalar", KEY.privateKey().getS().toString());
      scan.secret(".p8 private scalar (hex)", KEY.privateKey().getS().toString(16));
      scan.secret("PKCS#12 password", new String(CLIENT_CERT.password()));
      scan.secretBytes("PKCS#12 file", java.util.Arrays.copyOfRange(CLIENT_CERT.pkcs12(), 64, 96));

      for (boolean tokenAuth : new boolean[] {true, false}) {
        ApnsProvider.Builder b = ApnsProvider.builder().endpoint(server.endpoint())
            .trustedCertificates(server.certificate()).requestTimeout(Duration.ofSeconds(5));
        if (tokenAuth) {
          b.signingKey(ApnsFixtures.signingKey());
        } else {
          b.clientCertificate(
              ApnsClientCertificate.fromPkcs12(CLIENT_CERT.pkcs12(), CLIENT_CERT.password()));
        }
        try (ApnsProvider provider = b.build()) {
          outcomes.add(send(provider, ApnsFixtures.notification()));
          if (tokenAuth) {
            String token = server.takeNotification(Duration.ofSeconds(5)).header("authorization")
                .orElseThrow().substring("bearer ".length());
            providerTokens.add(token);
            server.enqueue(MockApnsAnswer.rejectWith(400, token),
                MockApnsAnswer.rejectWith(403, "InvalidProviderToken " + token));
            outcomes.add(send(provider, ApnsFixtures.notification()));
            outcomes.add(send(provider, ApnsFixtures.notification()));
          }
          for (MockApnsReason reason : MockApnsReason.values()) {
            server.enqueue(MockApnsAnswer.reject(reason));
            outcomes.add(send(provider, ApnsFixtures.notification()));
          }
          server.enqueue(MockApnsAnswer.unregistered(Instant.now()));
          outcomes.add(send(provider, ApnsFixtures.notification()));
          server.enqueue(MockApnsAnswer.rejectWith(500, "<html>" + "x".repeat(100_000)));
          outcomes.add(send(provider, ApnsFixtures.notification()));
          server.fault(MockApnsFault.NO_ANSWER);
          outcomes.add(send(provider, ApnsFixtures.notification()));
          server.fault(MockApnsFault.DROP_CONNECTION);
          outcomes.add(send(provider, ApnsFixtures.notification()));
          server.fault(MockApnsFault.NONE);
          outcomes.add(send(provider, Notification.builder().title("Hi")
              .body("€".repeat(2000)).build()));
          outcomes.add(send(provider, Notification.builder().title("Hi")
              .collapseKey("a\r\nb").build()));
          outcomes.add(provider);
        }
      }
      for (String bad : new String[] {KEY.pkcs8Pem().replace("M", "!"),
          KEY.pkcs8Pem().substring(0, 90), "-----BEGIN PRIVATE KEY-----\n"
              + KEY.pkcs8Pem().split("\n")[1] + "\n-----END PRIVATE KEY-----"}) {
        try {
          outcomes.add(ApnsSigningKey.fromPem(bad, ApnsFixtures.TEAM_ID, ApnsFixtures.KEY_ID));
        } catch (RuntimeException e) {
          outcomes.add(e);
        }
      }
      try {
        ApnsClientCertificate.fromPkcs12(CLIENT_CERT.pkcs12(), "wrong".toCharArray());
      } catch (RuntimeException e) {
        outcomes.add(e);
      }
      outcomes.add(ApnsFixtures.signingKey());
      outcomes.add(ApnsClientCertificate.fromPkcs12(CLIENT_CERT.pkcs12(), CLIENT_CERT.password()));
      for (String token : providerTokens) {
        scan.secret("APNs provider token", token);
      }
      for (Object outcome : outcomes) {
        scan.check(String.valueOf(outcome).lines().findFirst().orElse(""), outcome);
      }
    } finally {
      scan.close();
    }
    assertThat(providerTokens).isNotEmpty();
    assertThat(scan.checkedCount()).isGreaterThan(30);
    // Herald's own debug output was captured (APNs logs through its HTTP/2 transport).
    assertThat(scan.capturedOutput()).containsPattern("DEBUG dev\\.herald\\.(apns|http2)");
  }

  private static Object send(ApnsProvider provider, Notification n) throws Exception {
    PushMessage message = PushMessage.of("d-" + randomToken().substring(0, 6),
        ApnsAddress.production(randomToken(), TOPIC), n, Instant.now());
    return provider.send(message).handle((r, e) -> r != null ? r : e).get(30, TimeUnit.SECONDS);
  }
}
