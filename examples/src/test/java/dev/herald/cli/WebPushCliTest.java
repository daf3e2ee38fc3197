package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.webpush.MockAnswer;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import dev.herald.testing.webpush.ReceivedWebPush;
import dev.herald.webpush.VapidKeys;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald vapid-keys} and {@code herald send webpush} against the mock Web Push service. */
class WebPushCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration WAIT = Duration.ofSeconds(10);

  private final VapidKeys keys = VapidKeys.generate();
  private MockWebPushService mock;
  private MockSubscription browser;

  record Run(int exitCode, String out, String err) {
    JsonNode json() throws IOException {
      return JSON.readTree(out.strip());
    }
  }

  @BeforeEach
  void start() throws IOException {
    mock = MockWebPushService.start();
    browser = mock.newSubscription(keys.publicKeyBase64Url());
  }

  @AfterEach
  void stop() throws IOException {
    mock.close();
  }

  private static Run herald(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  /** Sends to the mock subscription; options in {@code extra} replace the defaults. */
  private Run send(String... extra) {
    java.util.Map<String, String> options = new java.util.LinkedHashMap<>();
    options.put("--endpoint", browser.endpoint());
    options.put("--p256dh", browser.p256dh());
    options.put("--auth", browser.auth());
    options.put("--vapid-public-key", keys.publicKeyBase64Url());
    options.put("--vapid-private-key", keys.exportPrivateKeyBase64Url());
    options.put("--subject", "mailto:push-ops@casino.example");
    options.put("--title", "Cashback credited");
    options.put("--allow-host", "localhost");
    for (int i = 0; i < extra.length; i++) {
      boolean hasValue = i + 1 < extra.length && !extra[i + 1].startsWith("--");
      options.put(extra[i], hasValue ? extra[++i] : null);
    }
    List<String> args = new ArrayList<>(List.of("send", "webpush"));
    options.forEach((name, value) -> {
      args.add(name);
      if (value != null) {
        args.add(value);
      }
    });
    return herald(args.toArray(String[]::new));
  }

  @Test
  void vapidKeysPrintsAPairThatLoadsBack() throws IOException {
    Run run = herald("vapid-keys");
    assertThat(run.exitCode()).isZero();
    Matcher m = Pattern.compile(
        "Public key \\(applicationServerKey\\): (\\S+)\\nPrivate key \\(keep it secret\\): +(\\S+)\\n")
        .matcher(run.out());
    assertThat(m.find()).as(run.out()).isTrue();
    assertThat(VapidKeys.fromBase64Url(m.group(1), m.group(2)).publicKeyBase64Url())
        .isEqualTo(m.group(1));

    JsonNode json = herald("vapid-keys", "--json", "--pem").json();
    VapidKeys loaded = VapidKeys.fromBase64Url(
        json.get("publicKey").asText(), json.get("privateKey").asText());
    assertThat(VapidKeys.fromPem(json.get("privateKeyPem").asText())).isEqualTo(loaded);
  }

  @Test
  void sendsOneNotificationAndPrintsTheOutcome() throws Exception {
    Run run = send("--body", "€10 is in your account", "--url", "https://casino.example/wallet",
        "--icon", "https://casino.example/icon.png", "--ttl", "600", "--urgency", "high",
        "--topic", "cashback", "--delivery-id", "d-42");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("webpush http://localhost:" + mock.port())
        .contains(": ACCEPTED (HTTP 201)").contains("1 attempt")
        .doesNotContain(browser.endpoint());
    ReceivedWebPush received = mock.takeMessage(WAIT);
    // The TTL counts down from when the command built the message, in whole seconds.
    assertThat(received.ttlSeconds()).isBetween(590L, 600L);
    assertThat(received.urgency()).hasValue("high");
    assertThat(received.topic()).hasValue("cashback");
    JsonNode payload = received.json();
    assertThat(payload.get("title").asText()).isEqualTo("Cashback credited");
    assertThat(payload.get("body").asText()).isEqualTo("€10 is in your account");
    assertThat(payload.get("url").asText()).isEqualTo("https://casino.example/wallet");
    assertThat(payload.get("icon").asText()).isEqualTo("https://casino.example/icon.png");
    assertThat(payload.get("deliveryId").asText()).isEqualTo("d-42");
  }

  @Test
  void jsonOutputIsOneObjectPerLine() throws Exception {
    JsonNode line = send("--json").json();
    assertThat(line.get("provider").asText()).isEqualTo("webpush");
    assertThat(line.get("outcome").asText()).isEqualTo("ACCEPTED");
    assertThat(line.get("status").asInt()).isEqualTo(201);
    assertThat(line.get("reason").isNull()).isTrue();
    assertThat(line.get("attempts").asInt()).isEqualTo(1);
    assertThat(line.get("messageId").asText()).startsWith(mock.baseUrl() + "message/");
  }

  @Test
  void takesTheBrowsersSubscriptionJsonInlineOrFromAFile(@TempDir Path dir) throws Exception {
    List<String> common = List.of("send", "webpush",
        "--vapid-private-key", keys.exportPrivateKeyBase64Url(),
        "--subject", "https://casino.example/contact", "--title", "Hi",
        "--allow-host", "localhost", "--json");
    List<String> inline = new ArrayList<>(common);
    inline.addAll(List.of("--subscription", browser.toJson()));
    assertThat(herald(inline.toArray(String[]::new)).json().get("outcome").asText())
        .isEqualTo("ACCEPTED");

    Path file = dir.resolve("subscription.json");
    Files.writeString(file, browser.toJson());
    List<String> fromFile = new ArrayList<>(common);
    fromFile.addAll(List.of("--subscription", file.toString()));
    assertThat(herald(fromFile.toArray(String[]::new)).exitCode()).isZero();
    assertThat(mock.answeredCount(201)).isEqualTo(2);
  }

  @Test
  void neverEchoesTheSubscriptionValue() {
    // Issue 16: a value not starting with { was echoed whole; with a BOM, auth secret and all.
    String withBom = "\uFEFF" + browser.toJson();
    String notJson = "endpoint=" + browser.endpoint() + "&auth=" + browser.auth();
    for (String value : List.of(notJson, " \uFEFF" + browser.toJson())) {
      Run run = herald("send", "webpush", "--subscription", value,
          "--vapid-private-key", keys.exportPrivateKeyBase64Url(),
          "--subject", "mailto:ops@casino.example", "--title", "Hi", "--allow-host", "localhost");
      assertThat(run.exitCode()).isEqualTo(2);
      assertThat(run.err()).contains("--subscription: is neither subscription JSON")
          .doesNotContain(browser.auth()).doesNotContain(browser.p256dh())
          .doesNotContain(browser.endpoint());
      assertThat(run.out()).doesNotContain(browser.auth());
    }
    Run bom = herald("send", "webpush", "--subscription", withBom,
        "--vapid-private-key", keys.exportPrivateKeyBase64Url(),
        "--subject", "mailto:ops@casino.example", "--title", "Hi", "--allow-host", "localhost");
    assertThat(bom.exitCode()).as(bom.err()).isZero();
    assertThat(bom.out() + bom.err()).doesNotContain(browser.auth());
  }

  @Test
  void readsThePrivateKeyFromAPemFile(@TempDir Path dir) throws Exception {
    Path pem = dir.resolve("vapid.pem");
    Files.writeString(pem, keys.exportPrivateKeyPem());
    Run run = herald("send", "webpush", "--subscription", browser.toJson(),
        "--vapid-private-key", pem.toString(), "--subject", "mailto:ops@casino.example",
        "--title", "Hi", "--allow-host", "localhost");
    assertThat(run.exitCode()).as(run.err()).isZero();
  }

  @Test
  void anUnsubscribedBrowserExitsWith3() throws Exception {
    browser.unsubscribe();
    Run run = send("--json");
    assertThat(run.exitCode()).isEqualTo(3);
    JsonNode line = run.json();
    assertThat(line.get("outcome").asText()).isEqualTo("INVALID_ADDRESS");
    assertThat(line.get("status").asInt()).isEqualTo(410);
    assertThat(line.get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void retriesARateLimitThenSucceeds() throws Exception {
    mock.enqueue(MockAnswer.tooManyRequests(Duration.ZERO));
    Run run = send("--json");
    assertThat(run.exitCode()).isZero();
    assertThat(run.json().get("attempts").asInt()).isEqualTo(2);
  }

  @Test
  void aRejectionExitsWith1() throws Exception {
    mock.enqueue(MockAnswer.payloadTooLarge());
    Run run = send("--json");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.json().get("outcome").asText()).isEqualTo("REJECTED");
    assertThat(run.json().get("status").asInt()).isEqualTo(413);
  }

  @Test
  void aHostThatIsNotAPushServiceIsAUsageErrorThatPointsToAllowHost() throws Exception {
    long before = mock.requestCount();
    Run run = herald("send", "webpush", "--endpoint", "https://push.example.net/p/abc",
        "--p256dh", browser.p256dh(), "--auth", browser.auth(),
        "--vapid-private-key", keys.exportPrivateKeyBase64Url(),
        "--subject", "mailto:ops@casino.example", "--title", "Hi", "--json");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("--endpoint: the endpoint host push.example.net is not a known"
        + " push service; if you trust it, add --allow-host push.example.net")
        .doesNotContain("Builder").doesNotContain("allowHost(");
    assertThat(mock.requestCount()).isEqualTo(before);
  }

  @Test
  void badInputExitsWith2NamingTheField() {
    Run plainHttp = herald("send", "webpush", "--endpoint", browser.endpoint(),
        "--p256dh", browser.p256dh(), "--auth", browser.auth(),
        "--vapid-private-key", keys.exportPrivateKeyBase64Url(),
        "--subject", "mailto:ops@casino.example", "--title", "Hi");
    assertThat(plainHttp.exitCode()).isEqualTo(2);
    assertThat(plainHttp.err()).contains("webPush.endpoint: must be an https URL");

    Run localSubject = send("--subject", "mailto:me@localhost");
    assertThat(localSubject.exitCode()).isEqualTo(2);
    assertThat(localSubject.err()).contains("vapid.subject");

    Run wrongPublic = send("--vapid-public-key", VapidKeys.generate().publicKeyBase64Url());
    assertThat(wrongPublic.exitCode()).isEqualTo(2);
    assertThat(wrongPublic.err()).contains("vapid.publicKey: does not belong to the private key");

    Run badUrgency = send("--urgency", "asap");
    assertThat(badUrgency.exitCode()).isEqualTo(2);
    assertThat(badUrgency.err()).contains("--urgency");

    Run missingTitle = herald("send", "webpush", "--subscription", browser.toJson(),
        "--vapid-private-key", keys.exportPrivateKeyBase64Url(), "--subject", "mailto:a@b.example");
    assertThat(missingTitle.exitCode()).isEqualTo(2);
    assertThat(missingTitle.err()).contains("--title");

    Run badTopic = send("--topic", "not a topic!");
    assertThat(badTopic.exitCode()).isEqualTo(2);
    assertThat(badTopic.err()).contains("--topic: must be 1 to 32 characters of the base64url");
    assertThat(mock.requestCount()).isZero();
  }
}
