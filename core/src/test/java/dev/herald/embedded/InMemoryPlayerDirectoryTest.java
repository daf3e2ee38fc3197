package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.PlayerProfile;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What the packed rows must keep beyond the contract: every value type reads back equal, the
 * order of {@link InMemoryPlayerDirectory#all()} is {@link String#compareTo} also where UTF-8
 * byte order differs from it, and removed rows are reused without disturbing the others.
 */
class InMemoryPlayerDirectoryTest {

  @Test
  void everyValueTypeReadsBackEqual() {
    PlayerProfile profile = PlayerProfile.builder("p-1")
        .locale(Locale.forLanguageTag("pt-BR"))
        .timeZone(ZoneId.of("America/Sao_Paulo"))
        .attribute("name", "Ada")
        .attribute("long_text", "x".repeat(300))
        .attribute("vip", true)
        .attribute("blocked", false)
        .attribute("level", -7L)
        .attribute("ratio", 0.1)
        .attribute("tiny", -Double.MIN_VALUE)
        .attribute("balance", new BigDecimal("-12.34"))
        .attribute("huge", new BigDecimal("123456789012345678901234567890.5"))
        .attribute("at", Instant.parse("1500-01-01T00:00:00.123456789Z"))
        .attribute("tags", Set.of("slots", "live"))
        .build();
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory().put(profile);
    assertThat(directory.find("p-1")).contains(profile);
    assertThat(directory.find("p-1").orElseThrow().attributes()).isEqualTo(profile.attributes());
    assertThat(directory.find("p-2")).isEmpty();
  }

  @Test
  void streamsInJavaStringOrderAcrossSupplementaryCharacters() {
    // U+FF21 sorts after U+1F600 in UTF-8 (and code point) order but before it in UTF-16 order
    List<String> ids = List.of("\uFF21", "\uD83D\uDE00", "a", "\u00e9", "\uE000x", "Z", "a\uD83D\uDE00",
        "a\uFFFF");
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    ids.forEach(id -> directory.put(PlayerProfile.builder(id).build()));
    try (Stream<PlayerProfile> all = directory.all()) {
      assertThat(all.map(PlayerProfile::playerId))
          .containsExactlyElementsOf(ids.stream().sorted().toList());
    }
  }

  @Test
  void removedRowsAreReusedAndTheRestStayFindable() {
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      ids.add("player-" + i);
      directory.put(PlayerProfile.builder("player-" + i).attribute("n", (long) i).build());
    }
    for (int i = 0; i < 2_000; i += 3) {
      assertThat(directory.remove("player-" + i)).isTrue();
    }
    for (int i = 0; i < 300; i++) {
      directory.put(PlayerProfile.builder("new-" + i).attribute("n", (long) -i).build());
    }
    assertThat(directory.size()).isEqualTo(2_000 - 667 + 300);
    for (int i = 0; i < 2_000; i++) {
      assertThat(directory.find("player-" + i)).as("player-" + i)
          .map(p -> p.number("n").orElseThrow().longValue())
          .isEqualTo(i % 3 == 0 ? java.util.Optional.empty() : java.util.Optional.of((long) i));
    }
    try (Stream<PlayerProfile> all = directory.all()) {
      List<String> streamed = all.map(PlayerProfile::playerId).toList();
      assertThat(streamed).hasSize(directory.size()).isSorted();
    }
  }
}
