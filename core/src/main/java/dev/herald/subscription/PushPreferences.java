package dev.herald.subscription;

import dev.herald.internal.Checks;
import dev.herald.internal.Interner;
import java.time.Instant;
import java.util.Collections;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A player's push preferences: marketing consent and the categories opted into (for example from
 * a soft-onboarding prompt offering "promotions", "tournaments", "cashback").
 *
 * <p>Categories are normalised to lower case. A player with no recorded preferences is
 * {@link #none(String) none}: no marketing consent and no categories, so marketing is not sent.
 *
 * @param playerId the player
 * @param marketingConsent whether the player agreed to marketing pushes
 * @param categories the categories opted into, lower case
 * @param updatedAt when the preferences were last reported, {@link Instant#EPOCH} for none
 */
public record PushPreferences(
    String playerId, boolean marketingConsent, Set<String> categories, Instant updatedAt) {

  /** The most categories a player can opt into. */
  public static final int MAX_CATEGORIES = 64;

  private static final Interner<Set<String>> CATEGORY_SETS = new Interner<>(4_096);
  /** No categories (most players): shared without building a set each time a store decodes one. */
  private static final Set<String> NO_CATEGORIES =
      CATEGORY_SETS.intern(Collections.unmodifiableSortedSet(new TreeSet<>()));

  /**
   * Validates and normalises the fields.
   *
   * @param playerId the player
   * @param marketingConsent whether the player agreed to marketing pushes
   * @param categories the categories opted into, lower case
   * @param updatedAt when the preferences were last reported, {@link Instant#EPOCH} for none
   */
  public PushPreferences {
    Checks.nonBlank(playerId, "playerId");
    Checks.required(categories, "categories");
    Checks.maxSize(categories, "categories", MAX_CATEGORIES);
    if (categories.isEmpty()) {
      categories = NO_CATEGORIES;
    } else {
      TreeSet<String> normalised = new TreeSet<>();
      for (String category : categories) {
        normalised.add(Checks.nonBlank(category, "categories[]", 64).toLowerCase(Locale.ROOT));
      }
      // players pick from a few categories: a million preferences share a few dozen sets
      categories = CATEGORY_SETS.intern(Collections.unmodifiableSortedSet(normalised));
    }
    Checks.required(updatedAt, "updatedAt");
  }

  /**
   * The preferences of a player who never reported any.
   *
   * @param playerId the player
   * @return no consent, no categories
   */
  public static PushPreferences none(String playerId) {
    return new PushPreferences(playerId, false, Set.of(), Instant.EPOCH);
  }

  /**
   * Whether the player opted into a category.
   *
   * @param category the category, any case
   * @return true when opted in
   */
  public boolean optedInto(String category) {
    return category != null && categories.contains(category.toLowerCase(Locale.ROOT));
  }
}
