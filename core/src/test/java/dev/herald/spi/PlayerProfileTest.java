package dev.herald.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** A profile's attributes behave as an unmodifiable map in name order, however they are held. */
class PlayerProfileTest {
  private final PlayerProfile profile = PlayerProfile.builder("p1")
      .timeZone(ZoneId.of("Europe/Berlin"))
      .attribute("vip_level", 3)
      .attribute("country", "DE")
      .attribute("balance", new BigDecimal("12.50"))
      .attribute("last_login_at", Instant.parse("2026-11-20T17:30:00Z"))
      .attribute("tags", List.of("slots", "live"))
      .attribute("tags", List.of("live", "slots", "live")) // replaced, not added
      .attribute("removed", true)
      .attribute("removed", null)
      .build();

  @Test
  void attributesAreAMapInNameOrder() {
    Map<String, Object> attributes = profile.attributes();
    assertThat(attributes.keySet())
        .containsExactly("balance", "country", "last_login_at", "tags", "vip_level");
    assertThat(attributes).hasSize(5).containsEntry("vip_level", 3L)
        .containsEntry("tags", Set.of("live", "slots")).doesNotContainKey("removed");
    assertThat(attributes.get("nope")).isNull();
    assertThat(attributes.get(42)).isNull();
    assertThat(attributes.containsKey("country")).isTrue();
    assertThat(profile.string("country")).contains("DE");
    assertThat(profile.number("balance")).contains(new BigDecimal("12.50"));
    TreeMap<String, Object> same = new TreeMap<>(attributes);
    assertThat(attributes).isEqualTo(same);
    assertThat(same).isEqualTo(attributes);
    assertThat(attributes.hashCode()).isEqualTo(same.hashCode());
    assertThat(profile.toBuilder().build()).isEqualTo(profile);
  }

  @Test
  void attributesCannotBeChanged() {
    Map<String, Object> attributes = profile.attributes();
    assertThatThrownBy(() -> attributes.put("x", 1L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> attributes.remove("country"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> attributes.entrySet().iterator().next().setValue("AT"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(attributes::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThat(profile.string("country")).contains("DE");
  }

  @Test
  void profilesShareZonesAndRepeatedValues() {
    PlayerProfile other = PlayerProfile.builder("p2").timeZone(ZoneId.of("Europe/Berlin"))
        .attribute("country", new String("DE")).build();
    assertThat(other.timeZone().orElseThrow()).isSameAs(profile.timeZone().orElseThrow());
    assertThat(other.attributes().get("country")).isSameAs(profile.attributes().get("country"));
    assertThat(PlayerProfile.builder("p3").build().attributes()).isEmpty();
  }

  @Test
  void attributeNamesAreLettersDigitsAndUnderscoreDotDashStartingWithALetter() {
    String longest = "a" + "b".repeat(63);
    PlayerProfile ok = PlayerProfile.builder("p4").attribute("a", 1).attribute("Vip_Level.2-x", 2)
        .attribute(longest, 3).attribute("  padded ", 4).build();
    assertThat(ok.attributes()).containsOnlyKeys("a", "Vip_Level.2-x", longest, "padded");
    for (String bad : List.of("1a", "_a", ".a", "-a", "a b", "a/b", "caf\u00e9", "a" + longest,
        "\u00e9t\u00e9")) {
      assertThatThrownBy(() -> PlayerProfile.builder("p4").attribute(bad, 1))
          .as(bad)
          .isInstanceOf(dev.herald.InvalidInputException.class)
          .hasMessageContaining("attribute")
          .hasMessageContaining("must be letters, digits, _ . - starting with a letter, at most 64");
    }
  }
}
