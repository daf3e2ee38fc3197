package dev.herald.internal;

import com.samskivert.mustache.BasicCollector;
import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import com.samskivert.mustache.Template;
import dev.herald.InvalidInputException;
import dev.herald.content.MessageTemplate;
import java.io.Writer;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The limits on Mustache templates: the checks at build time (section nesting, no partials, no
 * delimiter changes) and the render budget (output characters and section iterations per field),
 * so a 127-character template cannot take seconds, or gigabytes, per player; names never reach a
 * value's methods.
 *
 * <p>Internal: not part of Herald's public API.
 */
public final class Templates {
  /**
   * The section iterations of the field being rendered on this thread ({@code [0]}) and how many
   * renders are under way on it ({@code [1]}; iterations count while it is above 0). Kept for the
   * thread's life rather than set and removed per render (a thread-local entry and an array per
   * render); a JDK type, so a host's pooled thread holds no Herald class after a redeploy.
   */
  private static final ThreadLocal<int[]> BUDGET = ThreadLocal.withInitial(() -> new int[2]);

  private Templates() {}

  /**
   * Checks what the Mustache compiler does not: tags are closed, sections nest at most
   * {@link MessageTemplate#MAX_SECTION_DEPTH} deep, and there is no partial ({@code {{>name}}})
   * and no delimiter change ({@code {{=<% %>=}}}).
   *
   * @param template the template text
   * @param field the field, for errors
   * @throws InvalidInputException naming the field, the limit and the character position
   */
  public static void checkTags(String template, String field) {
    int depth = 0;
    int open = template.indexOf("{{");
    while (open >= 0) {
      boolean triple = template.startsWith("{{{", open);
      int close = template.indexOf(triple ? "}}}" : "}}", open + 2);
      int next = template.indexOf("{{", open + (triple ? 3 : 2));
      if (close < 0 || (next >= 0 && next < close)) {
        throw new InvalidInputException(field, "is not a valid template: a tag opened at "
            + "character " + (open + 1) + " is not closed with }}");
      }
      String tag = template.substring(open + (triple ? 3 : 2), close).strip();
      if (tag.isEmpty()) {
        throw new InvalidInputException(field, "is not a valid template: an empty tag {{}} at"
            + " character " + (open + 1));
      }
      char kind = tag.charAt(0);
      if (!triple && (kind == '#' || kind == '^')) {
        if (++depth > MessageTemplate.MAX_SECTION_DEPTH) {
          throw new InvalidInputException(field, "is not a valid template: sections nest at most "
              + MessageTemplate.MAX_SECTION_DEPTH + " deep (character " + (open + 1) + ")");
        }
      } else if (!triple && kind == '/') {
        depth--;
      } else if (!triple && (kind == '>' || kind == '<' || kind == '$')) {
        throw new InvalidInputException(field, "is not a valid template: partials such as "
            + "{{>name}} are not supported (character " + (open + 1) + ")");
      } else if (!triple && kind == '=') {
        throw new InvalidInputException(field, "is not a valid template: delimiter changes such "
            + "as {{=<% %>=}} are not supported (character " + (open + 1) + ")");
      }
      open = template.indexOf("{{", close + (triple ? 3 : 2));
    }
  }

  /**
   * A compiler whose sections count their iterations against the render budget; templates it
   * compiles must be run with {@link #execute}.
   *
   * @param compiler the configured compiler
   * @return the compiler with the counting collector
   */
  public static Mustache.Compiler budgeted(Mustache.Compiler compiler) {
    // BasicCollector, not DefaultCollector: names resolve in maps, lists and arrays only, never
    // by reflection, so {{first_name.class}} or {{tags.clear}} cannot call a method of a value.
    return compiler.withCollector(new BasicCollector() {
      @Override
      public Iterator<?> toIterator(Object value) {
        Iterator<?> iterator = super.toIterator(value);
        return iterator == null ? null : new Counted<>(iterator);
      }

      @Override
      public <K, V> Map<K, V> createFetcherCache() {
        return new ConcurrentHashMap<>();
      }
    });
  }

