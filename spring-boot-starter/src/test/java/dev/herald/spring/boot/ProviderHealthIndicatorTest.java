package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

class ProviderHealthIndicatorTest {

  private static PushProvider reporting(ProviderStatus status) {
    return new PushProvider() {
      @Override
      public Platform platform() {
        return status.platform();
      }

      @Override
      public CompletableFuture<SendResult> send(PushMessage message) {
        return CompletableFuture.failedFuture(new IllegalStateException("not for sending"));
      }

      @Override
      public ProviderStatus status() {
        return status;
      }

      @Override
      public void close() {}
    };
  }

  @Test
  void upWithTheLastRefreshAndTheLastAnswer() {
    Health health = new ProviderHealthIndicator(reporting(new ProviderStatus(Platform.FCM, 1, 3,
        0, 4, 0, Optional.of(Instant.parse("2026-11-22T12:00:00Z")), Optional.empty(),
        Optional.of(SendResult.Outcome.ACCEPTED)))).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails())
        .containsEntry("platform", "FCM")
        .containsEntry("credentialsLoaded", true)
        .containsEntry("lastTokenRefresh", "2026-11-22T12:00:00Z")
        .containsEntry("tokenRefreshes", 4L)
        .containsEntry("lastAnswer", "ACCEPTED")
        .containsEntry("requestsInFlight", 3)
        .doesNotContainKey("lastTokenFailure");
  }

  @Test
  void downWhileTheLastTokenRefreshFailed() {
    Health health = new ProviderHealthIndicator(reporting(new ProviderStatus(Platform.APNS, 0, 0,
        0, 1, 2, Optional.of(Instant.parse("2026-11-22T11:00:00Z")),
        Optional.of("HTTP 403 InvalidProviderToken"), Optional.of(SendResult.Outcome.REJECTED))))
        .health();

    assertThat(health.getStatus()).isEqualTo(Status.DOWN);
    assertThat(health.getDetails())
        .containsEntry("lastTokenFailure", "HTTP 403 InvalidProviderToken")
        .containsEntry("tokenRefreshFailures", 2L)
        .containsEntry("lastAnswer", "REJECTED");
  }

  @Test
  void aProviderThatDoesNotReportIsUpWithZeros() {
    Health health = new ProviderHealthIndicator(
        reporting(ProviderStatus.unknown(Platform.WEB_PUSH))).health();

    assertThat(health.getStatus()).isEqualTo(Status.UP);
    assertThat(health.getDetails()).doesNotContainKeys("lastTokenRefresh", "lastAnswer");
  }
}
