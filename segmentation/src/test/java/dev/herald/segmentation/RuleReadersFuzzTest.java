package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.InvalidInputException;
import dev.herald.fuzz.Fuzz;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Rules from hostile hands, in both forms: reading, printing and defining them fails only with
 * {@link SegmentRuleException} (and {@link InvalidInputException} for a segment id), within the
 * per-case bound; a rule that reads prints back to the same tree in both forms.
 */
class RuleReadersFuzzTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final RuleParser PARSER = RuleParser.of(CATALOGUE);
  private static final List<String> TEXT_TOKENS = List.of("(", ")", " and ", " or ", " not ",
      "not ", ",", "\"", "`", "#", "\n", "\r\n", "\\u12", "\\", "=", "!=", "<=", ">", " in ",
      " between ", " within ", "now - 7d", "30d", "99999999999d", "1e999999999", "-1e-999999999",
      "9".repeat(150), "vip_levl", "x".repeat(70), " segment \"a\"", " segment \"zz\"",
      "segment \"" + "s".repeat(200) + "\"", "push.", "rg.", "tags contains \"vip\"",
      "\"2026-01-31\"", "\"now - 7d\"", "true", "false", "exists", "is missing", "starts with",
      "\u00A0", "\uFEFF", "\uD83C\uDFB0", "\uDC00", "{");
  private static final List<String> JSON_TOKENS = List.of("{", "}", "[", "]", ",", ":", "\"",
      "null", "1e400", "1e999999999", "9".repeat(150), "\"all\":", "\"any\":[]", "\"not\":",
      "\"segment\":\"a\"", "\"attribute\":", "\"op\":\"in\"", "\"op\":\"between\"",
      "\"values\":[]", "\"value\":", "\"x\":1", "\"" + "k".repeat(100) + "\"", "\\u0000",
      "\\uD800", "[[[[[[[[[[", "{\"not\":{\"not\":");

  private static SegmentRegistry registry() {
    SegmentRegistry registry = new SegmentRegistry(SegmentStore.inMemory(), CATALOGUE,
        TestClock.at("2026-03-15T12:00:00Z"));
    registry.define("a", "vip_level >= 3");
    registry.define("b", "segment \"a\" and country = \"DE\"");
    return registry;
  }

  private static void readsBack(Condition c) {
    assertThat(PARSER.parseText(c.toText())).isEqualTo(c);
    assertThat(PARSER.parseJson(c.toJson())).isEqualTo(c);
    assertThat(c.explain()).isNotEmpty();
  }

  @Test
  void mutatedTextRulesFailOnlyWithSegmentRuleException() {
    Random r = new Random(Fuzz.SEED);
    RandomRules rules = new RandomRules(Fuzz.SEED);
    SegmentRegistry registry = registry();
    for (int i = 0; i < Fuzz.CASES; i++) {
      String input = Fuzz.mutate(rules.condition(3).toText(), TEXT_TOKENS, r);
      Fuzz.check(i, input, () -> readsBack(PARSER.parseText(input)), SegmentRuleException.class);
      String id = "f" + (i % 7);
      Fuzz.check(i, input, () -> registry.define(id, input),
          SegmentRuleException.class, InvalidInputException.class);
    }
  }

  @Test
  void mutatedJsonRulesFailOnlyWithSegmentRuleException() {
    Random r = new Random(Fuzz.SEED + 1);
    RandomRules rules = new RandomRules(Fuzz.SEED + 1);
    for (int i = 0; i < Fuzz.CASES; i++) {
      String valid = rules.condition(3).toJson();
      String input = Fuzz.mutate(r.nextBoolean() ? valid : RuleWriterShim.pretty(valid),
          JSON_TOKENS, r);
      Fuzz.check(i, input, () -> readsBack(PARSER.parseJson(input)), SegmentRuleException.class);
      Fuzz.check(i, input, () -> PARSER.parse(input), SegmentRuleException.class);
    }
  }

  @Test
  void randomReferenceGraphsNeverOverflowOrCycle() {
    Random r = new Random(Fuzz.SEED + 2);
    SegmentRegistry registry = new SegmentRegistry(SegmentStore.inMemory(), CATALOGUE,
        TestClock.at("2026-03-15T12:00:00Z"));
    for (int i = 0; i < Fuzz.CASES; i++) {
      String id = "g" + r.nextInt(60);
      StringBuilder rule = new StringBuilder("vip_level >= " + r.nextInt(5));
      for (int k = r.nextInt(3); k > 0; k--) {
        rule.append(r.nextBoolean() ? " or " : " and ").append("segment \"g")
            .append(r.nextInt(60)).append('"');
      }
      String input = rule.toString();
      Fuzz.check(i, input, () -> {
        registry.define(id, input);
        CompiledSegment.compile(registry.condition(id).orElseThrow(), CATALOGUE,
            registry::condition);
      }, SegmentRuleException.class);
    }
  }

  /** Pretty-printed JSON, so mutations meet line breaks and positions past line 1. */
  private static final class RuleWriterShim {
    static String pretty(String json) {
      return json.replace(",", ",\n  ").replace("{", "{\n");
    }
  }
}
