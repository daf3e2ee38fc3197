package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentCommandTest {
  private static final String NOW = "2026-03-15T12:00:00Z";
  private static final String RULE = "push.enabled and vip_level >= 3 and country in (\"DE\",\"AT\")"
      + " and last_deposit_at before now - 7d and categories contains \"tournaments\"";

  @TempDir Path dir;
  private Path players;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void writePlayers() throws IOException {
    players = write("players.jsonl", """
        {"id": "p3", "vip_level": 4, "country": "DE", "push": {"enabled": true}, "last_deposit_at": "2026-03-01T18:00:00Z", "categories": ["tournaments"]}
        {"id": "p1", "vip_level": 5, "country": "AT", "push": {"enabled": true}, "last_deposit_at": "2026-03-14T18:00:00Z", "categories": ["tournaments"]}

        {"player_id": "p2", "vip_level": 1, "country": "DE", "push.enabled": true, "last_deposit_at": "2026-02-01", "categories": []}
        {"id": "p4", "vip_level": "gold", "country": "AT", "push": {"enabled": true}, "last_deposit_at": "2026-01-01T00:00:00Z", "categories": ["tournaments"], "unknown": 1}
        {"id": "p5", "vip_level": 9, "country": "AT", "push": {"enabled": false}, "last_deposit_at": "2026-01-01T00:00:00Z", "categories": ["tournaments"]}
        {"id": "p6", "vip_level": 3.0, "country": "AT", "push": {"enabled": true}, "last_deposit_at": "2026-02-20T09:30:00+01:00", "categories": ["tournaments"]}
        """);
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private int run(String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "segment";
    System.arraycopy(args, 0, all, 1, args.length);
    return HeraldCommand.execute(new PrintWriter(out), new PrintWriter(err), all);
  }

  @Test
  void printsMatchingIdsInAscendingOrder() throws IOException {
    Path rules = write("rule.txt", RULE);
    int code = run("--rules", rules.toString(), "--players", players.toString(), "--now", NOW);
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo("p3\np6\n");
    assertThat(err.toString()).contains("treated as missing: vip_level (1)");
  }

  @Test
  void countsWithJsonRules() throws IOException {
    Path rules = write("rule.json", """
        {"all": [{"attribute": "push.enabled", "op": "=", "value": true},
                 {"attribute": "country", "op": "=", "value": "AT"}]}""");
    assertThat(run("--rules", rules.toString(), "--players", players.toString(), "--count"))
        .isZero();
    assertThat(out.toString()).isEqualTo("3\n");
  }

  @Test
  void nowMovesTheAudience() throws IOException {
    Path rules = write("rule.txt", "last_deposit_at within 30d");
    run("--rules", rules.toString(), "--players", players.toString(), "--now", NOW);
    assertThat(out.toString()).isEqualTo("p1\np3\np6\n");
    out.getBuffer().setLength(0);
    run("--rules", rules.toString(), "--players", players.toString(), "--now",
        "2026-04-10T00:00:00Z");
    assertThat(out.toString()).isEqualTo("p1\n");
  }

  @Test
  void explainShowsTheTreeWithCounts() throws IOException {
    Path rules = write("rule.txt", RULE);
    assertThat(run("--rules", rules.toString(), "--players", players.toString(), "--now", NOW,
        "--explain")).isZero();
    assertThat(out.toString()).contains(
        "text: push.enabled and vip_level >= 3 and country in (\"DE\", \"AT\") and"
            + " last_deposit_at before now - 7d and push.categories contains \"tournaments\"",
        "json: {\"all\":[{\"attribute\":\"push.enabled\",\"op\":\"=\",\"value\":true},",
        "tree (players for whom each node is TRUE, of 6, at 2026-03-15T12:00:00Z):",
        "  all of  [2]\n",
        "    push.enabled  [5]\n",
        "    vip_level >= 3  [4]\n",
        "    last_deposit_at before now - 7d  [5]\n");
  }

  @Test
  void explainWithoutPlayersShowsTheTree() throws IOException {
    Path rules = write("rule.txt", "not (vip_level > 1 or tags contains \"x\")");
    assertThat(run("--rules", rules.toString(), "--explain")).isZero();
    assertThat(out.toString()).contains("tree:\n  not\n    any of\n      vip_level > 1\n"
        + "      tags contains \"x\"\n");
  }

  @Test
  void badRulesExitTwoWithLineAndColumn() throws IOException {
    Path rules = write("bad.txt", "push.enabled and\n  vip_levl >= 3");
    assertThat(run("--rules", rules.toString(), "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad rules in " + rules + ", line 2, column 3: unknown"
        + " attribute 'vip_levl' (did you mean 'vip_level'?)", "    vip_levl >= 3\n    ^");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void badJsonRulesPointIntoTheDocument() throws IOException {
    Path rules = write("bad.json", "{\"all\": [\n  {\"attribute\": \"country\", \"op\": \">\","
        + " \"value\": \"DE\"}]}");
    assertThat(run("--rules", rules.toString(), "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("line 2, column 34: country is a string: > applies to"
        + " numbers and timestamps");
  }

  @Test
  void segmentsCanBeDefinedAndReferred() throws IOException {
    Path germanSpeaking = write("de-at.txt", "country in (\"DE\", \"AT\")");
    Path rules = write("rule.txt", "segment \"de-at\" and vip_level >= 5");
    assertThat(run("--define", "de-at=" + germanSpeaking, "--rules", rules.toString(),
        "--players", players.toString())).isZero();
    assertThat(out.toString()).isEqualTo("p1\np5\n");
    out.getBuffer().setLength(0);
    Path unknown = write("unknown.txt", "segment \"vip\"");
    assertThat(run("--rules", unknown.toString(), "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("line 1, column 9: unknown segment 'vip'");
  }

  @Test
  void aCatalogueFileDeclaresHostAttributes() throws IOException {
    Path catalogue = write("catalogue.json", "{\"favourite_game\": \"string\"}");
    Path players = write("p.jsonl", "{\"id\": \"a\", \"favourite_game\": \"book-of-ra\"}\n"
        + "{\"id\": \"b\", \"favourite_game\": \"roulette\"}\n");
    Path rules = write("rule.txt", "favourite_game starts with \"book\"");
    assertThat(run("--catalogue", catalogue.toString(), "--rules", rules.toString(),
        "--players", players.toString())).isZero();
    assertThat(out.toString()).isEqualTo("a\n");
    Path vip = write("vip.txt", "vip_level > 1");
    assertThat(run("--catalogue", catalogue.toString(), "--rules", vip.toString(),
        "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown attribute 'vip_level'");
  }

  @Test
  void badPlayerLinesExitTwoWithTheLineNumber() throws IOException {
    Path rules = write("rule.txt", "push.enabled");
    Path broken = write("broken.jsonl", "{\"id\": \"a\"}\n{\"id\": \"b\", \"last_login_at\":"
        + " \"yesterday\"}\n");
    assertThat(run("--rules", rules.toString(), "--players", broken.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("broken.jsonl line 2: last_login_at: \"yesterday\" is not"
        + " an ISO-8601 time");
    Path duplicate = write("dup.jsonl", "{\"id\": \"a\"}\n{\"id\": \"a\"}\n");
    assertThat(run("--rules", rules.toString(), "--players", duplicate.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("dup.jsonl line 2: player id 'a' appears twice");
    Path noId = write("noid.jsonl", "{\"vip_level\": 1}\n");
    assertThat(run("--rules", rules.toString(), "--players", noId.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("noid.jsonl line 1: no \"id\"");
    Path malformed = write("bad.jsonl", "{\"id\": \"a\"\n");
    assertThat(run("--rules", rules.toString(), "--players", malformed.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.jsonl line 1: malformed JSON");
  }

  @Test
  void hostileNumbersInPlayersExitTwoWithAShortMessage() throws IOException {
    Path rules = write("rule.txt", "vip_level >= 3");
    Path big = write("big.jsonl", "{\"id\": \"a\", \"vip_level\": 1e999999999}\n");
    assertThat(run("--rules", rules.toString(), "--players", big.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("big.jsonl line 1: vip_level: a number's decimal exponent"
        + " must be between -1000 and 1000").doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aBadRuleOnALongLineIsQuotedAsAShortExcerpt() throws IOException {
    Path rules = write("long.txt", "country = \"" + "a".repeat(100_000) + "\" and vip_levl >= 3");
    assertThat(run("--rules", rules.toString(), "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("unknown attribute 'vip_levl'")
        .contains("  …aaaa").contains("\" and vip_levl >= 3\n");
    assertThat(err.toString().length()).isLessThan(400);
    Path longName = write("name.txt", "vip" + "x".repeat(1_000_000) + " >= 3");
    assertThat(run("--rules", longName.toString(), "--players", players.toString())).isEqualTo(2);
    assertThat(err.toString().length()).isLessThan(1200);
  }

  @Test
  void playersAreRequiredUnlessExplaining() throws IOException {
    Path rules = write("rule.txt", "push.enabled");
    assertThat(run("--rules", rules.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("--players is required unless --explain");
  }

  @Test
  void postgresPrintsWhatTheInMemoryEvaluationPrints() throws IOException {
    for (String rule : java.util.List.of(RULE, "not vip_level >= 3",
        "vip_level != 9 or last_deposit_at within 30d", "categories contains \"tournaments\""
            + " and not country in (\"DE\")", "vip_level is missing")) {
      Path rules = write("rule.txt", rule);
      for (boolean count : new boolean[] {false, true}) {
        String[] base = {"--rules", rules.toString(), "--players", players.toString(), "--now",
            NOW};
        String[] args = count ? append(base, "--count") : base;
        assertThat(run(args)).isZero();
        String inMemory = out.toString();
        out.getBuffer().setLength(0);
        assertThat(run(append(args, "--postgres"))).as(rule).isZero();
        assertThat(out.toString()).as(rule).isEqualTo(inMemory);
        out.getBuffer().setLength(0);
      }
    }
  }

  @Test
  void sqlPrintsTheQueryAndItsParameters() throws IOException {
    Path rules = write("rule.txt", RULE);
    assertThat(run("--rules", rules.toString(), "--sql", "--now", NOW)).isZero();
    assertThat(out.toString())
        .contains("CREATE TABLE \"players\" (")
        .contains("\"vip_level\" double precision")
        .contains("SELECT count(*) FROM \"players\" WHERE ((\"push_enabled\" = ?) AND"
            + " (\"vip_level\" >= ?) AND (\"country\" = ANY(?)) AND (\"last_deposit_at\" < ?)"
            + " AND (\"push_categories\" @> ?))")
        .contains("$1 = true (boolean)")
        .contains("$3 = [\"AT\", \"DE\"] (text[])")
        .contains("$4 = 2026-03-08T12:00Z (timestamptz)")
        .contains("ORDER BY \"id\" COLLATE \"C\" LIMIT ?");
  }

  @Test
  void sqlRefusesAConditionWithoutSqlForm() throws IOException {
    Path rules = write("rule.txt", "country = \"D\\u0000E\"");
    assertThat(run("--rules", rules.toString(), "--sql")).isEqualTo(2);
    assertThat(err.toString()).contains("no SQL form for 'country = ").contains("NUL character");
  }

  private static String[] append(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }
}
