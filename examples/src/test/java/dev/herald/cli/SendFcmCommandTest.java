package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.testing.fcm.MockFcmAnswer;
import dev.herald.testing.fcm.MockFcmService;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code herald send fcm} against the mock FCM service. */
class SendFcmCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final MockFcmService mock = MockFcmService.start();
  private Path serviceAccount;
  private Path certificate;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void files() throws Exception {
    serviceAccount = mock.writeServiceAccount(dir.resolve("sa.json"));
    certificate = Files.writeString(dir.resolve("mock.pem"), mock.certificatePem());
  }

  @AfterEach
  void close() {
    mock.close();
  }

  private int run(String... extra) {
    List<String> args = new ArrayList<>(List.of("send", "fcm",
        "--service-account", serviceAccount.toString(),
        "--endpoint", mock.baseUrl(),
        "--trust-cert", certificate.toString()));
    args.addAll(List.of(extra));
    return HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err),
        args.toArray(String[]::new));
  }

  private List<JsonNode> jsonLines() throws Exception {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\\R")) {
      if (!line.isBlank()) {
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  @Test
  void sendsToSeveralTokensWithOneAccessToken() throws Exception {
    int code = run("--token", "tok-a", "--token", "tok-b", "--token", "tok-c",
        "--title", "Jackpot!", "--body", "€1M tonight", "--data", "game=slots",
        "--data", "count=3", "--image", "https://cdn.casino.example/j.png", "--json");

    assertThat(code).as(err.toString()).isEqualTo(0);
    List<JsonNode> lines = jsonLines();
    assertThat(lines).hasSize(3).allSatisfy(line -> {
      assertThat(line.path("provider").asText()).isEqualTo("fcm");
      assertThat(line.path("outcome").asText()).isEqualTo("ACCEPTED");
      assertThat(line.path("status").asInt()).isEqualTo(200);
      assertThat(line.path("reason").isNull()).isTrue();
      assertThat(line.path("attempts").asInt()).isEqualTo(1);
      assertThat(line.path("messageId").asText()).startsWith("projects/herald-mock/messages/");
    });
    assertThat(lines).extracting(l -> l.path("target").asText())
        .containsExactly("tok-a", "tok-b", "tok-c");
    assertThat(mock.tokenRequestCount()).isEqualTo(1);
    assertThat(mock.messages()).hasSize(3).allSatisfy(m -> {
      assertThat(m.title()).contains("Jackpot!");
      assertThat(m.data()).containsEntry("game", "slots").containsEntry("count", "3")
          .containsKey("herald_delivery_id");
      assertThat(m.message().path("notification").path("image").asText())
          .isEqualTo("https://cdn.casino.example/j.png");
    });
  }

  @Test
  void anUnregisteredTokenExitsWithThree() throws Exception {
    mock.answer("gone", MockFcmAnswer.unregistered());

    int code = run("--token", "alive", "--token", "gone", "--title", "Hi", "--json");

    assertThat(code).isEqualTo(3);
    List<JsonNode> lines = jsonLines();
    assertThat(lines.get(0).path("outcome").asText()).isEqualTo("ACCEPTED");
    assertThat(lines.get(1).path("outcome").asText()).isEqualTo("INVALID_ADDRESS");
    assertThat(lines.get(1).path("status").asInt()).isEqualTo(404);
    assertThat(lines.get(1).path("reason").asText()).startsWith("UNREGISTERED");
  }

  @Test
  void aQuotaErrorBeyondTheCliRetryAfterCapEndsAsRetryLater() throws Exception {
    mock.answer("busy", MockFcmAnswer.quotaExceeded());

    int code = run("--token", "busy", "--title", "Hi", "--json");

    assertThat(code).isEqualTo(1);
    JsonNode line = jsonLines().get(0);
    assertThat(line.path("outcome").asText()).isEqualTo("RETRY_LATER");
    assertThat(line.path("status").asInt()).isEqualTo(429);
    assertThat(line.path("attempts").asInt()).isEqualTo(1); // 60 s exceeds the CLI's 30 s cap
  }

  @Test
  void sendsToATopicWithHumanReadableOutput() {
    int code = run("--topic", "/topics/jackpot-alerts", "--title", "Jackpot!");

    assertThat(code).isEqualTo(0);
    assertThat(out.toString()).startsWith("fcm topic:jackpot-alerts: ACCEPTED (HTTP 200)")
        .contains("1 attempt");
    assertThat(mock.messages().get(0).topic()).contains("jackpot-alerts");
  }

  @Test
  void aReservedDataKeyIsRejectedWithoutARequest() throws Exception {
    int code = run("--token", "t", "--title", "Hi", "--data", "from=me", "--json");

    assertThat(code).isEqualTo(1);
    JsonNode line = jsonLines().get(0);
    assertThat(line.path("outcome").asText()).isEqualTo("REJECTED");
    assertThat(line.path("status").isNull()).isTrue();
    assertThat(line.path("reason").asText()).contains("data[from]", "reserves");
    assertThat(mock.sendRequestCount()).isZero();
  }

  @Test
  void tokenAndTopicTogetherAreAUsageError() {
    int code = run("--token", "t", "--topic", "news", "--title", "Hi");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("mutually exclusive");
  }

  @Test
  void anUnreadableServiceAccountIsAUsageError() {
    int code = HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err),
        "send", "fcm", "--service-account", dir.resolve("missing.json").toString(),
        "--token", "t", "--title", "Hi");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--service-account: cannot read");
  }

  @Test
  void aMalformedServiceAccountNamesTheField() throws Exception {
    Files.writeString(serviceAccount, "{\"type\":\"service_account\"}");

    int code = run("--token", "t", "--title", "Hi");

    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("serviceAccount.project_id: is required");
  }
}
