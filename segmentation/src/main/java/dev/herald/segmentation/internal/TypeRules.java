package dev.herald.segmentation.internal;

import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeType;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.Value;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Which operators and literals fit which attribute types; the messages say what to write
 * instead. Shared by both readers and the compiler, so every path reports the same problem in the
 * same words.
 */
public final class TypeRules {
  private TypeRules() {}

  /**
   * Checks operands against an operator without knowing the attribute's type.
   *
   * @param op the operator
   * @param operands the literals
   * @return the problem, or null when the shape fits
   */
  public static String checkShape(Operator op, List<Value> operands) {
    int n = operands.size();
    if (op.arity() >= 0 && n != op.arity()) {
      return "takes " + op.arity() + " operand" + (op.arity() == 1 ? "" : "s") + ", got " + n;
    }
    for (Value v : operands) {
      if (v == null) {
        return "operands must not be null";
      }
    }
    switch (op) {
      case EQ:
      case NE:
        return operands.get(0) instanceof Value.Span ? "compares with a value, not a span" : null;
      case LT:
      case LE:
      case GT:
      case GE:
        return isOrdered(operands.get(0)) ? null : "compares numbers and timestamps only";
      case BETWEEN: {
        Value lo = operands.get(0);
        Value hi = operands.get(1);
        if (!isOrdered(lo) || !isOrdered(hi) || (lo instanceof Value.Num) != (hi instanceof Value.Num)) {
          return "takes two numbers or two timestamps";
        }
        return lowerBoundFirst(lo, hi) ? null : "the lower bound comes first";
      }
      case IN:
      case NOT_IN: {
        if (n == 0 || n > Condition.MAX_LIST_SIZE) {
          return "takes 1 to " + Condition.MAX_LIST_SIZE + " values, got " + n;
        }
        boolean text = operands.get(0) instanceof Value.Text;
        for (Value v : operands) {
          if (text ? !(v instanceof Value.Text) : !(v instanceof Value.Num)) {
            return "takes a list of strings or a list of numbers";
          }
        }
        return null;
      }
      case CONTAINS:
      case STARTS_WITH:
        return operands.get(0) instanceof Value.Text ? null : "takes a string";
      case WITHIN:
        return operands.get(0) instanceof Value.Span ? null : "takes a span such as 30d";
      default:
        return null;
    }
  }

  private static boolean isOrdered(Value v) {
    return v instanceof Value.Num || v instanceof Value.Timestamp || v instanceof Value.Now;
  }

  private static boolean lowerBoundFirst(Value lo, Value hi) {
    if (lo instanceof Value.Num a && hi instanceof Value.Num b) {
      return a.value().compareTo(b.value()) <= 0;
    }
    if (lo instanceof Value.Timestamp a && hi instanceof Value.Timestamp b) {
      return !a.value().isAfter(b.value());
    }
    if (lo instanceof Value.Now a && hi instanceof Value.Now b) {
      return a.offset().compareTo(b.offset()) <= 0;
    }
    return true;
  }

  /**
   * Checks that an operator applies to an attribute's type.
   *
   * @param a the attribute
   * @param op the operator
   * @param timeWords whether it was written {@code before} or {@code after}
   * @return the problem, or null when it applies
   */
  public static String operatorProblem(Attribute a, Operator op, boolean timeWords) {
    AttributeType t = a.type();
    String is = a.name() + " is " + "a " + t.label();
    switch (op) {
      case EQ:
      case NE:
        return t == AttributeType.STRING_SET
            ? is + ": test it with contains, e.g. " + a.name() + " contains \"vip\"" : null;
      case LT:
      case LE:
      case GT:
      case GE:
      case BETWEEN:
        if (timeWords && t != AttributeType.TIMESTAMP) {
          return is + ": before and after apply to timestamps";
        }
        return t == AttributeType.NUMBER || t == AttributeType.TIMESTAMP
            ? null : is + ": " + op.text() + " applies to numbers and timestamps";
      case IN:
      case NOT_IN:
        return t == AttributeType.STRING || t == AttributeType.NUMBER
            ? null : is + ": " + op.text() + " applies to strings and numbers";
      case CONTAINS:
        return t == AttributeType.STRING_SET
            ? null
            : is + ": contains applies to sets of strings"
                + (t == AttributeType.STRING ? "; for text use = or starts with" : "");
      case STARTS_WITH:
        return t == AttributeType.STRING ? null : is + ": starts with applies to strings";
      case WITHIN:
        return t == AttributeType.TIMESTAMP ? null : is + ": within applies to timestamps";
      default:
        return null;
    }
  }

  /**
   * The problem with a bare attribute name used as a condition.
   *
   * @param a the attribute
   * @return the problem, or null for a boolean (which means {@code = true})
   */
  public static String bareProblem(Attribute a) {
    if (a.type() == AttributeType.BOOLEAN) {
      return null;
    }
    return a.name() + " is a " + a.type().label()
        + ": a bare name is only a condition for booleans; " + example(a);
  }

