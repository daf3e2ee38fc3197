package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.testing.MutableClock;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** DATA content to a browser, decrypted by the mock service as the browser would. */
class WebPushDataPushTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final MutableClock clock = MutableClock.at(Instant.now().truncatedTo(
      java.time.temporal.ChronoUnit.SECONDS));
  private final VapidKeys keys = VapidKeys.generate();
  private MockWebPushService mock;
  private WebPushProvider provider;
  private MockSubscription browser;

  @BeforeEach
  void start() throws Exception {
    mock = MockWebPushService.builder().https().clock(clock).start();
    provider = WebPushProvider.builder().vapid(keys, "mailto:push-ops@casino.example")
        .clock(clock).allowHost(mock.host()).trustedCertificates(mock.certificate()).build();
    browser = mock.newSubscription(keys.publicKeyBase64Url());
  }

  @AfterEach
  void stop() throws Exception {
    provider.close();
    mock.close();
  }

  private SendResult send(Notification n) throws Exception {
    return provider.send(PushMessage.of("d-1", browser.address(), n, clock.instant()))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void aDataPushArrivesWithoutNotificationFields() throws Exception {
    Notification odds = Notification.builder().kind(ContentKind.DATA)
        .data("match", "8812").data("home", "1.85").collapseKey("odds-8812").build();

    assertThat(send(odds)).isInstanceOf(SendResult.Accepted.class);

    ReceivedWebPush received = mock.takeMessage(WAIT);
    JsonNode json = received.json();
    assertThat(json.has("title")).isFalse();
    assertThat(json.has("body")).isFalse();
    assertThat(json.has("tag")).isFalse();
    assertThat(json.has("actions")).isFalse();
    assertThat(json.path("type").asText()).isEqualTo("PROMOTIONAL");
    assertThat(json.path("data").path("home").asText()).isEqualTo("1.85");
    assertThat(json.path("deliveryId").asText()).isEqualTo("d-1");
    assertThat(received.topic()).contains("odds-8812");
  }

  @Test
  void theLargestDataPushHeraldAcceptsFitsTheWebPushRecord() throws Exception {
    Notification.Builder b = Notification.builder().kind(ContentKind.DATA);
    for (String key : new String[] {"a", "b", "c"}) {
      b.data(key, "x".repeat(1016)); // 3,070 bytes of JSON, the most Herald accepts
    }
    SendResult result = provider.send(PushMessage.of("d".repeat(128), browser.address(),
        b.build(), clock.instant())).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(result).isInstanceOf(SendResult.Accepted.class);
    assertThat(mock.takeMessage(WAIT).json().path("data").path("c").asText()).hasSize(1016);
  }

  @Test
  void aLiveActivityUpdateIsRefusedBeforeAnyRequest() throws Exception {
    Notification update = Notification.builder().liveActivity(LiveActivity.update("match-1")
        .contentState(Map.of("home", 1)).build()).build();

    SendResult result = send(update);

    assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
      assertThat(r.kind()).isEqualTo(RejectionKind.INVALID_MESSAGE);
      assertThat(r.reason()).startsWith("kind:");
    });
    assertThat(mock.requestCount()).isZero();
  }
}
