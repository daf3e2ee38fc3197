package dev.herald.internal;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text cut to a length without breaking what the reader sees as one character.
 *
 * <p>Internal: not part of Herald's public API.
 */
public final class Text {
  /** The mark a cut text ends with. */
  public static final String ELLIPSIS = "…";
  // \X is an extended grapheme cluster (Unicode TR #29): an emoji with its skin tone, a family
  // joined by ZWJ, a flag, a letter with its combining accents. java.text.BreakIterator only
  // learnt emoji sequences in JDK 20; on 17 it would split them.
  private static final Pattern GRAPHEME = Pattern.compile("\\X");

  private Text() {}

  /**
   * Returns {@code text} unchanged when it has at most {@code maxChars} UTF-16 units, otherwise
   * its longest prefix of whole grapheme clusters that leaves room for {@value #ELLIPSIS},
   * followed by it. A surrogate pair, an emoji sequence or a letter with its accents is never
   * split.
   *
   * @param text the text
   * @param maxChars the most UTF-16 units the result may have, at least 1
   * @return the text, or its cut form ending in {@value #ELLIPSIS}
   */
  public static String truncate(String text, int maxChars) {
    if (text.length() <= maxChars) {
      return text;
    }
    int room = maxChars - ELLIPSIS.length();
    int cut = 0;
    Matcher cluster = GRAPHEME.matcher(text);
    while (cluster.find() && cluster.end() <= room) {
      cut = cluster.end();
    }
    if (cut == 0 && room > 0) {
      // One cluster longer than the room (hundreds of combining marks): cut between code points.
      cut = Character.isLowSurrogate(text.charAt(room)) ? room - 1 : room;
    }
    return text.substring(0, cut) + ELLIPSIS;
  }
}
