package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.apns.MockApnsAnswer;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald send apns} against the mock APNs server. */
class SendApnsCommandTest {
  private static final String TOPIC = "com.example.casino";
  private static final String TOKEN_A = "a1".repeat(32);
  private static final String TOKEN_B = "b2".repeat(32);
  private static final MockApnsCredentials.SigningKey KEY =
      MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");
  private static final MockApnsCredentials.ClientCertificate CERT =
      MockApnsCredentials.clientCertificate(TOPIC);

  @TempDir Path dir;
  private MockApnsServer server;
  private Path p8;
  private Path p12;
  private Path trust;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void start() throws Exception {
    server = MockApnsServer.builder().trust(KEY).trust(CERT).topics(TOPIC).start();
    p8 = KEY.writeP8(dir);
    p12 = CERT.writeP12(dir);
    trust = Files.writeString(dir.resolve("mock.pem"), server.certificatePem());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private int run(String... args) {
    List<String> all = new ArrayList<>(List.of("send", "apns"));
    all.addAll(List.of(args));
    return HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err),
        all.toArray(String[]::new));
  }

  private List<String> tokenAuth(String... more) {
    List<String> args = new ArrayList<>(List.of("--endpoint", server.endpoint(),
        "--trust-cert", trust.toString(), "--topic", TOPIC,
        "--key", p8.toString(), "--team-id", "TEAM123456", "--key-id", "KEY1234567"));
    args.addAll(List.of(more));
    return args;
  }

  private static List<JsonNode> jsonLines(String text) throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.strip().split("\n")) {
      lines.add(new ObjectMapper().readTree(line));
    }
    return lines;
  }

  @Test
  void sendsWithAP8KeyAndPrintsOneJsonLinePerToken() throws Exception {
    int code = run(tokenAuth("--device-token", TOKEN_A, "--device-token", TOKEN_B,
        "--title", "Free spins", "--body", "20 spins on Starburst", "--json")
        .toArray(String[]::new));

    assertThat(code).as(err.toString()).isZero();
    List<JsonNode> lines = jsonLines(out.toString());
    assertThat(lines).hasSize(2);
    assertThat(lines).extracting(l -> l.get("target").asText()).containsExactly(TOKEN_A, TOKEN_B);
    for (JsonNode line : lines) {
      assertThat(line.get("provider").asText()).isEqualTo("apns");
      assertThat(line.get("outcome").asText()).isEqualTo("ACCEPTED");
      assertThat(line.get("status").asInt()).isEqualTo(200);
      assertThat(line.get("attempts").asInt()).isEqualTo(1);
      assertThat(line.get("messageId").asText()).matches("[0-9a-f-]{36}");
    }
    MockApnsNotification received = server.received().get(0);
    assertThat(received.authentication()).isEqualTo(MockApnsNotification.Authentication.TOKEN);
    assertThat(received.payloadJson().at("/aps/alert/title").asText()).isEqualTo("Free spins");
  }

  @Test
  void sendsWithAPkcs12Certificate() {
    int code = run("--endpoint", server.endpoint(), "--trust-cert", trust.toString(),
        "--topic", TOPIC, "--cert", p12.toString(), "--cert-password", CERT.passwordString(),
        "--device-token", TOKEN_A, "--title", "Hello");

    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).startsWith("apns " + TOKEN_A + ": ACCEPTED (HTTP 200)");
    assertThat(server.received().get(0).authentication())
        .isEqualTo(MockApnsNotification.Authentication.CERTIFICATE);
  }

  @Test
  void passesEveryHeaderOption() {
    int code = run(tokenAuth("--device-token", TOKEN_A, "--push-type", "background",
        "--priority", "10", "--collapse-id", "balance", "--expiration", "2026-11-23T10:00:00Z",
        "--badge", "4", "--sound", "default").toArray(String[]::new));

    assertThat(code).as(err.toString()).isZero();
    MockApnsNotification n = server.received().get(0);
    assertThat(n.pushType()).contains("background");
    assertThat(n.priority()).contains("5");
    assertThat(n.collapseId()).contains("balance");
    assertThat(n.expiration()).contains("1795428000");
    assertThat(n.payloadJson().at("/aps/content-available").asInt()).isEqualTo(1);
    assertThat(n.payloadJson().at("/aps/badge").asInt()).isEqualTo(4);
    assertThat(n.payloadJson().at("/aps/sound").asText()).isEqualTo("default");
    assertThat(n.payloadJson().at("/aps/alert").isMissingNode()).isTrue();
  }

  @Test
  void anUnregisteredTokenExitsWithThree() throws Exception {
    server.answer(TOKEN_B, MockApnsAnswer.unregistered(Instant.parse("2026-01-01T00:00:00Z")));

    int code = run(tokenAuth("--device-token", TOKEN_A, "--device-token", TOKEN_B,
        "--title", "Hi", "--json").toArray(String[]::new));

    assertThat(code).isEqualTo(3);
    JsonNode second = jsonLines(out.toString()).get(1);
    assertThat(second.get("outcome").asText()).isEqualTo("INVALID_ADDRESS");
    assertThat(second.get("status").asInt()).isEqualTo(410);
    assertThat(second.get("reason").asText()).startsWith("Unregistered: ");
  }

  @Test
  void aRejectionExitsWithOne() {
    server.enqueue(MockApnsAnswer.reject(dev.herald.testing.apns.MockApnsReason.TOPIC_DISALLOWED));

    int code = run(tokenAuth("--device-token", TOKEN_A, "--title", "Hi").toArray(String[]::new));

    assertThat(code).isEqualTo(1);
    assertThat(out.toString()).contains("REJECTED (HTTP 400) — TopicDisallowed: ");
  }

  @Test
  void badUsageExitsWithTwoBeforeSendingAnything() {
    assertThat(run(tokenAuth("--device-token", TOKEN_A, "--title", "x", "--cert", p12.toString())
        .toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("not both");
    assertThat(run(tokenAuth("--device-token", TOKEN_A).toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("--title: is required for alert notifications");
    assertThat(run(tokenAuth("--device-token", "xyz", "--title", "t").toArray(String[]::new)))
        .isEqualTo(2);
    assertThat(err.toString()).contains("apns.deviceToken");
    assertThat(run(tokenAuth("--device-token", TOKEN_A, "--title", "t", "--priority", "7")
        .toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("expected 10, 5 or 1, got 7");
    assertThat(run(tokenAuth("--device-token", TOKEN_A, "--title", "t", "--expiration", "soon")
        .toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("--expiration");
    assertThat(run("--topic", TOPIC, "--device-token", TOKEN_A, "--title", "t")).isEqualTo(2);
    assertThat(err.toString()).contains("give --key FILE.p8");
    assertThat(server.requestCount()).isZero();
  }
}
