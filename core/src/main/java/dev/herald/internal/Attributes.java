package dev.herald.internal;

import dev.herald.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.TreeSet;

/**
 * The attribute names and value types shared by player profiles and player events: strings,
 * booleans, numbers (integral ones widened to {@link Long}, floats to {@link Double},
 * {@link BigInteger} to {@link BigDecimal}), instants, and sets of strings. Numbers must be finite
 * and within {@link Numbers}' bounds: an infinity (JSON {@code 1e400} read as a double) or a
 * decimal such as {@code 1e999999999} is refused where it enters.
 */
public final class Attributes {

  private Attributes() {}

  /**
   * Checks an attribute name.
   *
   * @param name the name
   * @param field the field to name in errors
   * @return the name, stripped
   */
  public static String name(String name, String field) {
    String n = Checks.nonBlank(name, field);
    if (!isName(n)) {
      throw new InvalidInputException(field,
          "name " + Excerpt.of(n)
              + " must be letters, digits, _ . - starting with a letter, at most 64");
    }
    return n;
  }

  /**
   * Whether {@code n} matches {@code [A-Za-z][A-Za-z0-9_.\-]{0,63}}, checked without a regular
   * expression: every profile a store decodes checks its names again.
   */
  private static boolean isName(String n) {
    int length = n.length();
    if (length > 64 || !isLetter(n.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = n.charAt(i);
      if (!(isLetter(c) || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLetter(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z';
  }

  /**
   * Normalises a value to one of the supported types.
   *
   * @param name the attribute, for errors
   * @param value the value, non-null
   * @return the normalised value
   */
  public static Object value(String name, Object value) {
    if (value instanceof String || value instanceof Boolean || value instanceof Instant
        || value instanceof Long) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      String problem = Numbers.problem(d);
      if (problem != null) {
        throw new InvalidInputException("attribute " + name, problem);
      }
      return d;
    }
    if (value instanceof BigDecimal || value instanceof BigInteger) {
      BigDecimal d = value instanceof BigInteger b ? new BigDecimal(b) : (BigDecimal) value;
      String problem = Numbers.problem(d);
      if (problem != null) {
        throw new InvalidInputException("attribute " + name, problem);
      }
      return d;
    }
    if (value instanceof Collection<?> c) {
      TreeSet<String> set = new TreeSet<>();
      for (Object element : c) {
        if (!(element instanceof String s)) {
          throw new InvalidInputException(
              "attribute " + name, "a collection value must hold only strings");
        }
        set.add(s);
      }
      return Collections.unmodifiableSet(set);
    }
    throw new InvalidInputException("attribute " + name,
        "unsupported value type " + value.getClass().getSimpleName()
            + "; use String, Boolean, a number, Instant or a collection of strings");
  }
}
