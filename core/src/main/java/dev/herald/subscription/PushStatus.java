package dev.herald.subscription;

/**
 * The push subscription status of one device of one player.
 *
 * <p>Only {@link #ALLOWED} devices are ever sent to. See {@link Subscriptions} for the state
 * machine that moves a device between statuses.
 */
public enum PushStatus {
  /** Push is supported but permission has not been granted yet (or the address died). */
  ASK,
  /** Permission granted and a live address is known: the device can be sent to. */
  ALLOWED,
  /** The player denied permission on this device. */
  BLOCKED,
  /** The browser or app reported that it cannot receive push at all. */
  UNSUPPORTED,
  /**
   * The device's address was taken over by another player who logged in on the same browser or
   * app; it comes back to {@link #ALLOWED} when this player logs in there again.
   */
  SUSPENDED
}
