package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final SplittableRandom random = new SplittableRandom(7);

  @Test
  void backsOffExponentiallyUpToTheCap() {
    RetryPolicy p = RetryPolicy.builder().jitter(0).initialBackoff(Duration.ofSeconds(1))
        .maxBackoff(Duration.ofSeconds(5)).maxAttempts(10).build();
    assertThat(p.nextDelay(1, Optional.empty(), random)).contains(Duration.ofSeconds(1));
    assertThat(p.nextDelay(2, Optional.empty(), random)).contains(Duration.ofSeconds(2));
    assertThat(p.nextDelay(3, Optional.empty(), random)).contains(Duration.ofSeconds(4));
    assertThat(p.nextDelay(4, Optional.empty(), random)).contains(Duration.ofSeconds(5));
  }

  @Test
  void jitterSpreadsWithinBounds() {
    RetryPolicy p = RetryPolicy.builder().jitter(0.2).initialBackoff(Duration.ofSeconds(10)).build();
    boolean sawDifferent = false;
    for (int i = 0; i < 200; i++) {
      Duration d = p.nextDelay(1, Optional.empty(), random).orElseThrow();
      assertThat(d).isBetween(Duration.ofSeconds(8), Duration.ofSeconds(12));
      sawDifferent |= !d.equals(Duration.ofSeconds(10));
    }
    assertThat(sawDifferent).isTrue();
  }

  @Test
  void honoursRetryAfterButGivesUpWhenItIsTooLong() {
    RetryPolicy p = RetryPolicy.builder().maxRetryAfter(Duration.ofMinutes(2)).build();
    assertThat(p.nextDelay(1, Optional.of(Duration.ofSeconds(90)), random))
        .contains(Duration.ofSeconds(90));
    assertThat(p.nextDelay(1, Optional.of(Duration.ofMinutes(3)), random)).isEmpty();
  }

  @Test
  void stopsAfterMaxAttempts() {
    RetryPolicy p = RetryPolicy.builder().maxAttempts(3).build();
    assertThat(p.nextDelay(2, Optional.empty(), random)).isPresent();
    assertThat(p.nextDelay(3, Optional.empty(), random)).isEmpty();
    assertThat(RetryPolicy.none().nextDelay(1, Optional.of(Duration.ZERO), random)).isEmpty();
  }

  @Test
  void validatesItsSettings() {
    assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(0))
        .hasMessage("maxAttempts: must be between 1 and 100, got 0");
    assertThatThrownBy(() -> RetryPolicy.builder().initialBackoff(Duration.ofMinutes(10))
            .maxBackoff(Duration.ofMinutes(1)).build())
        .hasMessageStartingWith("maxBackoff: must not be shorter than initialBackoff");
    assertThatThrownBy(() -> RetryPolicy.builder().jitter(1.5)).hasMessageStartingWith("jitter:");
  }
}
