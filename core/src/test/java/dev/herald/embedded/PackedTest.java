package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The row keys the in-memory stores look players up by. */
class PackedTest {

  @Test
  void aStringAloneIsEncodedAsTheWriterWritesIt() {
    for (String s : List.of("", "p", "x".repeat(127), "x".repeat(128), "\u00e9".repeat(100),
        "y".repeat(16_383), "y".repeat(16_384), "z".repeat(70_000), "\uD83C\uDFB0 slots")) {
      byte[] written = new Packed.Writer(4).string(s).toArray();
      assertThat(Packed.string(s)).as("%d chars", s.length()).isEqualTo(written);
      assertThat(new Packed.Reader(Packed.string(s), 0).string()).isEqualTo(s);
    }
  }
}
