package dev.herald.segmentation.internal;

import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.Value;
import dev.herald.segmentation.internal.Lexer.Token;
import dev.herald.segmentation.internal.Lexer.Type;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser of the text form. Precedence, loosest first: {@code or}, {@code and},
 * {@code not}, then a parenthesised rule, a segment reference or one attribute test.
 */
public final class TextParser {
  /** Words with a meaning in the text form; attributes with these names need backticks. */
  public static final Set<String> KEYWORDS = Set.of(
      "and", "or", "not", "in", "between", "contains", "starts", "with", "exists", "is",
      "missing", "now", "within", "before", "after", "true", "false", "segment");

  private static final int MAX_DEPTH = 64;
  private static final String OPERATORS =
      "=, !=, <, <=, >, >=, before, after, between, in, not in, contains, starts with, within,"
          + " exists or is missing";

  private final AttributeCatalogue catalogue;
  private final ReferenceCheck references;
  private final SourceText source;
  private final List<Token> tokens;
  private int next;
  private int depth;

  private TextParser(String text, AttributeCatalogue catalogue, ReferenceCheck references) {
    this.catalogue = catalogue;
    this.references = references;
    this.source = new SourceText(text);
    this.tokens = new Lexer(text, source).tokens();
  }

  /**
   * Parses and type-checks the text form.
   *
   * @param text the rule
   * @param catalogue the attributes it may name
   * @param references what it may refer to
   * @return the tree
   * @throws SegmentRuleException at the first problem, with its position
   */
  public static Condition parse(String text, AttributeCatalogue catalogue,
      ReferenceCheck references) {
    SourceText.checkLength(text);
    TextParser p = new TextParser(text, catalogue, references);
    if (p.peek().type() == Type.EOF) {
      throw p.error(p.peek(), "the rule is empty; write a condition such as vip_level >= 3");
    }
    Condition c = p.or();
    Token t = p.peek();
    if (t.type() == Type.RPAREN) {
      throw p.error(t, "unmatched )");
    }
    if (t.type() != Type.EOF) {
      throw p.error(t, "expected and, or or the end of the rule, got " + t.describe());
    }
    return c;
  }

  private Token peek() {
    return tokens.get(next);
  }

  private Token take() {
    Token t = tokens.get(next);
    if (t.type() != Type.EOF) {
      next++;
    }
    return t;
  }

  private SegmentRuleException error(Token at, String reason) {
    return source.error(at.line(), at.column(), reason);
  }

  private Condition or() {
    List<Condition> parts = new ArrayList<>();
    parts.add(and());
    while (peek().isKeyword("or")) {
      take();
      parts.add(and());
    }
    return Condition.any(parts);
  }

  private Condition and() {
    List<Condition> parts = new ArrayList<>();
    parts.add(not());
    while (peek().isKeyword("and")) {
      take();
      parts.add(not());
    }
    return Condition.all(parts);
  }

  private Condition not() {
    Token t = peek();
    if (t.isKeyword("not")) {
      take();
      enter(t);
      Condition inner = not();
      depth--;
      return Condition.not(inner);
    }
    return primary();
  }

  private void enter(Token t) {
    if (++depth > MAX_DEPTH) {
      throw error(t, "the rule is nested more than " + MAX_DEPTH + " levels deep");
    }
  }

