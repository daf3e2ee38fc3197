package dev.herald.segmentation.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Prints a rule tree as text, as JSON, and as an indented drawing. */
public final class RuleWriter {
  private static final JsonFactory JSON = new JsonFactory();
  private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.]*");

  private RuleWriter() {}

  /**
   * The text form, with the fewest parentheses that keep the meaning.
   *
   * @param c the tree
   * @return the text
   */
  public static String text(Condition c) {
    StringBuilder b = new StringBuilder();
    text(c, b);
    return b.toString();
  }

  private static void text(Condition c, StringBuilder b) {
    if (c instanceof Condition.All all) {
      join(all.conditions(), " and ", Condition.Any.class, b);
    } else if (c instanceof Condition.Any any) {
      join(any.conditions(), " or ", null, b);
    } else if (c instanceof Condition.Not not) {
      b.append("not ");
      Condition inner = not.condition();
      boolean parens = inner instanceof Condition.All || inner instanceof Condition.Any;
      if (parens) {
        b.append('(');
      }
      text(inner, b);
      if (parens) {
        b.append(')');
      }
    } else if (c instanceof Condition.InSegment s) {
      b.append("segment ").append(quote(s.segmentId()));
    } else {
      test((Condition.AttributeTest) c, b);
    }
  }

  private static void join(java.util.List<Condition> parts, String separator,
      Class<?> parenthesise, StringBuilder b) {
    for (int i = 0; i < parts.size(); i++) {
      if (i > 0) {
        b.append(separator);
      }
      Condition part = parts.get(i);
      boolean parens = parenthesise != null && parenthesise.isInstance(part);
      if (parens) {
        b.append('(');
      }
      text(part, b);
      if (parens) {
        b.append(')');
      }
    }
  }

  /**
   * One attribute test in the text form.
   *
   * @param t the test
   * @return for example {@code vip_level >= 3}
   */
  public static String test(Condition.AttributeTest t) {
    StringBuilder b = new StringBuilder();
    test(t, b);
    return b.toString();
  }

  private static void test(Condition.AttributeTest t, StringBuilder b) {
    b.append(name(t.attribute()));
    Operator op = t.operator();
    if (op == Operator.EQ && t.operands().get(0) instanceof Value.Bool bool && bool.value()) {
      return;
    }
    boolean time = !t.operands().isEmpty() && isTime(t.operands().get(0));
    switch (op) {
      case LT:
        b.append(time ? " before " : " < ").append(value(t.operands().get(0)));
        break;
      case GT:
        b.append(time ? " after " : " > ").append(value(t.operands().get(0)));
        break;
      case BETWEEN:
        b.append(" between ").append(value(t.operands().get(0))).append(" and ")
            .append(value(t.operands().get(1)));
        break;
      case IN:
      case NOT_IN:
        b.append(' ').append(op.text()).append(" (");
        for (int i = 0; i < t.operands().size(); i++) {
          if (i > 0) {
            b.append(", ");
          }
          b.append(value(t.operands().get(i)));
        }
        b.append(')');
        break;
      case EXISTS:
      case MISSING:
        b.append(' ').append(op.text());
        break;
      default:
        b.append(' ').append(op.text()).append(' ').append(value(t.operands().get(0)));
    }
  }

  private static boolean isTime(Value v) {
    return v instanceof Value.Timestamp || v instanceof Value.Now;
  }

  /**
   * An attribute name as written in the text form: backticks when it is a keyword or holds a
   * hyphen.
   *
   * @param name the name
   * @return the written name
   */
  public static String name(String name) {
    boolean plain = PLAIN_NAME.matcher(name).matches()
        && !TextParser.KEYWORDS.contains(name.toLowerCase(Locale.ROOT));
    return plain ? name : "`" + name + "`";
  }

  /**
   * A literal as written in the text form.
   *
   * @param v the literal
   * @return for example {@code "DE"}, {@code 3}, {@code now - 7d}, {@code 30d}
   */
  public static String value(Value v) {
    if (v instanceof Value.Text t) {
      return quote(t.value());
    }
    if (v instanceof Value.Num n) {
      return n.value().toPlainString();
    }
    if (v instanceof Value.Bool bool) {
      return Boolean.toString(bool.value());
    }
    if (v instanceof Value.Timestamp ts) {
      return quote(ts.value().toString());
    }
    if (v instanceof Value.Now now) {
      return Durations.formatRelative(now.offset());
    }
    return Durations.format(((Value.Span) v).length());
  }

  private static String quote(String s) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + "\"";
  }

  /**
   * The JSON form.
   *
   * @param c the tree
   * @param pretty whether to indent
   * @return the document
   */
  public static String json(Condition c, boolean pretty) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      if (pretty) {
        g.useDefaultPrettyPrinter();
      }
      json(c, g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void json(Condition c, JsonGenerator g) throws IOException {
    g.writeStartObject();
    if (c instanceof Condition.All all) {
      g.writeArrayFieldStart("all");
      for (Condition part : all.conditions()) {
        json(part, g);
      }
      g.writeEndArray();
    } else if (c instanceof Condition.Any any) {
      g.writeArrayFieldStart("any");
      for (Condition part : any.conditions()) {
        json(part, g);
      }
      g.writeEndArray();
    } else if (c instanceof Condition.Not not) {
      g.writeFieldName("not");
      json(not.condition(), g);
    } else if (c instanceof Condition.InSegment s) {
      g.writeStringField("segment", s.segmentId());
    } else {
      Condition.AttributeTest t = (Condition.AttributeTest) c;
      g.writeStringField("attribute", t.attribute());
      boolean time = !t.operands().isEmpty() && isTime(t.operands().get(0));
      String op = t.operator() == Operator.LT && time ? "before"
          : t.operator() == Operator.GT && time ? "after" : t.operator().json();
      g.writeStringField("op", op);
      if (t.operator().arity() == 1) {
        g.writeFieldName("value");
        jsonValue(t.operands().get(0), g);
      } else if (t.operator().arity() != 0) {
        g.writeArrayFieldStart("values");
        for (Value v : t.operands()) {
          jsonValue(v, g);
        }
        g.writeEndArray();
      }
    }
    g.writeEndObject();
  }

  private static void jsonValue(Value v, JsonGenerator g) throws IOException {
    if (v instanceof Value.Text t) {
      g.writeString(t.value());
    } else if (v instanceof Value.Num n) {
      g.writeNumber(n.value().toPlainString());
    } else if (v instanceof Value.Bool bool) {
      g.writeBoolean(bool.value());
    } else if (v instanceof Value.Timestamp ts) {
      g.writeString(ts.value().toString());
    } else {
      g.writeString(value(v));
    }
  }

  /**
   * The tree drawn one node a line.
   *
   * @param c the tree
   * @param annotate adds a note after each node (for example its audience), or null
   * @return the drawing
   */
  public static String explain(Condition c, Function<Condition, String> annotate) {
    StringBuilder b = new StringBuilder();
    explain(c, "", annotate, b);
    return b.toString();
  }

  private static void explain(Condition c, String indent, Function<Condition, String> annotate,
      StringBuilder b) {
    b.append(indent);
    java.util.List<Condition> children = java.util.List.of();
    if (c instanceof Condition.All all) {
      b.append("all of");
      children = all.conditions();
    } else if (c instanceof Condition.Any any) {
      b.append("any of");
      children = any.conditions();
    } else if (c instanceof Condition.Not not) {
      b.append("not");
      children = java.util.List.of(not.condition());
    } else {
      text(c, b);
    }
    if (annotate != null) {
      String note = annotate.apply(c);
      if (note != null && !note.isEmpty()) {
        b.append("  ").append(note);
      }
    }
    b.append('\n');
    for (Condition child : children) {
      explain(child, indent + "  ", annotate, b);
    }
  }
}
