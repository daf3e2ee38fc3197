package dev.herald.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.spi.SendResult;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * What every {@code herald send …} command shares: send to each target, retry per the
 * {@link RetryPolicy}, print one line per target (JSON with {@code --json}), and compute the exit
 * code.
 *
 * <p>JSON line: {@code {"provider":"webpush","target":"…","outcome":"ACCEPTED",
 * "status":201,"reason":null,"attempts":1,"messageId":"…"}} with outcome one of ACCEPTED,
 * INVALID_ADDRESS, REJECTED, RETRY_LATER (retries exhausted), FAILED (transport failure) or
 * UNKNOWN (no answer in time: the call is cancelled and not retried, since the push service may
 * have taken it).
 *
 * <p>Exit code: 0 when every send was accepted; 1 when any ended REJECTED, RETRY_LATER, FAILED or
 * UNKNOWN;
 * otherwise 3 (some address was invalid).
 */
final class SendRunner {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One address to send to: a label for the output and the send itself. */
  record Target(String label, Supplier<CompletableFuture<SendResult>> send) {}

  /** The final outcome for one target. */
  record Report(
      String target, String outcome, Integer status, String reason, int attempts,
      String messageId) {}

  private final String provider;
  private final RetryPolicy policy;
  private final Duration timeout;
  private final Sleeper sleeper;
  private final Random random = new Random();

  /** How the runner waits between attempts; tests replace it. */
  @FunctionalInterface
  interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  SendRunner(String provider, RetryPolicy policy, Duration timeout, Sleeper sleeper) {
    this.provider = provider;
    this.policy = policy;
    this.timeout = timeout;
    this.sleeper = sleeper;
  }

  SendRunner(String provider, RetryPolicy policy) {
    this(provider, policy, Duration.ofSeconds(60), d -> Thread.sleep(d.toMillis()));
  }

  /** The retry policy of the send commands: 3 attempts, honouring Retry-After up to 30 s. */
  static RetryPolicy cliPolicy() {
    return RetryPolicy.builder()
        .maxAttempts(3)
        .initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(10))
        .maxRetryAfter(Duration.ofSeconds(30))
        .build();
  }

  /**
   * Sends to every target in turn and prints the outcomes.
   *
   * @param targets where to send
   * @param json whether to print JSON lines
   * @param out where to print
   * @return the exit code
   */
  int run(List<Target> targets, boolean json, PrintWriter out) throws InterruptedException {
    boolean failed = false;
    boolean invalid = false;
    for (Target target : targets) {
      Report report = send(target);
      print(report, json, out);
      switch (report.outcome()) {
        case "ACCEPTED" -> { }
        case "INVALID_ADDRESS" -> invalid = true;
        default -> failed = true;
      }
    }
    out.flush();
    if (failed) {
      return HeraldCommand.FAILED;
    }
    return invalid ? HeraldCommand.INVALID_ADDRESS : HeraldCommand.OK;
  }

  Report send(Target target) throws InterruptedException {
    int attempts = 0;
    while (true) {
      attempts++;
      SendResult result;
      CompletableFuture<SendResult> call = target.send().get();
      try {
        result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        // The request may have reached the push service: sending it again could deliver the
        // message twice, so, as the dispatch engine does, give up on it and say so.
        call.cancel(true);
        return new Report(target.label(), "UNKNOWN", null, "no answer within " + timeout
            + "; the message may have been delivered, so it was not sent again", attempts, null);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        Optional<Duration> delay = policy.nextDelay(attempts, Optional.empty(), random);
        if (delay.isEmpty()) {
          return new Report(target.label(), "FAILED", null, describe(cause), attempts, null);
        }
        sleeper.sleep(delay.get());
        continue;
      }
      if (result instanceof SendResult.RetryLater retry) {
        Optional<Duration> delay = policy.nextDelay(attempts, retry.retryAfter(), random);
        if (delay.isPresent()) {
          sleeper.sleep(delay.get());
          continue;
        }
      }
      return report(target.label(), result, attempts);
    }
  }

  private static Report report(String target, SendResult result, int attempts) {
    Integer status = result.httpStatus() == 0 ? null : result.httpStatus();
    String reason = result.reason().isEmpty() ? null : result.reason();
    String messageId = result instanceof SendResult.Accepted a ? a.messageId().orElse(null) : null;
    return new Report(target, result.outcome().name(), status, reason, attempts, messageId);
  }

  private void print(Report r, boolean json, PrintWriter out) {
    if (json) {
      ObjectNode node = JSON.createObjectNode();
      node.put("provider", provider);
      node.put("target", r.target());
      node.put("outcome", r.outcome());
      if (r.status() == null) {
        node.putNull("status");
      } else {
        node.put("status", r.status());
      }
      node.put("reason", r.reason());
      node.put("attempts", r.attempts());
      node.put("messageId", r.messageId());
      out.println(node.toString());
    } else {
      StringBuilder line = new StringBuilder()
          .append(provider).append(' ').append(r.target()).append(": ").append(r.outcome());
      if (r.status() != null) {
        line.append(" (HTTP ").append(r.status()).append(')');
      }
      if (r.reason() != null) {
        line.append(" — ").append(r.reason());
      }
      if (r.messageId() != null) {
        line.append(" id=").append(r.messageId());
      }
      line.append(", ").append(r.attempts()).append(r.attempts() == 1 ? " attempt" : " attempts");
      out.println(line);
    }
  }

  private static String describe(Throwable t) {
    String message = t.getMessage();
    return t.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }
}
