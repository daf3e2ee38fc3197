package dev.herald.segmentation.internal;

import dev.herald.segmentation.RuleParser;
import dev.herald.segmentation.SegmentRuleException;

/** Rule source with line lookup, for error positions and excerpts. */
final class SourceText {
  private final String text;

  SourceText(String text) {
    this.text = text;
  }

  /** Refuses a rule longer than the limit before reading it. */
  static void checkLength(String text) {
    if (text.length() > RuleParser.MAX_RULE_CHARS) {
      throw new SegmentRuleException(0, 0, "a rule has at most " + RuleParser.MAX_RULE_CHARS
          + " characters, got " + text.length(), null);
    }
  }

  String line(int line) {
    int start = 0;
    for (int n = 1; n < line; n++) {
      int end = lineEnd(start);
      if (end >= text.length()) {
        return null;
      }
      start = end + (text.startsWith("\r\n", end) ? 2 : 1);
    }
    return line >= 1 ? text.substring(start, lineEnd(start)) : null;
  }

  private int lineEnd(int from) {
    int i = from;
    while (i < text.length() && text.charAt(i) != '\n' && text.charAt(i) != '\r') {
      i++;
    }
    return i;
  }

  SegmentRuleException error(int line, int column, String reason) {
    return new SegmentRuleException(line, column, reason, line(line));
  }
}
