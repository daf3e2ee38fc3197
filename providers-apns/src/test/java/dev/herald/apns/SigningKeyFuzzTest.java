package dev.herald.apns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.InvalidInputException;
import dev.herald.testing.InputFuzzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the .p8 reader and the ids beside it: only {@link InvalidInputException} may come out,
 * never quoting the key, each case within the fuzzer's bound.
 */
class SigningKeyFuzzTest {
  @Test
  void onlyEverFailsWithInvalidInputAndNeverEchoesTheKey() {
    String pem = ApnsFixtures.KEY.pkcs8Pem();
    String body = pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    List<String> keyChunks = List.of(body.substring(8, 40), body.substring(body.length() - 40,
        body.length() - 8));
    InputFuzzer.fromSystemProperties(600).run(List.of(pem), input -> {
      for (String[] ids : new String[][] {{ApnsFixtures.TEAM_ID, ApnsFixtures.KEY_ID},
          {input, ApnsFixtures.KEY_ID}, {ApnsFixtures.TEAM_ID, input}}) {
        String key = ids[0].equals(input) || ids[1].equals(input) ? pem : input;
        try {
          ApnsSigningKey signingKey = ApnsSigningKey.fromPem(key, ids[0], ids[1]);
          assertThat(signingKey.toString()).doesNotContain(keyChunks);
        } catch (InvalidInputException e) {
          assertThat(e.getMessage()).doesNotContain(keyChunks).hasSizeLessThan(1000);
        }
      }
    });
  }
}
