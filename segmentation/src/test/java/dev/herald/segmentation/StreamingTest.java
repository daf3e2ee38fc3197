package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Spliterator;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class StreamingTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");
  private static final CompiledSegment EVEN_VIPS = CompiledSegment.compile(
      RuleParser.of(CATALOGUE).parse("vip_level in (0, 2, 4)"), CATALOGUE);

  @Test
  void membersStreamInAscendingIdOrder() {
    Random random = new Random(42);
    TreeSet<String> ids = new TreeSet<>();
    while (ids.size() < 5_000) {
      // mixed lengths, digits and non-ASCII, so byte order and String order would differ
      ids.add(Integer.toString(random.nextInt(1_000_000), 36) + (random.nextBoolean() ? "é" : ""));
    }
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    List<String> expected = new ArrayList<>();
    for (String id : ids) {
      int vip = random.nextInt(5);
      b.add(id, PlayerAttributes.of(Map.of("vip_level", vip)));
      if (vip % 2 == 0) {
        expected.add(id);
      }
    }
    PlayerIndex index = b.build(NOW);
    List<String> members = EVEN_VIPS.members(index, NOW).collect(Collectors.toList());
    assertThat(members).isEqualTo(expected).isSorted();
    assertThat(EVEN_VIPS.count(index, NOW)).isEqualTo(expected.size());
  }

  @Test
  void theStreamIsOrderedSortedAndLazy() {
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    for (int i = 0; i < 100_000; i++) {
      b.add(String.format("p%07d", i), PlayerAttributes.of(Map.of("vip_level", i % 5)));
    }
    PlayerIndex index = b.build(NOW);
    try (Stream<String> members = EVEN_VIPS.members(index, NOW)) {
      Spliterator<String> s = members.spliterator();
      assertThat(s.hasCharacteristics(Spliterator.ORDERED | Spliterator.SORTED
          | Spliterator.DISTINCT | Spliterator.NONNULL)).isTrue();
    }
    assertThat(EVEN_VIPS.members(index, NOW).limit(4))
        .containsExactly("p0000000", "p0000002", "p0000004", "p0000005");
    assertThat(EVEN_VIPS.members(index, NOW).skip(59_999).findFirst()).contains("p0099999");
  }

  @Test
  void theIndexRefusesIdsOutOfOrder() {
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    b.add("b", PlayerAttributes.of(Map.of()));
    assertThatThrownBy(() -> b.add("a", PlayerAttributes.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' came after 'b'");
    assertThatThrownBy(() -> b.add("b", PlayerAttributes.of(Map.of())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anEmptyIndexHasNoMembers() {
    PlayerIndex index = PlayerIndex.builder(CATALOGUE).build(NOW);
    assertThat(EVEN_VIPS.count(index, NOW)).isZero();
    assertThat(EVEN_VIPS.members(index, NOW)).isEmpty();
    CompiledSegment missing = CompiledSegment.compile(
        RuleParser.of(CATALOGUE).parse("vip_level is missing"), CATALOGUE);
    assertThat(missing.count(index, NOW)).isZero();
  }

  @Test
  void attributesNobodyHasTakeNoMemoryAndStillAnswer() {
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    for (int i = 0; i < 130; i++) {
      b.add(String.format("p%03d", i), PlayerAttributes.of(Map.of()));
    }
    PlayerIndex index = b.build(NOW);
    assertThat(index.estimatedBytes()).isLessThan(2_000);
    RuleParser parser = RuleParser.of(CATALOGUE);
    assertThat(CompiledSegment.compile(parser.parse("tags is missing"), CATALOGUE)
        .count(index, NOW)).isEqualTo(130);
    assertThat(CompiledSegment.compile(parser.parse("not tags contains \"x\""), CATALOGUE)
        .count(index, NOW)).isZero();
    assertThat(CompiledSegment.compile(parser.parse("country exists"), CATALOGUE)
        .count(index, NOW)).isZero();
  }

  @Test
  void anIndexOfAnotherCatalogueIsRefused() {
    PlayerIndex other = PlayerIndex.builder(AttributeCatalogue.heraldOnly()).build(NOW);
    assertThatThrownBy(() -> EVEN_VIPS.count(other, NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("another attribute catalogue");
  }
}
