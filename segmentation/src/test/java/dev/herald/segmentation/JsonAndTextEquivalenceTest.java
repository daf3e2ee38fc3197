package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonAndTextEquivalenceTest {
  private static final RuleParser PARSER = RuleParser.of(AttributeCatalogue.casino());

  static Stream<Arguments> pairs() {
    return Stream.of(
        Arguments.of(
            "push.enabled and vip_level >= 3 and country in (\"DE\",\"AT\")"
                + " and last_deposit_at before now - 7d and categories contains \"tournaments\"",
            """
            {"all": [
              {"attribute": "push.enabled", "op": "=", "value": true},
              {"attribute": "vip_level", "op": ">=", "value": 3},
              {"attribute": "country", "op": "in", "values": ["DE", "AT"]},
              {"attribute": "last_deposit_at", "op": "before", "value": "now - 7d"},
              {"attribute": "categories", "op": "contains", "value": "tournaments"}
            ]}"""),
        Arguments.of(
            "not (rg.self_excluded or rg.cooling_off) and last_login_at within 30d",
            """
            {"all": [
              {"not": {"any": [
                {"attribute": "rg.self_excluded", "op": "=", "value": true},
                {"attribute": "rg.cooling_off", "op": "==", "value": true}]}},
              {"attribute": "last_login_at", "op": "within", "value": "30d"}]}"""),
        Arguments.of(
            "segment \"vip-de\" or (deposit_sum between 100 and 999.5 and tags is missing)",
            """
            {"any": [{"segment": "vip-de"},
                     {"all": [{"attribute": "deposit_sum", "op": "between", "values": [100, 999.50]},
                              {"attribute": "tags", "op": "is missing"}]}]}"""),
        Arguments.of(
            "registered_at after \"2026-01-01\" and language starts with \"de\" and vip_level not in (0)",
            """
            {"all": [{"attribute": "registered_at", "op": ">", "value": "2026-01-01T00:00:00Z"},
                     {"attribute": "language", "op": "starts with", "value": "de"},
                     {"attribute": "vip_level", "op": "not in", "values": [0.0]}]}"""),
        Arguments.of("{\"all\": [{\"attribute\": \"push.enabled\", \"op\": \"=\", \"value\": true}]}",
            "{\"attribute\": \"push.enabled\", \"op\": \"=\", \"value\": true}"));
  }

  @ParameterizedTest
  @MethodSource("pairs")
  void bothFormsParseToTheSameTree(String text, String json) {
    Condition fromText = PARSER.parse(text);
    Condition fromJson = PARSER.parse(json);
    assertThat(fromJson).isEqualTo(fromText);
    // text -> tree -> text and JSON -> tree -> JSON are stable and mean the same
    assertThat(PARSER.parse(fromText.toText())).isEqualTo(fromText);
    assertThat(PARSER.parse(fromJson.toJson())).isEqualTo(fromJson);
    assertThat(PARSER.parse(fromJson.toJson()).toJson()).isEqualTo(fromJson.toJson());
    assertThat(PARSER.parse(fromText.toText()).toText()).isEqualTo(fromText.toText());
  }

  @Test
  void canonicalJsonLooksLikeThis() {
    Condition c = PARSER.parse("push.enabled and last_deposit_at before now - 7d"
        + " and country in (\"DE\", \"AT\") and last_login_at within 30d and tags exists");
    assertThat(c.toJson()).isEqualTo("{\"all\":["
        + "{\"attribute\":\"push.enabled\",\"op\":\"=\",\"value\":true},"
        + "{\"attribute\":\"last_deposit_at\",\"op\":\"before\",\"value\":\"now - 7d\"},"
        + "{\"attribute\":\"country\",\"op\":\"in\",\"values\":[\"DE\",\"AT\"]},"
        + "{\"attribute\":\"last_login_at\",\"op\":\"within\",\"value\":\"30d\"},"
        + "{\"attribute\":\"tags\",\"op\":\"exists\"}]}");
  }

  @ParameterizedTest
  @ValueSource(longs = {7, 11, 19, 42, 101, 777, 4242, 9001, 31337, 65537})
  void randomTreesRoundTripThroughBothForms(long seed) {
    RandomRules random = new RandomRules(seed);
    for (int i = 0; i < 200; i++) {
      Condition c = random.condition(5);
      Condition viaText = PARSER.parseText(c.toText());
      Condition viaJson = PARSER.parseJson(c.toJson());
      assertThat(viaText).as(c.toText()).isEqualTo(c);
      assertThat(viaJson).as(c.toJson()).isEqualTo(c);
      assertThat(viaText.toText()).isEqualTo(c.toText());
      assertThat(viaJson.toJson()).isEqualTo(c.toJson());
    }
  }

  static Stream<Arguments> jsonErrors() {
    return Stream.of(
        Arguments.of("{\"all\": [\n  {\"attribute\": \"vip_levl\", \"op\": \">=\", \"value\": 3}]}",
            2, 17, "unknown attribute 'vip_levl' (did you mean 'vip_level'?)"),
        Arguments.of("{\"attribute\": \"country\", \"op\": \"=\",\n \"value\": 3}", 2, 11,
            "country is a string: write a quoted string"),
        Arguments.of("{\"attribute\": \"country\", \"op\": \"like\", \"value\": \"D\"}", 1, 32,
            "unknown operator \"like\""),
        Arguments.of("{\"attribute\": \"country\", \"op\": \"in\", \"value\": \"D\"}", 1, 47,
            "in takes \"values\", an array"),
        Arguments.of("{\"attribute\": \"country\", \"op\": \"=\"}", 1, 1,
            "missing \"value\" for country ="),
        Arguments.of("{\"attribute\": \"country\", \"value\": \"DE\"}", 1, 1, "missing \"op\""),
        Arguments.of("{\"attribute\": \"country\", \"op\": \"=\", \"valeu\": \"DE\"}", 1, 37,
            "unexpected \"valeu\" here"),
        Arguments.of("{\"all\": []}", 1, 9, "\"all\" takes a non-empty array"),
        Arguments.of("{\"all\": [1]}", 1, 10, "expected a condition object"),
        Arguments.of("{\"alll\": []}", 1, 1, "a condition object has \"all\", \"any\""),
        Arguments.of("{\"all\": [}", 1, 10, "malformed JSON"),
        Arguments.of("{\"not\": {\"segment\": 5}}", 1, 21, "\"segment\" takes a segment id"),
        Arguments.of("{\"attribute\": \"tags\", \"op\": \"exists\", \"value\": 1}", 1, 48,
            "exists takes no value"),
        Arguments.of("{\"attribute\": \"vip_level\", \"op\": \"between\", \"values\": [1]}", 1, 55,
            "between takes 2 values, got 1"),
        Arguments.of("{\"attribute\": \"last_login_at\", \"op\": \"before\", \"value\": null}", 1,
            57, "last_login_at is a timestamp: write now - 7d"),
        Arguments.of("{\"attribute\": \"country\", \"attribute\": \"x\"}", 1, 26, "appears twice"),
        Arguments.of("{\"attribute\": \"push.enabled\", \"op\": \"=\", \"value\": true} {}", 1, 57,
            "unexpected content after the rule"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("jsonErrors")
  void jsonErrorsPointAtLineAndColumn(String json, int line, int column, String reason) {
    assertThatThrownBy(() -> PARSER.parseJson(json))
        .isInstanceOfSatisfying(SegmentRuleException.class, e -> {
          assertThat(e.reason()).contains(reason);
          assertThat(e.line()).as("line").isEqualTo(line);
          assertThat(e.column()).as("column").isEqualTo(column);
        });
  }

  @Test
  void parseDetectsTheFormByTheFirstCharacter() {
    assertThat(RuleParser.isJson("  \n {\"all\": []}")).isTrue();
    assertThat(RuleParser.isJson("push.enabled")).isFalse();
    assertThat(RuleParser.isJson("(push.enabled)")).isFalse();
  }
}
