package dev.herald.content;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.MustacheException;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.internal.Excerpt;
import dev.herald.internal.Templates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A notification with <a href="https://mustache.github.io/mustache.5.html">Mustache</a>
 * placeholders, rendered per player into a {@link Notification}. Text fields (title, body, links,
 * action titles and links, data values) may hold {@code {{attribute}}} tags that are filled from
 * the player's profile attributes ({@code {{first_name}}}, {@code {{vip_level}}},
 * {@code {{rg.limit}}}), from {@code {{player_id}}}, or from the {@link Content}'s defaults. A
 * missing value renders empty.
 *
 * <p>Templates are checked for syntax when built: at most {@value #MAX_TEMPLATE_CHARS} characters a
 * field, sections nested at most {@value #MAX_SECTION_DEPTH} deep, no partials
 * ({@code {{>name}}}) and no delimiter changes. Rendering runs within a budget of
 * {@value #MAX_RENDERED_CHARS} characters and {@value #MAX_SECTION_ITERATIONS} section iterations
 * a field. After rendering, an optional field that comes out empty or invalid (an image URL with a
 * missing attribute) is dropped, and a title or body too long is cut with an ellipsis; a title
 * that renders empty, or any field that overruns the budget, fails the delivery
 * ({@code RENDER_FAILED}).
 *
 * <pre>{@code
 * MessageTemplate t = MessageTemplate.builder()
 *     .type(NotificationType.CASHBACK)
 *     .title("{{first_name}}, your cashback is here")
 *     .body("€{{cashback_amount}} has been credited to your account.")
 *     .deepLink("https://casino.example/wallet?src=push")
 *     .build();
 * }</pre>
 *
 * <p>A template has the {@link ContentKind} of the notifications it renders: a DATA template
 * renders its data values ({@code {"balance": "{{balance}}"}}) and has no title; a LIVE_ACTIVITY
 * template carries its {@link LiveActivity} as is and may render an alert title and body.
 */
public final class MessageTemplate {
  private static final Mustache.Compiler SYNTAX = Mustache.compiler();
  /** The longest template text accepted for any field, before rendering. */
  public static final int MAX_TEMPLATE_CHARS = 4096;
  /** How deep sections ({@code {{#tags}}}, {@code {{^vip}}}) may nest in one field. */
  public static final int MAX_SECTION_DEPTH = 4;
  /**
   * The most characters one field may render to before rendering stops and the delivery is
   * suppressed with {@code RENDER_FAILED}; fields are cut to their own limits after rendering.
   */
  public static final int MAX_RENDERED_CHARS = 65_536;
  /**
   * The most section iterations (one per element of a list or set attribute, summed over nested
   * sections) one field may take before rendering stops with {@code RENDER_FAILED}.
   */
  public static final int MAX_SECTION_ITERATIONS = 10_000;

  private final NotificationType type;
  private final String title;
  private final String body;
  private final String icon;
  private final String image;
  private final Integer badge;
  private final String sound;
  private final List<ActionTemplate> actions;
  private final String deepLink;
  private final Map<String, String> data;
  private final Duration ttl;
  private final Urgency urgency;
  private final String collapseKey;
  private final String category;
  private final ContentKind kind;
  private final LiveActivity liveActivity;

  /**
   * A button whose title and link may hold placeholders.
   *
   * @param id the action id
   * @param title the label template
   * @param link the link template, empty for none
   */
  public record ActionTemplate(String id, String title, Optional<String> link) {
    /**
     * Validates the fields.
     *
     * @param id the action id
     * @param title the label template
     * @param link the link template, empty for none
     */
    public ActionTemplate {
      id = Checks.nonBlank(id, "action.id", Action.MAX_ID_CHARS);
      title = checkSyntax(Checks.nonBlank(title, "action.title", MAX_TEMPLATE_CHARS), "action.title");
      Checks.required(link, "action.link");
      link.ifPresent(l -> checkSyntax(l, "action.link"));
    }
  }

  private MessageTemplate(Builder b) {
    this.kind = b.kind;
    this.liveActivity = b.liveActivity;
    this.type = b.type;
    this.title = b.title;
    this.body = b.body;
    this.icon = b.icon;
    this.image = b.image;
    this.badge = b.badge;
    this.sound = b.sound;
    this.actions = List.copyOf(b.actions);
    this.deepLink = b.deepLink;
    this.data = Collections.unmodifiableMap(new LinkedHashMap<>(b.data));
    this.ttl = b.ttl;
    this.urgency = b.urgency;
    this.collapseKey = b.collapseKey;
    this.category = b.category;
  }

  /**
   * Starts a template; for the default kind, VISIBLE, the title is required.
   *
   * @return a builder with kind VISIBLE, type PROMOTIONAL, urgency NORMAL and a one-day TTL
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A template that is exactly this notification, with no placeholders.
   *
   * @param notification the notification
   * @return the template
   */
  public static MessageTemplate of(Notification notification) {
    Builder b = builder()
        .kind(notification.kind())
        .type(notification.type())
        .title(notification.title().orElse(null))
        .ttl(notification.ttl())
        .urgency(notification.urgency())
        .category(notification.category());
    notification.body().ifPresent(b::body);
    notification.icon().ifPresent(b::icon);
    notification.image().ifPresent(b::image);
    notification.badge().ifPresent(b::badge);
    notification.sound().ifPresent(b::sound);
    notification.deepLink().ifPresent(b::deepLink);
    notification.collapseKey().ifPresent(b::collapseKey);
    notification.actions().forEach(a -> b.action(a.id(), a.title(), a.link().orElse(null)));
    notification.data().forEach(b::data);
    notification.liveActivity().ifPresent(b::liveActivity);
    return b.build();
  }

  /** @return the notification type */
  public NotificationType type() {
    return type;
  }

  /** @return VISIBLE, DATA or LIVE_ACTIVITY: the kind of the notifications it renders */
  public ContentKind kind() {
    return kind;
  }

  /** @return the Live Activity fields; present exactly for LIVE_ACTIVITY templates */
  public Optional<LiveActivity> liveActivity() {
    return Optional.ofNullable(liveActivity);
  }

  /** @return the title template: present on VISIBLE templates, never on DATA ones */
  public Optional<String> title() {
    return Optional.ofNullable(title);
  }

  /** @return the body template */
  public Optional<String> body() {
    return Optional.ofNullable(body);
  }

  /** @return the icon URL template */
  public Optional<String> icon() {
    return Optional.ofNullable(icon);
  }

  /** @return the image URL template */
  public Optional<String> image() {
    return Optional.ofNullable(image);
  }

  /** @return the badge count */
  public OptionalInt badge() {
    return badge == null ? OptionalInt.empty() : OptionalInt.of(badge);
  }

  /** @return the sound name */
  public Optional<String> sound() {
    return Optional.ofNullable(sound);
  }

  /** @return the action button templates */
  public List<ActionTemplate> actions() {
    return actions;
  }

  /** @return the deep link template */
  public Optional<String> deepLink() {
    return Optional.ofNullable(deepLink);
  }

  /** @return the custom data value templates */
  public Map<String, String> data() {
    return data;
  }

  /** @return the time to live */
  public Duration ttl() {
    return ttl;
  }

  /** @return the urgency */
  public Urgency urgency() {
    return urgency;
  }

  /** @return the collapse key template */
  public Optional<String> collapseKey() {
    return Optional.ofNullable(collapseKey);
  }

  /** @return the opt-in category, empty for the type's */
  public Optional<String> category() {
    return Optional.ofNullable(category);
  }

  @Override
  public String toString() {
    return kind == ContentKind.VISIBLE ? "MessageTemplate{" + type + ", title=" + title + "}"
        : "MessageTemplate{" + kind + ", " + type + "}";
  }

  static String checkSyntax(String template, String field) {
    if (template.length() > MAX_TEMPLATE_CHARS) {
      throw new InvalidInputException(field, "template must be at most " + MAX_TEMPLATE_CHARS
          + " characters, got " + template.length());
    }
    Templates.checkTags(template, field);
    try {
      SYNTAX.compile(template);
      return template;
    } catch (MustacheException | IndexOutOfBoundsException e) {
      // JMustache throws StringIndexOutOfBoundsException on some malformed tags
      throw new InvalidInputException(field, "is not a valid template: "
          + Excerpt.of(String.valueOf(e.getMessage()), 120));
    }
  }

  /** Builds a {@link MessageTemplate}; each setter checks its argument, {@link #build()} the title. */
  public static final class Builder {
    private ContentKind kind = ContentKind.VISIBLE;
    private LiveActivity liveActivity;
    private NotificationType type = NotificationType.PROMOTIONAL;
    private String title;
    private String body;
    private String icon;
    private String image;
    private Integer badge;
    private String sound;
    private final List<ActionTemplate> actions = new ArrayList<>();
    private String deepLink;
    private final Map<String, String> data = new LinkedHashMap<>();
    private Duration ttl = Notification.DEFAULT_TTL;
    private Urgency urgency = Urgency.NORMAL;
    private String collapseKey;
    private String category;

    private Builder() {}

    /**
     * Sets the kind of the notifications it renders; the fields allowed are those of
     * {@link Notification.Builder#kind(ContentKind)}.
     *
     * @param value VISIBLE (the default), DATA or LIVE_ACTIVITY
     * @return this builder
     */
    public Builder kind(ContentKind value) {
      this.kind = Checks.required(value, "kind");
      if (kind != ContentKind.LIVE_ACTIVITY) {
        this.liveActivity = null;
      }
      return this;
    }

    /**
     * Makes this a LIVE_ACTIVITY template with these fields, the same for every player.
     *
     * @param value the activity, event and content state
     * @return this builder
     */
    public Builder liveActivity(LiveActivity value) {
      this.liveActivity = Checks.required(value, "liveActivity");
      this.kind = ContentKind.LIVE_ACTIVITY;
      return this;
    }

    /**
     * @param value the type
     * @return this builder
     */
    public Builder type(NotificationType value) {
      this.type = Checks.required(value, "type");
      return this;
    }

    /**
     * @param value the title template; required for VISIBLE templates, refused for DATA ones;
     *     null for none
     * @return this builder
     */
    public Builder title(String value) {
      this.title = optional(value, "title");
      return this;
    }

    /**
     * @param value the body template, or null
     * @return this builder
     */
    public Builder body(String value) {
      this.body = optional(value, "body");
      return this;
    }

    /**
     * @param value the icon URL template, or null
     * @return this builder
     */
    public Builder icon(String value) {
      this.icon = optional(value, "icon");
      return this;
    }

    /**
     * @param value the image URL template, or null
     * @return this builder
     */
    public Builder image(String value) {
      this.image = optional(value, "image");
      return this;
    }

    /**
     * @param value the badge count 0–99999, or null
     * @return this builder
     */
    public Builder badge(Integer value) {
      this.badge = value == null ? null : Checks.range(value, "badge", 0, 99_999);
      return this;
    }

    /**
     * @param value the sound name, or null
     * @return this builder
     */
    public Builder sound(String value) {
      this.sound = value == null ? null : Checks.nonBlank(value, "sound", 64);
      return this;
    }

    /**
     * Adds a button; at most {@value Notification#MAX_ACTIONS}, with distinct ids.
     *
     * @param id the action id
     * @param titleTemplate the label template
     * @param linkTemplate the link template, or null
     * @return this builder
     */
    public Builder action(String id, String titleTemplate, String linkTemplate) {
      ActionTemplate a = new ActionTemplate(id, titleTemplate, Optional.ofNullable(linkTemplate));
      if (actions.size() == Notification.MAX_ACTIONS) {
        throw new InvalidInputException(
            "actions", "must hold at most " + Notification.MAX_ACTIONS + " entries");
      }
      if (actions.stream().anyMatch(x -> x.id().equals(a.id()))) {
        throw new InvalidInputException("action.id", "duplicate action id " + a.id());
      }
      actions.add(a);
      return this;
    }

    /**
     * @param value the deep link template, or null
     * @return this builder
     */
    public Builder deepLink(String value) {
      this.deepLink = optional(value, "deepLink");
      return this;
    }

    /**
     * Adds a custom data entry whose value may hold placeholders.
     *
     * @param key the key, at most 64 characters
     * @param valueTemplate the value template
     * @return this builder
     */
    public Builder data(String key, String valueTemplate) {
      String k = Checks.nonBlank(key, "data.key", 64);
      Checks.required(valueTemplate, "data[" + k + "]");
      if (!data.containsKey(k) && data.size() == Notification.MAX_DATA_ENTRIES) {
        throw new InvalidInputException(
            "data", "must hold at most " + Notification.MAX_DATA_ENTRIES + " entries");
      }
      data.put(k, checkSyntax(valueTemplate, "data[" + k + "]"));
      return this;
    }

    /**
     * @param value the time to live, zero to 28 days
     * @return this builder
     */
    public Builder ttl(Duration value) {
      this.ttl = Checks.range(value, "ttl", Duration.ZERO, Notification.MAX_TTL);
      return this;
    }

    /**
     * @param value the urgency
     * @return this builder
     */
    public Builder urgency(Urgency value) {
      this.urgency = Checks.required(value, "urgency");
      return this;
    }

    /**
     * @param value the collapse key template, or null
     * @return this builder
     */
    public Builder collapseKey(String value) {
      this.collapseKey = optional(value, "collapseKey");
      return this;
    }

    /**
     * @param value the opt-in category, or null for the type's
     * @return this builder
     */
    public Builder category(String value) {
      this.category = value == null
          ? null : Checks.nonBlank(value, "category", 64).toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the template
     * @throws InvalidInputException when a VISIBLE template has no title, a DATA one has a field
     *     that is shown, a LIVE_ACTIVITY one lacks its fields, or data without placeholders is
     *     already too large
     */
    public MessageTemplate build() {
      boolean constantData = data.values().stream().noneMatch(v -> v.contains("{{"))
          && (title == null || !title.contains("{{")) && (body == null || !body.contains("{{"));
      Notification.checkKind(kind, liveActivity, title, body, sound, badge, icon, image,
          deepLink, actions, data, constantData);
      return new MessageTemplate(this);
    }

    private static String optional(String value, String field) {
      return value == null ? null : checkSyntax(Checks.nonBlank(value, field), field);
    }
  }
}