  /**
   * Renders one field within the budget: at most {@link MessageTemplate#MAX_RENDERED_CHARS}
   * characters of output and {@link MessageTemplate#MAX_SECTION_ITERATIONS} section iterations.
   *
   * @param template a template compiled by a {@link #budgeted} compiler
   * @param context the values
   * @return the output
   * @throws InvalidInputException when the budget runs out or the template fails
   */
  public static String execute(Template template, Object context) {
    int[] budget = BUDGET.get();
    int previous = budget[0]; // a render within a render counts on its own
    budget[0] = 0;
    budget[1]++;
    Bounded out = new Bounded();
    try {
      template.execute(context, out);
      return out.text.toString();
    } catch (OverBudget e) {
      throw new InvalidInputException("template", e.getMessage());
    } catch (InvalidInputException e) {
      throw e;
    } catch (MustacheException e) {
      if (e.getCause() instanceof OverBudget over) {
        throw new InvalidInputException("template", over.getMessage());
      }
      throw new InvalidInputException("template", "could not be rendered: "
          + Excerpt.of(String.valueOf(e.getMessage()), 120));
    } catch (RuntimeException e) {
      // a value's toString() or the host's attribute map failed: the render fails, not the run
      throw new InvalidInputException("template", "could not be rendered: "
          + e.getClass().getSimpleName());
    } finally {
      budget[1]--;
      budget[0] = previous;
    }
  }

  /** The budget ran out; unchecked so it passes through the Mustache runtime. */
  private static final class OverBudget extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OverBudget(String message) {
      super(message, null, false, false);
    }
  }

  private static final class Counted<T> implements Iterator<T> {
    private final Iterator<T> inner;

    Counted(Iterator<T> inner) {
      this.inner = inner;
    }

    @Override
    public boolean hasNext() {
      return inner.hasNext();
    }

    @Override
    public T next() {
      int[] budget = BUDGET.get();
      if (budget[1] > 0 && ++budget[0] > MessageTemplate.MAX_SECTION_ITERATIONS) {
        throw new OverBudget("rendering took more than " + MessageTemplate.MAX_SECTION_ITERATIONS
            + " section iterations");
      }
      return inner.next();
    }
  }

  /** A writer that refuses output beyond the budget. */
  private static final class Bounded extends Writer {
    private final StringBuilder text = new StringBuilder();

    @Override
    public void write(char[] buffer, int offset, int length) {
      check(length);
      text.append(buffer, offset, length);
    }

    @Override
    public void write(String s, int offset, int length) {
      check(length);
      text.append(s, offset, offset + length);
    }

    @Override
    public Writer append(CharSequence s) {
      CharSequence c = s == null ? "null" : s;
      check(c.length());
      text.append(c);
      return this;
    }

    private void check(int more) {
      if (text.length() + (long) more > MessageTemplate.MAX_RENDERED_CHARS) {
        throw new OverBudget("rendered more than " + MessageTemplate.MAX_RENDERED_CHARS
            + " characters");
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  /**
   * Checks that two templates of one dispatch have the same kind and, for Live Activities, name
   * the same activity: the kind and the activity decide which devices are targeted.
   *
   * @param first the template the other is compared with
   * @param other another variant or locale
   * @param otherName how to name the other in the error
   * @param firstName how to name the first in the error
   * @throws InvalidInputException naming {@code template.kind} or {@code liveActivity.activityId}
   */
  public static void checkSameTarget(MessageTemplate first, MessageTemplate other,
      String otherName, String firstName) {
    if (other.kind() != first.kind()) {
      throw new InvalidInputException("template.kind", otherName + " is " + other.kind()
          + " but " + firstName + " is " + first.kind());
    }
    String a = first.liveActivity().map(dev.herald.content.LiveActivity::activityId).orElse("");
    String b = other.liveActivity().map(dev.herald.content.LiveActivity::activityId).orElse("");
    if (!a.equals(b)) {
      throw new InvalidInputException("liveActivity.activityId", otherName + " updates activity "
          + b + " but " + firstName + " updates " + a);
    }
  }
}
