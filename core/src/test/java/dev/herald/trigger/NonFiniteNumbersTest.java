package dev.herald.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.InvalidInputException;
import dev.herald.spi.PlayerProfile;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 16, item 6: infinities and exploding decimals where attributes enter. */
class NonFiniteNumbersTest {
  private static final Instant T = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void anEventRefusesAnInfiniteAmountNamingTheAttribute() {
    assertThatThrownBy(() -> PlayerEvent.builder("e1", "p1", PlayerEventType.DEPOSIT, T)
        .attribute("amount", Double.POSITIVE_INFINITY))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("amount").hasMessageContaining("finite");
    assertThatThrownBy(() -> new PlayerEvent("e1", "p1", PlayerEventType.DEPOSIT, T,
        Map.of("amount", Float.NaN)))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("amount");
  }

  @Test
  void jsonOneE400ReadAsADoubleIsRefused() throws Exception {
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes = new ObjectMapper().readValue("{\"amount\": 1e400}", Map.class);
    assertThat(attributes.get("amount")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThatThrownBy(() -> new PlayerEvent("e1", "p1", PlayerEventType.DEPOSIT, T, attributes))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("amount");
  }

  @Test
  void decimalsWithAHugeExponentAreRefusedForEventsAndProfiles() {
    assertThatThrownBy(() -> PlayerEvent.builder("e1", "p1", PlayerEventType.DEPOSIT, T)
        .attribute("amount", new BigDecimal("1e999999999")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("exponent")
        .hasMessageContaining("1000");
    assertThatThrownBy(() -> PlayerProfile.builder("p1")
        .attribute("big", new BigDecimal("1e-99999999")))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("big");
    assertThat(PlayerEvent.builder("e1", "p1", PlayerEventType.DEPOSIT, T)
        .attribute("amount", new BigDecimal("1e300")).build().attribute("amount"))
        .contains(new BigDecimal("1e300"));
  }

  @Test
  void conditionsNeverThrowOnNonFiniteValuesHandedToThemDirectly() {
    EventCondition atLeast100 = EventCondition.ge("amount", 100);
    assertThat(atLeast100.test(Map.of("amount", Double.POSITIVE_INFINITY))).isTrue();
    assertThat(atLeast100.test(Map.of("amount", Double.NEGATIVE_INFINITY))).isFalse();
    assertThat(atLeast100.test(Map.of("amount", Double.NaN))).isFalse();
    assertThat(EventCondition.eq("amount", 100).test(Map.of("amount", Double.NaN))).isFalse();
    assertThat(EventCondition.lt("amount", new BigDecimal("1e300"))
        .test(Map.of("amount", Double.POSITIVE_INFINITY))).isFalse();
    assertThat(EventCondition.eq("amount", 100).test(Map.of("amount", 100.0))).isTrue();
  }
}
