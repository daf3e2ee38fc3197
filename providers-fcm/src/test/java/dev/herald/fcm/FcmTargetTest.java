package dev.herald.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import org.junit.jupiter.api.Test;

class FcmTargetTest {
  @Test
  void aTopicLosesItsPrefix() {
    assertThat(FcmTarget.topic("/topics/jackpot-alerts").value()).isEqualTo("jackpot-alerts");
    assertThat(FcmTarget.topic("vip.players~eu%20").field()).isEqualTo("topic");
  }

  @Test
  void aTopicWithOtherCharactersIsRefused() {
    assertThatThrownBy(() -> FcmTarget.topic("slots and poker"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("fcm.topic: must match");
  }

  @Test
  void aConditionTestsOneToFiveTopics() {
    assertThat(FcmTarget.condition("'a' in topics || 'b' in topics").field())
        .isEqualTo("condition");
    assertThatThrownBy(() -> FcmTarget.condition("true"))
        .hasMessageContaining("must test at least one topic");
    assertThatThrownBy(() -> FcmTarget.condition(
            "'a' in topics && 'b' in topics && 'c' in topics && 'd' in topics && 'e' in topics"
                + " && 'f' in topics"))
        .hasMessage("fcm.condition: must test at most 5 topics, got 6");
  }

  @Test
  void aTokenFollowsFcmAddressRulesAndIsAbbreviatedInToString() {
    String token = "dXk3ZmRzYTpBUEE5MWJHdGh4eWZvb2Jhcg" + "x".repeat(100);
    assertThat(FcmTarget.token(token).toString()).doesNotContain(token).contains("…");
    assertThatThrownBy(() -> FcmTarget.token("two words"))
        .hasMessage("fcm.token: must not contain whitespace");
  }
}
