package dev.herald.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.FcmAddress;
import dev.herald.testing.SecretScanner;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Drives the FCM provider through the token endpoint's and FCM's error paths at TRACE logging
 * (this class runs in its own Surefire execution) with known secrets, and fails if any appears in
 * any output, result, exception or {@code toString()}. Both servers are hostile: they echo what
 * they were sent.
 */
@EnabledIfSystemProperty(named = "org.slf4j.simpleLogger.defaultLogLevel", matches = "trace")
class SecretsScanTest {
  private static final String ACCESS_TOKEN = "ya29.a0-secret-access-token-0123456789";

  /** Token endpoint at /token/{mode}; FCM answers with the status the registration token names. */
  private static final class Hostile extends Dispatcher {
    final List<String> assertions = new ArrayList<>();

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getUrl().encodedPath();
      String body = request.getBody().utf8();
      if (path.startsWith("/token/")) {
        String assertion = URLDecoder.decode(
            body.substring(body.indexOf("assertion=") + 10), StandardCharsets.UTF_8);
        synchronized (this) {
          assertions.add(assertion);
        }
        String mode = path.substring("/token/".length());
        return switch (mode) {
          case "ok" -> TlsServer.json(200,
              "{\"access_token\":\"" + ACCESS_TOKEN + "\",\"expires_in\":3600}");
          case "hang" -> new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build();
          case "garbage" -> TlsServer.json(200, "{\"access_token\":\"" + ACCESS_TOKEN + "\"");
          case "307" -> new MockResponse.Builder().code(307)
              .addHeader("Location", "http://elsewhere.example/" + assertion).build();
          default -> TlsServer.json(Integer.parseInt(mode),
              "{\"error\":\"invalid_grant " + assertion + "\",\"error_description\":\"you sent "
                  + body + "\"}");
        };
      }
      String authorization = request.getHeaders().get("Authorization");
      String target = body.replaceAll("(?s).*\"token\":\"s-([0-9a-z]+)\".*", "$1");
      if (target.equals("hang")) {
        return new MockResponse.Builder().headersDelay(5, TimeUnit.SECONDS).build();
      }
      int status = Integer.parseInt(target);
      String echo = "{\"error\":{\"code\":" + status + ",\"message\":\"you sent " + authorization
          + "\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/"
          + "google.rpc.BadRequest\",\"fieldViolations\":[{\"field\":\"" + authorization
          + "\",\"description\":\"" + authorization + "\"}]}]}}";
      return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
          .addHeader("Location", "http://elsewhere.example/" + authorization)
          .body(status == 200 ? "{\"name\":\"" + authorization + "\"}" : echo).build();
    }
  }

  @Test
  void noSecretAppearsOnAnyErrorPath() throws Exception {
    Hostile hostile = new Hostile();
    List<Object> outcomes = new ArrayList<>();
    SecretScanner scan = SecretScanner.start();
    try (TlsServer tls = new TlsServer(hostile)) {
      scan.secret("access token", ACCESS_TOKEN);
      for (String line : Fixtures.pem(Fixtures.keys()).split("\n")) {
        if (!line.startsWith("-----") && line.length() >= 16) {
          scan.secret("service-account key PEM line", line);
        }
      }
      scan.secret("service-account private exponent",
          ((RSAPrivateKey) Fixtures.keys().getPrivate()).getPrivateExponent().toString());
      List<CompletableFuture<?>> sends = new ArrayList<>();
      List<FcmProvider> providers = new ArrayList<>();
      for (String mode : new String[] {"ok", "400", "401", "403", "429", "500", "503", "307",
          "garbage", "hang"}) {
        FcmProvider fcm = FcmProvider.builder()
            .serviceAccount(ServiceAccount.fromJson(
                Fixtures.serviceAccountJson(tls.baseUrl() + "/token/" + mode)))
            .baseUrl(tls.baseUrl())
            .trustCertificate(tls.certificate.certificate())
            .requestTimeout(Duration.ofSeconds(2))
            .build();
        providers.add(fcm);
        String[] targets = mode.equals("ok")
            ? new String[] {"200", "400", "401", "403", "404", "429", "500", "503", "307", "hang"}
            : new String[] {"200"};
        for (String target : targets) {
          sends.add(fcm.send(PushMessage.of("d-" + target, new FcmAddress("s-" + target),
              Fixtures.notification(), Instant.now())));
        }
      }
      FcmProvider ok = providers.get(0);
      sends.add(ok.send(PushMessage.of("d-x", new FcmAddress("s-200"),
          Notification.builder().title("Hi").ttl(Duration.ZERO).build(),
          Instant.now().minusSeconds(5))));
      sends.add(ok.send(PushMessage.of("d-y", new FcmAddress("s-200"),
          Notification.builder().title("Hi").body("€".repeat(2000)).data("k", "v".repeat(1000)).data("l", "w".repeat(1000)).data("m", "x".repeat(1000))
              .build(), Instant.now())));
      for (CompletableFuture<?> send : sends) {
        outcomes.add(send.handle((r, e) -> r != null ? r : e).get(30, TimeUnit.SECONDS));
      }
      for (FcmProvider provider : providers) {
        outcomes.add(provider);
        provider.close();
      }
      String json = Fixtures.serviceAccountJson("https://oauth2.googleapis.com/token");
      String keyLine = Fixtures.pem(Fixtures.keys()).split("\n")[3];
      for (String bad : new String[] {json.replace("service_account", keyLine),
          json.replace("\"private_key\"", "\"private_key\":\"" + keyLine + "\",\"x\""),
          json.replace("https://oauth2", keyLine + "://oauth2"), json.substring(0, 900)}) {
        try {
          outcomes.add(ServiceAccount.fromJson(bad));
        } catch (RuntimeException e) {
          outcomes.add(e);
        }
      }
      for (String assertion : hostile.assertions) {
        scan.secret("OAuth2 assertion", assertion);
      }
      for (Object outcome : outcomes) {
        scan.check(String.valueOf(outcome).lines().findFirst().orElse(""), outcome);
      }
    } finally {
      scan.close();
    }
    assertThat(hostile.assertions).isNotEmpty();
    assertThat(scan.checkedCount()).isGreaterThan(25);
    assertThat(scan.capturedOutput()).contains("dev.herald.fcm.internal.AccessTokenSource");
  }
}
