package dev.herald.internal.dispatch;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import dev.herald.InvalidInputException;
import dev.herald.content.Action;
import dev.herald.content.Content;
import dev.herald.content.ContentKind;
import dev.herald.content.MessageTemplate;
import dev.herald.content.Notification;
import dev.herald.internal.Numbers;
import dev.herald.internal.Templates;
import dev.herald.spi.PlayerProfile;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Renders {@link Content} for one player into a {@link Notification}. Templates are compiled once
 * per renderer (one renderer per dispatch run); a template without tags renders to a notification
 * built once and shared.
 */
public final class Renderer {
  private static final Mustache.Compiler COMPILER = Templates.budgeted(Mustache.compiler()
      .escapeHTML(false)
      .defaultValue("")
      .withFormatter(Renderer::format));

  private final Content content;
  private final Map<MessageTemplate, Compiled> compiled = new IdentityHashMap<>();

  /**
   * Compiles every template of the content.
   *
   * @param content the content
   */
  public Renderer(Content content) {
    this.content = content;
    compiled.put(content.defaultTemplate(), new Compiled(content.defaultTemplate()));
    for (MessageTemplate t : content.variantsByLanguageTag().values()) {
      compiled.computeIfAbsent(t, Compiled::new);
    }
  }

  /**
   * Renders the content for a player.
   *
   * @param playerId the player
   * @param profile the player's profile, if the directory knows them
   * @return the notification
   * @throws InvalidInputException when the title renders empty
   */
  public Notification render(String playerId, Optional<PlayerProfile> profile) {
    return render(playerId, profile, Map.of());
  }

  /**
   * Renders the content for a player with values that take precedence over their attributes.
   *
   * @param playerId the player
   * @param profile the player's profile, if the directory knows them
   * @param values placeholder values (an event's attributes), first in precedence
   * @return the notification
   * @throws InvalidInputException when the title renders empty, a field overruns the render
   *     budget or a value fails to render: every render failure, so it becomes RENDER_FAILED
   */
  public Notification render(
      String playerId, Optional<PlayerProfile> profile, Map<String, String> values) {
    MessageTemplate template = content.templateFor(profile.flatMap(PlayerProfile::locale));
    Compiled c = compiled.get(template);
    if (c.constant != null) {
      return c.constant;
    }
    return c.render(new Context(playerId, profile.orElse(null), content.defaults(), values));
  }

  private static CharSequence format(Object value) {
    if (value instanceof BigDecimal d) {
      return Numbers.format(d);
    }
    if (value instanceof Double d && d == Math.rint(d) && !d.isInfinite()) {
      return Long.toString(d.longValue());
    }
    if (value instanceof Collection<?> c) {
      return String.join(", ", c.stream().map(String::valueOf).toList());
    }
    if (value instanceof Instant i) {
      return i.toString();
    }
    return String.valueOf(value);
  }

  /** A template with each field compiled, or the notification itself when nothing varies. */
  private static final class Compiled {
    private final MessageTemplate source;
    private final Template title;
    private final Template body;
    private final Template icon;
    private final Template image;
    private final Template deepLink;
    private final Template collapseKey;
    private final List<Template[]> actions = new ArrayList<>();
    private final Map<String, Template> data = new LinkedHashMap<>();
    private final Notification constant;
    private final boolean iconVaries;
    private final boolean imageVaries;
    private final boolean deepLinkVaries;
    /**
     * For a visible notification with a title, what every render shares (kind, type, TTL,
     * urgency, category, badge, sound and the links without placeholders, validated once), with a
     * stand-in title that each render replaces; null otherwise. Parsing a constant link again for
     * every player was the largest cost of a personalised render.
     */
    private final Notification prototype;

    Compiled(MessageTemplate t) {
      this.source = t;
      boolean hasTags = t.title().map(Compiled::hasTag).orElse(false) || t.body().map(Compiled::hasTag).orElse(false)
          || t.icon().map(Compiled::hasTag).orElse(false)
          || t.image().map(Compiled::hasTag).orElse(false)
          || t.deepLink().map(Compiled::hasTag).orElse(false)
          || t.collapseKey().map(Compiled::hasTag).orElse(false)
          || t.actions().stream().anyMatch(a -> hasTag(a.title())
              || a.link().map(Compiled::hasTag).orElse(false))
          || t.data().values().stream().anyMatch(Compiled::hasTag);
      this.title = t.title().map(COMPILER::compile).orElse(null);
      this.body = t.body().map(COMPILER::compile).orElse(null);
      this.icon = t.icon().map(COMPILER::compile).orElse(null);
      this.image = t.image().map(COMPILER::compile).orElse(null);
      this.deepLink = t.deepLink().map(COMPILER::compile).orElse(null);
      this.collapseKey = t.collapseKey().map(COMPILER::compile).orElse(null);
      for (MessageTemplate.ActionTemplate a : t.actions()) {
        actions.add(new Template[] {
          COMPILER.compile(a.title()), a.link().map(COMPILER::compile).orElse(null)});
      }
      t.data().forEach((k, v) -> data.put(k, COMPILER.compile(v)));
      this.iconVaries = t.icon().map(Compiled::hasTag).orElse(false);
      this.imageVaries = t.image().map(Compiled::hasTag).orElse(false);
      this.deepLinkVaries = t.deepLink().map(Compiled::hasTag).orElse(false);
      this.prototype = hasTags && title != null && t.kind() == ContentKind.VISIBLE
          ? prototype() : null;
      this.constant = hasTags ? null : render(new Context("", null, Map.of(), Map.of()));
    }

