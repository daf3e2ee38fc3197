package dev.herald.segmentation.internal;

import dev.herald.segmentation.SegmentRuleException;

/** Rule source with line lookup, for error positions and excerpts. */
final class SourceText {
  private final String text;

  SourceText(String text) {
    this.text = text;
  }

  String line(int line) {
    String[] lines = text.split("\r\n|\r|\n", -1);
    return line >= 1 && line <= lines.length ? lines[line - 1] : null;
  }

  SegmentRuleException error(int line, int column, String reason) {
    return new SegmentRuleException(line, column, reason, line(line));
  }
}
