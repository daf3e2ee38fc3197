package dev.herald.fuzz;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutation fuzzing for Herald's readers. {@code mvn verify} runs a short budget
 * (300 cases) unless {@code herald.fuzz.cases} says otherwise; {@code mvn verify -Pfuzz} a
 * long one with a fresh seed; a
 * failure names the case, the seed and an excerpt of the input, and
 * {@code -Dherald.fuzz.seed=N} replays a run. Core's tests jar ships it to segmentation's tests,
 * which herald-testing's {@code InputFuzzer} cannot reach: herald-testing depends on segmentation.
 */
public final class Fuzz {
  /** How many inputs each fuzz test tries. */
  public static final int CASES = Integer.getInteger("herald.fuzz.cases", 300); // blank: 300
  /** The seed of the run: {@code herald.fuzz.seed}, a fresh one for "random", else 16. */
  public static final long SEED = seed(System.getProperty("herald.fuzz.seed"));
  /** A generous bound per case: it catches a hang or a blow-up, it does not measure speed. */
  private static final Duration PER_CASE = Duration.ofSeconds(20);
  private static final String PUNCTUATION = "{}[]()\"'`\\,:=<>!#.-+eE0123456789 ";

  private Fuzz() {}

  /** One fuzz case; throws the documented exception or nothing. */
  @FunctionalInterface
  public interface Case {
    /**
     * Runs the case.
     *
     * @throws Exception anything, which the caller checks
     */
    void run() throws Exception;
  }

  /**
   * Runs a case within the time bound; any exception other than the documented ones fails the
   * test, quoting the input.
   *
   * @param index the case number
   * @param input the input, for the failure message
   * @param documented the exception types the API documents
   * @param body the case
   */
  @SafeVarargs
  public static void check(int index, String input, Case body,
      Class<? extends Throwable>... documented) {
    String where = "fuzz case " + index + " (seed " + SEED + ", " + input.length()
        + " chars): " + shown(input);
    assertTimeoutPreemptively(PER_CASE, () -> {
      try {
        body.run();
      } catch (Throwable t) {
        for (Class<? extends Throwable> ok : documented) {
          if (ok.isInstance(t)) {
            return;
          }
        }
        throw new AssertionError(where + " threw " + t, t);
      }
    }, () -> where + " ran past " + PER_CASE);
  }

  private static long seed(String property) {
    if ("random".equals(property)) {
      return new java.security.SecureRandom().nextLong();
    }
    try {
      return property == null || property.isBlank() ? 16L : Long.parseLong(property.strip());
    } catch (NumberFormatException e) {
      return 16L;
    }
  }

  private static String shown(String input) {
    String s = input.length() <= 300 ? input : input.substring(0, 300) + "…";
    return s.replace("\n", "\\n");
  }

  /**
   * A mutated copy of a valid input: one to four edits (insert a token, delete or duplicate a
   * span, change a character, repeat a token many times, truncate).
   *
   * @param valid the input to start from
   * @param tokens pieces of the input language worth splicing in
   * @param r the random source
   * @return the mutant
   */
  public static String mutate(String valid, List<String> tokens, Random r) {
    StringBuilder s = new StringBuilder(valid);
    int edits = 1 + r.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = s.length() == 0 ? 0 : r.nextInt(s.length() + 1);
      switch (r.nextInt(7)) {
        case 0, 1 -> s.insert(at, tokens.get(r.nextInt(tokens.size())));
        case 2 -> s.delete(at, Math.min(s.length(), at + 1 + r.nextInt(8)));
        case 3 -> {
          if (at < s.length()) {
            s.setCharAt(at, randomChar(r));
          }
        }
        case 4 -> {
          int end = Math.min(s.length(), at + 1 + r.nextInt(12));
          String span = s.substring(at, end);
          s.insert(at, span.repeat(1 + r.nextInt(20)));
        }
        case 5 -> s.insert(at, tokens.get(r.nextInt(tokens.size())).repeat(10 + r.nextInt(300)));
        default -> s.setLength(at);
      }
    }
    return s.toString();
  }

  private static char randomChar(Random r) {
    return switch (r.nextInt(4)) {
      case 0 -> (char) r.nextInt(32);
      case 1 -> PUNCTUATION.charAt(r.nextInt(PUNCTUATION.length()));
      case 2 -> (char) (0x80 + r.nextInt(0x3000));
      default -> (char) (0xD800 + r.nextInt(0x800)); // lone surrogates
    };
  }
}
