package dev.herald.segmentation;

import static dev.herald.segmentation.Condition.all;
import static dev.herald.segmentation.Condition.any;
import static dev.herald.segmentation.Condition.not;
import static dev.herald.segmentation.Condition.test;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleParserTest {
  private static final RuleParser PARSER = RuleParser.of(AttributeCatalogue.casino());

  private static Value num(long v) {
    return new Value.Num(BigDecimal.valueOf(v));
  }

  private static Value text(String v) {
    return new Value.Text(v);
  }

  static Stream<Arguments> everyOperator() {
    return Stream.of(
        Arguments.of("country = \"DE\"", test("country", Operator.EQ, text("DE"))),
        Arguments.of("country == \"DE\"", test("country", Operator.EQ, text("DE"))),
        Arguments.of("country != \"DE\"", test("country", Operator.NE, text("DE"))),
        Arguments.of("vip_level < 3", test("vip_level", Operator.LT, num(3))),
        Arguments.of("vip_level <= 3", test("vip_level", Operator.LE, num(3))),
        Arguments.of("vip_level > 3", test("vip_level", Operator.GT, num(3))),
        Arguments.of("vip_level >= 3", test("vip_level", Operator.GE, num(3))),
        Arguments.of("balance >= -12.50", test("balance", Operator.GE,
            new Value.Num(new BigDecimal("-12.5")))),
        Arguments.of("balance < 1e3", test("balance", Operator.LT, num(1000))),
        Arguments.of("vip_level between 2 and 4",
            test("vip_level", Operator.BETWEEN, num(2), num(4))),
        Arguments.of("country in (\"DE\", \"AT\")",
            test("country", Operator.IN, text("DE"), text("AT"))),
        Arguments.of("vip_level in (1,2)", test("vip_level", Operator.IN, num(1), num(2))),
        Arguments.of("country not in (\"DE\")", test("country", Operator.NOT_IN, text("DE"))),
        Arguments.of("tags contains \"high-roller\"",
            test("tags", Operator.CONTAINS, text("high-roller"))),
        Arguments.of("categories contains \"tournaments\"",
            test("push.categories", Operator.CONTAINS, text("tournaments"))),
        Arguments.of("language starts with \"de\"",
            test("language", Operator.STARTS_WITH, text("de"))),
        Arguments.of("last_deposit_at exists", test("last_deposit_at", Operator.EXISTS)),
        Arguments.of("last_deposit_at is not missing", test("last_deposit_at", Operator.EXISTS)),
        Arguments.of("last_deposit_at is missing", test("last_deposit_at", Operator.MISSING)),
        Arguments.of("last_login_at within 30d",
            test("last_login_at", Operator.WITHIN, new Value.Span(Duration.ofDays(30)))),
        Arguments.of("last_login_at within 2w",
            test("last_login_at", Operator.WITHIN, new Value.Span(Duration.ofDays(14)))),
        Arguments.of("last_deposit_at before now - 7d",
            test("last_deposit_at", Operator.LT, new Value.Now(Duration.ofDays(-7)))),
        Arguments.of("last_deposit_at after now+12h",
            test("last_deposit_at", Operator.GT, new Value.Now(Duration.ofHours(12)))),
        Arguments.of("last_deposit_at < now",
            test("last_deposit_at", Operator.LT, new Value.Now(Duration.ZERO))),
        Arguments.of("registered_at >= \"2026-01-31\"", test("registered_at", Operator.GE,
            new Value.Timestamp(Instant.parse("2026-01-31T00:00:00Z")))),
        Arguments.of("registered_at = \"2026-01-31T20:00:00+02:00\"", test("registered_at",
            Operator.EQ, new Value.Timestamp(Instant.parse("2026-01-31T18:00:00Z")))),
        Arguments.of("registered_at between now - 30d and \"2026-12-31T23:59:59Z\"",
            test("registered_at", Operator.BETWEEN, new Value.Now(Duration.ofDays(-30)),
                new Value.Timestamp(Instant.parse("2026-12-31T23:59:59Z")))),
        Arguments.of("push.enabled", test("push.enabled", Operator.EQ, new Value.Bool(true))),
        Arguments.of("push.enabled = false",
            test("push.enabled", Operator.EQ, new Value.Bool(false))),
        Arguments.of("rg.self_excluded != true",
            test("rg.self_excluded", Operator.NE, new Value.Bool(true))),
        Arguments.of("segment \"vip-de\"", Condition.inSegment("vip-de")),
        Arguments.of("`country` = \"A\\\"B\\u00e9\\n\"",
            test("country", Operator.EQ, text("A\"Bé\n"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyOperator")
  void parsesEveryOperator(String rule, Condition expected) {
    Condition parsed = PARSER.parseText(rule);
    assertThat(parsed).isEqualTo(expected);
    assertThat(PARSER.parseText(parsed.toText())).isEqualTo(expected);
    assertThat(PARSER.parseJson(parsed.toJson())).isEqualTo(expected);
  }

  @Test
  void issueExampleParsesToTheExpectedTree() {
    Condition parsed = PARSER.parse("push.enabled and vip_level >= 3 and country in (\"DE\",\"AT\")"
        + " and last_deposit_at before now - 7d and categories contains \"tournaments\"");
    assertThat(parsed).isEqualTo(all(
        test("push.enabled", Operator.EQ, new Value.Bool(true)),
        test("vip_level", Operator.GE, num(3)),
        test("country", Operator.IN, text("DE"), text("AT")),
        test("last_deposit_at", Operator.LT, new Value.Now(Duration.ofDays(-7))),
        test("push.categories", Operator.CONTAINS, text("tournaments"))));
    assertThat(parsed.toText()).isEqualTo("push.enabled and vip_level >= 3 and country in"
        + " (\"DE\", \"AT\") and last_deposit_at before now - 7d and push.categories contains"
        + " \"tournaments\"");
  }

  @Test
  void notBindsTighterThanAndWhichBindsTighterThanOr() {
    Condition a = test("push.enabled", Operator.EQ, new Value.Bool(true));
    Condition b = test("vip_level", Operator.GE, num(3));
    Condition c = test("country", Operator.EQ, text("DE"));
    assertThat(PARSER.parse("push.enabled or vip_level >= 3 and country = \"DE\""))
        .isEqualTo(any(a, all(b, c)));
    assertThat(PARSER.parse("push.enabled and vip_level >= 3 or country = \"DE\""))
        .isEqualTo(any(all(a, b), c));
    assertThat(PARSER.parse("not push.enabled and vip_level >= 3"))
        .isEqualTo(all(not(a), b));
    assertThat(PARSER.parse("not (push.enabled and vip_level >= 3)"))
        .isEqualTo(not(all(a, b)));
    assertThat(PARSER.parse("(push.enabled or vip_level >= 3) and country = \"DE\""))
        .isEqualTo(all(any(a, b), c));
    assertThat(PARSER.parse("not not push.enabled")).isEqualTo(not(not(a)));
    assertThat(PARSER.parse("vip_level between 1 and 5 and country = \"DE\""))
        .isEqualTo(all(test("vip_level", Operator.BETWEEN, num(1), num(5)), c));
  }

  @Test
  void nestedAndsAndOrsFlatten() {
    assertThat(PARSER.parse("(push.enabled and vip_level >= 3) and country = \"DE\""))
        .isEqualTo(PARSER.parse("push.enabled and (vip_level >= 3 and country = \"DE\")"));
    assertThat(PARSER.parse("push.enabled or (vip_level >= 3 or country = \"DE\")"))
        .isInstanceOf(Condition.Any.class)
        .extracting(c -> ((Condition.Any) c).conditions().size()).isEqualTo(3);
  }

  @Test
  void keywordsAreCaseInsensitiveAndCommentsAreIgnored() {
    assertThat(PARSER.parse("""
        # dormant VIPs
        push.enabled AND vip_level >= 3   # high tiers
        And Not country IN ("DE")
        """))
        .isEqualTo(PARSER.parse("push.enabled and vip_level >= 3 and not country in (\"DE\")"));
  }

  @Test
  void attributeNamesThatAreKeywordsOrHoldHyphensNeedBackticks() {
    AttributeCatalogue catalogue = AttributeCatalogue.builder()
        .attribute("segment", AttributeType.STRING)
        .attribute("favourite-game", AttributeType.STRING)
        .build();
    RuleParser parser = RuleParser.of(catalogue);
    Condition c = parser.parse("`segment` = \"high\" and `favourite-game` starts with \"slot\"");
    assertThat(c.toText())
        .isEqualTo("`segment` = \"high\" and `favourite-game` starts with \"slot\"");
    assertThat(parser.parse(c.toText())).isEqualTo(c);
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        Arguments.of("push.enabled and vip_levl >= 3", 1, 18,
            "unknown attribute 'vip_levl' (did you mean 'vip_level'?)"),
        Arguments.of("push.enabled and\n  country = 3", 2, 13,
            "country is a string: write a quoted string such as \"DE\", got the number 3"),
        Arguments.of("vip_level >= \"3\"", 1, 14, "vip_level is a number: write a number"),
        Arguments.of("vip_level", 1, 1, "a bare name is only a condition for booleans"),
        Arguments.of("country contains \"DE\"", 1, 9,
            "contains applies to sets of strings; for text use = or starts with"),
        Arguments.of("tags = \"vip\"", 1, 6, "test it with contains"),
        Arguments.of("vip_level before 3", 1, 11, "before and after apply to timestamps"),
        Arguments.of("country < \"DE\"", 1, 9, "< applies to numbers and timestamps"),
        Arguments.of("vip_level starts with \"1\"", 1, 11, "starts with applies to strings"),
        Arguments.of("push.enabled in (true)", 1, 14, "in applies to strings and numbers"),
        Arguments.of("last_login_at within 3x", 1, 22, "unknown time unit 'x'"),
        Arguments.of("last_login_at within now", 1, 22, "within takes a positive span"),
        Arguments.of("last_login_at > \"yesterday\"", 1, 17, "is not a time"),
        Arguments.of("vip_level between 5 and 2", 1, 11, "the lower bound comes first"),
        Arguments.of("vip_level between 2 4", 1, 21, "expected and between the bounds"),
        Arguments.of("country in \"DE\"", 1, 12, "expected ( to start the list"),
        Arguments.of("country in (\"DE\" \"AT\")", 1, 18, "expected , or ) in the list"),
        Arguments.of("country not \"DE\"", 1, 13, "expected in after country not"),
        Arguments.of("country = DE", 1, 11, "strings need double quotes"),
        Arguments.of("country = \"DE", 1, 11, "unterminated string"),
        Arguments.of("(push.enabled and vip_level > 1", 1, 32, "expected ) to close the ("),
        Arguments.of("push.enabled)", 1, 13, "unmatched )"),
        Arguments.of("push.enabled vip_level > 1", 1, 14,
            "expected and, or, ) or an operator after push.enabled, got 'vip_level'"),
        Arguments.of("vip_level 3", 1, 11, "expected an operator after vip_level (=, !=,"),
        Arguments.of("push.enabled and", 1, 17, "expected a condition"),
        Arguments.of("and push.enabled", 1, 1, "got the keyword 'and'"),
        Arguments.of("", 1, 1, "the rule is empty"),
        Arguments.of("vip_level ! 3", 1, 11, "write != to compare"),
        Arguments.of("vip_level => 3", 1, 12, "expected a value"),
        Arguments.of("vip_level ~ 3", 1, 11, "unexpected character '~'"),
        Arguments.of("vip_level = 3.5d", 1, 13, "a span is a whole number"),
        Arguments.of("segment vip", 1, 9, "expected a quoted segment id"),
        Arguments.of("segment \"bad id\"", 1, 9, "a segment id is 1 to 128"),
        Arguments.of("country = \"\\q\"", 1, 12, "unknown escape \\q"),
        Arguments.of("vip_level >", 1, 12, "got the end of the rule"),
        Arguments.of("last_deposit_at before now - 7", 1, 30, "expected a span such as 7d"),
        Arguments.of("`vip_level = 3", 1, 1, "unterminated `name`"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("errors")
  void errorsPointAtLineAndColumn(String rule, int line, int column, String reason) {
    assertThatThrownBy(() -> PARSER.parseText(rule))
        .isInstanceOfSatisfying(SegmentRuleException.class, e -> {
          assertThat(e.reason()).contains(reason);
          assertThat(e.line()).as("line").isEqualTo(line);
          assertThat(e.column()).as("column").isEqualTo(column);
          assertThat(e.getMessage()).startsWith("line " + line + ", column " + column + ": ");
        });
  }

  @Test
  void excerptPutsACaretUnderTheColumn() {
    SegmentRuleException e = org.junit.jupiter.api.Assertions.assertThrows(
        SegmentRuleException.class, () -> PARSER.parse("push.enabled and\n  vip_levl >= 3"));
    assertThat(e.excerpt()).isEqualTo("  vip_levl >= 3\n  ^");
  }

  @Test
  void deeplyNestedRulesAreRefusedNotOverflowed() {
    String rule = "(".repeat(100) + "push.enabled" + ")".repeat(100);
    assertThatThrownBy(() -> PARSER.parse(rule))
        .isInstanceOf(SegmentRuleException.class)
        .hasMessageContaining("nested more than 64 levels");
    String nots = "not ".repeat(100) + "push.enabled";
    assertThatThrownBy(() -> PARSER.parse(nots)).isInstanceOf(SegmentRuleException.class);
  }

  @Test
  void knownSegmentsAreCheckedWhenAsked() {
    RuleParser strict = PARSER.withKnownSegments(id -> id.equals("vip-de"));
    assertThat(strict.parse("segment \"vip-de\"")).isEqualTo(Condition.inSegment("vip-de"));
    assertThatThrownBy(() -> strict.parse("push.enabled and segment \"vip-at\""))
        .isInstanceOfSatisfying(SegmentRuleException.class, e -> {
          assertThat(e.reason()).isEqualTo("unknown segment 'vip-at'");
          assertThat(e.column()).isEqualTo(26);
        });
  }
}
