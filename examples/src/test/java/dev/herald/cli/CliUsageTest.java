package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Usage errors exit 2 and say what to fix; every send command documents its exit codes. */
class CliUsageTest {
  @TempDir Path dir;

  record Run(int exitCode, String out, String err) {}

  private static Run herald(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err), args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void noCommandIsAUsageErrorThatShowsTheUsage() {
    Run run = herald();
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("choose a command").contains("Usage: herald")
        .contains("send").contains("vapid-keys");
  }

  @Test
  void helpStillExitsZero() {
    Run run = herald("--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: herald");
  }

  @Test
  void aMissingP8KeyNamesTheOptionAndTheFileAndExitsTwo() {
    Path missing = dir.resolve("missing.p8");
    Run run = herald("send", "apns", "--device-token", "a1".repeat(32),
        "--topic", "com.example.casino", "--title", "Hi",
        "--key", missing.toString(), "--team-id", "TEAM123456", "--key-id", "KEY1234567");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--key: no such file: " + missing.toAbsolutePath())
        .doesNotContain("NoSuchFileException");
  }

  @Test
  void aMissingCertificateOrTrustedCertificateIsAUsageErrorToo() {
    Run cert = herald("send", "apns", "--device-token", "a1".repeat(32),
        "--topic", "com.example.casino", "--title", "Hi",
        "--cert", dir.resolve("missing.p12").toString(), "--cert-password", "secret");
    assertThat(cert.exitCode()).isEqualTo(2);
    assertThat(cert.err()).contains("--cert: no such file: ").contains("missing.p12");
  }

  @ParameterizedTest
  @ValueSource(strings = {"webpush", "apns", "fcm"})
  void everySendCommandListsItsExitCodes(String provider) {
    Run run = herald("send", provider, "--help");
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Exit codes: 0 ").contains(" 2 bad usage");
  }
}
