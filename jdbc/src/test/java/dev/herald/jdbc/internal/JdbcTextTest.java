package dev.herald.jdbc.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text of an instant sent in array parameters: ISO 8601, truncated to microseconds. */
class JdbcTextTest {
  @Test
  void readsBackAsTheInstantTruncatedToMicroseconds() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong() % 400_000_000_000L,
          random.nextInt(1_000_000_000));
      assertThat(Instant.parse(Jdbc.text(instant))).as("%s", instant)
          .isEqualTo(Jdbc.micros(instant));
    }
  }

  @Test
  void writesSixFractionDigitsInUtc() {
    assertThat(Jdbc.text(Instant.parse("2026-11-22T12:00:00.123456789Z")))
        .isEqualTo("2026-11-22T12:00:00.123456Z");
    assertThat(Jdbc.text(Instant.parse("1969-12-31T23:59:59Z")))
        .isEqualTo("1969-12-31T23:59:59.000000Z");
  }
}
