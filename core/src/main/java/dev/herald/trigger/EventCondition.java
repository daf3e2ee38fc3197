package dev.herald.trigger;

import dev.herald.InvalidInputException;
import dev.herald.internal.Attributes;
import dev.herald.internal.Checks;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A test on one attribute of a {@link PlayerEvent}: {@code amount >= 100},
 * {@code method in ("card", "paypal")}, {@code bonus_id exists}. A missing attribute never
 * satisfies a comparison (only {@link Op#MISSING}); numbers compare by value whatever their type.
 *
 * @param attribute the attribute name
 * @param op the operator
 * @param values the operand: one value, several for {@link Op#IN}, none for EXISTS and MISSING
 */
public record EventCondition(String attribute, Op op, List<Object> values) {

  /** The operators. */
  public enum Op {
    /** Equal. */
    EQ,
    /** Not equal (a missing attribute does not match). */
    NE,
    /** Less than. */
    LT,
    /** Less than or equal. */
    LE,
    /** Greater than. */
    GT,
    /** Greater than or equal. */
    GE,
    /** Equal to one of the values. */
    IN,
    /** Present. */
    EXISTS,
    /** Absent. */
    MISSING
  }

  /**
   * Validates and normalises the operand.
   *
   * @param attribute the attribute name
   * @param op the operator
   * @param values the operand: one value, several for {@link Op#IN}, none for EXISTS and MISSING
   */
  public EventCondition {
    attribute = Attributes.name(attribute, "condition.attribute");
    Checks.required(op, "condition.op");
    Checks.required(values, "condition.values");
    int expected = switch (op) {
      case EXISTS, MISSING -> 0;
      case IN -> -1;
      default -> 1;
    };
    if (expected >= 0 && values.size() != expected) {
      throw new InvalidInputException("condition.values",
          op + " takes " + expected + " value(s), got " + values.size());
    }
    if (expected < 0 && values.isEmpty()) {
      throw new InvalidInputException("condition.values", "IN takes at least one value");
    }
    String name = attribute;
    values = values.stream().map(v -> Attributes.value(name,
        Checks.required(v, "condition.value"))).toList();
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a = v}
   */
  public static EventCondition eq(String a, Object v) {
    return new EventCondition(a, Op.EQ, List.of(v));
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a != v}
   */
  public static EventCondition ne(String a, Object v) {
    return new EventCondition(a, Op.NE, List.of(v));
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a < v}
   */
  public static EventCondition lt(String a, Object v) {
    return new EventCondition(a, Op.LT, List.of(v));
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a <= v}
   */
  public static EventCondition le(String a, Object v) {
    return new EventCondition(a, Op.LE, List.of(v));
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a > v}
   */
  public static EventCondition gt(String a, Object v) {
    return new EventCondition(a, Op.GT, List.of(v));
  }

  /**
   * @param a attribute
   * @param v value
   * @return {@code a >= v}
   */
  public static EventCondition ge(String a, Object v) {
    return new EventCondition(a, Op.GE, List.of(v));
  }

  /**
   * @param a attribute
   * @param vs values
   * @return {@code a in (vs...)}
   */
  public static EventCondition in(String a, Object... vs) {
    return new EventCondition(a, Op.IN, List.of(vs));
  }

  /**
   * @param a attribute
   * @return {@code a exists}
   */
  public static EventCondition exists(String a) {
    return new EventCondition(a, Op.EXISTS, List.of());
  }

  /**
   * @param a attribute
   * @return {@code a is missing}
   */
  public static EventCondition missing(String a) {
    return new EventCondition(a, Op.MISSING, List.of());
  }

  /**
   * Whether an event's attributes satisfy the condition.
   *
   * @param attributes the event's attributes
   * @return true when satisfied
   */
  public boolean test(Map<String, Object> attributes) {
    Object actual = attributes.get(attribute);
    if (op == Op.MISSING) {
      return actual == null;
    }
    if (actual == null) {
      return false;
    }
    return switch (op) {
      case EXISTS -> true;
      case EQ -> same(actual, values.get(0));
      case NE -> !same(actual, values.get(0));
      case IN -> values.stream().anyMatch(v -> same(actual, v));
      default -> {
        Integer c = compare(actual, values.get(0));
        yield c != null && switch (op) {
          case LT -> c < 0;
          case LE -> c <= 0;
          case GT -> c > 0;
          default -> c >= 0;
        };
      }
    };
  }

  private static boolean same(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      Integer c = compareNumbers(x, y);
      return c != null && c == 0;
    }
    if (a instanceof Set<?> set && b instanceof String s) {
      return set.contains(s);
    }
    return Objects.equals(a, b);
  }

  private static Integer compare(Object a, Object b) {
    if (a instanceof Number x && b instanceof Number y) {
      return compareNumbers(x, y);
    }
    if (a instanceof Instant x && b instanceof Instant y) {
      return x.compareTo(y);
    }
    if (a instanceof String x && b instanceof String y) {
      return x.compareTo(y);
    }
    return null;
  }

  /**
   * Longs compare as longs (the common case, and fast); finite numbers by exact decimal value;
   * an infinity as a double; NaN with nothing (null). Never throws: a condition is evaluated
   * inside {@link Triggers#report}, where an exception would skip the event's later rules.
   */
  private static Integer compareNumbers(Number x, Number y) {
    if (x instanceof Long l && y instanceof Long m) {
      return Long.compare(l, m);
    }
    double dx = x.doubleValue();
    double dy = y.doubleValue();
    if (Double.isNaN(dx) || Double.isNaN(dy)) {
      return null;
    }
    BigDecimal a = decimal(x);
    BigDecimal b = decimal(y);
    return a == null || b == null ? Double.compare(dx, dy) : a.compareTo(b);
  }

  /** The exact value, or null for an infinity or a number type whose text is not a decimal. */
  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
      return BigDecimal.valueOf(n.longValue());
    }
    if (!Double.isFinite(n.doubleValue())) {
      return null;
    }
    try {
      return new BigDecimal(n.toString());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  @Override
  public String toString() {
    return attribute + " " + op + " " + values;
  }
}
