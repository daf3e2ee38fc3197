package dev.herald.segmentation;

import dev.herald.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The attributes rules may name, with their types: Herald's own {@code push.*} attributes (see
 * {@link HeraldAttributes}) plus the host's, which the host declares. Rules are checked against a
 * catalogue when they are defined, so an unknown attribute or a type mismatch is an error with its
 * line and column, never a silent empty audience.
 *
 * <pre>{@code
 * AttributeCatalogue catalogue = AttributeCatalogue.builder()
 *     .casinoAttributes()                                  // vip_level, country, ... (below)
 *     .attribute("favourite_game", AttributeType.STRING, "most played game id")
 *     .build();
 * }</pre>
 *
 * <p>{@link #casino()} declares, besides Herald's attributes:
 * <table>
 *   <caption>The casino defaults</caption>
 *   <tr><th>name</th><th>type</th></tr>
 *   <tr><td>{@code vip_level}, {@code balance}, {@code deposit_count}, {@code deposit_sum}</td>
 *       <td>number</td></tr>
 *   <tr><td>{@code country} (ISO 3166-1 alpha-2), {@code language} (BCP 47)</td>
 *       <td>string</td></tr>
 *   <tr><td>{@code registered_at}, {@code last_login_at}, {@code last_deposit_at}</td>
 *       <td>timestamp</td></tr>
 *   <tr><td>{@code rg.self_excluded}, {@code rg.cooling_off}, {@code rg.account_closed},
 *       {@code rg.deposit_limit}</td><td>boolean</td></tr>
 *   <tr><td>{@code rg.self_excluded_until}, {@code rg.cooling_off_until}</td><td>timestamp</td></tr>
 *   <tr><td>{@code tags}</td><td>set of strings</td></tr>
 * </table>
 * The host's values come from {@link dev.herald.spi.PlayerProfile#attributes()} under the same
 * names.
 *
 * <p>Immutable and thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class AttributeCatalogue {
  private static final AttributeCatalogue CASINO = builder().casinoAttributes().build();
  private static final AttributeCatalogue HERALD_ONLY = builder().build();

  private final List<Attribute> attributes;
  private final Map<String, Integer> indexByName;
  private final Map<String, String> aliases;

  private AttributeCatalogue(Builder b) {
    this.attributes = List.copyOf(b.attributes.values());
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < attributes.size(); i++) {
      index.put(attributes.get(i).name(), i);
    }
    this.indexByName = Collections.unmodifiableMap(index);
    this.aliases = Collections.unmodifiableMap(new LinkedHashMap<>(b.aliases));
  }

  /**
   * Herald's attributes plus the casino defaults listed above.
   *
   * @return the shared default catalogue
   */
  public static AttributeCatalogue casino() {
    return CASINO;
  }

  /**
   * Herald's attributes only; a host adds its own with {@link #builder()}.
   *
   * @return the catalogue of {@code push.*} attributes
   */
  public static AttributeCatalogue heraldOnly() {
    return HERALD_ONLY;
  }

  /**
   * Starts a catalogue that already holds Herald's attributes.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Looks an attribute up by name or alias.
   *
   * @param nameOrAlias the name as written in a rule
   * @return the attribute, under its canonical name, or empty when not declared
   */
  public Optional<Attribute> find(String nameOrAlias) {
    if (nameOrAlias == null) {
      return Optional.empty();
    }
    String name = aliases.getOrDefault(nameOrAlias, nameOrAlias);
    Integer i = indexByName.get(name);
    return i == null ? Optional.empty() : Optional.of(attributes.get(i));
  }

  /**
   * The position of an attribute in {@link #attributes()}, a dense number that evaluators use
   * to address columns.
   *
   * @param canonicalName the attribute's canonical name
   * @return the position, or -1 when not declared
   */
  public int indexOf(String canonicalName) {
    Integer i = indexByName.get(canonicalName);
    return i == null ? -1 : i;
  }

  /**
   * Every attribute under its canonical name: Herald's first, then the host's in the order
   * declared.
   *
   * @return the attributes
   */
  public List<Attribute> attributes() {
    return attributes;
  }

  /**
   * The aliases rules may use instead of a canonical name.
   *
   * @return alias to canonical name
   */
  public Map<String, String> aliases() {
    return aliases;
  }

  /**
   * The declared names closest to an unknown one, for "did you mean" hints. The work is bounded:
   * a name longer than {@link RuleParser#MAX_NAME_CHARS} gets no suggestions, and the edit
   * distance stops counting past the small limit, so a hostile name costs little.
   *
   * @param unknown a name that is not declared
   * @return up to three names within a small edit distance, closest first
   */
  public List<String> suggestionsFor(String unknown) {
    if (unknown == null || unknown.isEmpty() || unknown.length() > RuleParser.MAX_NAME_CHARS) {
      return List.of();
    }
    List<String> candidates = new ArrayList<>(indexByName.keySet());
    candidates.addAll(aliases.keySet());
    int limit = Math.max(1, Math.min(3, unknown.length() / 3));
    List<Map.Entry<String, Integer>> close = new ArrayList<>();
    for (String c : candidates) {
      int d = editDistance(unknown, c, limit);
      if (d <= limit) {
        close.add(Map.entry(c, d));
      }
    }
    return close.stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue()
            .thenComparing(Map.Entry.comparingByKey()))
        .limit(3)
        .map(Map.Entry::getKey)
        .toList();
  }

  /** Levenshtein distance, or {@code limit + 1} as soon as it is known to exceed the limit. */
  private static int editDistance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) > limit) {
      return limit + 1;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin > limit) {
        return limit + 1;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AttributeCatalogue c
        && attributes.equals(c.attributes) && aliases.equals(c.aliases);
  }

  @Override
  public int hashCode() {
    return Objects.hash(attributes, aliases);
  }

  @Override
  public String toString() {
    return "AttributeCatalogue{" + attributes.size() + " attributes, " + aliases.size()
        + " aliases}";
  }

  /** Builds an {@link AttributeCatalogue}; starts with Herald's attributes. */
  public static final class Builder {
    private final Map<String, Attribute> attributes = new LinkedHashMap<>();
    private final Map<String, String> aliases = new LinkedHashMap<>();

    private Builder() {
      HeraldAttributes.ALL.forEach(a -> attributes.put(a.name(), a));
      aliases.put(HeraldAttributes.CATEGORIES_ALIAS, HeraldAttributes.PUSH_CATEGORIES);
    }

    /**
     * Declares a host attribute.
     *
     * @param name the name, as in {@link dev.herald.spi.PlayerProfile} attributes; not under
     *     {@code push.}
     * @param type the type
     * @return this builder
     * @throws InvalidInputException for a malformed, reserved or already declared name
     */
    public Builder attribute(String name, AttributeType type) {
      return attribute(name, type, "");
    }

    /**
     * Declares a host attribute with a description.
     *
     * @param name the name, as in {@link dev.herald.spi.PlayerProfile} attributes; not under
     *     {@code push.}
     * @param type the type
     * @param description what it holds, for humans
     * @return this builder
     * @throws InvalidInputException for a malformed, reserved or already declared name
     */
    public Builder attribute(String name, AttributeType type, String description) {
      Attribute attribute = new Attribute(name, type, false, description);
      if (HeraldAttributes.isReserved(name)) {
        throw new InvalidInputException(
            "attribute", "'" + name + "' is under push., which is reserved for Herald's own");
      }
      if (attributes.containsKey(name) || aliases.containsKey(name)) {
        throw new InvalidInputException("attribute", "'" + name + "' is already declared");
      }
      attributes.put(name, attribute);
      return this;
    }

    /**
     * Lets rules write {@code alias} for {@code target}; rules are printed with the target.
     *
     * @param alias the short name
     * @param target a declared attribute's canonical name
     * @return this builder
     * @throws InvalidInputException for a malformed or taken alias, or an undeclared target
     */
    public Builder alias(String alias, String target) {
      if (!Attribute.isValidName(alias)) {
        throw new InvalidInputException("alias", "'" + alias + "' is not a valid attribute name");
      }
      if (attributes.containsKey(alias) || aliases.containsKey(alias)) {
        throw new InvalidInputException("alias", "'" + alias + "' is already declared");
      }
      if (!attributes.containsKey(target)) {
        throw new InvalidInputException("alias", "target '" + target + "' is not declared");
      }
      aliases.put(alias, target);
      return this;
    }

    /**
     * Declares the casino defaults listed on {@link AttributeCatalogue}.
     *
     * @return this builder
     */
    public Builder casinoAttributes() {
      attribute("vip_level", AttributeType.NUMBER, "VIP tier, 0 for none");
      attribute("country", AttributeType.STRING, "ISO 3166-1 alpha-2 country, e.g. DE");
      attribute("language", AttributeType.STRING, "BCP 47 language, e.g. de");
      attribute("balance", AttributeType.NUMBER, "real-money balance in the account currency");
      attribute("deposit_count", AttributeType.NUMBER, "number of deposits ever made");
      attribute("deposit_sum", AttributeType.NUMBER, "sum of deposits in the account currency");
      attribute("registered_at", AttributeType.TIMESTAMP, "registration time");
      attribute("last_login_at", AttributeType.TIMESTAMP, "last login time");
      attribute("last_deposit_at", AttributeType.TIMESTAMP, "last deposit time");
      attribute("rg.self_excluded", AttributeType.BOOLEAN, "self-excluded (operator or register)");
      attribute("rg.self_excluded_until", AttributeType.TIMESTAMP, "self-excluded until then");
      attribute("rg.cooling_off", AttributeType.BOOLEAN, "in a cooling-off or time-out period");
      attribute("rg.cooling_off_until", AttributeType.TIMESTAMP, "cooling off until then");
      attribute("rg.account_closed", AttributeType.BOOLEAN, "account closed");
      attribute("rg.deposit_limit", AttributeType.BOOLEAN, "reached or lowered a deposit limit");
      attribute("tags", AttributeType.STRING_SET, "custom CRM tags");
      return this;
    }

    /**
     * Builds the catalogue.
     *
     * @return an immutable catalogue
     */
    public AttributeCatalogue build() {
      return new AttributeCatalogue(this);
    }
  }
}
