package dev.herald.internal.dispatch;

import dev.herald.spi.PushProvider;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** The registered providers by (platform, brand); immutable. */
public final class Providers {
  /** A provider's place: one per platform and brand. */
  public record Key(Platform platform, Brand brand) {}

  private final Map<Key, PushProvider> byKey;

  /**
   * Copies the providers, keeping registration order.
   *
   * @param byKey the providers by (platform, brand)
   */
  public Providers(Map<Key, PushProvider> byKey) {
    this.byKey = Collections.unmodifiableMap(new LinkedHashMap<>(byKey));
  }

  /**
   * The provider of a brand on a platform.
   *
   * @param platform the platform
   * @param brand the brand
   * @return the provider, or empty when none is registered for that pair
   */
  public Optional<PushProvider> find(Platform platform, Brand brand) {
    return Optional.ofNullable(byKey.get(new Key(platform, brand)));
  }

  /** @return every provider, in registration order */
  public Collection<PushProvider> all() {
    return byKey.values();
  }

  /** @return the brands with at least one provider, in id order */
  public Set<Brand> brands() {
    Set<Brand> brands = new TreeSet<>();
    byKey.keySet().forEach(k -> brands.add(k.brand()));
    return Collections.unmodifiableSet(brands);
  }

  /** @return the providers by (platform, brand), in registration order */
  public Map<Key, PushProvider> byKey() {
    return byKey;
  }
}
