package dev.herald.segmentation;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;

/**
 * An independent, deliberately plain evaluator of the documented semantics, written straight
 * from docs/segments.md with Instants and doubles, as an oracle for the compiled evaluators.
 */
final class ReferenceEvaluator {
  private final AttributeCatalogue catalogue;

  ReferenceEvaluator(AttributeCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  Truth truth(Condition c, Map<String, ?> player, Instant now) {
    if (c instanceof Condition.All all) {
      Truth t = Truth.TRUE;
      for (Condition part : all.conditions()) {
        t = t.and(truth(part, player, now));
      }
      return t;
    }
    if (c instanceof Condition.Any any) {
      Truth t = Truth.FALSE;
      for (Condition part : any.conditions()) {
        t = t.or(truth(part, player, now));
      }
      return t;
    }
    if (c instanceof Condition.Not not) {
      return truth(not.condition(), player, now).not();
    }
    Condition.AttributeTest t = (Condition.AttributeTest) c;
    AttributeType type = catalogue.find(t.attribute()).orElseThrow().type();
    Object raw = player.get(t.attribute());
    boolean present = switch (type) {
      case NUMBER -> raw instanceof Number n && !Double.isNaN(n.doubleValue());
      case STRING -> raw instanceof String;
      case BOOLEAN -> raw instanceof Boolean;
      case TIMESTAMP -> raw instanceof Instant;
      case STRING_SET -> raw instanceof Collection<?>;
    };
    if (t.operator() == Operator.EXISTS) {
      return Truth.of(present);
    }
    if (t.operator() == Operator.MISSING) {
      return Truth.of(!present);
    }
    if (!present) {
      return Truth.UNKNOWN;
    }
    return Truth.of(switch (type) {
      case NUMBER -> number(t, ((Number) raw).doubleValue());
      case TIMESTAMP -> time(t, ((Instant) raw).truncatedTo(ChronoUnit.MILLIS), now);
      case BOOLEAN -> (t.operator() == Operator.EQ)
          == (raw.equals(((Value.Bool) t.operands().get(0)).value()));
      case STRING -> string(t, (String) raw);
      case STRING_SET -> ((Collection<?>) raw).contains(
          ((Value.Text) t.operands().get(0)).value());
    });
  }

  private static double d(Value v) {
    return ((Value.Num) v).value().doubleValue();
  }

  private static boolean number(Condition.AttributeTest t, double v) {
    double a = d(t.operands().get(0));
    return switch (t.operator()) {
      case EQ -> v == a;
      case NE -> v != a;
      case LT -> v < a;
      case LE -> v <= a;
      case GT -> v > a;
      case GE -> v >= a;
      case BETWEEN -> v >= a && v <= d(t.operands().get(1));
      case IN -> t.operands().stream().anyMatch(x -> d(x) == v);
      case NOT_IN -> t.operands().stream().noneMatch(x -> d(x) == v);
      default -> throw new AssertionError(t);
    };
  }

  private static Instant instant(Value v, Instant now) {
    if (v instanceof Value.Timestamp ts) {
      return ts.value().truncatedTo(ChronoUnit.MILLIS);
    }
    if (v instanceof Value.Now n) {
      return now.truncatedTo(ChronoUnit.MILLIS).plus(n.offset());
    }
    return now.truncatedTo(ChronoUnit.MILLIS).minus(((Value.Span) v).length());
  }

  private static boolean time(Condition.AttributeTest t, Instant v, Instant now) {
    Instant a = instant(t.operands().get(0), now);
    return switch (t.operator()) {
      case EQ -> v.equals(a);
      case NE -> !v.equals(a);
      case LT -> v.isBefore(a);
      case LE -> !v.isAfter(a);
      case GT -> v.isAfter(a);
      case GE, WITHIN -> !v.isBefore(a);
      case BETWEEN -> !v.isBefore(a) && !v.isAfter(instant(t.operands().get(1), now));
      default -> throw new AssertionError(t);
    };
  }

  private static boolean string(Condition.AttributeTest t, String v) {
    return switch (t.operator()) {
      case EQ -> v.equals(((Value.Text) t.operands().get(0)).value());
      case NE -> !v.equals(((Value.Text) t.operands().get(0)).value());
      case IN -> t.operands().stream().anyMatch(x -> ((Value.Text) x).value().equals(v));
      case NOT_IN -> t.operands().stream().noneMatch(x -> ((Value.Text) x).value().equals(v));
      case STARTS_WITH -> v.startsWith(((Value.Text) t.operands().get(0)).value());
      default -> throw new AssertionError(t);
    };
  }
}
