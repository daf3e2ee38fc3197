package dev.herald.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import org.junit.jupiter.api.Test;

class ChecksTest {
  @Test
  void httpUrlQuotesAShortSchemeButNeverALongOne() {
    assertThatThrownBy(() -> Checks.httpUrl("ftp://example.com/", "url", false))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("url: must be an https URL, got scheme ftp");
    // Found by the fuzz tests: a pasted secret before a colon was quoted whole as the "scheme".
    String secret = "BTBZMqHH6r4Tts7JaSIggBTBZMqHH6r4Tts7JaSIgg";
    assertThatThrownBy(() -> Checks.httpUrl(secret + ":rest", "url", true))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("url: must be an http or https URL, got scheme of 42 characters")
        .hasMessageNotContaining(secret.toLowerCase(java.util.Locale.ROOT));
  }
}