  private Condition primary() {
    Token t = take();
    if (t.type() == Type.LPAREN) {
      enter(t);
      Condition inner = or();
      depth--;
      Token close = take();
      if (close.type() != Type.RPAREN) {
        throw error(close, "expected ) to close the ( at line " + t.line() + ", column "
            + t.column() + ", got " + close.describe());
      }
      return inner;
    }
    if (t.isKeyword("segment")) {
      Token id = take();
      if (id.type() != Type.STRING) {
        throw error(id, "expected a quoted segment id after segment, e.g. segment \"vip-de\","
            + " got " + id.describe());
      }
      if (!SegmentIds.isValid(id.text())) {
        throw error(id, "a segment id is 1 to 128 letters, digits, _ . : - starting with a"
            + " letter or digit");
      }
      String problem = references.problem(id.text());
      if (problem != null) {
        throw error(id, problem);
      }
      return Condition.inSegment(id.text());
    }
    if (t.type() == Type.QUOTED_IDENT
        || (t.type() == Type.IDENT && !KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT)))) {
      return test(t);
    }
    if (t.type() == Type.IDENT) {
      throw error(t, "expected a condition, got the keyword '" + t.text() + "'; an attribute"
          + " with that name is written `" + t.text() + "`");
    }
    throw error(t, "expected a condition (an attribute, not, segment \"id\" or a parenthesis),"
        + " got " + t.describe());
  }

  private Attribute attribute(Token t) {
    return catalogue.find(t.text()).orElseThrow(() -> {
      List<String> suggestions = catalogue.suggestionsFor(t.text());
      return error(t, "unknown attribute '" + t.text() + "'" + (suggestions.isEmpty() ? ""
          : " (did you mean " + String.join(" or ", suggestions.stream()
              .map(x -> "'" + x + "'").toList()) + "?)"));
    });
  }

  private Condition test(Token name) {
    Attribute a = attribute(name);
    Token t = peek();
    if (t.type() == Type.OP) {
      take();
      Operator op = switch (t.text()) {
        case "=" -> Operator.EQ;
        case "!=" -> Operator.NE;
        case "<" -> Operator.LT;
        case "<=" -> Operator.LE;
        case ">" -> Operator.GT;
        default -> Operator.GE;
      };
      check(t, a, op, false);
      return make(a, op, value(a, op));
    }
    if (t.isKeyword("before") || t.isKeyword("after")) {
      take();
      Operator op = t.isKeyword("before") ? Operator.LT : Operator.GT;
      check(t, a, op, true);
      return make(a, op, value(a, op));
    }
    if (t.isKeyword("between")) {
      take();
      check(t, a, Operator.BETWEEN, false);
      Value lo = value(a, Operator.BETWEEN);
      Token and = take();
      if (!and.isKeyword("and")) {
        throw error(and, "expected and between the bounds, e.g. " + a.name()
            + " between 2 and 4, got " + and.describe());
      }
      Value hi = value(a, Operator.BETWEEN);
      String problem = TypeRules.checkShape(Operator.BETWEEN, List.of(lo, hi));
      if (problem != null) {
        throw error(t, "between: " + problem);
      }
      return make(a, Operator.BETWEEN, lo, hi);
    }
    if (t.isKeyword("in")) {
      take();
      check(t, a, Operator.IN, false);
      return list(a, Operator.IN);
    }
    if (t.isKeyword("not")) {
      take();
      Token in = take();
      if (!in.isKeyword("in")) {
        throw error(in, "expected in after " + a.name() + " not; to negate a condition, put not"
            + " before it: not " + a.name() + " ...");
      }
      check(t, a, Operator.NOT_IN, false);
      return list(a, Operator.NOT_IN);
    }
    if (t.isKeyword("contains")) {
      take();
      check(t, a, Operator.CONTAINS, false);
      return make(a, Operator.CONTAINS, value(a, Operator.CONTAINS));
    }
    if (t.isKeyword("starts")) {
      take();
      Token with = take();
      if (!with.isKeyword("with")) {
        throw error(with, "expected with after starts, got " + with.describe());
      }
      check(t, a, Operator.STARTS_WITH, false);
      return make(a, Operator.STARTS_WITH, value(a, Operator.STARTS_WITH));
    }
    if (t.isKeyword("exists")) {
      take();
      return make(a, Operator.EXISTS);
    }
    if (t.isKeyword("is")) {
      take();
      Token u = take();
      boolean negated = u.isKeyword("not");
      if (negated) {
        u = take();
      }
      if (!u.isKeyword("missing")) {
        throw error(u, "expected missing after is, e.g. " + a.name() + " is missing, got "
            + u.describe());
      }
      return make(a, negated ? Operator.EXISTS : Operator.MISSING);
    }
    if (t.isKeyword("within")) {
      take();
      check(t, a, Operator.WITHIN, false);
      return make(a, Operator.WITHIN, value(a, Operator.WITHIN));
    }
    if (t.type() == Type.EOF || t.type() == Type.RPAREN || t.isKeyword("and")
        || t.isKeyword("or")) {
      String problem = TypeRules.bareProblem(a);
      if (problem != null) {
        throw error(name, problem);
      }
      return make(a, Operator.EQ, new Value.Bool(true));
    }
    if (a.type() == dev.herald.segmentation.AttributeType.BOOLEAN) {
      throw error(t, "expected and, or, ) or an operator after " + a.name() + ", got "
          + t.describe());
    }
    throw error(t, "expected an operator after " + a.name() + " (" + OPERATORS + "), got "
        + t.describe());
  }

  private void check(Token at, Attribute a, Operator op, boolean timeWords) {
    String problem = TypeRules.operatorProblem(a, op, timeWords);
    if (problem != null) {
      throw error(at, problem);
    }
  }

  private static Condition make(Attribute a, Operator op, Value... operands) {
    return Condition.test(a.name(), op, operands);
  }

  private Condition list(Attribute a, Operator op) {
    Token open = take();
    if (open.type() != Type.LPAREN) {
      throw error(open, "expected ( to start the list, e.g. " + a.name() + " " + op.text()
          + " (\"DE\", \"AT\"), got " + open.describe());
    }
    List<Value> values = new ArrayList<>();
    while (true) {
      if (values.size() == Condition.MAX_LIST_SIZE) {
        throw error(peek(), "a list holds at most " + Condition.MAX_LIST_SIZE + " values");
      }
      values.add(value(a, op));
      Token t = take();
      if (t.type() == Type.RPAREN) {
        break;
      }
      if (t.type() != Type.COMMA) {
        throw error(t, "expected , or ) in the list, got " + t.describe());
      }
    }
    return new Condition.AttributeTest(a.name(), op, values);
  }

  private Value value(Attribute a, Operator op) {
    Token t = take();
    RawLiteral raw = raw(t);
    try {
      return TypeRules.coerce(a, op, raw);
    } catch (RuleProblem e) {
      throw error(t, e.getMessage());
    }
  }

  private RawLiteral raw(Token t) {
    switch (t.type()) {
      case STRING:
        return literal(RawLiteral.Kind.STRING, t.text(), null, false, null, t);
      case NUMBER:
        return literal(RawLiteral.Kind.NUMBER, null, t.number(), false, null, t);
      case SPAN:
        return literal(RawLiteral.Kind.SPAN, null, null, false, t.span(), t);
      case MINUS: {
        Token n = take();
        if (n.type() != Type.NUMBER || n.line() != t.line() || n.column() != t.column() + 1) {
          throw error(t, "expected a number right after -, e.g. -5");
        }
        BigDecimal negative = n.number().negate();
        return literal(RawLiteral.Kind.NUMBER, null, negative, false, null, t);
      }
      case IDENT:
        if (t.isKeyword("true") || t.isKeyword("false")) {
          return literal(RawLiteral.Kind.BOOLEAN, null, null, t.isKeyword("true"), null, t);
        }
        if (t.isKeyword("now")) {
          Token sign = peek();
          if (sign.type() != Type.PLUS && sign.type() != Type.MINUS) {
            return literal(RawLiteral.Kind.NOW, null, null, false, Duration.ZERO, t);
          }
          take();
          Token span = take();
          if (span.type() != Type.SPAN) {
            throw error(span, "expected a span such as 7d after now " + sign.text() + ", got "
                + span.describe());
          }
          Duration offset = sign.type() == Type.MINUS ? span.span().negated() : span.span();
          return literal(RawLiteral.Kind.NOW, null, null, false, offset, t);
        }
        throw error(t, "expected a value (a quoted string, a number, true, false, now - 7d),"
            + " got " + t.describe() + "; strings need double quotes");
      default:
        throw error(t, "expected a value (a quoted string, a number, true, false, now - 7d),"
            + " got " + t.describe());
    }
  }

  private static RawLiteral literal(RawLiteral.Kind kind, String text, BigDecimal number,
      boolean bool, Duration duration, Token at) {
    return new RawLiteral(kind, text, number, bool, duration, at.line(), at.column());
  }
}
