package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.segmentation.sql.PlayerTable;
import dev.herald.segmentation.sql.PlayerTableWriter;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.segmentation.sql.TestPostgres;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: the same rules over the same 100,000 generated players select the same members, in
 * the same order, in memory ({@link PlayerIndex}) and in PostgreSQL ({@link SqlAudience}):
 * every operator on every type, nesting of AND, OR and NOT, missing values and values of the
 * wrong type (three-valued logic), times relative to now and absolute ones with sub-millisecond
 * jitter around the bounds, and Herald's push-state attributes.
 */
class SqlEquivalenceTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final int PLAYERS = 100_000;
  private static final Instant NOW = RandomRules.NOW;

  private static PlayerIndex index;
  private static SqlAudience audience;

  @BeforeAll
  static void load() {
    RandomRules random = new RandomRules(20_261_206L);
    Map<String, PlayerAttributes> players = new LinkedHashMap<>();
    PlayerIndex.Builder builder = PlayerIndex.builder(CATALOGUE);
    for (int i = 0; i < PLAYERS; i++) {
      String id = String.format("p%06d", i);
      PlayerAttributes values = PlayerAttributes.of(random.player());
      players.put(id, values);
      builder.add(id, values);
    }
    index = builder.build(NOW);
    PlayerTable table = PlayerTable.builder(TestPostgres.freshName("players"), "id")
        .columnsNamedAfter(CATALOGUE).build();
    PlayerTableWriter writer = PlayerTableWriter.of(TestPostgres.dataSource(), table, CATALOGUE)
        .createTable();
    assertThat(writer.insert(players.entrySet().iterator())).isEqualTo(PLAYERS);
    TestPostgres.execute("ANALYZE " + table.table());
    audience = SqlAudience.of(TestPostgres.dataSource(), table).withPageSize(20_000);
  }

  @Test
  void randomRulesSelectTheSameMembersInMemoryAndInPostgres() {
    RandomRules random = new RandomRules(7);
    Set<Operator> operators = EnumSet.noneOf(Operator.class);
    Set<Class<?>> shapes = new java.util.HashSet<>();
    for (int r = 0; r < 120; r++) {
      Condition rule = random.condition(r % 5);
      collect(rule, operators, shapes);
      assertSame(rule);
    }
    assertThat(operators).as("every operator was tried").isEqualTo(EnumSet.allOf(Operator.class));
    assertThat(shapes).as("AND, OR and NOT were tried").contains(
        Condition.All.class, Condition.Any.class, Condition.Not.class);
  }

  @Test
  void missingValuesAreNeitherInARuleNorInItsNegation() {
    RuleParser parser = RuleParser.of(CATALOGUE);
    for (String text : List.of(
        "vip_level >= 3",
        "not vip_level >= 3",
        "vip_level != 3",
        "not (vip_level >= 3 or country = \"DE\")",
        "not (vip_level >= 3 and country = \"DE\")",
        "country not in (\"DE\", \"AT\")",
        "not tags contains \"vip\"",
        "not not push.enabled",
        "vip_level is missing or vip_level < 3",
        "not last_login_at within 30d",
        "last_deposit_at before now - 7d and push.enabled and push.devices >= 1",
        "last_login_at between \"2026-03-14T12:00:00.123Z\" and now",
        "push.categories contains \"tournaments\" and push.status = \"DE\"",
        "push.brands contains \"vip\" and not push.brands contains \"cashback\"",
        "language starts with \"x1\" or language starts with \"\"")) {
      assertSame(parser.parse(text));
    }
  }

  @Test
  void nowMovesTheRelativeBounds() {
    Condition rule = RuleParser.of(CATALOGUE).parse("last_login_at within 7d");
    CompiledSegment segment = CompiledSegment.compile(rule, CATALOGUE);
    for (Duration later : List.of(Duration.ZERO, Duration.ofDays(1), Duration.ofMillis(1),
        Duration.ofDays(8))) {
      Instant at = NOW.plus(later);
      assertThat(audience.count(segment, at)).isEqualTo(segment.count(index, at));
    }
  }

  private static void assertSame(Condition rule) {
    CompiledSegment segment = CompiledSegment.compile(rule, CATALOGUE);
    long inMemory = segment.count(index, NOW);
    assertThat(audience.count(segment, NOW)).as(rule.toText()).isEqualTo(inMemory);
    List<String> expected;
    List<String> actual;
    try (Stream<String> a = segment.members(index, NOW); Stream<String> b =
        audience.members(segment, NOW)) {
      expected = a.collect(Collectors.toList());
      actual = b.collect(Collectors.toCollection(ArrayList::new));
    }
    assertThat(actual.size()).as(rule.toText()).isEqualTo(expected.size());
    assertThat(actual).as(rule.toText()).isEqualTo(expected);
    if (!expected.isEmpty()) { // a resumed run or a chunk seeks: from a member, and from past it
      String member = expected.get(expected.size() / 2);
      for (String after : List.of(member, member + "-")) {
        try (Stream<String> rest = audience.members(segment, NOW, after)) {
          assertThat(rest.collect(Collectors.toList())).as("%s after %s", rule.toText(), after)
              .isEqualTo(expected.stream().filter(id -> id.compareTo(after) > 0).toList());
        }
      }
    }
  }

  private static void collect(Condition c, Set<Operator> operators, Set<Class<?>> shapes) {
    shapes.add(c.getClass());
    if (c instanceof Condition.AttributeTest t) {
      operators.add(t.operator());
    } else if (c instanceof Condition.All a) {
      a.conditions().forEach(x -> collect(x, operators, shapes));
    } else if (c instanceof Condition.Any a) {
      a.conditions().forEach(x -> collect(x, operators, shapes));
    } else if (c instanceof Condition.Not n) {
      collect(n.condition(), operators, shapes);
    }
  }
}
