package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ResponseMapperTest {
  private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void takesTheServicesOwnWordsFromAppleAndMozillaBodies() {
    assertThat(ResponseMapper.serviceText("{\"reason\":\"BadJwtToken\"}")).isEqualTo("BadJwtToken");
    assertThat(ResponseMapper.serviceText(
        "{\"code\":410,\"errno\":103,\"error\":\"Gone\",\"message\":\"Request did not validate\"}"))
        .isEqualTo("Request did not validate (errno 103)");
    assertThat(ResponseMapper.serviceText("push subscription has\n unsubscribed or expired.\n"))
        .isEqualTo("push subscription has unsubscribed or expired.");
    assertThat(ResponseMapper.serviceText("x".repeat(1000))).hasSize(301);
  }

  @Test
  void mapsEveryStatusClass() {
    assertThat(ResponseMapper.map(201, "https://p/m/1", null, "", NOW))
        .isEqualTo(SendResult.accepted("https://p/m/1", 201));
    assertThat(ResponseMapper.map(404, null, null, "", NOW))
        .isInstanceOf(SendResult.InvalidAddress.class);
    assertThat(ResponseMapper.map(410, null, null, "", NOW))
        .isEqualTo(SendResult.invalidAddress(
            "the subscription has been unsubscribed or has expired", NOW, 410));
    assertThat(ResponseMapper.map(413, null, null, "", NOW))
        .isInstanceOfSatisfying(SendResult.Rejected.class,
            r -> assertThat(r.kind()).isEqualTo(RejectionKind.PAYLOAD_TOO_LARGE));
    assertThat(ResponseMapper.map(400, null, null, "bad TTL", NOW))
        .isEqualTo(SendResult.rejected(RejectionKind.INVALID_MESSAGE, "bad TTL", 400));
    assertThat(ResponseMapper.map(401, null, null, "", NOW))
        .isInstanceOfSatisfying(SendResult.Rejected.class,
            r -> assertThat(r.kind()).isEqualTo(RejectionKind.CREDENTIALS));
    assertThat(ResponseMapper.map(429, null, "7", "", NOW))
        .isEqualTo(SendResult.retryLater("rate limited by the push service", Duration.ofSeconds(7),
            429));
    assertThat(ResponseMapper.map(502, null, null, "", NOW))
        .isEqualTo(SendResult.retryLater("push service error (HTTP 502)", null, 502));
    assertThat(ResponseMapper.map(301, null, null, "", NOW))
        .isInstanceOfSatisfying(SendResult.Rejected.class,
            r -> assertThat(r.kind()).isEqualTo(RejectionKind.OTHER));
  }
}
