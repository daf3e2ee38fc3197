package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link PlayerDirectory} must keep: typed attributes survive, single lookups
 * find the right player, and {@link PlayerDirectory#all()} streams everyone in ascending id order.
 * Extend it and return a directory holding exactly the given profiles from {@link #directoryWith}.
 */
public abstract class PlayerDirectoryContract {

  /**
   * Creates the directory under test, holding exactly these profiles.
   *
   * @param profiles the players to hold
   * @return the directory
   */
  protected abstract PlayerDirectory directoryWith(List<PlayerProfile> profiles);

  private static PlayerProfile rich(String id) {
    return PlayerProfile.builder(id)
        .locale(Locale.GERMANY)
        .timeZone(ZoneId.of("Europe/Berlin"))
        .attribute("vip_level", 3L)
        .attribute("balance", new BigDecimal("125.50"))
        .attribute("win_rate", 0.25)
        .attribute("country", "DE")
        .attribute("self_excluded", false)
        .attribute("last_deposit_at", Instant.parse("2026-11-01T18:00:00Z"))
        .attribute("tags", Set.of("slots", "live"))
        .build();
  }

  @Test
  void findsAPlayerWithEveryAttributeType() {
    PlayerProfile alice = rich("alice");
    PlayerDirectory directory = directoryWith(List.of(alice, rich("bob")));
    assertThat(directory.find("alice")).contains(alice);
    PlayerProfile found = directory.find("alice").orElseThrow();
    assertThat(found.locale()).contains(Locale.GERMANY);
    assertThat(found.timeZone()).contains(ZoneId.of("Europe/Berlin"));
    assertThat(found.number("vip_level")).contains(3L);
    assertThat(found.number("balance")).contains(new BigDecimal("125.50"));
    assertThat(found.bool("self_excluded")).contains(false);
    assertThat(found.instant("last_deposit_at")).contains(Instant.parse("2026-11-01T18:00:00Z"));
    assertThat(found.strings("tags")).contains(Set.of("live", "slots"));
  }

  @Test
  void unknownPlayerIsEmpty() {
    assertThat(directoryWith(List.of(rich("alice"))).find("nobody")).isEmpty();
  }

  @Test
  void streamsEveryPlayerInAscendingIdOrder() {
    PlayerDirectory directory = directoryWith(List.of(
        PlayerProfile.builder("p-10").build(),
        PlayerProfile.builder("p-02").build(),
        PlayerProfile.builder("p-1").build()));
    try (Stream<PlayerProfile> all = directory.all()) {
      assertThat(all.map(PlayerProfile::playerId)).containsExactly("p-02", "p-1", "p-10");
    }
  }

  /**
   * Ids whose order differs between a language collation (PostgreSQL's {@code en_US.UTF-8},
   * MySQL's default, ICU) and {@link String#compareTo}: case, punctuation and accented letters.
   * An SQL directory must {@code ORDER BY player_id COLLATE "C"} (byte order, which equals
   * {@code String.compareTo} for ids within the Basic Multilingual Plane); under the database's
   * default collation the segment index build finds its input out of order.
   */
  @Test
  void ordersIdsByJavaStringOrderNotByALanguageCollation() {
    List<String> ids = List.of("b", "B", "a-2", "a1", "A1", "a_1", "\u00e9", "f", "Z", "10", "9",
        "\u00c9a", "ea");
    PlayerDirectory directory = directoryWith(
        ids.stream().map(id -> PlayerProfile.builder(id).build()).toList());
    List<String> expected = ids.stream().sorted().toList(); // String.compareTo
    try (Stream<PlayerProfile> all = directory.all()) {
      assertThat(all.map(PlayerProfile::playerId)).containsExactlyElementsOf(expected);
    }
  }

  /**
   * {@link PlayerDirectory#allAfter} is {@link PlayerDirectory#all()} from just after an id, in
   * the same order, whether the id is a player's or falls between two: a resumed run or a chunk
   * of a shared run reads its audience from there.
   */
  @Test
  void streamsThePlayersAfterAnIdInAscendingIdOrder() {
    List<String> ids = List.of("b", "B", "a-2", "a1", "A1", "a_1", "\u00e9", "f", "Z", "10", "9");
    PlayerDirectory directory = directoryWith(
        ids.stream().map(id -> PlayerProfile.builder(id).build()).toList());
    List<String> sorted = ids.stream().sorted().toList();
    for (String after : List.of("a-2", "a0", "0", "\u00e9", "zz")) {
      try (Stream<PlayerProfile> rest = directory.allAfter(after)) {
        assertThat(rest.map(PlayerProfile::playerId)).as("after %s", after)
            .containsExactlyElementsOf(sorted.stream().filter(id -> id.compareTo(after) > 0)
                .toList());
      }
    }
    try (Stream<PlayerProfile> all = directory.allAfter(null)) {
      assertThat(all.map(PlayerProfile::playerId)).containsExactlyElementsOf(sorted);
    }
  }

  /**
   * {@link PlayerDirectory#idsAfter} gives the ids of {@link PlayerDirectory#allAfter}, in its
   * order: a campaign sent to every player reads them.
   */
  @Test
  void streamsTheIdsAfterAnIdInAscendingIdOrder() {
    List<String> ids = List.of("b", "B", "a-2", "a1", "A1", "a_1", "\u00e9", "f", "Z", "10", "9");
    PlayerDirectory directory = directoryWith(
        ids.stream().map(id -> PlayerProfile.builder(id).build()).toList());
    List<String> sorted = ids.stream().sorted().toList();
    for (String after : List.of("a-2", "a0", "0", "\u00e9", "zz")) {
      try (Stream<String> rest = directory.idsAfter(after)) {
        assertThat(rest).as("after %s", after).containsExactlyElementsOf(
            sorted.stream().filter(id -> id.compareTo(after) > 0).toList());
      }
    }
    try (Stream<String> all = directory.idsAfter(null)) {
      assertThat(all).containsExactlyElementsOf(sorted);
    }
  }

  @Test
  void emptyDirectoryStreamsNothing() {
    try (Stream<PlayerProfile> all = directoryWith(List.of()).all()) {
      assertThat(all).isEmpty();
    }
  }
}
