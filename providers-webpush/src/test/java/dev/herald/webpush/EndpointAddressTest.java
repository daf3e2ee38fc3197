package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.Dns;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 16: the endpoint guard checked names only. A host that passes the name check must also
 * resolve to a public address, unless the operator allowed it by exact name; known push services
 * are reached on port 443 only.
 */
class EndpointAddressTest {
  private final VapidKeys keys = VapidKeys.generate();
  private MockWebPushService mock;
  private MockSubscription browser;

  /** A resolver scripted per name, standing in for DNS (rebinding included). */
  private static Dns scripted(Map<String, String> answers) {
    return hostname -> {
      String address = answers.get(hostname);
      if (address == null) {
        throw new UnknownHostException(hostname);
      }
      return List.of(InetAddress.getByName(address));
    };
  }

  @BeforeEach
  void start() throws IOException {
    mock = MockWebPushService.start(); // plain http on localhost
    browser = mock.newSubscription(keys.publicKeyBase64Url());
  }

  @AfterEach
  void stop() throws IOException {
    mock.close();
  }

  private WebPushAddress addressOn(String host) {
    URI endpoint = URI.create(browser.endpoint());
    String url = endpoint.getScheme() + "://" + host + ":" + endpoint.getPort()
        + endpoint.getRawPath();
    return WebPushAddress.allowingHttp(url, browser.p256dh(), browser.auth());
  }

  private SendResult send(WebPushProvider provider, WebPushAddress address) throws Exception {
    PushMessage message = PushMessage.of("d-1", address,
        Notification.builder().title("Hi").build(), Instant.now());
    return provider.send(message).get(10, TimeUnit.SECONDS);
  }

  @Test
  void aWildcardDoesNotAdmitANameThatResolvesToLoopback() throws Exception {
    OkHttpClient dns = new OkHttpClient.Builder()
        .dns(scripted(Map.of("127.0.0.1.example.net", "127.0.0.1"))).build();
    try (WebPushProvider provider = WebPushProvider.builder()
        .vapid(keys, "mailto:ops@casino.example").httpClient(dns).allowHost("*.example.net")
        .build()) {
      SendResult result = send(provider, addressOn("127.0.0.1.example.net"));

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class, r -> {
        assertThat(r.kind()).isEqualTo(RejectionKind.CONFIGURATION);
        assertThat(r.httpStatus()).isZero();
        assertThat(r.reason()).contains("127.0.0.1.example.net", "loopback", "allowHost");
      });
      assertThat(mock.requestCount()).isZero();
    }
  }

  @Test
  void aKnownPushServiceNameReboundToAPrivateAddressIsRefused() throws Exception {
    OkHttpClient dns = new OkHttpClient.Builder()
        .dns(scripted(Map.of("updates.push.services.mozilla.com", "10.0.0.5"))).build();
    try (WebPushProvider provider = WebPushProvider.builder()
        .vapid(keys, "mailto:ops@casino.example").httpClient(dns).build()) {
      WebPushAddress address = WebPushAddress.of(
          "https://updates.push.services.mozilla.com/wpush/v2/abc", browser.p256dh(),
          browser.auth());

      SendResult result = send(provider, address);

      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class,
          r -> assertThat(r.reason()).contains("10.0.0.5", "private"));
    }
  }

  @Test
  void aHostAllowedByExactNameMayResolveInside() throws Exception {
    OkHttpClient dns = new OkHttpClient.Builder()
        .dns(scripted(Map.of("push.internal.example", "127.0.0.1"))).build();
    try (WebPushProvider provider = WebPushProvider.builder()
        .vapid(keys, "mailto:ops@casino.example").httpClient(dns)
        .allowHost("push.internal.example").build()) {
      SendResult result = send(provider, addressOn("push.internal.example"));

      assertThat(result).isInstanceOf(SendResult.Accepted.class);
      assertThat(mock.requestCount()).isEqualTo(1);
    }
  }

  @Test
  void knownPushServicesAreReachedOnPort443Only() throws Exception {
    try (WebPushProvider provider = WebPushProvider.builder()
        .vapid(keys, "mailto:ops@casino.example").build()) {
      assertThat(provider.endpointRefusal(URI.create("https://a.push.apple.com:6379/x")))
          .hasValueSatisfying(reason -> assertThat(reason).contains("port 443", "6379"));
      assertThat(provider.endpointRefusal(URI.create("https://a.push.apple.com:443/x")))
          .isEmpty();
      assertThat(provider.endpointRefusal(URI.create("https://fcm.googleapis.com/fcm/send/x")))
          .isEmpty();

      SendResult result = send(provider, WebPushAddress.of("https://a.push.apple.com:6379/x",
          browser.p256dh(), browser.auth()));
      assertThat(result).isInstanceOfSatisfying(SendResult.Rejected.class,
          r -> assertThat(r.reason()).contains("must use port 443"));
    }
  }
}
