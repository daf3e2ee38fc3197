package dev.herald;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HeraldTest {

  private static final class CountingProvider implements PushProvider {
    final AtomicInteger closes = new AtomicInteger();
    private final Platform platform;

    CountingProvider(Platform platform) {
      this.platform = platform;
    }

    @Override
    public Platform platform() {
      return platform;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      return CompletableFuture.completedFuture(SendResult.accepted("id", 200));
    }

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void buildsWithNothingSupplied() {
    try (Herald herald = Herald.builder().build()) {
      assertThat(herald.subscriptions()).isNotNull();
      assertThat(herald.players().find("nobody")).isEmpty();
      assertThat(herald.provider(Platform.FCM)).isEmpty();
    }
  }

  @Test
  void registersOneProviderPerPlatformAndClosesThemOnce() {
    CountingProvider fcm = new CountingProvider(Platform.FCM);
    Herald herald = Herald.builder().provider(fcm).build();
    assertThat(herald.provider(Platform.FCM)).containsSame(fcm);
    herald.close();
    herald.close();
    assertThat(fcm.closes).hasValue(1);
  }

  @Test
  void refusesASecondProviderForAPlatform() {
    Herald.Builder b = Herald.builder().provider(new CountingProvider(Platform.APNS));
    assertThatThrownBy(() -> b.provider(new CountingProvider(Platform.APNS)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("provider: a provider for APNS of brand default is already registered"
            + " (one per platform and brand; register another brand's with"
            + " provider(brand, provider))");
  }
}