    private Notification prototype() {
      Notification.Builder b = shared().title("-");
      Context none = new Context("", null, Map.of(), Map.of());
      if (!iconVaries) {
        optional(icon, none, b::icon);
      }
      if (!imageVaries) {
        optional(image, none, b::image);
      }
      if (!deepLinkVaries) {
        optional(deepLink, none, b::deepLink);
      }
      try {
        return b.build();
      } catch (InvalidInputException e) {
        return null; // each render builds from scratch and reports the problem
      }
    }

    /** A builder with the fields that never have placeholders. */
    private Notification.Builder shared() {
      Notification.Builder b = Notification.builder()
          .kind(source.kind())
          .type(source.type())
          .ttl(source.ttl())
          .urgency(source.urgency());
      source.liveActivity().ifPresent(b::liveActivity);
      source.category().ifPresent(b::category);
      source.badge().ifPresent(b::badge);
      source.sound().ifPresent(b::sound);
      return b;
    }

    private static boolean hasTag(String text) {
      return text.contains("{{");
    }

    Notification render(Context ctx) {
      Notification.Builder b = prototype != null ? prototype.toBuilder() : shared();
      boolean titled = title != null;
      if (titled && source.kind() == ContentKind.LIVE_ACTIVITY) {
        // A Live Activity's alert is optional: one that renders empty is left out, not fatal.
        String text = Templates.execute(title, ctx).strip();
        titled = !text.isEmpty();
        if (titled) {
          b.title(dev.herald.internal.Text.truncate(text, Notification.MAX_TITLE_CHARS));
        }
      } else if (titled) {
        b.title(limit(Templates.execute(title, ctx), Notification.MAX_TITLE_CHARS, "title"));
      }
      if (body != null && titled) {
        String text = Templates.execute(body, ctx);
        if (!text.isBlank()) {
          b.body(limit(text, Notification.MAX_BODY_CHARS, "body"));
        }
      }
      if (prototype == null || iconVaries) {
        optional(icon, ctx, b::icon);
      }
      if (prototype == null || imageVaries) {
        optional(image, ctx, b::image);
      }
      if (prototype == null || deepLinkVaries) {
        optional(deepLink, ctx, b::deepLink);
      }
      optional(collapseKey, ctx, b::collapseKey);
      for (int i = 0; i < actions.size(); i++) {
        String id = source.actions().get(i).id();
        String label = Templates.execute(actions.get(i)[0], ctx);
        if (label.isBlank()) {
          continue;
        }
        Template linkTemplate = actions.get(i)[1];
        String link = linkTemplate == null ? "" : Templates.execute(linkTemplate, ctx).strip();
        try {
          b.action(link.isEmpty() ? Action.of(id, limit(label, Action.MAX_TITLE_CHARS, "action"))
              : Action.of(id, limit(label, Action.MAX_TITLE_CHARS, "action"), link));
        } catch (InvalidInputException dropped) {
          // an action whose link rendered invalid is dropped, not fatal
        }
      }
      data.forEach((k, v) -> {
        String value = Templates.execute(v, ctx);
        if (value.length() <= 1024) {
          b.data(k, value);
        }
      });
      return b.build();
    }

    private static void optional(Template t, Context ctx, java.util.function.Consumer<String> set) {
      if (t == null) {
        return;
      }
      String value = Templates.execute(t, ctx).strip();
      if (value.isEmpty()) {
        return;
      }
      try {
        set.accept(value);
      } catch (InvalidInputException dropped) {
        // a field that rendered invalid (a URL built from a missing attribute) is dropped
      }
    }

    private static String limit(String text, int max, String field) {
      String s = text.strip();
      if (s.isEmpty()) {
        throw new InvalidInputException(field, "rendered empty");
      }
      return dev.herald.internal.Text.truncate(s, max); // never splits an emoji
    }
  }

  /**
   * The values placeholders see: {@code player_id}, the profile's attributes and the content's
   * defaults. Dotted attribute names ({@code rg.limit}) are reachable as compound keys.
   */
  private static final class Context extends AbstractMap<String, Object> {
    private final String playerId;
    private final PlayerProfile profile;
    private final Map<String, String> defaults;
    private final Map<String, String> values;
    private final String prefix;

    Context(String playerId, PlayerProfile profile, Map<String, String> defaults,
        Map<String, String> values) {
      this(playerId, profile, defaults, values, "");
    }

    private Context(String playerId, PlayerProfile profile, Map<String, String> defaults,
        Map<String, String> values, String prefix) {
      this.playerId = playerId;
      this.profile = profile;
      this.defaults = defaults;
      this.values = values;
      this.prefix = prefix;
    }

    @Override
    public Object get(Object key) {
      String name = prefix.isEmpty() ? String.valueOf(key) : prefix + key;
      if (prefix.isEmpty() && name.equals("player_id")) {
        return playerId;
      }
      String given = values.get(name);
      if (given != null) {
        return given;
      }
      Object value = profile == null ? null : profile.attributes().get(name);
      if (value != null) {
        return value;
      }
      String fallback = defaults.get(name);
      if (fallback != null) {
        return fallback;
      }
      String nested = name + ".";
      boolean hasNested = profile != null && profile.attributes().keySet().stream()
          .anyMatch(k -> k.startsWith(nested))
          || defaults.keySet().stream().anyMatch(k -> k.startsWith(nested))
          || values.keySet().stream().anyMatch(k -> k.startsWith(nested));
      return hasNested ? new Context(playerId, profile, defaults, values, nested) : null;
    }

    @Override
    public boolean containsKey(Object key) {
      return get(key) != null;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return Set.of();
    }
  }
}
