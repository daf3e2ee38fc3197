package dev.herald.examples.boot;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.webpush.VapidKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.context.annotation.Bean;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Starts the application on a random port, pointed at a local {@link MockWebPushService} (over
 * TLS, trusted through {@code herald.webpush.trusted-certificates}), and uses it over HTTP as a
 * casino front end would.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureObservability(tracing = false) // tests switch metrics export off unless asked
class CasinoPushApplicationTest {
  /**
   * application.yml sets quiet hours 22:00-08:00 UTC; the application and the mock run on a clock
   * moved to midday, so the promotion goes out at whatever hour the build runs.
   */
  static final Clock MIDDAY = Clock.offset(Clock.systemUTC(),
      Duration.between(LocalTime.now(ZoneOffset.UTC), LocalTime.NOON));
  static final VapidKeys VAPID = VapidKeys.generate();
  static MockWebPushService push;

  @DynamicPropertySource
  static void pointAtTheMock(DynamicPropertyRegistry registry) throws IOException {
    push = MockWebPushService.builder().https().clock(MIDDAY).start();
    Path certificate = Files.createTempFile("mock-web-push", ".pem");
    certificate.toFile().deleteOnExit();
    Files.writeString(certificate, pem(push));
    registry.add("VAPID_PUBLIC_KEY", VAPID::publicKeyBase64Url);
    registry.add("VAPID_PRIVATE_KEY", VAPID::exportPrivateKeyBase64Url);
    registry.add("herald.webpush.allowed-hosts[0]", push::host);
    registry.add("herald.webpush.trusted-certificates[0]", certificate::toString);
  }

  @TestConfiguration
  static class MiddayClock {
    @Bean
    Clock clock() {
      return MIDDAY;
    }
  }

  @AfterAll
  static void stopTheMock() throws IOException {
    push.close();
  }

  @Autowired TestRestTemplate http;
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void registersASubscriptionSendsAPromotionAndShowsTheMeters() throws Exception {
    String publicKey = http.getForObject("/push/vapid-public-key", JsonNode.class)
        .get("publicKey").asText();
    assertThat(publicKey).isEqualTo(VAPID.publicKeyBase64Url());
    MockSubscription browser = push.newSubscription(publicKey);

    ResponseEntity<JsonNode> registered = http.postForEntity(
        "/players/alice/web-push-subscriptions",
        Map.of("deviceId", "alice-chrome", "marketingConsent", true,
            "subscription", json.readTree(browser.toJson())),
        JsonNode.class);
    assertThat(registered.getStatusCode()).isEqualTo(HttpStatus.CREATED);
    assertThat(registered.getBody().get("status").asText()).isEqualTo("ALLOWED");

    ResponseEntity<JsonNode> sent = http.postForEntity("/promotions",
        Map.of("id", "friday-free-spins", "title", "100 free spins",
            "body", "Your Friday reload is waiting", "players", List.of("alice")),
        JsonNode.class);
    assertThat(sent.getStatusCode()).isEqualTo(HttpStatus.OK);
    assertThat(sent.getBody().get("status").asText()).isEqualTo("COMPLETED");
    assertThat(sent.getBody().get("delivered").asLong()).isEqualTo(1);

    ReceivedWebPush received = push.takeMessage(Duration.ofSeconds(10));
    assertThat(received).isNotNull();
    assertThat(received.subscriptionId()).isEqualTo(browser.id());
    assertThat(received.json().get("title").asText()).isEqualTo("100 free spins");
    assertThat(received.json().get("body").asText()).isEqualTo("Your Friday reload is waiting");

    String metrics = http.getForObject("/actuator/prometheus", String.class);
    assertThat(metrics)
        .contains("herald_deliveries_total{outcome=\"delivered\",provider=\"web_push\","
            + "reason=\"none\"} 1.0")
        .contains("herald_sends_total{attempt=\"first\",provider=\"web_push\","
            + "purpose=\"marketing\",type=\"PROMOTIONAL\"} 1.0")
        .contains("herald_provider_latency_seconds_count{outcome=\"accepted\","
            + "provider=\"web_push\"} 1")
        .contains("herald_provider_latency_seconds_bucket{")
        .contains("herald_campaign_runs_finished_total{source=\"campaign\",status=\"completed\"} 1.0")
        .contains("herald_provider_requests_in_flight{brand=\"default\",provider=\"web_push\"} 0.0");
    assertThat(metrics.lines().filter(line -> line.startsWith("herald_")))
        .as("no player, device or campaign id in Herald's tags")
        .noneMatch(line -> line.contains("alice") || line.contains("friday-free-spins"));

    JsonNode health = http.getForObject("/actuator/health/herald", JsonNode.class);
    assertThat(health.get("status").asText()).isEqualTo("UP");
    assertThat(health.at("/components/webpush/details/credentialsLoaded").asBoolean()).isTrue();
  }

  @Test
  void aBadSubscriptionIsABadRequestNamingTheField() {
    ResponseEntity<JsonNode> answer = http.postForEntity("/players/bob/web-push-subscriptions",
        Map.of("deviceId", "bob-firefox", "marketingConsent", true,
            "subscription", Map.of("endpoint", "https://localhost/push/x")),
        JsonNode.class);
    assertThat(answer.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    assertThat(answer.getBody().get("field").asText()).startsWith("subscription");
  }

  private static String pem(MockWebPushService push) {
    try {
      return "-----BEGIN CERTIFICATE-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
              push.certificate().getEncoded())
          + "\n-----END CERTIFICATE-----\n";
    } catch (CertificateEncodingException e) {
      throw new AssertionError(e);
    }
  }
}
