package dev.herald.content;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.internal.Utf8Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a push notification says and how it should be delivered: title, body, icon, image, badge,
 * sound, action buttons, deep link, custom data, time to live, urgency, collapse key, and the
 * {@link NotificationType} that decides its purpose.
 *
 * <p>Its {@link ContentKind} says what the push does on the device: a {@link ContentKind#VISIBLE
 * VISIBLE} notification (the default) needs a title; a {@link ContentKind#DATA DATA} push (a
 * balance refresh, live odds) carries only data for the app and has no title; a
 * {@link ContentKind#LIVE_ACTIVITY LIVE_ACTIVITY} push updates an iOS Live Activity, with an
 * optional alert.
 *
 * <pre>{@code
 * Notification balance = Notification.builder()
 *     .kind(ContentKind.DATA)
 *     .type(WALLET)                      // a SERVICE type: reaches the player whatever consent
 *     .data("balance", "120.50")
 *     .data("currency", "EUR")
 *     .collapseKey("balance")            // a newer balance replaces an undelivered older one
 *     .build();
 * }</pre>
 *
 * <p>Immutable; built with {@link #builder()}, which validates every field as it is set and the
 * required ones at {@link Builder#build()}. Providers drop fields their platform cannot show
 * (an image on APNs without a service extension, a badge count on the web) rather than fail.
 *
 * <pre>{@code
 * Notification n = Notification.builder()
 *     .type(NotificationType.TOURNAMENT)
 *     .title("Slots tournament starts in 10 minutes")
 *     .body("€5,000 prize pool. Tap to join.")
 *     .deepLink("https://casino.example/tournaments/42")
 *     .ttl(Duration.ofMinutes(10))
 *     .build();
 * }</pre>
 */
public final class Notification {
  /** The longest title accepted, in characters. */
  public static final int MAX_TITLE_CHARS = 256;
  /** The longest body accepted, in characters. */
  public static final int MAX_BODY_CHARS = 2048;
  /** The longest URL or deep link accepted, in characters. */
  public static final int MAX_LINK_CHARS = 2048;
  /** The most action buttons accepted (more than any platform shows). */
  public static final int MAX_ACTIONS = 3;
  /** The most custom data entries accepted. */
  public static final int MAX_DATA_ENTRIES = 64;
  /** The longest collapse key accepted, in UTF-8 bytes (the APNs {@code apns-collapse-id} limit). */
  public static final int MAX_COLLAPSE_KEY_BYTES = 64;
  /** The longest time to live accepted: 28 days, the FCM maximum. */
  public static final Duration MAX_TTL = Duration.ofDays(28);
  /** The time to live when none is set. */
  public static final Duration DEFAULT_TTL = Duration.ofDays(1);
  /**
   * The most bytes the data of a {@link ContentKind#DATA DATA} push may take as a JSON object,
   * and a Live Activity's content state with its alert title and body: what fits, with Herald's
   * own keys and headers, in the smallest payload limit of the providers (4096 bytes for APNs and
   * FCM, 3993 for Web Push).
   */
  public static final int MAX_DATA_BYTES = 3072;

  private final NotificationType type;
  private final String title;
  private final String body;
  private final String icon;
  private final String image;
  private final Integer badge;
  private final String sound;
  private final List<Action> actions;
  private final String deepLink;
  private final Map<String, String> data;
  private final Duration ttl;
  private final Urgency urgency;
  private final String collapseKey;
  private final String category;
  private final ContentKind kind;
  private final LiveActivity liveActivity;

  private Notification(Builder b) {
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
    // most notifications carry no data: no copy to make for each rendered one
    this.data = b.data.isEmpty() ? Collections.emptyMap()
        : Collections.unmodifiableMap(new LinkedHashMap<>(b.data));
    this.ttl = b.ttl;
    this.urgency = b.urgency;
    this.collapseKey = b.collapseKey;
    this.category = b.category == null ? type.category() : b.category;
  }

  /**
   * Starts a notification; for the default kind, VISIBLE, {@link Builder#title(String) title} is
   * the only required field.
   *
   * @return an empty builder with kind VISIBLE, type PROMOTIONAL, urgency NORMAL and a one-day TTL
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this notification's fields, to derive a changed copy (a rendered one, a
   * locale variant).
   *
   * @return a pre-filled builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.kind = kind;
    b.liveActivity = liveActivity;
    b.type = type;
    b.title = title;
    b.body = body;
    b.icon = icon;
    b.image = image;
    b.badge = badge;
    b.sound = sound;
    b.actions.addAll(actions);
    b.deepLink = deepLink;
    b.data.putAll(data);
    b.ttl = ttl;
    b.urgency = urgency;
    b.collapseKey = collapseKey;
    b.category = category.equals(type.category()) ? null : category;
    return b;
  }

  /** @return the type, which carries the purpose */
  public NotificationType type() {
    return type;
  }

  /** @return MARKETING or SERVICE, from the type */
  public Purpose purpose() {
    return type.purpose();
  }

  /** @return what the push does on the device: VISIBLE, DATA or LIVE_ACTIVITY */
  public ContentKind kind() {
    return kind;
  }

  /** @return the Live Activity fields; present exactly for LIVE_ACTIVITY content */
  public Optional<LiveActivity> liveActivity() {
    return Optional.ofNullable(liveActivity);
  }

  /**
   * The title: always present on VISIBLE content, never on DATA, and on LIVE_ACTIVITY content
   * when the update also alerts the player.
   *
   * @return the title, or empty
   */
  public Optional<String> title() {
    return Optional.ofNullable(title);
  }

  /** @return the body text */
  public Optional<String> body() {
    return Optional.ofNullable(body);
  }

  /** @return the icon URL (web) */
  public Optional<String> icon() {
    return Optional.ofNullable(icon);
  }

  /** @return a large image URL */
  public Optional<String> image() {
    return Optional.ofNullable(image);
  }

  /** @return the app icon badge count (native apps) */
  public OptionalInt badge() {
    return badge == null ? OptionalInt.empty() : OptionalInt.of(badge);
  }

  /** @return the sound name, for example {@code "default"} */
  public Optional<String> sound() {
    return Optional.ofNullable(sound);
  }

  /** @return the action buttons, at most {@value #MAX_ACTIONS} */
  public List<Action> actions() {
    return actions;
  }

  /** @return where a tap on the notification leads: a URL or an app deep link */
  public Optional<String> deepLink() {
    return Optional.ofNullable(deepLink);
  }

  /** @return custom key–value data for the app or service worker, in insertion order */
  public Map<String, String> data() {
    return data;
  }

  /** @return how long the push service should keep trying to deliver */
  public Duration ttl() {
    return ttl;
  }

  /** @return the urgency */
  public Urgency urgency() {
    return urgency;
  }

  /** @return the key under which a newer message replaces an undelivered older one */
  public Optional<String> collapseKey() {
    return Optional.ofNullable(collapseKey);
  }

  /** @return the opt-in category a marketing send needs; the type's category unless overridden */
  public String category() {
    return category;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Notification n
        && kind == n.kind
        && Objects.equals(liveActivity, n.liveActivity)
        && type.equals(n.type)
        && Objects.equals(title, n.title)
        && Objects.equals(body, n.body)
        && Objects.equals(icon, n.icon)
        && Objects.equals(image, n.image)
        && Objects.equals(badge, n.badge)
        && Objects.equals(sound, n.sound)
        && actions.equals(n.actions)
        && Objects.equals(deepLink, n.deepLink)
        && data.equals(n.data)
        && ttl.equals(n.ttl)
        && urgency == n.urgency
        && Objects.equals(collapseKey, n.collapseKey)
        && category.equals(n.category);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, liveActivity, type, title, body, deepLink, data, ttl, urgency);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case VISIBLE -> "Notification{" + type + ", title=" + title + "}";
      case DATA -> "Notification{DATA, " + type + ", data keys=" + data.keySet() + "}";
      case LIVE_ACTIVITY -> "Notification{LIVE_ACTIVITY, " + type + ", " + liveActivity + "}";
    };
  }

  /**
   * The rules a kind sets on which fields a notification or template may have, and on the size
   * of its data; shared by {@link Builder#build()} and {@link MessageTemplate.Builder#build()}.
   * The sizes are checked only when {@code checkSizes} (a template with placeholders is checked
   * when it renders).
   */
  static void checkKind(ContentKind kind, LiveActivity liveActivity, String title, String body,
      String sound, Integer badge, String icon, String image, String deepLink, List<?> actions,
      Map<String, String> data, boolean checkSizes) {
    switch (kind) {
      case VISIBLE -> Checks.nonBlank(title, "title");
      case DATA -> {
        shownNothing("title", title);
        shownNothing("body", body);
        shownNothing("sound", sound);
        shownNothing("badge", badge);
        notOn(kind, "icon", icon);
        notOn(kind, "image", image);
        notOn(kind, "deepLink", deepLink);
        notOn(kind, "actions", actions.isEmpty() ? null : actions);
        if (checkSizes) {
          dataFits("data", dataBytes(data));
        }
      }
      case LIVE_ACTIVITY -> {
        if (liveActivity == null) {
          throw new InvalidInputException("liveActivity",
              "is required for LIVE_ACTIVITY content: set liveActivity(LiveActivity)");
        }
        if (body != null && title == null) {
          throw new InvalidInputException("body", "a Live Activity alert with a body needs a title");
        }
        notOn(kind, "icon", icon);
        notOn(kind, "image", image);
        notOn(kind, "badge", badge);
        notOn(kind, "deepLink", deepLink);
        notOn(kind, "actions", actions.isEmpty() ? null : actions);
        notOn(kind, "data", data.isEmpty() ? null : data);
        if (checkSizes) {
          dataFits("liveActivity", utf8(liveActivity.contentStateJson()) + utf8(title)
              + utf8(body));
        }
      }
    }
  }

  private static void shownNothing(String field, Object value) {
    if (value != null) {
      throw new InvalidInputException(field, "a DATA push shows nothing, so it has no " + field
          + "; send what the app needs in data, or make it a VISIBLE notification");
    }
  }

  private static void notOn(ContentKind kind, String field, Object value) {
    if (value != null) {
      throw new InvalidInputException(field, "is not sent with " + kind + " content");
    }
  }

  private static void dataFits(String field, int bytes) {
    if (bytes > MAX_DATA_BYTES) {
      throw new InvalidInputException(field, "must be at most " + MAX_DATA_BYTES
          + " bytes as JSON (what fits every provider's payload beside Herald's keys), got "
          + bytes);
    }
  }

  private static int utf8(String text) {
    return text == null ? 0 : text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
  }

  /** The size of the data as a JSON object, as the providers write it. */
  private static int dataBytes(Map<String, String> data) {
    return data.isEmpty() ? 2 : Utf8Json.bytes(Utf8Json.toNode(data, "data")).length;
  }

  /**
   * Builds a {@link Notification}. Each setter validates its argument and throws an
   * {@link InvalidInputException} naming the field and the limit; {@link #build()} checks the
   * fields against the kind (a title for VISIBLE, none for DATA) and the data's size. Not
   * thread-safe; reusable.
   */
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
    private final List<Action> actions = new ArrayList<>();
    private String deepLink;
    private final Map<String, String> data = new LinkedHashMap<>();
    private Duration ttl = DEFAULT_TTL;
    private Urgency urgency = Urgency.NORMAL;
    private String collapseKey;
    private String category;

    private Builder() {}

    /**
     * Sets what the push does on the device. DATA content may not have a title, body, icon,
     * image, badge, sound, actions or deep link; LIVE_ACTIVITY content needs
     * {@link #liveActivity(LiveActivity)}.
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
     * Makes this a {@link ContentKind#LIVE_ACTIVITY LIVE_ACTIVITY} push with these fields.
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
     * @param value the type; decides the purpose (MARKETING or SERVICE) and default category
     * @return this builder
     */
    public Builder type(NotificationType value) {
      this.type = Checks.required(value, "type");
      return this;
    }

    /**
     * @param value the title, at most {@value Notification#MAX_TITLE_CHARS} characters; required
     *     for VISIBLE content, refused for DATA, an alert for LIVE_ACTIVITY; null for none
     * @return this builder
     */
    public Builder title(String value) {
      this.title = value == null ? null : Checks.nonBlank(value, "title", MAX_TITLE_CHARS);
      return this;
    }

    /**
     * @param value the body, at most {@value Notification#MAX_BODY_CHARS} characters, or null
     * @return this builder
     */
    public Builder body(String value) {
      this.body = value == null ? null : Checks.nonBlank(value, "body", MAX_BODY_CHARS);
      return this;
    }

    /**
     * @param value an absolute icon URL, or null
     * @return this builder
     */
    public Builder icon(String value) {
      this.icon = link(value, "icon");
      return this;
    }

    /**
     * @param value an absolute image URL, or null
     * @return this builder
     */
    public Builder image(String value) {
      this.image = link(value, "image");
      return this;
    }

    /**
     * @param value the badge count, 0 to 99999, or null for none
     * @return this builder
     */
    public Builder badge(Integer value) {
      this.badge = value == null ? null : Checks.range(value, "badge", 0, 99_999);
      return this;
    }

    /**
     * @param value the sound name, at most 64 characters, or null
     * @return this builder
     */
    public Builder sound(String value) {
      this.sound = value == null ? null : Checks.nonBlank(value, "sound", 64);
      return this;
    }

    /**
     * Adds a button; at most {@value Notification#MAX_ACTIONS}, with distinct ids.
     *
     * @param value the action
     * @return this builder
     */
    public Builder action(Action value) {
      Checks.required(value, "action");
      if (actions.size() == MAX_ACTIONS) {
        throw new InvalidInputException("actions", "must hold at most " + MAX_ACTIONS + " entries");
      }
      if (actions.stream().anyMatch(a -> a.id().equals(value.id()))) {
        throw new InvalidInputException("action.id", "duplicate action id " + value.id());
      }
      actions.add(value);
      return this;
    }

    /**
     * Replaces the buttons.
     *
     * @param values the actions, at most {@value Notification#MAX_ACTIONS}
     * @return this builder
     */
    public Builder actions(List<Action> values) {
      Checks.required(values, "actions");
      Checks.maxSize(values, "actions", MAX_ACTIONS);
      actions.clear();
      values.forEach(this::action);
      return this;
    }

    /**
     * @param value an absolute URL or app deep link ({@code casino://lobby}), or null
     * @return this builder
     */
    public Builder deepLink(String value) {
      this.deepLink = link(value, "deepLink");
      return this;
    }

    /**
     * Adds one custom data entry.
     *
     * @param key a non-blank key, at most 64 characters
     * @param value the value, at most 1024 characters
     * @return this builder
     */
    public Builder data(String key, String value) {
      String k = Checks.nonBlank(key, "data.key", 64);
      Checks.required(value, "data[" + k + "]");
      Checks.maxChars(value, "data[" + k + "]", 1024);
      if (!data.containsKey(k) && data.size() == MAX_DATA_ENTRIES) {
        throw new InvalidInputException(
            "data", "must hold at most " + MAX_DATA_ENTRIES + " entries");
      }
      data.put(k, value);
      return this;
    }

    /**
     * Replaces the custom data.
     *
     * @param values the entries
     * @return this builder
     */
    public Builder data(Map<String, String> values) {
      Checks.required(values, "data");
      data.clear();
      values.forEach(this::data);
      return this;
    }

    /**
     * @param value how long to keep trying, from zero (deliver now or never) to 28 days
     * @return this builder
     */
    public Builder ttl(Duration value) {
      this.ttl = Checks.range(value, "ttl", Duration.ZERO, MAX_TTL);
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
     * @param value the collapse key, at most 64 UTF-8 bytes, or null
     * @return this builder
     */
    public Builder collapseKey(String value) {
      this.collapseKey =
          value == null
              ? null
              : Checks.maxUtf8Bytes(
                  Checks.nonBlank(value, "collapseKey"), "collapseKey", MAX_COLLAPSE_KEY_BYTES);
      return this;
    }

    /**
     * Overrides the opt-in category, which defaults to the type's.
     *
     * @param value the category, or null for the type's
     * @return this builder
     */
    public Builder category(String value) {
      this.category =
          value == null
              ? null
              : Checks.nonBlank(value, "category", 64).toLowerCase(java.util.Locale.ROOT);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the notification
     * @throws InvalidInputException when a VISIBLE notification has no title, a DATA one has a
     *     field that is shown, a LIVE_ACTIVITY one lacks its fields, or the data is too large
     */
    public Notification build() {
      checkKind(kind, liveActivity, title, body, sound, badge, icon, image, deepLink, actions,
          data, true);
      return new Notification(this);
    }

    private static String link(String value, String field) {
      return value == null ? null : Checks.absoluteUri(value, field, MAX_LINK_CHARS).toString();
    }
  }
}
