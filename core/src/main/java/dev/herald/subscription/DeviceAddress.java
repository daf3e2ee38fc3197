package dev.herald.subscription;

/**
 * Where a push service delivers to one device: a Web Push subscription, an APNs device token or
 * an FCM registration token. Immutable and validated on construction.
 *
 * <p>{@link #key()} is the address's identity: two players registering addresses with the same
 * key are on the same browser or app install, which is how an account switch is detected.
 * {@code toString()} abbreviates tokens and endpoints, which are capabilities to reach a player.
 */
public sealed interface DeviceAddress permits WebPushAddress, ApnsAddress, FcmAddress {

  /**
   * The platform, and so the provider, this address belongs to.
   *
   * @return the platform
   */
  Platform platform();

  /**
   * A stable identity for the address: equal keys mean the same browser subscription or app
   * token. Stores index devices by it.
   *
   * @return the key, prefixed by platform
   */
  String key();
}
