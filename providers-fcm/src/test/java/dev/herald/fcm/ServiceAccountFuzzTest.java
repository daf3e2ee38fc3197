package dev.herald.fcm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.InvalidInputException;
import dev.herald.testing.InputFuzzer;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes service-account JSON: only {@link InvalidInputException} may come out, never quoting the
 * key, each case within the fuzzer's bound. {@code mvn -Pfuzz verify} runs a long budget.
 */
class ServiceAccountFuzzTest {
  @Test
  void onlyEverFailsWithInvalidInputAndNeverEchoesTheKey() {
    String json = Fixtures.serviceAccountJson("https://oauth2.googleapis.com/token");
    String key = Base64.getEncoder().encodeToString(Fixtures.keys().getPrivate().getEncoded());
    List<String> keyChunks = List.of(key.substring(40, 72), key.substring(600, 632),
        key.substring(key.length() - 40, key.length() - 8));
    InputFuzzer.fromSystemProperties(600).run(List.of(json), input -> {
      try {
        ServiceAccount account = ServiceAccount.fromJson(input);
        assertThat(account.toString()).doesNotContain(keyChunks);
      } catch (InvalidInputException e) {
        assertThat(e.getMessage()).doesNotContain(keyChunks).hasSizeLessThan(1000);
      }
    });
  }
}
