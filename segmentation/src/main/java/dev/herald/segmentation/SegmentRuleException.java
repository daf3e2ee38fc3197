package dev.herald.segmentation;

/**
 * A segment rule that cannot be accepted: a syntax error, an unknown attribute, a type mismatch,
 * an unknown or cyclic segment reference. The message starts with the line and column of the
 * offending token, in the text form or in the JSON document:
 *
 * <pre>
 * line 1, column 18: unknown attribute 'vip_levl' (did you mean 'vip_level'?)
 * </pre>
 *
 * <p>{@link #excerpt()} shows the line with a caret under the column; of a long line it shows
 * {@value #EXCERPT_RADIUS} characters either side of the column, so a hostile rule never ends up
 * whole in a log or a terminal.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public final class SegmentRuleException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** How many characters of the source line {@link #excerpt()} shows either side of the column. */
  public static final int EXCERPT_RADIUS = 40;

  /** 1-based line, 0 when unknown. */
  private final int line;
  /** 1-based column, 0 when unknown. */
  private final int column;
  /** The problem without its position. */
  private final String reason;
  /** The part of the source line around the column, for the excerpt; may be null. */
  private final String sourceLine;
  /** The column within {@link #sourceLine}, 1-based. */
  private final int excerptColumn;

  /**
   * Creates the exception.
   *
   * @param line 1-based line, or 0 when the rule did not come from source text
   * @param column 1-based column, or 0 when the rule did not come from source text
   * @param reason what is wrong and what to write instead
   * @param sourceLine the text of that line, or null
   */
  public SegmentRuleException(int line, int column, String reason, String sourceLine) {
    super(line > 0 ? "line " + line + ", column " + column + ": " + reason : reason);
    this.line = line;
    this.column = column;
    this.reason = reason;
    if (sourceLine == null || line <= 0) {
      this.sourceLine = null;
      this.excerptColumn = 0;
    } else {
      int at = Math.max(0, Math.min(column - 1, sourceLine.length()));
      int start = Math.max(0, at - EXCERPT_RADIUS);
      int end = Math.min(sourceLine.length(), at + EXCERPT_RADIUS);
      this.sourceLine = (start > 0 ? "…" : "") + sourceLine.substring(start, end)
          + (end < sourceLine.length() ? "…" : "");
      this.excerptColumn = at - start + 1 + (start > 0 ? 1 : 0);
    }
  }

  /**
   * The line of the problem.
   *
   * @return 1-based, or 0 when unknown
   */
  public int line() {
    return line;
  }

  /**
   * The column of the problem.
   *
   * @return 1-based (in characters), or 0 when unknown
   */
  public int column() {
    return column;
  }

  /**
   * The problem without its position.
   *
   * @return what is wrong and what to write instead
   */
  public String reason() {
    return reason;
  }

  /**
   * The offending line with a caret under the column, for terminals; tabs are kept so the caret
   * lines up. A long line is cut to {@value #EXCERPT_RADIUS} characters either side of the
   * column, marked with "…".
   *
   * @return two lines, or an empty string when the source is unknown
   */
  public String excerpt() {
    if (sourceLine == null) {
      return "";
    }
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < excerptColumn - 1 && i < sourceLine.length(); i++) {
      caret.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
    }
    return sourceLine + "\n" + caret + "^";
  }
}
