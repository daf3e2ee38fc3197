package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property: on random players and random rules, bulk evaluation over the columnar index gives
 * exactly the players that one-by-one evaluation gives, which are exactly those the plain
 * reference evaluator finds TRUE.
 */
class BulkEquivalenceTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final Instant NOW = RandomRules.NOW;

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610, 987, 1597, 2584,
      4181, 6765, 10946, 17711, 28657, 46368, 75025, 121393})
  void bulkEqualsOneByOneEqualsReference(long seed) {
    RandomRules random = new RandomRules(seed);
    int size = (int) (seed % 7 == 0 ? 64 : 1 + (seed * 31) % 700); // block edges and odd sizes
    List<String> ids = new ArrayList<>();
    List<Map<String, Object>> players = new ArrayList<>();
    PlayerIndex.Builder builder = PlayerIndex.builder(CATALOGUE);
    for (int i = 0; i < size; i++) {
      String id = String.format("p%06d", i);
      Map<String, Object> values = random.player();
      if (seed % 2 == 1 && i % 5 != 0) {
        // hundreds of distinct numbers: the index keeps this column as doubles rather than as a
        // byte per player numbering at most 256 values, so both kinds are compared
        values.put(RandomRules.NUMBERS[0], (i * 37 % 1000) / 4.0 - 100);
      }
      ids.add(id);
      players.add(values);
      builder.add(id, PlayerAttributes.of(values));
    }
    PlayerIndex index = builder.build(NOW);
    ReferenceEvaluator reference = new ReferenceEvaluator(CATALOGUE);

    for (int r = 0; r < 40; r++) {
      Condition rule = random.condition(4);
      CompiledSegment segment = CompiledSegment.compile(rule, CATALOGUE);
      List<String> expected = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        PlayerAttributes p = PlayerAttributes.of(players.get(i));
        Truth truth = reference.truth(rule, players.get(i), NOW);
        assertThat(segment.evaluate(p, NOW)).as("%s on %s", rule, players.get(i)).isEqualTo(truth);
        assertThat(segment.matches(p, NOW)).as("%s on %s", rule, players.get(i))
            .isEqualTo(truth == Truth.TRUE);
        if (truth == Truth.TRUE) {
          expected.add(ids.get(i));
        }
      }
      assertThat(segment.count(index, NOW)).as(rule.toText()).isEqualTo(expected.size());
      assertThat(segment.members(index, NOW).collect(Collectors.toList()))
          .as(rule.toText()).isEqualTo(expected);
    }
  }
}