  private static String example(Attribute a) {
    switch (a.type()) {
      case NUMBER:
        return "compare it, e.g. " + a.name() + " >= 3";
      case STRING:
        return "compare it, e.g. " + a.name() + " = \"DE\"";
      case TIMESTAMP:
        return "compare it, e.g. " + a.name() + " within 30d";
      default:
        return "test it, e.g. " + a.name() + " contains \"vip\" or " + a.name() + " exists";
    }
  }

  /**
   * Gives a written literal its meaning for an attribute and operator.
   *
   * @param a the attribute
   * @param op the operator
   * @param raw the literal
   * @return the value
   * @throws RuleProblem when the literal does not fit, saying what would
   */
  public static Value coerce(Attribute a, Operator op, RawLiteral raw) {
    String is = a.name() + " is a " + a.type().label();
    if (op == Operator.WITHIN) {
      Duration span = raw.kind() == RawLiteral.Kind.SPAN ? raw.duration()
          : raw.kind() == RawLiteral.Kind.STRING ? spanOrNull(raw.text()) : null;
      if (span == null || span.isZero()) {
        throw new RuleProblem("within takes a positive span such as 30d, 12h or 2w, got "
            + raw.describe());
      }
      return new Value.Span(span);
    }
    switch (a.type()) {
      case STRING:
      case STRING_SET:
        if (raw.kind() == RawLiteral.Kind.STRING) {
          return new Value.Text(raw.text());
        }
        throw new RuleProblem(is + ": write a quoted string such as \"DE\", got " + raw.describe());
      case NUMBER:
        if (raw.kind() == RawLiteral.Kind.NUMBER) {
          String problem = dev.herald.internal.Numbers.problem(raw.number());
          if (problem != null) {
            throw new RuleProblem(problem);
          }
          return new Value.Num(raw.number());
        }
        throw new RuleProblem(is + ": write a number such as 3 or 99.5, got " + raw.describe());
      case BOOLEAN:
        if (raw.kind() == RawLiteral.Kind.BOOLEAN) {
          return new Value.Bool(raw.bool());
        }
        throw new RuleProblem(is + ": write true or false, got " + raw.describe());
      case TIMESTAMP:
        if (raw.kind() == RawLiteral.Kind.NOW) {
          return new Value.Now(raw.duration());
        }
        if (raw.kind() == RawLiteral.Kind.STRING) {
          return timeValue(raw.text(), is);
        }
        throw new RuleProblem(is + ": write now - 7d, or a quoted time such as"
            + " \"2026-01-31T18:00:00Z\" or \"2026-01-31\", got " + raw.describe());
      default:
        throw new AssertionError(a.type());
    }
  }

  private static Duration spanOrNull(String text) {
    try {
      return Durations.parseSpan(text);
    } catch (IllegalArgumentException e) {
      throw new RuleProblem(e.getMessage());
    }
  }

  private static Value timeValue(String text, String is) {
    Duration relative;
    try {
      relative = Durations.parseRelative(text);
    } catch (IllegalArgumentException e) {
      throw new RuleProblem(e.getMessage());
    }
    if (relative != null) {
      return new Value.Now(relative);
    }
    String t = text.strip();
    try {
      return new Value.Timestamp(Instant.parse(t));
    } catch (DateTimeParseException ignored) {
      // try the other forms
    }
    try {
      return new Value.Timestamp(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException ignored) {
      // try a date
    }
    try {
      return new Value.Timestamp(LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant());
    } catch (DateTimeParseException e) {
      throw new RuleProblem(is + ": \"" + dev.herald.internal.Excerpt.of(text)
          + "\" is not a time; write \"2026-01-31T18:00:00Z\","
          + " \"2026-01-31\" (midnight UTC) or now - 7d");
    }
  }

  /**
   * Checks a whole test against its attribute: the operator applies and every literal fits.
   *
   * @param a the attribute
   * @param test the test
   * @return the problem, or null
   */
  public static String typeProblem(Attribute a, Condition.AttributeTest test) {
    String problem = operatorProblem(a, test.operator(), false);
    if (problem != null) {
      return problem;
    }
    for (Value v : test.operands()) {
      if (!fits(a.type(), test.operator(), v)) {
        return a.name() + " is a " + a.type().label() + " but "
            + test.operator().text() + " was given " + v;
      }
    }
    return null;
  }

  private static boolean fits(AttributeType t, Operator op, Value v) {
    if (op == Operator.WITHIN) {
      return v instanceof Value.Span;
    }
    switch (t) {
      case STRING:
      case STRING_SET:
        return v instanceof Value.Text;
      case NUMBER:
        return v instanceof Value.Num;
      case BOOLEAN:
        return v instanceof Value.Bool;
      case TIMESTAMP:
        return v instanceof Value.Timestamp || v instanceof Value.Now;
      default:
        return false;
    }
  }
}
