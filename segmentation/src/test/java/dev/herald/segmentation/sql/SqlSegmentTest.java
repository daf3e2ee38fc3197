package dev.herald.segmentation.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.PlayerIndex;
import dev.herald.segmentation.RuleParser;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.Value;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The generated SQL, injection attempts, refusals and paging, on a real PostgreSQL. */
class SqlSegmentTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");
  private static final List<String> HOSTILE = List.of(
      "'; DROP TABLE players; --", "' OR '1'='1", "\" OR 1=1 --", "%", "_", "!", "!%", "a%b",
      "\\", "\\'", "$1", "?", "{\"a\",\"b\"}", "x');DELETE FROM players;--", "DE");

  private static PlayerTable table;
  private static SqlAudience audience;
  private static PlayerIndex index;

  @BeforeAll
  static void load() {
    table = PlayerTable.builder(TestPostgres.freshName("hostile"), "id")
        .columnsNamedAfter(CATALOGUE).build();
    Map<String, PlayerAttributes> players = new TreeMap<>();
    for (int i = 0; i < HOSTILE.size(); i++) {
      String value = HOSTILE.get(i);
      players.put(String.format("p%02d", i), PlayerAttributes.of(Map.of(
          "country", value, "language", value, "tags", Set.of(value, "plain"),
          "vip_level", i)));
    }
    players.put("p99", PlayerAttributes.of(Map.of()));
    PlayerTableWriter.of(TestPostgres.dataSource(), table, CATALOGUE).createTable()
        .insert(players.entrySet().iterator());
    PlayerIndex.Builder b = PlayerIndex.builder(CATALOGUE);
    players.forEach(b::add);
    index = b.build(NOW);
    audience = SqlAudience.of(TestPostgres.dataSource(), table).withPageSize(4);
  }

  @Test
  void hostileValuesStayValues() {
    for (int i = 0; i < HOSTILE.size(); i++) {
      String v = HOSTILE.get(i);
      String id = String.format("p%02d", i);
      for (Condition rule : List.of(
          Condition.test("country", Operator.EQ, new Value.Text(v)),
          Condition.test("country", Operator.IN, new Value.Text(v), new Value.Text("zz")),
          Condition.test("tags", Operator.CONTAINS, new Value.Text(v)))) {
        assertThat(members(rule)).as(rule.toText()).containsExactly(id);
      }
      Condition prefix = Condition.test("language", Operator.STARTS_WITH, new Value.Text(v));
      assertThat(members(prefix)).as(prefix.toText()).contains(id)
          .isEqualTo(inMemory(prefix))
          .allSatisfy(m -> assertThat(HOSTILE.get(Integer.parseInt(m.substring(1))))
              .startsWith(v));
    }
    // the table is still there, with every row
    assertThat(members(Condition.test("vip_level", Operator.EXISTS))).hasSize(HOSTILE.size());
  }

  @Test
  void theSqlHoldsPlaceholdersAndQuotedNamesOnly() {
    Condition rule = RuleParser.of(CATALOGUE).parse(
        "push.enabled and not (vip_level >= 3 or country in (\"DE\", \"AT\"))"
            + " and last_deposit_at before now - 7d and tags contains \"x'; --\"");
    SqlSegment sql = audience.compile(CompiledSegment.compile(rule, CATALOGUE));
    assertThat(sql.where()).isEqualTo("((\"push_enabled\" = ?) AND NOT ((\"vip_level\" >= ?)"
        + " OR (\"country\" = ANY(?))) AND (\"last_deposit_at\" < ?) AND (\"tags\" @> ?))");
    List<Object> parameters = sql.parameters(NOW);
    assertThat(parameters).hasSize(5);
    assertThat(parameters.get(0)).isEqualTo(true);
    assertThat(parameters.get(1)).isEqualTo(3.0);
    assertThat((String[]) parameters.get(2)).containsExactly("AT", "DE");
    assertThat(parameters.get(3)).isEqualTo(OffsetDateTime.parse("2026-03-08T12:00:00Z"));
    assertThat((String[]) parameters.get(4)).containsExactly("x'; --");
    SqlQuery page = sql.pageQuery("p01", 10, NOW);
    assertThat(page.sql()).startsWith("SELECT \"id\" FROM \"" + table.table() + "\" WHERE \"id\""
        + " COLLATE \"C\" > ? AND ").endsWith(" ORDER BY \"id\" COLLATE \"C\" LIMIT ?");
    assertThat(page.parameters()).hasSize(7).first().isEqualTo("p01");
    assertThat(page.describeParameters()).contains("$4 = [\"AT\", \"DE\"] (text[])")
        .contains("$6 = [\"x'; --\"] (text[])");
  }

  @Test
  void timesCompareAtWholeMillisecondsLikeTheIndex() {
    Condition rule = RuleParser.of(CATALOGUE).parse(
        "last_login_at = \"2026-03-01T00:00:00.5Z\" or last_login_at <= now"
            + " or last_login_at after \"2026-03-01T00:00:00Z\"");
    SqlSegment sql = audience.compile(CompiledSegment.compile(rule, CATALOGUE));
    assertThat(sql.where()).isEqualTo("((\"last_login_at\" >= ? AND \"last_login_at\" < ?)"
        + " OR (\"last_login_at\" < ?) OR (\"last_login_at\" >= ?))");
    assertThat(sql.parameters(NOW)).containsExactly(
        OffsetDateTime.parse("2026-03-01T00:00:00.500Z"),
        OffsetDateTime.parse("2026-03-01T00:00:00.501Z"),
        OffsetDateTime.parse("2026-03-15T12:00:00.001Z"),
        OffsetDateTime.parse("2026-03-01T00:00:00.001Z"));
  }

  @Test
  void rulesWithoutSqlFormAreRefusedNamingTheCondition() {
    PlayerTable narrow = PlayerTable.builder("players", "id").column("country", "country")
        .build();
    CompiledSegment unmapped = CompiledSegment.compile(
        RuleParser.of(CATALOGUE).parse("country = \"DE\" and not vip_level >= 3"), CATALOGUE);
    assertThatThrownBy(() -> SqlSegment.compile(unmapped, narrow))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("'vip_level >= 3'")
        .hasMessageContaining("maps no column to vip_level");

    CompiledSegment nul = CompiledSegment.compile(
        Condition.test("country", Operator.EQ, new Value.Text("D\0E")), CATALOGUE);
    assertThatThrownBy(() -> SqlSegment.compile(nul, narrow))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("country = ")
        .hasMessageContaining("NUL character");

    CompiledSegment far = CompiledSegment.compile(Condition.test("last_login_at", Operator.LT,
        new Value.Timestamp(Instant.parse("+10000-01-01T00:00:00Z"))), CATALOGUE);
    assertThatThrownBy(() -> SqlSegment.compile(far, table))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("last_login_at before")
        .hasMessageContaining("years 1 to 9999");
  }

  @Test
  void namesAreCheckedIdentifiers() {
    for (String bad : List.of("players; DROP TABLE x", "pl\"ayers", "a.b.c", "", "1abc",
        "players--", "x".repeat(64))) {
      assertThatThrownBy(() -> PlayerTable.builder(bad, "id"))
          .as(bad).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> PlayerTable.builder("players", bad))
          .as(bad).isInstanceOf(InvalidInputException.class);
      assertThatThrownBy(() -> PlayerTable.builder("players", "id").column("country", bad))
          .as(bad).isInstanceOf(InvalidInputException.class);
    }
    assertThatThrownBy(() -> PlayerTable.builder("players", "id").column("country", "c")
        .column("language", "c")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("c is already used");
    assertThat(PlayerTable.builder("crm.players", "player_id").build().table())
        .isEqualTo("crm.players");
  }

  @Test
  void pagesFollowTheIdsWithoutGapsOrRepeats() {
    Condition all = Condition.test("vip_level", Operator.GE, Value.Num.of(0));
    // 15 members over pages of 4: the last page is partly filled
    assertThat(members(all)).isEqualTo(inMemory(all)).hasSize(HOSTILE.size());
    Condition eight = Condition.test("vip_level", Operator.LT, Value.Num.of(8));
    assertThat(members(eight)).isEqualTo(inMemory(eight)).hasSize(8);
    Condition none = Condition.test("vip_level", Operator.LT, Value.Num.of(0));
    assertThat(members(none)).isEmpty();
    assertThat(audience.count(CompiledSegment.compile(eight, CATALOGUE), NOW)).isEqualTo(8);
  }

  private static List<String> members(Condition rule) {
    try (var ids = audience.members(CompiledSegment.compile(rule, CATALOGUE), NOW)) {
      return ids.collect(Collectors.toList());
    }
  }

  private static List<String> inMemory(Condition rule) {
    return CompiledSegment.compile(rule, CATALOGUE).members(index, NOW)
        .collect(Collectors.toList());
  }
}
