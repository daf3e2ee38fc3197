package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Missing values never match a comparison, and NOT does not turn "unknown" into "yes". */
class ThreeValuedLogicTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final RuleParser PARSER = RuleParser.of(CATALOGUE);
  private static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");

  private static Truth eval(String rule, Map<String, ?> player) {
    return CompiledSegment.compile(PARSER.parse(rule), CATALOGUE)
        .evaluate(PlayerAttributes.of(player), NOW);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      // a player without vip_level, country, tags, last_deposit_at
      "vip_level >= 3                          | UNKNOWN",
      "not vip_level >= 3                      | UNKNOWN",
      "vip_level != 3                          | UNKNOWN",
      "vip_level not in (1, 2)                 | UNKNOWN",
      "vip_level between 0 and 10              | UNKNOWN",
      "country starts with \"\"                | UNKNOWN",
      "tags contains \"vip\"                   | UNKNOWN",
      "last_deposit_at before now              | UNKNOWN",
      "last_deposit_at within 30d              | UNKNOWN",
      "vip_level exists                        | FALSE",
      "vip_level is missing                    | TRUE",
      "not vip_level exists                    | TRUE",
      "vip_level is missing or vip_level < 3   | TRUE",
      "vip_level >= 3 and push.enabled         | UNKNOWN",
      "vip_level >= 3 and not push.enabled     | FALSE",
      "vip_level >= 3 or push.enabled          | TRUE",
      "vip_level >= 3 or not push.enabled      | UNKNOWN",
      "not (vip_level >= 3 or not push.enabled)| UNKNOWN",
      "not (vip_level >= 3 and not push.enabled)| TRUE",
  })
  void missingValuesAreUnknown(String rule, Truth expected) {
    Map<String, Object> player = Map.of("push.enabled", true);
    assertThat(eval(rule, player)).isEqualTo(expected);
    CompiledSegment segment = CompiledSegment.compile(PARSER.parse(rule), CATALOGUE);
    assertThat(segment.matches(PlayerAttributes.of(player), NOW))
        .isEqualTo(expected == Truth.TRUE);
    PlayerIndex index = PlayerIndex.builder(CATALOGUE).add("p1", PlayerAttributes.of(player))
        .build(NOW);
    assertThat(segment.count(index, NOW)).isEqualTo(expected == Truth.TRUE ? 1 : 0);
  }

  @Test
  void valuesOfTheWrongTypeCountAsMissing() {
    Map<String, Object> player = new HashMap<>();
    player.put("vip_level", "5"); // a string where a number is declared
    player.put("last_login_at", "2026-03-01T00:00:00Z"); // a string, not an Instant
    player.put("push.enabled", 1L);
    player.put("balance", Double.NaN);
    assertThat(eval("vip_level >= 1", player)).isEqualTo(Truth.UNKNOWN);
    assertThat(eval("vip_level is missing", player)).isEqualTo(Truth.TRUE);
    assertThat(eval("last_login_at within 30d", player)).isEqualTo(Truth.UNKNOWN);
    assertThat(eval("push.enabled", player)).isEqualTo(Truth.UNKNOWN);
    assertThat(eval("balance exists", player)).isEqualTo(Truth.FALSE);
    PlayerIndex index = PlayerIndex.builder(CATALOGUE).add("p1", PlayerAttributes.of(player))
        .build(NOW);
    assertThat(index.ignoredValues()).containsOnly(
        Map.entry("vip_level", 1L), Map.entry("last_login_at", 1L),
        Map.entry("push.enabled", 1L), Map.entry("balance", 1L));
  }

  @Test
  void everyNumberTypeComparesAsADouble() {
    for (Object three : List.of(3, 3L, (short) 3, 3.0, 3.0f, new BigDecimal("3.000"),
        new java.math.BigInteger("3"))) {
      assertThat(eval("vip_level = 3 and vip_level in (3) and vip_level between 3 and 3",
          Map.of("vip_level", three))).as(three.getClass().getSimpleName()).isEqualTo(Truth.TRUE);
    }
    assertThat(eval("balance = 0", Map.of("balance", -0.0))).isEqualTo(Truth.TRUE);
    assertThat(eval("balance in (0)", Map.of("balance", -0.0))).isEqualTo(Truth.TRUE);
    assertThat(eval("balance = 0.3", Map.of("balance", 0.1 + 0.2))).isEqualTo(Truth.FALSE);
  }

  @Test
  void emptySetsArePresentAndListsCountAsSets() {
    assertThat(eval("tags exists", Map.of("tags", Set.of()))).isEqualTo(Truth.TRUE);
    assertThat(eval("tags contains \"vip\"", Map.of("tags", Set.of()))).isEqualTo(Truth.FALSE);
    assertThat(eval("not tags contains \"vip\"", Map.of("tags", Set.of()))).isEqualTo(Truth.TRUE);
    assertThat(eval("tags contains \"vip\"", Map.of("tags", List.of("a", "vip"))))
        .isEqualTo(Truth.TRUE);
  }

  @Test
  void stringsAreCaseSensitive() {
    assertThat(eval("country = \"de\"", Map.of("country", "DE"))).isEqualTo(Truth.FALSE);
    assertThat(eval("country starts with \"D\"", Map.of("country", "DE"))).isEqualTo(Truth.TRUE);
  }

  @Test
  void bulkAgreesOnAMixOfMissingAndPresentValues() {
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    b.add("a", PlayerAttributes.of(Map.of("vip_level", 5)));
    b.add("b", PlayerAttributes.of(Map.of("vip_level", 1)));
    b.add("c", PlayerAttributes.of(Map.of()));
    b.add("d", PlayerAttributes.of(Map.of("vip_level", 3, "country", "DE")));
    PlayerIndex index = b.build(NOW);
    assertThat(members("vip_level >= 3", index)).containsExactly("a", "d");
    assertThat(members("not vip_level >= 3", index)).containsExactly("b");
    assertThat(members("vip_level != 3", index)).containsExactly("a", "b");
    assertThat(members("vip_level is missing or vip_level < 3", index)).containsExactly("b", "c");
    // b: UNKNOWN or FALSE = UNKNOWN, so NOT is UNKNOWN too
    assertThat(members("not (country = \"DE\" or vip_level > 4)", index)).isEmpty();
    // b: UNKNOWN and FALSE = FALSE; d: TRUE and FALSE = FALSE; so NOT is TRUE for both
    assertThat(members("not (country = \"DE\" and vip_level > 4)", index))
        .containsExactly("b", "d");
    assertThat(members("not country = \"DE\"", index)).isEmpty();
    assertThat(members("country is missing", index)).containsExactly("a", "b", "c");
  }

  private static List<String> members(String rule, PlayerIndex index) {
    return CompiledSegment.compile(PARSER.parse(rule), CATALOGUE).members(index, NOW)
        .collect(Collectors.toList());
  }

  @Test
  void truthTablesAreKleenes() {
    Truth[] all = Truth.values();
    for (Truth a : all) {
      assertThat(a.not().not()).isEqualTo(a);
      for (Truth b : all) {
        assertThat(a.and(b)).isEqualTo(b.and(a));
        assertThat(a.or(b)).isEqualTo(b.or(a));
        assertThat(a.and(b).not()).isEqualTo(a.not().or(b.not())); // De Morgan holds
      }
    }
    assertThat(Truth.UNKNOWN.and(Truth.FALSE)).isEqualTo(Truth.FALSE);
    assertThat(Truth.UNKNOWN.and(Truth.TRUE)).isEqualTo(Truth.UNKNOWN);
    assertThat(Truth.UNKNOWN.or(Truth.TRUE)).isEqualTo(Truth.TRUE);
    assertThat(Truth.UNKNOWN.or(Truth.FALSE)).isEqualTo(Truth.UNKNOWN);
    assertThat(Truth.UNKNOWN.not()).isEqualTo(Truth.UNKNOWN);
  }
}
