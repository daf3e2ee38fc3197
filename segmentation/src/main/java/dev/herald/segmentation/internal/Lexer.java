package dev.herald.segmentation.internal;

import dev.herald.internal.Excerpt;
import dev.herald.segmentation.RuleParser;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Splits rule text into tokens with their line and column. */
final class Lexer {
  enum Type { IDENT, QUOTED_IDENT, STRING, NUMBER, SPAN, LPAREN, RPAREN, COMMA, OP, PLUS, MINUS, EOF }

  record Token(Type type, String text, BigDecimal number, Duration span, int line, int column) {
    boolean isKeyword(String keyword) {
      return type == Type.IDENT && text.equalsIgnoreCase(keyword);
    }

    String describe() {
      switch (type) {
        case EOF:
          return "the end of the rule";
        case STRING:
          return "the string \"" + (text.length() > 30 ? text.substring(0, 30) + "…" : text) + "\"";
        case QUOTED_IDENT:
          return "`" + Excerpt.of(text) + "`";
        default:
          return "'" + Excerpt.of(text) + "'";
      }
    }
  }

  private final String s;
  private final SourceText source;
  private int pos;
  private int line = 1;
  private int lineStart;

  Lexer(String text, SourceText source) {
    this.s = text;
    this.source = source;
  }

  List<Token> tokens() {
    List<Token> out = new ArrayList<>();
    while (true) {
      skipSpaceAndComments();
      int col = pos - lineStart + 1;
      if (pos >= s.length()) {
        out.add(new Token(Type.EOF, "", null, null, line, col));
        return out;
      }
      char c = s.charAt(pos);
      if (Character.isLetter(c)) {
        int start = pos;
        while (pos < s.length() && isIdentPart(s.charAt(pos))) {
          pos++;
        }
        out.add(new Token(Type.IDENT, name(start, pos, col), null, null, line, col));
      } else if (c >= '0' && c <= '9') {
        out.add(number(col));
      } else if (c == '"') {
        out.add(new Token(Type.STRING, string(col), null, null, line, col));
      } else if (c == '`') {
        int end = s.indexOf('`', pos + 1);
        int newline = s.indexOf('\n', pos + 1);
        if (end < 0 || (newline >= 0 && newline < end)) {
          throw source.error(line, col, "unterminated `name`: close it with a backtick");
        }
        out.add(new Token(Type.QUOTED_IDENT, name(pos + 1, end, col), null, null, line, col));
        pos = end + 1;
      } else if (c == '(' || c == ')' || c == ',' || c == '+' || c == '-') {
        Type t = c == '(' ? Type.LPAREN : c == ')' ? Type.RPAREN : c == ',' ? Type.COMMA
            : c == '+' ? Type.PLUS : Type.MINUS;
        out.add(new Token(t, String.valueOf(c), null, null, line, col));
        pos++;
      } else if (c == '=' || c == '!' || c == '<' || c == '>') {
        out.add(operator(c, col));
      } else {
        throw source.error(line, col, "unexpected character '" + c + "'");
      }
    }
  }

  /** A name, refused before any lookup when longer than any attribute can be. */
  private String name(int start, int end, int col) {
    if (end - start > RuleParser.MAX_NAME_CHARS) {
      throw source.error(line, col, "a name has at most " + RuleParser.MAX_NAME_CHARS
          + " characters, got " + (end - start) + ": '" + Excerpt.of(s.substring(start, end))
          + "'");
    }
    return s.substring(start, end);
  }

  private static boolean isIdentPart(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '.';
  }

