package dev.herald.spi;

import dev.herald.internal.Attributes;
import dev.herald.internal.Checks;
import dev.herald.internal.CompactAttributes;
import dev.herald.internal.Interner;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the host knows about a player, as Herald reads it for segments, personalisation, quiet
 * hours and compliance: a language, a time zone, and typed attributes.
 *
 * <p>Attribute values are one of: {@link String}, {@link Boolean}, {@link Long} (any integral
 * number is widened to it), {@link Double} (float and double), {@link BigDecimal} (and
 * {@link java.math.BigInteger}), {@link Instant}, or a {@code Set<String>} (any collection of strings).
 * Names are letters, digits, {@code _}, {@code .} and {@code -}, starting with a letter, at most 64.
 *
 * <pre>{@code
 * PlayerProfile p = PlayerProfile.builder("player-42")
 *     .locale(Locale.GERMANY).timeZone(ZoneId.of("Europe/Berlin"))
 *     .attribute("vip_level", 3).attribute("country", "DE")
 *     .attribute("last_deposit_at", Instant.parse("2026-11-01T18:00:00Z"))
 *     .build();
 * }</pre>
 */
public final class PlayerProfile {
  // ZoneId.of builds a new object per call; a million profiles share a few dozen zones
  private static final Interner<ZoneId> ZONES = new Interner<>(2_048);
  private static final Interner<Locale> LOCALES = new Interner<>(2_048);

  private final String playerId;
  private final Locale locale;
  private final ZoneId timeZone;
  private final Map<String, Object> attributes;

  private PlayerProfile(Builder b) {
    this.playerId = b.playerId;
    this.locale = LOCALES.intern(b.locale);
    this.timeZone = ZONES.intern(b.timeZone);
    this.attributes = CompactAttributes.of(b.attributes);
  }

  /**
   * Starts a profile.
   *
   * @param playerId the player's id, non-blank, at most 128 characters
   * @return a builder
   */
  public static Builder builder(String playerId) {
    return new Builder(Checks.nonBlank(playerId, "playerId", 128));
  }

  /**
   * A builder holding this profile's fields.
   *
   * @return a pre-filled builder
   */
  public Builder toBuilder() {
    Builder b = new Builder(playerId);
    b.locale = locale;
    b.timeZone = timeZone;
    b.attributes.putAll(attributes);
    return b;
  }

  /** @return the player's id */
  public String playerId() {
    return playerId;
  }

  /** @return the player's language, used to pick a locale variant */
  public Optional<Locale> locale() {
    return Optional.ofNullable(locale);
  }

  /** @return the player's time zone, used for quiet hours and local-time caps */
  public Optional<ZoneId> timeZone() {
    return Optional.ofNullable(timeZone);
  }

  /** @return every attribute, sorted by name */
  public Map<String, Object> attributes() {
    return attributes;
  }

  /**
   * One attribute's value.
   *
   * @param name the attribute
   * @return the value, or empty when missing
   */
  public Optional<Object> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  /**
   * A string attribute.
   *
   * @param name the attribute
   * @return the value when present and a string
   */
  public Optional<String> string(String name) {
    return attributes.get(name) instanceof String s ? Optional.of(s) : Optional.empty();
  }

  /**
   * A boolean attribute.
   *
   * @param name the attribute
   * @return the value when present and a boolean
   */
  public Optional<Boolean> bool(String name) {
    return attributes.get(name) instanceof Boolean b ? Optional.of(b) : Optional.empty();
  }

  /**
   * A numeric attribute.
   *
   * @param name the attribute
   * @return the value when present and a number (Long, Double or BigDecimal)
   */
  public Optional<Number> number(String name) {
    return attributes.get(name) instanceof Number n ? Optional.of(n) : Optional.empty();
  }

  /**
   * A timestamp attribute.
   *
   * @param name the attribute
   * @return the value when present and an instant
   */
  public Optional<Instant> instant(String name) {
    return attributes.get(name) instanceof Instant i ? Optional.of(i) : Optional.empty();
  }

  /**
   * A set-of-strings attribute.
   *
   * @param name the attribute
   * @return the value when present and a set
   */
  @SuppressWarnings("unchecked")
  public Optional<Set<String>> strings(String name) {
    return attributes.get(name) instanceof Set<?> s
        ? Optional.of((Set<String>) s)
        : Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PlayerProfile p
        && playerId.equals(p.playerId)
        && java.util.Objects.equals(locale, p.locale)
        && java.util.Objects.equals(timeZone, p.timeZone)
        && attributes.equals(p.attributes);
  }

  @Override
  public int hashCode() {
    return playerId.hashCode();
  }

  @Override
  public String toString() {
    return "PlayerProfile{" + playerId + ", " + attributes.size() + " attributes}";
  }

  /** Builds a {@link PlayerProfile}; validates each attribute as it is set. */
  public static final class Builder {
    private final String playerId;
    private Locale locale;
    private ZoneId timeZone;
    private final TreeMap<String, Object> attributes = new TreeMap<>();

    private Builder(String playerId) {
      this.playerId = playerId;
    }

    /**
     * @param value the player's language, or null
     * @return this builder
     */
    public Builder locale(Locale value) {
      this.locale = value;
      return this;
    }

    /**
     * @param value the player's time zone, or null
     * @return this builder
     */
    public Builder timeZone(ZoneId value) {
      this.timeZone = value;
      return this;
    }

    /**
     * Sets an attribute; null removes it.
     *
     * @param name the attribute name
     * @param value a supported value type, or null
     * @return this builder
     * @throws dev.herald.InvalidInputException for a malformed name or an unsupported value type
     */
    public Builder attribute(String name, Object value) {
      String n = Attributes.name(name, "attribute");
      if (value == null) {
        attributes.remove(n);
      } else {
        attributes.put(n, Attributes.value(n, value));
      }
      return this;
    }

    /**
     * Sets several attributes.
     *
     * @param values attribute names and values
     * @return this builder
     */
    public Builder attributes(Map<String, ?> values) {
      values.forEach(this::attribute);
      return this;
    }

    /** @return the profile */
    public PlayerProfile build() {
      return new PlayerProfile(this);
    }
  }
}
