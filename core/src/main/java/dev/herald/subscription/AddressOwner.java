package dev.herald.subscription;

import dev.herald.internal.Checks;

/**
 * Which device currently owns an address. Each claim of an address (a permission grant or a token
 * refresh that brings it) increments {@code epoch}; stores swap owners with
 * {@link dev.herald.spi.SubscriptionStore#compareAndSetOwner compare-and-set} on it, which is what
 * makes two players registering one token at the same time end with one owner.
 *
 * @param addressKey the {@link DeviceAddress#key()}
 * @param playerId the owning player
 * @param deviceId the owning device of that player
 * @param epoch the claim counter, 1 for the first claim
 */
public record AddressOwner(String addressKey, String playerId, String deviceId, long epoch) {
  /**
   * Validates the fields.
   *
   * @param addressKey the {@link DeviceAddress#key()}
   * @param playerId the owning player
   * @param deviceId the owning device of that player
   * @param epoch the claim counter, 1 for the first claim
   */
  public AddressOwner {
    Checks.nonBlank(addressKey, "owner.addressKey");
    Checks.nonBlank(playerId, "owner.playerId");
    Checks.nonBlank(deviceId, "owner.deviceId");
    if (epoch < 1) {
      throw new dev.herald.InvalidInputException("owner.epoch", "must be at least 1, got " + epoch);
    }
  }

  /**
   * Whether this owner is the given device.
   *
   * @param player a player id
   * @param device a device id
   * @return true when both match
   */
  public boolean is(String player, String device) {
    return playerId.equals(player) && deviceId.equals(device);
  }
}
