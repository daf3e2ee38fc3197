package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.SecretScanner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Drives the Web Push provider through its error paths at TRACE logging (this class runs in its
 * own Surefire execution) with known secrets, and fails if any appears in any output, result,
 * exception or {@code toString()}. The push service is hostile: it echoes what it was sent.
 */
@EnabledIfSystemProperty(named = "org.slf4j.simpleLogger.defaultLogLevel", matches = "trace")
class SecretsScanTest {
  /** Answers by path: /s/{status} with that status, echoing the request's headers. */
  private static final class Hostile extends Dispatcher {
    final List<String> authorizations = new ArrayList<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String authorization = request.getHeaders().get("Authorization");
      synchronized (this) {
        authorizations.add(authorization);
      }
      String path = request.getUrl().encodedPath();
      if (path.startsWith("/hang")) {
        return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build();
      }
      int status = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
      String echo = "{\"reason\":\"you sent " + authorization + " with "
          + request.getHeaders() + "\"}";
      MockResponse.Builder answer = new MockResponse.Builder().code(status)
          .addHeader("Location", "http://elsewhere.example/" + authorization)
          .body(status == 299 ? "x".repeat(100_000) + echo : echo);
      return answer.build();
    }
  }

  @Test
  void noSecretAppearsOnAnyErrorPath() throws Exception {
    VapidKeys keys = VapidKeys.generate();
    VapidKeys browser = VapidKeys.generate();
    byte[] auth = new byte[16];
    new java.security.SecureRandom().nextBytes(auth);
    Hostile hostile = new Hostile();
    List<Object> outcomes = new ArrayList<>();
    SecretScanner scan = SecretScanner.start();
    try (MockWebServer server = new MockWebServer()) {
      server.setDispatcher(hostile);
      server.start();
      scan.secret("VAPID private key", keys.exportPrivateKeyBase64Url());
      for (String line : keys.exportPrivateKeyPem().split("\n")) {
        if (!line.startsWith("-----") && line.length() >= 16) {
          scan.secret("VAPID private key PEM line", line);
        }
      }
      scan.secretBytes("Web Push auth secret", auth);
      String p256dh = browser.publicKeyBase64Url();
      try (WebPushProvider provider = WebPushProvider.builder()
          .vapid(keys, "mailto:ops@casino.example")
          .allowHost("localhost").allowHost("*.example.net")
          .requestTimeout(Duration.ofSeconds(2))
          .httpClient(new OkHttpClient.Builder()
              .dns(host -> host.endsWith("example.net")
                  ? List.of(java.net.InetAddress.getByName("127.0.0.1"))
                  : okhttp3.Dns.SYSTEM.lookup(host))
              .build())
          .build()) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (int status : new int[] {201, 299, 307, 400, 401, 403, 404, 410, 413, 429, 500, 503}) {
          sends.add(send(provider, server.url("/s/" + status).toString(), p256dh, auth, null));
        }
        sends.add(send(provider, server.url("/hang/1").toString(), p256dh, auth, null));
        sends.add(send(provider, "http://127.0.0.1.example.net:" + server.getPort() + "/s/201",
            p256dh, auth, null));
        sends.add(send(provider, "https://a.push.apple.com:6379/x", p256dh, auth, null));
        sends.add(send(provider, server.url("/s/201").toString(), p256dh, auth,
            Instant.now().minusSeconds(60)));
        sends.add(send(provider, server.url("/s/201").toString(), p256dh, auth, "€".repeat(2000)));
        for (CompletableFuture<?> send : sends) {
          outcomes.add(send.handle((r, e) -> r != null ? r : e).get(20, TimeUnit.SECONDS));
        }
        outcomes.add(provider);
      }
      outcomes.add(keys);
      outcomes.add(WebPushAddress.allowingHttp(server.url("/s/201").toString(), p256dh,
          java.util.Base64.getUrlEncoder().encodeToString(auth)));
      for (String bad : new String[] {keys.exportPrivateKeyBase64Url() + "!",
          keys.exportPrivateKeyPem().replace("M", "?")}) {
        try {
          VapidKeys.fromPem(bad);
        } catch (RuntimeException e) {
          outcomes.add(e);
        }
        try {
          VapidKeys.fromPrivateKeyBase64Url(bad);
        } catch (RuntimeException e) {
          outcomes.add(e);
        }
      }
      for (String authorization : hostile.authorizations) {
        String jwt = authorization.substring(authorization.indexOf("t=") + 2,
            authorization.indexOf(','));
        scan.secret("VAPID JWT", jwt);
      }
      for (Object outcome : outcomes) {
        scan.check(String.valueOf(outcome).lines().findFirst().orElse(""), outcome);
      }
    } finally {
      scan.close();
    }
    assertThat(hostile.authorizations).isNotEmpty();
    assertThat(scan.checkedCount()).isGreaterThan(20);
    // The provider's own logging ran at its most verbose: the scan saw it.
    assertThat(scan.capturedOutput()).contains("DEBUG dev.herald.webpush.WebPushProvider");
  }

  private static CompletableFuture<?> send(WebPushProvider provider, String endpoint,
      String p256dh, byte[] auth, Object twist) {
    Notification.Builder n = Notification.builder().title("Hi");
    if (twist instanceof Instant) {
      n.ttl(Duration.ZERO);
    }
    if (twist instanceof String body) {
      n.body(body);
    }
    Instant now = twist instanceof Instant expired ? expired : Instant.now();
    WebPushAddress address = WebPushAddress.allowingHttp(endpoint, p256dh,
        java.util.Base64.getUrlEncoder().encodeToString(auth));
    return provider.send(PushMessage.of("d-1", address, n.build(), now));
  }
}
