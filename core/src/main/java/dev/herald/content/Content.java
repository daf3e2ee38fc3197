package dev.herald.content;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.internal.Templates;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a dispatch says: a default {@link MessageTemplate}, per-locale variants chosen by the
 * player's language, and default values for placeholders the player's profile lacks.
 *
 * <p>Locale choice: the exact language tag of the player's locale ({@code de-AT}), then its
 * language ({@code de}), then the default template.
 *
 * <pre>{@code
 * Content content = Content.builder(english)
 *     .locale(Locale.GERMAN, german)
 *     .defaultValue("first_name", "there")
 *     .build();
 * }</pre>
 */
public final class Content {
  private final MessageTemplate defaultTemplate;
  private final Map<String, MessageTemplate> byLanguageTag;
  private final Map<String, String> defaults;

  private Content(Builder b) {
    this.defaultTemplate = b.defaultTemplate;
    this.byLanguageTag = Collections.unmodifiableMap(new LinkedHashMap<>(b.byLanguageTag));
    this.defaults = Collections.unmodifiableMap(new TreeMap<>(b.defaults));
  }

  /**
   * Content with one template and no locale variants.
   *
   * @param template the template
   * @return the content
   */
  public static Content of(MessageTemplate template) {
    return builder(template).build();
  }

  /**
   * Content that is exactly this notification for everyone.
   *
   * @param notification the notification
   * @return the content
   */
  public static Content of(Notification notification) {
    return of(MessageTemplate.of(notification));
  }

  /**
   * Starts content with its default template.
   *
   * @param defaultTemplate used when no locale variant matches
   * @return a builder
   */
  public static Builder builder(MessageTemplate defaultTemplate) {
    return new Builder(Checks.required(defaultTemplate, "defaultTemplate"));
  }

  /** @return the template used when no locale variant matches */
  public MessageTemplate defaultTemplate() {
    return defaultTemplate;
  }

  /** @return the locale variants by BCP 47 language tag */
  public Map<String, MessageTemplate> variantsByLanguageTag() {
    return byLanguageTag;
  }

  /** @return placeholder defaults by attribute name */
  public Map<String, String> defaults() {
    return defaults;
  }

  /**
   * The template for a player's locale: exact tag, then language, then the default.
   *
   * @param locale the player's locale, if known
   * @return the template to render
   */
  public MessageTemplate templateFor(Optional<Locale> locale) {
    if (locale.isEmpty() || byLanguageTag.isEmpty()) {
      return defaultTemplate;
    }
    MessageTemplate exact = byLanguageTag.get(locale.get().toLanguageTag());
    if (exact != null) {
      return exact;
    }
    MessageTemplate language = byLanguageTag.get(locale.get().getLanguage());
    return language != null ? language : defaultTemplate;
  }

  /** Builds {@link Content}. */
  public static final class Builder {
    private final MessageTemplate defaultTemplate;
    private final Map<String, MessageTemplate> byLanguageTag = new LinkedHashMap<>();
    private final Map<String, String> defaults = new TreeMap<>();

    private Builder(MessageTemplate defaultTemplate) {
      this.defaultTemplate = defaultTemplate;
    }

    /**
     * Adds a locale variant; it must have the default template's notification type.
     *
     * @param locale a language ({@code Locale.GERMAN}) or language and country
     * @param template the variant
     * @return this builder
     */
    public Builder locale(Locale locale, MessageTemplate template) {
      Checks.required(locale, "locale");
      Checks.required(template, "template");
      if (locale.getLanguage().isEmpty()) {
        throw new InvalidInputException("locale", "must name a language");
      }
      if (!template.type().equals(defaultTemplate.type())) {
        throw new InvalidInputException("template.type", "locale variant " + locale.toLanguageTag()
            + " is " + template.type() + " but the default template is " + defaultTemplate.type());
      }
      Templates.checkSameTarget(defaultTemplate, template, "locale variant " + locale.toLanguageTag(),
          "the default template");
      byLanguageTag.put(locale.toLanguageTag(), template);
      return this;
    }

    /**
     * Sets the value a placeholder renders when the player's profile lacks the attribute.
     *
     * @param attribute the attribute name
     * @param value the default text
     * @return this builder
     */
    public Builder defaultValue(String attribute, String value) {
      defaults.put(Checks.nonBlank(attribute, "defaults.key", 64),
          Checks.maxChars(Checks.required(value, "defaults[" + attribute + "]"),
              "defaults[" + attribute + "]", 1024));
      return this;
    }

    /** @return the content */
    public Content build() {
      return new Content(this);
    }
  }
}
