package dev.herald;

import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.internal.Checks;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.Platform;
import dev.herald.subscription.Subscriptions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one object a host creates: Herald's facade over subscription state, providers and the host
 * services it was built with.
 *
 * <pre>{@code
 * Herald herald = Herald.builder()          // every host service has an in-memory default
 *     .subscriptionStore(myJdbcStore)
 *     .provider(webPushProvider)
 *     .build();
 * herald.subscriptions().permissionGranted("player-42", "browser-7", webPushAddress);
 * }</pre>
 *
 * <p>Thread-safe and long-lived: build one per application and {@link #close()} it on shutdown,
 * which closes the providers registered on it.
 */
public final class Herald implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Herald.class);

  private final Clock clock;
  private final SubscriptionStore subscriptionStore;
  private final PlayerDirectory playerDirectory;
  private final HeraldListener listener;
  private final Map<Platform, PushProvider> providers;
  private final Subscriptions subscriptions;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Herald(Builder b) {
    this.clock = b.clock;
    this.subscriptionStore = b.subscriptionStore != null
        ? b.subscriptionStore : new InMemorySubscriptionStore();
    this.playerDirectory = b.playerDirectory != null
        ? b.playerDirectory : new InMemoryPlayerDirectory();
    this.listener = b.listener;
    this.providers = Collections.unmodifiableMap(new EnumMap<>(b.providers));
    this.subscriptions = Subscriptions.create(subscriptionStore, clock, listener);
  }

  /**
   * Starts configuring Herald. Everything is optional: without a store the in-memory one is used,
   * without a clock the system UTC clock.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the subscription state machine */
  public Subscriptions subscriptions() {
    return subscriptions;
  }

  /** @return the clock every timestamp comes from */
  public Clock clock() {
    return clock;
  }

  /** @return the player directory Herald reads profiles from */
  public PlayerDirectory players() {
    return playerDirectory;
  }

  /** @return the subscription store */
  public SubscriptionStore subscriptionStore() {
    return subscriptionStore;
  }

  /** @return the listener told of Herald's events */
  public HeraldListener listener() {
    return listener;
  }

  /**
   * The provider registered for a platform.
   *
   * @param platform the platform
   * @return the provider, or empty when none was registered
   */
  public Optional<PushProvider> provider(Platform platform) {
    return Optional.ofNullable(providers.get(platform));
  }

  /** Closes the registered providers; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<RuntimeException> failures = new ArrayList<>();
    for (PushProvider provider : providers.values()) {
      try {
        provider.close();
      } catch (RuntimeException e) {
        failures.add(e);
        log.warn("closing the {} provider failed", provider.platform(), e);
      }
    }
    if (!failures.isEmpty()) {
      HeraldException e = new HeraldException("closing " + failures.size() + " provider(s) failed");
      failures.forEach(e::addSuppressed);
      throw e;
    }
  }

  /** Configures a {@link Herald}. Not thread-safe; {@link #build()} may be called once. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private SubscriptionStore subscriptionStore;
    private PlayerDirectory playerDirectory;
    private HeraldListener listener = HeraldListener.NONE;
    private final Map<Platform, PushProvider> providers = new EnumMap<>(Platform.class);

    private Builder() {}

    /**
     * @param value the time source for every timestamp, schedule and expiry
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * @param value where subscription state is kept; the in-memory store by default
     * @return this builder
     */
    public Builder subscriptionStore(SubscriptionStore value) {
      this.subscriptionStore = Checks.required(value, "subscriptionStore");
      return this;
    }

    /**
     * @param value where player profiles are read; an empty in-memory directory by default
     * @return this builder
     */
    public Builder playerDirectory(PlayerDirectory value) {
      this.playerDirectory = Checks.required(value, "playerDirectory");
      return this;
    }

    /**
     * @param value told of Herald's events, for metrics and audit
     * @return this builder
     */
    public Builder listener(HeraldListener value) {
      this.listener = Checks.required(value, "listener");
      return this;
    }

    /**
     * Registers the provider for its platform; Herald closes it on {@link Herald#close()}.
     *
     * @param value the provider
     * @return this builder
     * @throws InvalidInputException when a provider is already registered for the platform
     */
    public Builder provider(PushProvider value) {
      Checks.required(value, "provider");
      Platform platform = Checks.required(value.platform(), "provider.platform");
      if (providers.containsKey(platform)) {
        throw new InvalidInputException(
            "provider", "a provider for " + platform + " is already registered");
      }
      providers.put(platform, value);
      return this;
    }

    /** @return the configured Herald */
    public Herald build() {
      return new Herald(this);
    }
  }
}
