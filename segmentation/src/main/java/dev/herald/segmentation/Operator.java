package dev.herald.segmentation;

import java.util.Locale;
import java.util.Optional;

/**
 * What a rule tests about one attribute. The text form is the operator as written in rules; the
 * JSON form is the {@code "op"} member of a condition object.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public enum Operator {
  /** Equal: {@code country = "DE"}. Text, numbers, booleans, timestamps. */
  EQ("=", 1),
  /** Not equal: {@code country != "DE"}. Missing values do not match. */
  NE("!=", 1),
  /** Less than; written {@code before} for timestamps. */
  LT("<", 1),
  /** Less than or equal. */
  LE("<=", 1),
  /** Greater than; written {@code after} for timestamps. */
  GT(">", 1),
  /** Greater than or equal. */
  GE(">=", 1),
  /** Inclusive range: {@code vip_level between 2 and 4}. Numbers and timestamps. */
  BETWEEN("between", 2),
  /** One of a list: {@code country in ("DE", "AT")}. Text and numbers. */
  IN("in", -1),
  /** None of a list: {@code country not in ("DE", "AT")}. Missing values do not match. */
  NOT_IN("not in", -1),
  /** A set holds an element: {@code categories contains "tournaments"}. */
  CONTAINS("contains", 1),
  /** Text begins with a prefix: {@code language starts with "de"}. */
  STARTS_WITH("starts with", 1),
  /** The attribute has a value. Never unknown. */
  EXISTS("exists", 0),
  /** The attribute has no value. Never unknown. Written {@code is missing}. */
  MISSING("is missing", 0),
  /** A timestamp is at or after {@code now} minus a span: {@code last_login_at within 30d}. */
  WITHIN("within", 1);

  private final String text;
  private final int arity;

  Operator(String text, int arity) {
    this.text = text;
    this.arity = arity;
  }

  /**
   * How the operator is written in the text form (and in JSON's {@code "op"}, except
   * {@link #MISSING}, which JSON writes {@code "missing"}).
   *
   * @return for example {@code ">="} or {@code "starts with"}
   */
  public String text() {
    return text;
  }

  /**
   * The JSON spelling.
   *
   * @return the {@code "op"} value
   */
  public String json() {
    return this == MISSING ? "missing" : text;
  }

  /**
   * How many operands the operator takes.
   *
   * @return 0, 1, 2, or -1 for a non-empty list
   */
  public int arity() {
    return arity;
  }

  /**
   * Reads a JSON {@code "op"}, also accepting {@code before}, {@code after} and
   * {@code is missing}.
   *
   * @param op the spelling, any case
   * @return the operator, or empty when unknown
   */
  public static Optional<Operator> fromJson(String op) {
    String o = op.strip().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
    switch (o) {
      case "before":
        return Optional.of(LT);
      case "after":
        return Optional.of(GT);
      case "is missing":
      case "missing":
        return Optional.of(MISSING);
      case "==":
        return Optional.of(EQ);
      default:
        for (Operator value : values()) {
          if (value.text.equals(o)) {
            return Optional.of(value);
          }
        }
        return Optional.empty();
    }
  }
}
