package dev.herald.testing;

import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link SubscriptionStore} that passes every call to another one, for tests that watch or
 * break one operation of a real store: subclass it and override what the test is about.
 *
 * <p>Every method is forwarded, the SPI's default methods too: the bulk reads
 * ({@link #devicesOfAll}, {@link #preferencesOfAll}, {@link #ownersOfAll}) reach the delegate's
 * own bulk implementation, not the overridden single read. To route a bulk read through the
 * single-read override (or to behave as a store written against the single reads only), override
 * it with the matching {@code default…} helper, which runs the SPI's default over this store's
 * methods. See {@link ForwardingDeliveryStore} for the delivery store.
 */
public class ForwardingSubscriptionStore implements SubscriptionStore {
  private final SubscriptionStore delegate;

  /**
   * Creates a store that forwards to {@code delegate}.
   *
   * @param delegate the store every call goes to
   */
  public ForwardingSubscriptionStore(SubscriptionStore delegate) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
  }

  /** @return the store every call goes to */
  protected final SubscriptionStore delegate() {
    return delegate;
  }

  @Override
  public Optional<Device> findDevice(String playerId, String deviceId) {
    return delegate.findDevice(playerId, deviceId);
  }

  @Override
  public List<Device> devicesOf(String playerId) {
    return delegate.devicesOf(playerId);
  }

  @Override
  public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
    return delegate.saveDevice(next, expectedVersion, change);
  }

  @Override
  public Optional<AddressOwner> ownerOf(String addressKey) {
    return delegate.ownerOf(addressKey);
  }

  @Override
  public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
    return delegate.compareAndSetOwner(expectedEpoch, next);
  }

  @Override
  public List<StatusChange> history(String playerId, String deviceId) {
    return delegate.history(playerId, deviceId);
  }

  @Override
  public Optional<PushPreferences> preferences(String playerId) {
    return delegate.preferences(playerId);
  }

  @Override
  public void savePreferences(PushPreferences preferences) {
    delegate.savePreferences(preferences);
  }

  @Override
  public Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
    return delegate.devicesOfAll(playerIds);
  }

  @Override
  public Map<String, PushPreferences> preferencesOfAll(Collection<String> playerIds) {
    return delegate.preferencesOfAll(playerIds);
  }

  @Override
  public Map<String, AddressOwner> ownersOfAll(Collection<String> addressKeys) {
    return delegate.ownersOfAll(addressKeys);
  }

  @Override
  public int erasePlayer(String playerId) {
    return delegate.erasePlayer(playerId);
  }

  /**
   * The SPI's default {@link SubscriptionStore#devicesOfAll}: {@link #devicesOf} for each player,
   * on this store.
   *
   * @param playerIds the players
   * @return the devices of each player that has any
   */
  protected final Map<String, List<Device>> defaultDevicesOfAll(Collection<String> playerIds) {
    return SubscriptionStore.super.devicesOfAll(playerIds);
  }

  /**
   * The SPI's default {@link SubscriptionStore#preferencesOfAll}: {@link #preferences} for each
   * player, on this store.
   *
   * @param playerIds the players
   * @return the preferences of each player that reported any
   */
  protected final Map<String, PushPreferences> defaultPreferencesOfAll(
      Collection<String> playerIds) {
    return SubscriptionStore.super.preferencesOfAll(playerIds);
  }

  /**
   * The SPI's default {@link SubscriptionStore#ownersOfAll}: {@link #ownerOf} for each key, on
   * this store.
   *
   * @param addressKeys the address keys
   * @return the owner of each address that was ever claimed
   */
  protected final Map<String, AddressOwner> defaultOwnersOfAll(Collection<String> addressKeys) {
    return SubscriptionStore.super.ownersOfAll(addressKeys);
  }
}
