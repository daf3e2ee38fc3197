package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code herald demo} fits a small heap: the demo runs in a child JVM whose heap is capped at a
 * size scaled to the population, and must finish with its report. Any {@link OutOfMemoryError},
 * in whichever thread, ends that JVM with a non-zero exit code ({@code ExitOnOutOfMemoryError}).
 * The figure per player comes from the measurements in docs/cli.md; a store or a step of the
 * demo that starts holding a few hundred more bytes per player breaks it.
 */
class CasinoDemoHeapTest {
  private static final int PLAYERS = 20_000;
  /** What the JVM, the mock services, TLS and HTTP/2 clients need before the first player. */
  private static final int FIXED_MB = 48;
  /**
   * Generous against the 500 to 600 bytes per player measured at a million (stores, index,
   * deliveries, what is in flight); it was 2,000 when the stores held about 1.3 KB per player.
   */
  private static final int BYTES_PER_PLAYER = 1_000;

  @Test
  void twentyThousandPlayersFitAHeapScaledToThem(@TempDir Path dir) throws Exception {
    int heapMb = FIXED_MB + PLAYERS * BYTES_PER_PLAYER / (1024 * 1024);
    Path output = dir.resolve("demo.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(List.of(java, "-Xmx" + heapMb + "m",
            "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
            "dev.herald.cli.HeraldCommand", "demo", "--players", Integer.toString(PLAYERS),
            "--no-progress"))
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
    // a bound so that a wedged child cannot hang the build; not a timing assertion
    if (!child.waitFor(20, TimeUnit.MINUTES)) {
      child.destroyForcibly();
      throw new AssertionError("the demo did not end within 20 minutes:\n" + read(output));
    }
    String text = read(output);
    assertThat(child.exitValue()).as("exit code; output:%n%s", text).isZero();
    assertThat(text).contains(String.format("%,d players", PLAYERS))
        .contains("campaign / variant")
        .contains("weekend-spins")
        .doesNotContain("OutOfMemoryError");
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
