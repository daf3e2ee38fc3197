package dev.herald.testing;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A seeded, mutation-based fuzzer for text inputs: it takes valid examples (a subscription JSON, a
 * service-account file, a PEM key), stacks random mutations on them (flipped, inserted, deleted,
 * duplicated and truncated runs of characters; JSON and PEM tokens; control characters, BOMs, lone
 * surrogates, non-ASCII digits; deep nesting; long runs) and hands each result to a check, which
 * throws when the code under test misbehaved, typically by letting an exception other than the
 * documented one escape.
 *
 * <pre>{@code
 * InputFuzzer.fromSystemProperties(300).run(List.of(validJson), input -> {
 *   try {
 *     WebPushAddress.fromSubscriptionJson(input, false);
 *   } catch (InvalidInputException expected) {
 *     assertThat(expected.getMessage()).doesNotContain(authSecret);
 *   }
 * });
 * }</pre>
 *
 * <p>The same seed and number of cases always produce the same inputs, so a build is repeatable
 * and a failure reproducible: the error names the seed, the case and the input. The budget comes
 * from the system properties {@value #CASES_PROPERTY} and {@value #SEED_PROPERTY} when set (a long
 * run with a fresh seed, as the Maven profile {@code fuzz} does), else from the defaults the test
 * passes (a short run with a fixed seed, in every build).
 *
 * <p>Each case must finish within {@link #caseTimeout()} (a generous bound that only catches
 * hangs and runaway work, never a measure of speed): the cases run on one worker thread that a
 * watchdog abandons when a case outlives it.
 */
public final class InputFuzzer {
  /** The system property that sets the number of cases. */
  public static final String CASES_PROPERTY = "herald.fuzz.cases";
  /** The system property that sets the seed ({@code random} for a fresh one). */
  public static final String SEED_PROPERTY = "herald.fuzz.seed";
  /** The seed of every build's short run. */
  public static final long DEFAULT_SEED = 0x48455241_4C44L;
  /** The default bound on one case. */
  public static final Duration DEFAULT_CASE_TIMEOUT = Duration.ofSeconds(10);
  /** The longest input generated, in characters. */
  public static final int MAX_INPUT_CHARS = 1 << 20;

  private static final String[] TOKENS = {
    "\"", "{", "}", "[", "]", ":", ",", "\\", "\\u0000", "\\ud800", "null", "true", "false",
    "-0", "1e999999999", "-1e-999999999", "123456789012345678901234567890", "NaN", "0x1F",
    "\uFEFF", "\r\n", "\n", "\t", "\u0000", "\u007f", "\ud800", "\udc00", "\u0661\u0662",
    "\uFF21\uFF22", "é", "\u202e", "=", "==", "+", "/", "-", "_", "%", "%00", "../",
    "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----",
    "-----END EC PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN ",
    "-----", "MIIE", "MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg", "AAAA",
    "\"endpoint\":", "\"keys\":", "\"p256dh\":", "\"auth\":", "\"type\":", "\"private_key\":",
    "\"token_uri\":", "\"project_id\":", "\"client_email\":", "\"private_key_id\":",
    "http://", "https://", "https://127.0.0.1/", "https://[::1]:6379/", "mailto:", "@",
  };

  private final long seed;
  private final int cases;
  private final Duration caseTimeout;

  private InputFuzzer(long seed, int cases, Duration caseTimeout) {
    if (cases < 1) {
      throw new IllegalArgumentException("cases must be at least 1, got " + cases);
    }
    this.seed = seed;
    this.cases = cases;
    this.caseTimeout = Objects.requireNonNull(caseTimeout, "caseTimeout");
  }

  /**
   * A fuzzer with a fixed seed and budget, ignoring system properties.
   *
   * @param seed the seed
   * @param cases how many inputs to try, at least 1
   * @return the fuzzer
   */
  public static InputFuzzer of(long seed, int cases) {
    return new InputFuzzer(seed, cases, DEFAULT_CASE_TIMEOUT);
  }

  /**
   * A fuzzer whose budget the system properties {@value #CASES_PROPERTY} and
   * {@value #SEED_PROPERTY} may raise; without them, {@code defaultCases} cases from
   * {@link #DEFAULT_SEED}.
   *
   * @param defaultCases the number of cases of the short run
   * @return the fuzzer
   */
  public static InputFuzzer fromSystemProperties(int defaultCases) {
    String casesText = System.getProperty(CASES_PROPERTY, "").strip();
    String seedText = System.getProperty(SEED_PROPERTY, "").strip();
    int n = casesText.isEmpty() ? defaultCases : Integer.parseInt(casesText);
    long s = seedText.isEmpty() ? DEFAULT_SEED
        : seedText.equals("random") ? new SplittableRandom().nextLong() : Long.parseLong(seedText);
    return new InputFuzzer(s, n, DEFAULT_CASE_TIMEOUT);
  }

  /**
   * The same fuzzer with another bound on each case.
   *
   * @param value the most one case may take
   * @return a new fuzzer
   */
  public InputFuzzer withCaseTimeout(Duration value) {
    return new InputFuzzer(seed, cases, value);
  }

  /** @return the seed, to reproduce a run */
  public long seed() {
    return seed;
  }

  /** @return how many inputs a run tries */
  public int cases() {
    return cases;
  }

  /** @return the most one case may take before the run fails */
  public Duration caseTimeout() {
    return caseTimeout;
  }

  /**
   * What a check does with one input; it throws to fail the run.
   */
  @FunctionalInterface
  public interface Check {
    /**
     * Checks one input.
     *
     * @param input the generated input
     * @throws Exception to fail the run
     */
    void accept(String input) throws Exception;
  }

