package dev.herald.segmentation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every rule shown in docs/segments.md parses, and every error shown there is the real one. */
class DocsExamplesTest {
  private static final Pattern BLOCK = Pattern.compile("```(text|json)\\n(.*?)```", Pattern.DOTALL);
  private static final RuleParser PARSER = RuleParser.of(AttributeCatalogue.casino());

  @Test
  void everyRuleInTheGuideParses() throws IOException {
    String guide = Files.readString(Path.of("../docs/segments.md"));
    Matcher m = BLOCK.matcher(guide);
    List<String> rules = new ArrayList<>();
    List<String> errors = new ArrayList<>();
    while (m.find()) {
      String block = m.group(2);
      if (block.startsWith("line ")) {
        errors.addAll(block.lines().toList());
      } else if (m.group(1).equals("json") || !block.contains("   # ")) {
        rules.add(block);
      } else {
        rules.addAll(block.lines().filter(l -> !l.isBlank()).toList()); // one rule a line
      }
    }
    assertThat(rules).hasSizeGreaterThan(12);
    for (String rule : rules) {
      Condition c = PARSER.parse(rule);
      assertThat(PARSER.parse(c.toText())).as(rule).isEqualTo(c);
    }
    assertThat(errors).hasSizeGreaterThan(5);
  }

  @Test
  void theErrorsShownInTheGuideAreTheRealOnes() {
    assertError("push.enabled and vip_levl >= 3",
        "line 1, column 18: unknown attribute 'vip_levl' (did you mean 'vip_level'?)");
    assertError("country contains \"DE\"", "line 1, column 9: country is a string: contains"
        + " applies to sets of strings; for text use = or starts with");
    assertError("tags = \"vip\"", "line 1, column 6: tags is a set of strings: test it with"
        + " contains, e.g. tags contains \"vip\"");
    assertError("vip_level >= \"3\"", "line 1, column 14: vip_level is a number: write a number"
        + " such as 3 or 99.5, got the string \"3\"");
    assertError("vip_level", "line 1, column 1: vip_level is a number: a bare name is only a"
        + " condition for booleans; compare it, e.g. vip_level >= 3");
    assertError("vip_level between 5 and 2",
        "line 1, column 11: between: the lower bound comes first");
    assertError("vip_level = 1e999999999", "line 1, column 13: a number's decimal exponent must be"
        + " between -1000 and 1000, got 999999999");
    assertError("vip_level = " + "9".repeat(101),
        "line 1, column 13: a number has at most 100 characters, got 101");
    assertError("vip_levl" + "x".repeat(100) + " >= 3", "line 1, column 1: a name has at most 64"
        + " characters, got 108: 'vip_levl" + "x".repeat(32) + "…'");
  }

  private static void assertError(String rule, String message) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PARSER.parse(rule))
        .hasMessage(message);
    try {
      assertThat(Files.readString(Path.of("../docs/segments.md"))).contains(message);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
