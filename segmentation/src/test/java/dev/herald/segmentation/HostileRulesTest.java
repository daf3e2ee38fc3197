package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, items 1 to 3: rules that are short to write and explode when read, printed or
 * compiled. Every one must be a {@link SegmentRuleException} naming the limit, with a short
 * message.
 */
class HostileRulesTest {
  private static final AttributeCatalogue CATALOGUE = AttributeCatalogue.casino();
  private static final RuleParser PARSER = RuleParser.of(CATALOGUE);
  private static final int SHORT = 300;

  private static SegmentRuleException refused(String rule) {
    try {
      PARSER.parse(rule);
    } catch (SegmentRuleException e) {
      assertThat(e.getMessage().length()).as("message length").isLessThan(SHORT);
      for (String line : e.excerpt().split("\n")) {
        assertThat(line.length()).as("excerpt line length").isLessThan(100);
      }
      return e;
    }
    throw new AssertionError("accepted: " + rule.substring(0, Math.min(rule.length(), 80)));
  }

  @Test
  void aHugeExponentIsRefusedInBothFormsAndForStringAttributes() {
    assertThat(refused("vip_level = 1e999999999").reason())
        .contains("exponent").contains("1000");
    assertThat(refused("vip_level >= -1e-999999999").reason()).contains("exponent");
    assertThat(refused("{\"attribute\": \"vip_level\", \"op\": \"=\", \"value\": 1e999999999}")
        .column()).isEqualTo(48);
    refused("country = 1e999999999");
    // found by RuleReadersFuzzTest: Jackson threw NumberFormatException out of the JSON reader
    assertThat(refused("{\"attribute\": \"vip_level\", \"op\": \"=\", \"value\": 1e9999999991}")
        .reason()).isEqualTo("malformed number: the exponent is out of range");
    assertThat(refused("vip_level = 1e9999999991").reason()).startsWith("malformed number");
    refused("{\"attribute\": \"country\", \"op\": \"=\", \"value\": 1e999999999}");
    assertThat(PARSER.parse("vip_level = 1e300").toText()).hasSize(313);
    assertThatThrownBy(() -> new Value.Num(new BigDecimal("1e999999999")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exponent");
    assertThatThrownBy(() -> Value.Num.of(Double.POSITIVE_INFINITY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
  }

  @Test
  void longNumbersAreRefusedBeforeTheyAreParsed() {
    assertThat(refused("vip_level = " + "9".repeat(101)).reason())
        .isEqualTo("a number has at most 100 characters, got 101");
    assertThat(refused("{\"attribute\": \"vip_level\", \"op\": \"=\", \"value\": "
        + "9".repeat(101) + "}").reason()).contains("malformed JSON").contains("100");
    assertThat(refused("vip_level = " + "9".repeat(1_000_000)).reason())
        .isEqualTo("a rule has at most 200000 characters, got 1000012");
    assertThat(PARSER.parse("vip_level = " + "9".repeat(100))).isNotNull();
  }

  @Test
  void longIdentifiersFailFastWithoutSuggestionsAndAreQuotedShort() {
    assertThat(refused("vip_levl" + "x".repeat(100) + " >= 3").reason())
        .startsWith("a name has at most 64 characters, got 108: 'vip_levlxxx").endsWith("…'");
    assertThat(refused("`" + "y".repeat(65) + "` >= 3").reason())
        .startsWith("a name has at most 64 characters");
    assertThat(refused("{\"attribute\": \"" + "z".repeat(65) + "\", \"op\": \"exists\"}")
        .reason()).startsWith("an attribute name has at most 64 characters");
    assertThat(refused("q".repeat(10_000_000)).reason()).startsWith("a rule has at most");
    assertThat(CATALOGUE.suggestionsFor("v".repeat(10_000_000))).isEmpty();
    assertThat(CATALOGUE.suggestionsFor("vip_levl")).containsExactly("vip_level");
    assertThat(refused("{\"attribute\": \"vip_level\", \"op\": \"" + "o".repeat(5000) + "\"}")
        .reason()).contains("…");
  }

  @Test
  void theExcerptOfALongLineIsAWindowAroundTheColumn() {
    String rule = "country = \"" + "a".repeat(50_000) + "\" and vip_levl >= 3";
    SegmentRuleException e = refused(rule);
    assertThat(e.column()).isEqualTo(50_018);
    String[] lines = e.excerpt().split("\n");
    assertThat(lines[0]).startsWith("…").endsWith("vip_levl >= 3");
    assertThat(lines[0].charAt(lines[1].length() - 1)).isEqualTo('v');
  }

  @Test
  void chainsOfReferencesStopAtThirtyTwoWhenDefined() {
    SegmentRegistry registry = new SegmentRegistry(SegmentStore.inMemory(), CATALOGUE,
        TestClock.at("2026-03-15T12:00:00Z"));
    registry.define("s0", "vip_level >= 1");
    for (int i = 1; i <= SegmentRegistry.MAX_REFERENCE_DEPTH; i++) {
      registry.define("s" + i, "segment \"s" + (i - 1) + "\"");
    }
    assertThatThrownBy(() -> registry.define("s33", "segment \"s32\""))
        .isInstanceOfSatisfying(SegmentRuleException.class, e ->
            assertThat(e.reason()).contains("more than 32 segment references"));
    registry.define("x", "country = \"DE\"");
    assertThatThrownBy(() -> registry.define("s0", "segment \"x\""))
        .isInstanceOf(SegmentRuleException.class).hasMessageContaining("at most 32");
    assertThat(CompiledSegment.compile(registry.condition("s32").orElseThrow(), CATALOGUE,
        registry::condition).expanded().toText()).isEqualTo("vip_level >= 1");
  }

  @Test
  void aStoredRuleThatNoLongerFitsDoesNotBlockDefiningOthers() {
    SegmentStore store = SegmentStore.inMemory();
    store.save(new SavedSegment("old", "", "{\"attribute\":\"gone\",\"op\":\"exists\"}",
        Instant.parse("2026-03-15T12:00:00Z")));
    SegmentRegistry registry = new SegmentRegistry(store, CATALOGUE,
        TestClock.at("2026-03-15T12:00:00Z"));
    registry.define("a", "vip_level >= 3");
    assertThat(registry.define("b", "segment \"a\"").rules()).isEqualTo("{\"segment\":\"a\"}");
  }

  @Test
  void longChainsWrittenStraightIntoTheStoreFailCleanlyInDefineAndCompile() {
    SegmentStore store = SegmentStore.inMemory();
    Instant at = Instant.parse("2026-03-15T12:00:00Z");
    store.save(new SavedSegment("c0", "", "{\"attribute\":\"vip_level\",\"op\":\">=\",\"value\":1}",
        at));
    for (int i = 1; i <= 20_000; i++) {
      store.save(new SavedSegment("c" + i, "", "{\"segment\":\"c" + (i - 1) + "\"}", at));
    }
    SegmentRegistry registry = new SegmentRegistry(store, CATALOGUE,
        TestClock.at("2026-03-15T12:00:00Z"));
    assertThatThrownBy(() -> registry.define("top", "segment \"c20000\""))
        .isInstanceOf(SegmentRuleException.class).hasMessageContaining("at most 32");
    assertThatThrownBy(() -> registry.define("c0", "country = \"DE\" or segment \"x0\""))
        .isInstanceOf(SegmentRuleException.class);
    assertThatThrownBy(() -> CompiledSegment.compile(Condition.inSegment("c4000"), CATALOGUE,
        registry::condition))
        .isInstanceOf(SegmentRuleException.class).hasMessageContaining("more than 32");
    assertThat(registry.condition("c1")).isEqualTo(Optional.of(Condition.inSegment("c0")));
  }
}
