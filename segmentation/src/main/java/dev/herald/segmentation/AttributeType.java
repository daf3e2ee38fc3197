package dev.herald.segmentation;

/**
 * The type of a player attribute, which decides the operators a rule may apply to it and the
 * literals it may compare it with.
 *
 * <table>
 *   <caption>Types, the Java values they accept, and their operators</caption>
 *   <tr><th>type</th><th>Java values</th><th>operators</th></tr>
 *   <tr><td>STRING</td><td>{@link String}</td>
 *       <td>{@code = != in, not in, starts with}</td></tr>
 *   <tr><td>NUMBER</td><td>any {@link Number}, compared as a {@code double}</td>
 *       <td>{@code = != < <= > >= between in, not in}</td></tr>
 *   <tr><td>BOOLEAN</td><td>{@link Boolean}</td><td>{@code = !=}, or the bare name</td></tr>
 *   <tr><td>TIMESTAMP</td><td>{@link java.time.Instant}, compared to the millisecond</td>
 *       <td>{@code = != < <= > >= before after between within}</td></tr>
 *   <tr><td>STRING_SET</td><td>a {@link java.util.Set} of strings</td><td>{@code contains}</td></tr>
 * </table>
 * Every type also takes {@code exists} and {@code is missing}. A value of another Java type is
 * treated as missing.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public enum AttributeType {
  /** Text, compared exactly (case-sensitive). */
  STRING("string"),
  /** A number; integers, decimals and floating point are all compared as {@code double}. */
  NUMBER("number"),
  /** True or false. */
  BOOLEAN("boolean"),
  /** An instant in time, compared at millisecond precision. */
  TIMESTAMP("timestamp"),
  /** A set of strings, such as tags or opted-in categories. */
  STRING_SET("set of strings");

  private final String label;

  AttributeType(String label) {
    this.label = label;
  }

  /**
   * The name used in error messages and in the catalogue's JSON form.
   *
   * @return for example {@code "number"} or {@code "set of strings"}
   */
  public String label() {
    return label;
  }
}
