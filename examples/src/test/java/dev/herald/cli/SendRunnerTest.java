package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.SendResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What the send commands do with failures, timeouts and retry answers. */
class SendRunnerTest {
  private final List<Duration> sleeps = new ArrayList<>();
  private final AtomicInteger calls = new AtomicInteger();

  private SendRunner runner(Duration timeout) {
    return new SendRunner("fcm", SendRunner.cliPolicy(), timeout, sleeps::add);
  }

  @Test
  void aCallWithoutAnswerIsCancelledReportedUnknownAndNotSentAgain() throws Exception {
    CompletableFuture<SendResult> never = new CompletableFuture<>();
    SendRunner.Target target = new SendRunner.Target("t1", () -> {
      calls.incrementAndGet();
      return never;
    });

    SendRunner.Report report = runner(Duration.ofMillis(1)).send(target);

    assertThat(report.outcome()).isEqualTo("UNKNOWN");
    assertThat(report.reason()).contains("may have been delivered");
    assertThat(report.attempts()).isEqualTo(1);
    assertThat(calls).hasValue(1);
    assertThat(sleeps).isEmpty();
    assertThat(never).isCancelled();
  }

  @Test
  void anUnknownOutcomeExitsWithFailure() throws Exception {
    StringWriter out = new StringWriter();
    int code = runner(Duration.ofMillis(1)).run(
        List.of(new SendRunner.Target("t1", CompletableFuture::new)), true, new PrintWriter(out));

    assertThat(code).isEqualTo(HeraldCommand.FAILED);
    assertThat(out.toString()).contains("\"outcome\":\"UNKNOWN\"");
  }

  @Test
  void aTransportFailureIsRetriedUpToThePolicyThenReportedFailed() throws Exception {
    SendRunner.Target target = new SendRunner.Target("t1", () -> {
      calls.incrementAndGet();
      return CompletableFuture.failedFuture(new IOException("connection refused"));
    });

    SendRunner.Report report = runner(Duration.ofSeconds(5)).send(target);

    assertThat(report.outcome()).isEqualTo("FAILED");
    assertThat(report.reason()).isEqualTo("IOException: connection refused");
    assertThat(report.attempts()).isEqualTo(3);
    assertThat(calls).hasValue(3);
    assertThat(sleeps).hasSize(2);
  }

  @Test
  void retryLaterHonoursRetryAfterThenSucceeds() throws Exception {
    SendRunner.Target target = new SendRunner.Target("t1", () -> CompletableFuture.completedFuture(
        calls.incrementAndGet() == 1
            ? SendResult.retryLater("QUOTA_EXCEEDED", Duration.ofSeconds(7), 429)
            : SendResult.accepted("m-1", 200)));

    SendRunner.Report report = runner(Duration.ofSeconds(5)).send(target);

    assertThat(report.outcome()).isEqualTo("ACCEPTED");
    assertThat(report.messageId()).isEqualTo("m-1");
    assertThat(report.attempts()).isEqualTo(2);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(7));
  }
}
