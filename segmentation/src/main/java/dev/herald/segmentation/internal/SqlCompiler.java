package dev.herald.segmentation.internal;

import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.AttributeType;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.SegmentRuleException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Translates an expanded rule tree into a SQL boolean expression with {@code ?} placeholders.
 *
 * <p>Why the translation is exact: SQL's AND, OR and NOT are Kleene's three-valued logic, the
 * same as {@link dev.herald.segmentation.Truth}, and a WHERE clause keeps a row only when its
 * expression is TRUE, as a segment keeps a player only when the rule is TRUE. So the tree is
 * translated node for node, and it suffices that every leaf is NULL exactly when the in-memory
 * test is UNKNOWN (the column is NULL), and otherwise TRUE or FALSE as the test is:
 *
 * <ul>
 *   <li>comparisons, {@code = ANY}, {@code LIKE} and {@code @>} are NULL for a NULL column and
 *       two-valued otherwise (the bound arrays hold no NULL);
 *   <li>{@code exists} and {@code is missing} become {@code IS NOT NULL} and {@code IS NULL},
 *       never NULL, as they are never UNKNOWN in memory;
 *   <li>negative operators ({@code !=}, {@code not in}) are {@code NOT} of the positive one, which
 *       keeps NULL NULL, as {@link CompiledTest} folds them.
 * </ul>
 *
 * <p>Timestamps are compared in memory as whole milliseconds, rounded down; PostgreSQL keeps
 * microseconds. Since {@code floor(v) < a} exactly when {@code v < a} for a whole millisecond
 * {@code a}, the comparisons are rewritten against millisecond bounds ({@code <= a} as
 * {@code < a + 1ms}, {@code = a} as {@code >= a and < a + 1ms}), which keeps them exact and
 * index-friendly. Bounds relative to {@code now} are computed when the parameters are bound, so
 * every page of one query uses the same instant.
 */
public final class SqlCompiler {
  /** The earliest instant bound as a parameter: PostgreSQL's and the driver's common range. */
  static final Instant MIN_TIME = Instant.parse("0001-01-01T00:00:00Z");
  /** The latest instant bound as a parameter. */
  static final Instant MAX_TIME = Instant.parse("9999-12-31T23:59:59.999Z");

  private final AttributeCatalogue catalogue;
  private final Map<String, String> columns;
  private final StringBuilder sql = new StringBuilder();
  private final List<Param> params = new ArrayList<>();

  private SqlCompiler(AttributeCatalogue catalogue, Map<String, String> columns) {
    this.catalogue = catalogue;
    this.columns = columns;
  }

  /** A bound value, computed for the evaluation time. */
  @FunctionalInterface
  public interface Param {
    /**
     * The JDBC value.
     *
     * @param nowMillis the evaluation time
     * @return a String, Double, Boolean, OffsetDateTime, String[] or Double[]
     */
    Object value(long nowMillis);
  }

  /**
   * The translation.
   *
   * @param where the boolean expression, {@code ?} for each parameter
   * @param params the parameters in order
   */
  public record Result(String where, List<Param> params) {}

  /**
   * Translates a rule whose segment references are already inlined.
   *
   * @param expanded the rule, with canonical attribute names
   * @param catalogue the attribute types
   * @param quotedColumns attribute name to its quoted column
   * @return the expression and its parameters
   * @throws SegmentRuleException naming the condition that has no SQL form
   */
  public static Result compile(Condition expanded, AttributeCatalogue catalogue,
      Map<String, String> quotedColumns) {
    SqlCompiler c = new SqlCompiler(catalogue, quotedColumns);
    c.node(expanded);
    return new Result(c.sql.toString(), List.copyOf(c.params));
  }

  private void node(Condition c) {
    if (c instanceof Condition.All all) {
      join(all.conditions(), " AND ");
    } else if (c instanceof Condition.Any any) {
      join(any.conditions(), " OR ");
    } else if (c instanceof Condition.Not not) {
      sql.append("NOT ");
      node(not.condition());
    } else if (c instanceof Condition.AttributeTest test) {
      leaf(test);
    } else {
      throw refuse(c, "a segment reference must be inlined first (compile with the segments)");
    }
  }

