package dev.herald.segmentation.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.Segmentation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The casino example of docs/segments-sql.md: its Java sample is this file's {@link #sample},
 * its rule is the one defined here, its SQL is the real {@code where()}, and it runs against the
 * table the guide creates.
 */
class SqlDocsTest {
  private static final Path GUIDE = Path.of("../docs/segments-sql.md");

  @Test
  void theCasinoExampleIsRealAndRuns() throws IOException {
    String guide = Files.readString(GUIDE);
    String ddl = block(guide, "sql", 0);
    String rule = block(guide, "text", 0).strip().replaceAll("\\s*\\n\\s*", " ");
    String where = block(guide, "sql", 1).strip();
    String java = block(guide, "java", 0);
    String source = Files.readString(
        Path.of("src/test/java/dev/herald/segmentation/sql/SqlDocsTest.java"));
    for (String line : java.lines().toList()) {
      assertThat(source).as("the guide's Java sample is in SqlDocsTest.sample").contains(line);
    }

    TestPostgres.execute("CREATE SCHEMA IF NOT EXISTS crm");
    TestPostgres.execute("DROP TABLE IF EXISTS crm.player_segments");
    TestPostgres.execute(ddl);
    Segmentation segmentation = Segmentation.builder().players(new InMemoryPlayerDirectory())
        .build();
    segmentation.segments().define("dormant-vip", "the guide's example", rule);
    Instant now = Instant.parse("2026-03-15T12:00:00Z");
    PlayerTable players = PlayerTable.builder("crm.player_segments", "player_id")
        .column("vip_level", "vip_level")
        .column("country", "country_code")
        .column("last_deposit_at", "last_deposit_at")
        .column("last_login_at", "last_login_at")
        .column("rg.self_excluded", "self_excluded")
        .column("push.enabled", "push_enabled")
        .column("push.marketing_consent", "marketing_consent")
        .column("push.categories", "push_categories")
        .build();
    assertThat(SqlSegment.compile(segmentation.compile("dormant-vip"), players).where())
        .isEqualTo(where);

    Map<String, Map<String, Object>> rows = new TreeMap<>();
    Map<String, Object> vip = Map.of("vip_level", 4, "country", "DE",
        "last_deposit_at", Instant.parse("2026-03-01T10:00:00Z"), "rg.self_excluded", false,
        "push.enabled", true, "push.marketing_consent", true,
        "push.categories", Set.of("promotions"));
    rows.put("p1", vip);
    Map<String, Object> unknownExclusion = new java.util.HashMap<>(vip);
    unknownExclusion.remove("rg.self_excluded");
    rows.put("p2", unknownExclusion);
    Map<String, Object> recent = new java.util.HashMap<>(vip);
    recent.put("last_deposit_at", Instant.parse("2026-03-14T10:00:00Z"));
    rows.put("p3", recent);
    PlayerTableWriter.of(TestPostgres.dataSource(), players, segmentation.catalogue())
        .insert(rows.entrySet().stream()
            .map(e -> Map.entry(e.getKey(), PlayerAttributes.of(e.getValue()))).iterator());

    List<String> sent = new ArrayList<>();
    assertThat(sample(TestPostgres.dataSource(), segmentation, now, sent)).isEqualTo(1);
    assertThat(sent).containsExactly("p1");

    // wired into Segmentation: campaigns' counts and member streams come from PostgreSQL
    Segmentation inDatabase = Segmentation.builder().players(new InMemoryPlayerDirectory())
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .sqlAudience(SqlAudience.of(TestPostgres.dataSource(), players))
        .build();
    inDatabase.segments().define("dormant-vip", "the guide's example", rule);
    assertThat(inDatabase.count("dormant-vip")).isEqualTo(1);
    try (Stream<String> ids = inDatabase.members("dormant-vip")) {
      assertThat(ids).containsExactly("p1");
    }
    assertThat(inDatabase.preview("vip_level >= 3 and not rg.self_excluded")).isEqualTo(2);
    assertThatThrownBy(() -> inDatabase.preview("language = \"de\""))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("maps no column to language");
  }

  /** The guide's Java sample, verbatim. */
  private static long sample(DataSource dataSource, Segmentation segmentation, Instant now,
      List<String> sent) {
    PlayerTable players = PlayerTable.builder("crm.player_segments", "player_id")
        .column("vip_level", "vip_level")
        .column("country", "country_code")
        .column("last_deposit_at", "last_deposit_at")
        .column("last_login_at", "last_login_at")
        .column("rg.self_excluded", "self_excluded")
        .column("push.enabled", "push_enabled")
        .column("push.marketing_consent", "marketing_consent")
        .column("push.categories", "push_categories")
        .build();
    SqlAudience audience = SqlAudience.of(dataSource, players);
    CompiledSegment dormantVip = segmentation.compile("dormant-vip");
    long size = audience.count(dormantVip, now);
    try (Stream<String> ids = audience.members(dormantVip, now)) {
      ids.forEach(sent::add);
    }
    return size;
  }

  private static String block(String guide, String language, int n) {
    Matcher m = Pattern.compile("```" + language + "\\n(.*?)```", Pattern.DOTALL).matcher(guide);
    for (int i = 0; i <= n; i++) {
      assertThat(m.find()).as("```%s block %d in %s", language, n, GUIDE).isTrue();
    }
    return m.group(1);
  }
}
