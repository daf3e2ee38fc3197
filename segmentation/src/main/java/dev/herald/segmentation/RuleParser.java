package dev.herald.segmentation;

import dev.herald.segmentation.internal.JsonRuleReader;
import dev.herald.segmentation.internal.ReferenceCheck;
import dev.herald.segmentation.internal.TextParser;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * Reads segment rules, in the text form or the JSON form, into a type-checked
 * {@link Condition} tree. Both forms of the same rule give equal trees:
 *
 * <pre>{@code
 * RuleParser parser = RuleParser.of(AttributeCatalogue.casino());
 * Condition a = parser.parse("push.enabled and vip_level >= 3 and country in (\"DE\", \"AT\")");
 * Condition b = parser.parse("""
 *     {"all": [{"attribute": "push.enabled", "op": "=", "value": true},
 *              {"attribute": "vip_level", "op": ">=", "value": 3},
 *              {"attribute": "country", "op": "in", "values": ["DE", "AT"]}]}""");
 * assert a.equals(b);
 * }</pre>
 *
 * <p>Every problem is a {@link SegmentRuleException} with the line and column of the offending
 * token. Hostile input is refused early, with the limit in the message: a rule longer than
 * {@value #MAX_RULE_CHARS} characters, a name longer than {@value #MAX_NAME_CHARS}, a number
 * longer than {@value #MAX_NUMBER_CHARS} characters or with an exponent beyond
 * &plusmn;{@value #MAX_NUMBER_EXPONENT}, nesting deeper than 64 levels. Immutable and thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class RuleParser {
  /** The longest rule accepted, in characters, in either form (and a saved rule's JSON form). */
  public static final int MAX_RULE_CHARS = 200_000;
  /** The longest attribute name a rule may write: the longest a catalogue may declare. */
  public static final int MAX_NAME_CHARS = 64;
  /** The longest number literal, in characters; a longer one is refused before it is parsed. */
  public static final int MAX_NUMBER_CHARS = 100;
  /**
   * The largest decimal exponent of a number literal either way ({@code 1e1000}, {@code 1e-1000});
   * rules compare numbers as doubles, which reach about 1.8e308.
   */
  public static final int MAX_NUMBER_EXPONENT = dev.herald.internal.Numbers.MAX_EXPONENT;

  private final AttributeCatalogue catalogue;
  private final Predicate<String> knownSegments;

  private RuleParser(AttributeCatalogue catalogue, Predicate<String> knownSegments) {
    this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
    this.knownSegments = knownSegments;
  }

  /**
   * A parser that checks attributes against a catalogue and accepts any segment reference (the
   * {@link SegmentRegistry} checks references when a segment is defined).
   *
   * @param catalogue the attributes rules may name
   * @return the parser
   */
  public static RuleParser of(AttributeCatalogue catalogue) {
    return new RuleParser(catalogue, null);
  }

  /**
   * A copy that refuses references to segments the predicate does not know.
   *
   * @param known whether a segment id exists
   * @return a new parser
   */
  public RuleParser withKnownSegments(Predicate<String> known) {
    return new RuleParser(catalogue, Objects.requireNonNull(known, "known"));
  }

  /**
   * The catalogue this parser checks against.
   *
   * @return the catalogue
   */
  public AttributeCatalogue catalogue() {
    return catalogue;
  }

  /**
   * Reads either form: a rule whose first non-blank character is <code>{</code> is JSON,
   * anything else is text.
   *
   * @param rule the rule
   * @return the tree
   * @throws SegmentRuleException with the position of the first problem
   */
  public Condition parse(String rule) {
    return isJson(rule) ? parseJson(rule) : parseText(rule);
  }

  /**
   * Reads the text form.
   *
   * @param text the rule
   * @return the tree
   * @throws SegmentRuleException with the position of the first problem
   */
  public Condition parseText(String text) {
    return TextParser.parse(Objects.requireNonNull(text, "text"), catalogue, check());
  }

  /**
   * Reads the JSON form.
   *
   * @param json the rule
   * @return the tree
   * @throws SegmentRuleException with the position of the first problem
   */
  public Condition parseJson(String json) {
    return JsonRuleReader.parse(Objects.requireNonNull(json, "json"), catalogue, check());
  }

  Condition parse(String rule, ReferenceCheck references) {
    return isJson(rule)
        ? JsonRuleReader.parse(rule, catalogue, references)
        : TextParser.parse(rule, catalogue, references);
  }

  /**
   * Whether a rule is in the JSON form.
   *
   * @param rule the rule
   * @return true when its first non-blank character is <code>{</code>
   */
  public static boolean isJson(String rule) {
    Objects.requireNonNull(rule, "rule");
    for (int i = 0; i < rule.length(); i++) {
      char c = rule.charAt(i);
      if (!Character.isWhitespace(c) && c != '\uFEFF') {
        return c == '{';
      }
    }
    return false;
  }

  private ReferenceCheck check() {
    if (knownSegments == null) {
      return ReferenceCheck.ANY;
    }
    return id -> knownSegments.test(id) ? null : "unknown segment '" + id + "'";
  }
}
