package dev.herald.segmentation.internal;

import dev.herald.segmentation.AttributeType;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.Truth;
import dev.herald.segmentation.Value;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/**
 * One attribute test with its literals converted to the forms values are compared in. Negative
 * operators are folded into a positive one plus {@link #negate}: {@code !=} is {@code =} negated,
 * {@code not in} is {@code in} negated, {@code is missing} is {@code exists} negated, and
 * {@code within d} is {@code >= now - d}.
 *
 * <p>Its {@link #truth} is the three-valued result: UNKNOWN when the value is missing, except for
 * {@code exists}, which is never unknown.
 */
public final class CompiledTest {
  /** The folded operators. */
  public enum Kind {
    /** The attribute has a value. */
    EXISTS,
    /** Equal to the literal. */
    EQ,
    /** Less than the literal. */
    LT,
    /** Less than or equal to the literal. */
    LE,
    /** Greater than the literal. */
    GT,
    /** Greater than or equal to the literal. */
    GE,
    /** Between two literals, both included. */
    BETWEEN,
    /** Equal to one of a set of literals. */
    IN,
    /** A set-valued attribute that contains the literal. */
    CONTAINS,
    /** A string that starts with the literal. */
    STARTS_WITH
  }

  final String attribute;
  final int column;
  final AttributeType type;
  final Kind kind;
  final boolean negate;
  // number operands
  final double n1;
  final double n2;
  final double[] numbers;
  // time operands: fixed epoch millis, or an offset from now when relative
  final long t1;
  final boolean relative1;
  final long t2;
  final boolean relative2;
  // text operands
  final String text;
  final String[] texts;
  final Set<String> textSet;
  final boolean bool;
  final Condition.AttributeTest source;

  CompiledTest(Condition.AttributeTest test, AttributeType type, int column) {
    this.source = test;
    this.attribute = test.attribute();
    this.column = column;
    this.type = type;
    Operator op = test.operator();
    this.negate = op == Operator.NE || op == Operator.NOT_IN || op == Operator.MISSING;
    this.kind = switch (op) {
      case EQ, NE -> Kind.EQ;
      case LT -> Kind.LT;
      case LE -> Kind.LE;
      case GT -> Kind.GT;
      case GE, WITHIN -> Kind.GE;
      case BETWEEN -> Kind.BETWEEN;
      case IN, NOT_IN -> Kind.IN;
      case CONTAINS -> Kind.CONTAINS;
      case STARTS_WITH -> Kind.STARTS_WITH;
      case EXISTS, MISSING -> Kind.EXISTS;
    };
    Value v1 = test.operands().isEmpty() ? null : test.operands().get(0);
    Value v2 = test.operands().size() > 1 ? test.operands().get(1) : null;
    if (op == Operator.WITHIN) {
      v1 = new Value.Now(((Value.Span) v1).length().negated());
    }
    this.n1 = num(v1);
    this.n2 = num(v2);
    this.relative1 = v1 instanceof Value.Now;
    this.t1 = time(v1);
    this.relative2 = v2 instanceof Value.Now;
    this.t2 = time(v2);
    this.text = v1 instanceof Value.Text t ? t.value() : null;
    this.bool = v1 instanceof Value.Bool b && b.value();
    if (kind == Kind.IN && type == AttributeType.NUMBER) {
      double[] list = test.operands().stream()
          .mapToDouble(v -> ((Value.Num) v).value().doubleValue() + 0.0).toArray();
      Arrays.sort(list);
      this.numbers = list;
      this.texts = null;
      this.textSet = null;
    } else if (kind == Kind.IN) {
      this.numbers = null;
      this.texts = test.operands().stream().map(v -> ((Value.Text) v).value())
          .distinct().sorted().toArray(String[]::new);
      this.textSet = new HashSet<>(Arrays.asList(texts));
    } else {
      this.numbers = null;
      this.texts = null;
      this.textSet = null;
    }
  }

  private static double num(Value v) {
    // + 0.0 turns -0.0 into 0.0, so sorted lookups agree with ==
    return v instanceof Value.Num n ? n.value().doubleValue() + 0.0 : Double.NaN;
  }

  private static long time(Value v) {
    if (v instanceof Value.Timestamp t) {
      return Values.millis(t.value());
    }
    if (v instanceof Value.Now n) {
      return n.offset().toMillis();
    }
    return 0;
  }

  /** @return the attribute's canonical name */
  public String attribute() {
    return attribute;
  }

  /** @return the test as written */
  public Condition.AttributeTest source() {
    return source;
  }

  long bound1(long nowMillis) {
    return relative1 ? Values.saturatedAdd(nowMillis, t1) : t1;
  }

  long bound2(long nowMillis) {
    return relative2 ? Values.saturatedAdd(nowMillis, t2) : t2;
  }

  /**
   * The three-valued result for one player.
   *
   * @param player the player's values
   * @param nowMillis the evaluation time
   * @return TRUE, FALSE, or UNKNOWN when the value is missing
   */
  public Truth truth(PlayerAttributes player, long nowMillis) {
    Object raw = player.value(attribute);
    boolean present = isPresent(raw);
    if (kind == Kind.EXISTS) {
      return Truth.of(present != negate);
    }
    if (!present) {
      return Truth.UNKNOWN;
    }
    return Truth.of(matches(raw, nowMillis) != negate);
  }

  private boolean isPresent(Object raw) {
    switch (type) {
      case NUMBER:
        return !Double.isNaN(Values.number(raw));
      case STRING:
        return raw instanceof String;
      case BOOLEAN:
        return raw instanceof Boolean;
      case TIMESTAMP:
        return Values.isTime(raw);
      default:
        return raw instanceof Collection<?>;
    }
  }

  private boolean matches(Object raw, long now) {
    switch (type) {
      case NUMBER:
        return matchNumber(Values.number(raw));
      case TIMESTAMP:
        return matchTime(Values.millis((java.time.Instant) raw), now);
      case BOOLEAN:
        return (Boolean) raw == bool;
      case STRING: {
        String s = (String) raw;
        switch (kind) {
          case EQ:
            return s.equals(text);
          case IN:
            return textSet.contains(s);
          default:
            return s.startsWith(text);
        }
      }
      default:
        return ((Collection<?>) raw).contains(text);
    }
  }

  private boolean matchNumber(double v) {
    switch (kind) {
      case EQ:
        return v == n1;
      case LT:
        return v < n1;
      case LE:
        return v <= n1;
      case GT:
        return v > n1;
      case GE:
        return v >= n1;
      case BETWEEN:
        return v >= n1 && v <= n2;
      default:
        return Arrays.binarySearch(numbers, v + 0.0) >= 0;
    }
  }

  private boolean matchTime(long v, long now) {
    long a = bound1(now);
    switch (kind) {
      case EQ:
        return v == a;
      case LT:
        return v < a;
      case LE:
        return v <= a;
      case GT:
        return v > a;
      case GE:
        return v >= a;
      default:
        return v >= a && v <= bound2(now);
    }
  }
}
