package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.dispatch.DispatchReport;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The README's quick start really sends, through the Web Push protocol, to the mock service. */
class QuickStartTest {

  @Test
  void quickStartDeliversTheWelcomePush() throws Exception {
    try (MockWebPushService push = MockWebPushService.builder().https().start()) {
      VapidKeys keys = VapidKeys.generate();
      MockSubscription browser = push.newSubscription(keys.publicKeyBase64Url());
      WebPushProvider webPush = WebPushProvider.builder()
          .vapid(keys, "mailto:push@casino.example")
          .allowHost(push.host()) // the mock runs on localhost with its own certificate
          .trustedCertificates(push.certificate())
          .build();
      String json = browser.toJson();

      DispatchReport report = QuickStart.welcome(webPush, json);

      assertThat(report.stats().delivered()).isEqualTo(1);
      ReceivedWebPush received = push.takeMessage(Duration.ofSeconds(10));
      assertThat(received.text()).contains("Welcome, Ada! 50 free spins are yours");
    }
  }
}