  /**
   * Runs the check on {@link #cases()} inputs, each the mutation of one of the examples (the
   * examples themselves come first).
   *
   * @param examples valid inputs to mutate, at least one
   * @param check throws when the code under test misbehaved
   * @throws AssertionError naming the seed, the case and the input when a check threw or a case
   *     outlived {@link #caseTimeout()}
   */
  public void run(List<String> examples, Check check) {
    if (examples.isEmpty()) {
      throw new IllegalArgumentException("at least one example is required");
    }
    List<String> seeds = List.copyOf(examples);
    AtomicInteger current = new AtomicInteger(-1);
    AtomicLong startedAt = new AtomicLong();
    AtomicReference<String> input = new AtomicReference<>();
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "herald-fuzz-" + Long.toHexString(seed));
      t.setDaemon(true); // abandoned, not joined, when a case hangs
      return t;
    });
    try {
      Future<?> all = worker.submit(() -> {
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < cases; i++) {
          String next = i < seeds.size() ? seeds.get(i)
              : mutate(seeds.get(random.nextInt(seeds.size())), random);
          input.set(next);
          startedAt.set(System.nanoTime());
          current.set(i);
          try {
            check.accept(next);
          } catch (Throwable t) {
            throw new AssertionError(failure("failed", i, next) + ": " + t, t);
          }
        }
        return null;
      });
      long timeoutNanos = caseTimeout.toNanos();
      while (true) {
        try {
          all.get(100, TimeUnit.MILLISECONDS);
          return;
        } catch (TimeoutException stillRunning) {
          int i = current.get();
          if (i >= 0 && System.nanoTime() - startedAt.get() > timeoutNanos && current.get() == i) {
            all.cancel(true);
            throw new AssertionError(failure("outlived " + caseTimeout, i, input.get()));
          }
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof AssertionError error) {
            throw error;
          }
          throw new AssertionError(cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError("interrupted", e);
        }
      }
    } finally {
      worker.shutdownNow();
    }
  }

  private String failure(String what, int index, String input) {
    return "fuzz case " + index + " of seed " + seed + " (rerun with -D" + SEED_PROPERTY + "="
        + seed + " -D" + CASES_PROPERTY + "=" + (index + 1) + ") " + what + "; input ("
        + input.length() + " chars): " + abbreviate(input);
  }

  /** The input, escaped to one line and abbreviated: enough to reproduce by eye. */
  private static String abbreviate(String input) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < input.length() && out.length() < 600; i++) {
      char c = input.charAt(i);
      if (c >= ' ' && c <= '~') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    return input.length() > 600 ? out + "…" : out.toString();
  }

  /**
   * One to eight stacked mutations of an example.
   *
   * @param example the valid input
   * @param random the source of choices
   * @return the mutated input, at most {@value #MAX_INPUT_CHARS} characters
   */
  public static String mutate(String example, SplittableRandom random) {
    StringBuilder text = new StringBuilder(example);
    int rounds = 1 + random.nextInt(8);
    for (int r = 0; r < rounds; r++) {
      int length = text.length();
      int at = length == 0 ? 0 : random.nextInt(length + 1);
      switch (random.nextInt(10)) {
        case 0 -> { // replace one character
          if (length > 0) {
            text.setCharAt(Math.min(at, length - 1), randomChar(random));
          }
        }
        case 1 -> text.insert(at, TOKENS[random.nextInt(TOKENS.length)]);
        case 2 -> { // delete a run
          int end = Math.min(length, at + 1 + random.nextInt(32));
          text.delete(Math.min(at, end), end);
        }
        case 3 -> { // duplicate a run
          int end = Math.min(length, at + 1 + random.nextInt(64));
          text.insert(end, text.substring(Math.min(at, end), end));
        }
        case 4 -> text.setLength(at); // truncate
        case 5 -> { // a long run of one character or token
          String unit = random.nextBoolean() ? String.valueOf(randomChar(random))
              : TOKENS[random.nextInt(TOKENS.length)];
          text.insert(at, unit.repeat(1 + random.nextInt(random.nextBoolean() ? 64 : 20_000)));
        }
        case 6 -> { // deep nesting around everything
          int depth = 1 + random.nextInt(random.nextBoolean() ? 8 : 5_000);
          String open = random.nextBoolean() ? "[" : "{\"a\":";
          String close = open.equals("[") ? "]" : "}";
          text.insert(0, open.repeat(depth)).append(close.repeat(depth));
        }
        case 7 -> { // flip the case of a run (base64 and hex are case-sensitive)
          int end = Math.min(length, at + 1 + random.nextInt(16));
          for (int i = at; i < end; i++) {
            char c = text.charAt(i);
            text.setCharAt(i, Character.isUpperCase(c) ? Character.toLowerCase(c)
                : Character.toUpperCase(c));
          }
        }
        case 8 -> { // swap with another example-shaped splice: move a run elsewhere
          int end = Math.min(length, at + 1 + random.nextInt(64));
          String run = text.substring(Math.min(at, end), end);
          text.delete(Math.min(at, end), end);
          text.insert(text.length() == 0 ? 0 : random.nextInt(text.length() + 1), run);
        }
        default -> text.insert(at, randomChar(random));
      }
      if (text.length() > MAX_INPUT_CHARS) {
        text.setLength(MAX_INPUT_CHARS);
      }
    }
    return text.toString();
  }

  private static char randomChar(SplittableRandom random) {
    return switch (random.nextInt(4)) {
      case 0 -> (char) random.nextInt(0x20); // control characters
      case 1 -> (char) (0x20 + random.nextInt(0x5f)); // printable ASCII
      case 2 -> (char) (0x80 + random.nextInt(0x780)); // Latin, Greek, Cyrillic, Arabic…
      default -> (char) random.nextInt(0x10000); // anything, surrogates included
    };
  }
}