  private void skipSpaceAndComments() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\n') {
        pos++;
        line++;
        lineStart = pos;
      } else if (c == '\r') {
        pos++;
        if (pos < s.length() && s.charAt(pos) == '\n') {
          pos++;
        }
        line++;
        lineStart = pos;
      } else if (Character.isWhitespace(c)) {
        pos++;
      } else if (c == '#') {
        while (pos < s.length() && s.charAt(pos) != '\n' && s.charAt(pos) != '\r') {
          pos++;
        }
      } else {
        return;
      }
    }
  }

  private Token operator(char c, int col) {
    char next = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
    String op;
    if (c == '=') {
      op = next == '=' ? "==" : "=";
    } else if (c == '!') {
      if (next != '=') {
        throw source.error(line, col, "unexpected '!': write != to compare, or not to negate");
      }
      op = "!=";
    } else if (c == '<' && next == '>') {
      throw source.error(line, col, "write != for not equal");
    } else {
      op = next == '=' ? c + "=" : String.valueOf(c);
    }
    pos += op.length();
    return new Token(Type.OP, op.equals("==") ? "=" : op, null, null, line, col);
  }

  private Token number(int col) {
    int start = pos;
    while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
      pos++;
    }
    boolean integral = true;
    if (pos + 1 < s.length() && s.charAt(pos) == '.' && Character.isDigit(s.charAt(pos + 1))) {
      integral = false;
      pos++;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      int mark = pos;
      int p = pos + 1;
      if (p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-')) {
        p++;
      }
      if (p < s.length() && Character.isDigit(s.charAt(p))) {
        integral = false;
        pos = p;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
      } else {
        pos = mark;
      }
    }
    if (pos - start > RuleParser.MAX_NUMBER_CHARS) {
      throw source.error(line, col, "a number has at most " + RuleParser.MAX_NUMBER_CHARS
          + " characters, got " + (pos - start));
    }
    String digits = s.substring(start, pos);
    if (pos < s.length() && Character.isLetter(s.charAt(pos))) {
      int unitStart = pos;
      while (pos < s.length() && Character.isLetter(s.charAt(pos))) {
        pos++;
      }
      String unit = s.substring(unitStart, pos);
      if (!integral || digits.length() > 9 || unit.length() > 8) {
        throw source.error(line, col, "a span is a whole number of at most 9 digits and a unit,"
            + " such as 7d");
      }
      try {
        Duration span = Durations.of(Long.parseLong(digits), unit);
        return new Token(Type.SPAN, digits + unit, null, span, line, col);
      } catch (IllegalArgumentException e) {
        throw source.error(line, col, e.getMessage());
      }
    }
    if (pos < s.length() && isIdentPart(s.charAt(pos))) {
      throw source.error(line, col, "malformed number '" + digits + s.charAt(pos) + "'");
    }
    try {
      return new Token(Type.NUMBER, digits, new BigDecimal(digits), null, line, col);
    } catch (NumberFormatException | ArithmeticException e) {
      throw source.error(line, col, "malformed number '" + digits + "'");
    }
  }

  private String string(int col) {
    StringBuilder b = new StringBuilder();
    int startLine = line;
    pos++;
    while (true) {
      if (pos >= s.length() || s.charAt(pos) == '\n' || s.charAt(pos) == '\r') {
        throw source.error(startLine, col, "unterminated string: close it with \"");
      }
      char c = s.charAt(pos++);
      if (c == '"') {
        return b.toString();
      }
      if (c != '\\') {
        b.append(c);
        continue;
      }
      int escCol = pos - lineStart;
      if (pos >= s.length()) {
        throw source.error(line, escCol, "unterminated string: close it with \"");
      }
      char e = s.charAt(pos++);
      switch (e) {
        case '"':
        case '\\':
        case '/':
          b.append(e);
          break;
        case 'n':
          b.append('\n');
          break;
        case 't':
          b.append('\t');
          break;
        case 'r':
          b.append('\r');
          break;
        case 'b':
          b.append('\b');
          break;
        case 'f':
          b.append('\f');
          break;
        case 'u':
          if (pos + 4 > s.length()) {
            throw source.error(line, escCol, "\\u takes four hex digits");
          }
          try {
            b.append((char) Integer.parseInt(s.substring(pos, pos + 4), 16));
          } catch (NumberFormatException ex) {
            throw source.error(line, escCol, "\\u takes four hex digits");
          }
          pos += 4;
          break;
        default:
          throw source.error(line, escCol, "unknown escape \\" + e
              + "; use \\\" \\\\ \\n \\t or \\uXXXX");
      }
    }
  }
}
