package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class InputFuzzerTest {
  @Test
  void theSameSeedGivesTheSameInputsStartingWithTheExamples() {
    List<String> first = new ArrayList<>();
    List<String> second = new ArrayList<>();
    InputFuzzer.of(42, 200).run(List.of("{\"a\":1}"), first::add);
    InputFuzzer.of(42, 200).run(List.of("{\"a\":1}"), second::add);
    List<String> other = new ArrayList<>();
    InputFuzzer.of(43, 200).run(List.of("{\"a\":1}"), other::add);

    assertThat(first).hasSize(200).isEqualTo(second).isNotEqualTo(other);
    assertThat(first.get(0)).isEqualTo("{\"a\":1}");
    assertThat(first.stream().distinct().count()).isGreaterThan(150);
    assertThat(first).allMatch(s -> s.length() <= InputFuzzer.MAX_INPUT_CHARS);
  }

  @Test
  void aFailingCheckNamesTheSeedTheCaseAndTheInput() {
    assertThatThrownBy(() -> InputFuzzer.of(7, 100).run(List.of("abc"), input -> {
      if (!input.equals("abc")) {
        throw new IllegalStateException("boom");
      }
    }))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fuzz case 1 of seed 7")
        .hasMessageContaining("-Dherald.fuzz.seed=7 -Dherald.fuzz.cases=2")
        .hasMessageContaining("IllegalStateException: boom");
  }

  @Test
  void aCaseThatHangsFailsTheRunInsteadOfHangingIt() {
    CountDownLatch never = new CountDownLatch(1);
    assertThatThrownBy(() -> InputFuzzer.of(1, 10).withCaseTimeout(Duration.ofMillis(200))
        .run(List.of("x"), input -> never.await()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("fuzz case 0 of seed 1")
        .hasMessageContaining("outlived PT0.2S");
  }
}
