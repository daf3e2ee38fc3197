package dev.herald.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTest {
  private static final String SLOT = "\uD83C\uDFB0"; // 🎰, a surrogate pair
  private static final String FAMILY = "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67"; // 👨‍👩‍👧
  private static final String FLAG = "\uD83C\uDDE9\uD83C\uDDEA"; // 🇩🇪
  private static final String THUMB = "\uD83D\uDC4D\uD83C\uDFFD"; // 👍🏽

  @Test
  void textThatFitsIsUnchanged() {
    assertThat(Text.truncate("x".repeat(254) + SLOT, 256)).isEqualTo("x".repeat(254) + SLOT);
  }

  @Test
  void aSurrogatePairIsNeverSplitBeforeTheEllipsis() {
    String cut = Text.truncate("x".repeat(254) + SLOT + "more", 256);
    assertThat(cut).isEqualTo("x".repeat(254) + "…");
    assertThat(Text.truncate(SLOT.repeat(200), 256)).isEqualTo(SLOT.repeat(127) + "…");
  }

  @Test
  void emojiSequencesFlagsAndAccentsStayWhole() {
    assertThat(Text.truncate("x".repeat(250) + FAMILY + "yyyy", 256))
        .isEqualTo("x".repeat(250) + "…");
    assertThat(Text.truncate("x".repeat(252) + FLAG + "yy", 256))
        .isEqualTo("x".repeat(252) + "…");
    assertThat(Text.truncate("x".repeat(252) + THUMB + "yy", 256))
        .isEqualTo("x".repeat(252) + "…");
    assertThat(Text.truncate("x".repeat(254) + "e\u0301yy", 256))
        .isEqualTo("x".repeat(254) + "…");
    assertThat(Text.truncate("x".repeat(253) + "e\u0301yy", 256))
        .isEqualTo("x".repeat(253) + "e\u0301" + "…");
  }

  @Test
  void theResultIsNeverLongerThanTheLimitAndAlwaysWellFormed() {
    String mixed = "Win " + SLOT + FAMILY + " é" + FLAG + THUMB + " ";
    for (int max = 1; max < 80; max++) {
      String cut = Text.truncate(mixed.repeat(3), max);
      assertThat(cut.length()).isLessThanOrEqualTo(max);
      assertThat(cut.codePoints().noneMatch(c -> Character.isSurrogate((char) c)))
          .as("no lone surrogate in %s", cut).isTrue();
    }
  }
}
