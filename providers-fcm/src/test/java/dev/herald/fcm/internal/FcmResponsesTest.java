package dev.herald.fcm.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.SendResult;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FcmResponsesTest {
  static Stream<Arguments> answersWithAName() {
    return Stream.of(
        Arguments.of("{\"name\":\"projects/p/messages/0:1\"}", "projects/p/messages/0:1"),
        Arguments.of(" { \"name\" : \"projects/p/messages/0:1\" } \n", "projects/p/messages/0:1"),
        Arguments.of("{\"name\":\"projects/p/messages/a\\\"b\"}", "projects/p/messages/a\"b"),
        Arguments.of("{\"other\":1,\"name\":\"projects/p/messages/2\"}", "projects/p/messages/2"),
        Arguments.of("{\"name\":\"projects/p/messages/3\",\"other\":{}}", "projects/p/messages/3"),
        Arguments.of("{\"name\":\"\"}", ""),
        Arguments.of("{\"name\":\"x\"} trailing", "x"));
  }

  /** The name comes out of FCM's exact answer, of one with other spacing, and of any other JSON. */
  @ParameterizedTest
  @MethodSource("answersWithAName")
  void acceptedReadsTheMessageName(String body, String name) {
    SendResult result = FcmResponses.accepted(200, body);
    assertThat(result).isEqualTo(new SendResult.Accepted(Optional.of(name), 200));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "{}", "not json", "{\"name\":\"unterminated}", "{\"name\":1}"})
  void acceptedWithoutAReadableNameHasNone(String body) {
    assertThat(FcmResponses.accepted(200, body))
        .isEqualTo(new SendResult.Accepted(Optional.empty(), 200));
  }
}