  private void join(List<Condition> parts, String operator) {
    sql.append('(');
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        sql.append(operator);
      }
      node(parts.get(i));
    }
    sql.append(')');
  }

  private void leaf(Condition.AttributeTest test) {
    AttributeType type = catalogue.find(test.attribute())
        .orElseThrow(() -> refuse(test, "the attribute is not in the catalogue")).type();
    String column = columns.get(test.attribute());
    if (column == null) {
      throw refuse(test, "the player table maps no column to " + test.attribute());
    }
    CompiledTest t = new CompiledTest(test, type, -1);
    checkText(test, t);
    if (t.kind == CompiledTest.Kind.EXISTS) {
      sql.append('(').append(column).append(t.negate ? " IS NULL)" : " IS NOT NULL)");
      return;
    }
    if (t.negate) {
      sql.append("NOT ");
    }
    sql.append('(');
    switch (type) {
      case NUMBER -> number(column, t);
      case TIMESTAMP -> time(column, t, test);
      case BOOLEAN -> {
        sql.append(column).append(" = ?");
        boolean b = t.bool;
        params.add(now -> b);
      }
      case STRING -> text(column, t);
      case STRING_SET -> {
        sql.append(column).append(" @> ?");
        String[] element = {t.text};
        params.add(now -> element.clone());
      }
    }
    sql.append(')');
  }

  private void number(String column, CompiledTest t) {
    switch (t.kind) {
      case BETWEEN -> {
        sql.append(column).append(" >= ? AND ").append(column).append(" <= ?");
        add(t.n1);
        add(t.n2);
      }
      case IN -> {
        sql.append(column).append(" = ANY(?)");
        Double[] list = new Double[t.numbers.length];
        for (int i = 0; i < list.length; i++) {
          list[i] = t.numbers[i];
        }
        params.add(now -> list.clone());
      }
      default -> {
        sql.append(column).append(' ').append(comparison(t.kind)).append(" ?");
        add(t.n1);
      }
    }
  }

  private void add(double value) {
    Double boxed = value;
    params.add(now -> boxed);
  }

  private static String comparison(CompiledTest.Kind kind) {
    return switch (kind) {
      case EQ -> "=";
      case LT -> "<";
      case LE -> "<=";
      case GT -> ">";
      case GE -> ">=";
      default -> throw new AssertionError(kind);
    };
  }

  private void text(String column, CompiledTest t) {
    switch (t.kind) {
      case EQ -> {
        sql.append(column).append(" = ?");
        String s = t.text;
        params.add(now -> s);
      }
      case IN -> {
        sql.append(column).append(" = ANY(?)");
        String[] list = t.texts;
        params.add(now -> list.clone());
      }
      default -> {
        // LIKE with every wildcard escaped is an exact prefix test; '!' avoids backslash rules
        sql.append(column).append(" LIKE ? ESCAPE '!'");
        String pattern = t.text.replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        params.add(now -> pattern);
      }
    }
  }

  private void time(String column, CompiledTest t, Condition.AttributeTest test) {
    // floor(v) compared with a whole-millisecond bound a, rewritten on v itself
    switch (t.kind) {
      case EQ -> {
        sql.append(column).append(" >= ? AND ").append(column).append(" < ?");
        params.add(instant(t.relative1, t.t1, 0, test));
        params.add(instant(t.relative1, t.t1, 1, test));
      }
      case BETWEEN -> {
        sql.append(column).append(" >= ? AND ").append(column).append(" < ?");
        params.add(instant(t.relative1, t.t1, 0, test));
        params.add(instant(t.relative2, t.t2, 1, test));
      }
      case LT -> bound(column, "<", t.relative1, t.t1, 0, test);
      case LE -> bound(column, "<", t.relative1, t.t1, 1, test);
      case GT -> bound(column, ">=", t.relative1, t.t1, 1, test);
      default -> bound(column, ">=", t.relative1, t.t1, 0, test);
    }
  }

  private void bound(String column, String op, boolean relative, long bound, int plusMillis,
      Condition.AttributeTest test) {
    sql.append(column).append(' ').append(op).append(" ?");
    params.add(instant(relative, bound, plusMillis, test));
  }

  private static Param instant(boolean relative, long millis, int plusMillis,
      Condition.AttributeTest test) {
    if (!relative) {
      OffsetDateTime fixed = time(millis, plusMillis, test);
      return now -> fixed;
    }
    return now -> time(Values.saturatedAdd(now, millis), plusMillis, test);
  }

  private static OffsetDateTime time(long millis, int plusMillis, Condition.AttributeTest test) {
    if (millis < MIN_TIME.toEpochMilli() || millis > MAX_TIME.toEpochMilli()) {
      throw refuse(test, "the time lies outside the years 1 to 9999, the range bound as a"
          + " SQL parameter");
    }
    return Instant.ofEpochMilli(millis + plusMillis).atOffset(ZoneOffset.UTC);
  }

  private static void checkText(Condition.AttributeTest test, CompiledTest t) {
    List<String> texts = new ArrayList<>();
    if (t.text != null) {
      texts.add(t.text);
    }
    if (t.texts != null) {
      texts.addAll(List.of(t.texts));
    }
    for (String s : texts) {
      if (s.indexOf('\0') >= 0) {
        throw refuse(test, "PostgreSQL text cannot hold the NUL character (\\u0000)");
      }
    }
  }

  private static SegmentRuleException refuse(Condition c, String why) {
    return new SegmentRuleException(0, 0, "no SQL form for '" + c.toText() + "': " + why, null);
  }
}
