package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.TOPIC;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.subscription.ApnsAddress;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ApnsNotificationTest {
  private static final ApnsPayload PAYLOAD = ApnsPayload.builder().alertBody("x").build();

  @ParameterizedTest
  @EnumSource(value = ApnsPushType.class,
      names = {"VOIP", "COMPLICATION", "FILEPROVIDER", "LIVEACTIVITY", "LOCATION", "PUSHTOTALK"})
  void pushTypesThatNeedATopicSuffixSayWhichOne(ApnsPushType type) {
    ApnsNotification.Builder b = ApnsNotification.builder(ApnsAddress.production(randomToken(), TOPIC))
        .pushType(type).payload(PAYLOAD);
    String suffix = type.topicSuffix().orElseThrow();

    assertThatThrownBy(b::build)
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("apns.topic")
        .hasMessageContaining(TOPIC + suffix);
    assertThat(b.address(ApnsAddress.production(randomToken(), TOPIC + suffix)).build().pushType())
        .isEqualTo(type);
  }

  @Test
  void backgroundPushesAlwaysGoAtPriorityFive() {
    ApnsNotification n = ApnsNotification.builder(ApnsAddress.production(randomToken(), TOPIC))
        .pushType(ApnsPushType.BACKGROUND).priority(ApnsPriority.IMMEDIATE).payload(PAYLOAD)
        .build();
    assertThat(n.priority()).isEqualTo(ApnsPriority.CONSERVE_POWER);
  }

  @Test
  void checksEachHeader() {
    ApnsNotification.Builder b = ApnsNotification.builder();
    assertThatThrownBy(() -> b.collapseId("é".repeat(33)))
        .hasMessageContaining("apns.collapseId").hasMessageContaining("64 bytes");
    assertThatThrownBy(() -> b.expiration(Instant.EPOCH.minusSeconds(1)))
        .hasMessageContaining("apns.expiration");
    assertThatThrownBy(b::build).hasMessageContaining("apns.address");
    assertThatThrownBy(() -> ApnsPriority.of(7)).hasMessageContaining("10, 5 or 1, got 7");
    assertThatThrownBy(() -> ApnsPushType.fromHeaderValue("widgets"))
        .hasMessageContaining("apns.pushType");
    assertThat(ApnsPushType.fromHeaderValue(" VoIP ")).isEqualTo(ApnsPushType.VOIP);
  }

  @Test
  void deliverOnceIsExpirationZero() {
    ApnsNotification n = ApnsNotification.builder(ApnsAddress.production(randomToken(), TOPIC))
        .payload(PAYLOAD).deliverOnce().build();
    assertThat(n.expiration()).contains(Instant.EPOCH);
  }
}
