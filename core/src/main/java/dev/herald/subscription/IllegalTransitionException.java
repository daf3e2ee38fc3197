package dev.herald.subscription;

import java.util.Objects;

/**
 * A status change the state machine does not allow, for example a permission grant reported by a
 * device that said it cannot receive push. Nothing stored is changed.
 */
public final class IllegalTransitionException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The status the device was in. */
  private final PushStatus from;
  /** What was asked of it. */
  private final String event;

  /**
   * Creates the exception.
   *
   * @param playerId the player
   * @param deviceId the device
   * @param from the device's current status
   * @param event what was reported, for example {@code "permission granted"}
   * @param why why it is refused and what to do instead
   */
  public IllegalTransitionException(
      String playerId, String deviceId, PushStatus from, String event, String why) {
    super("device " + deviceId + " of player " + playerId + " is " + from + ": "
        + event + " is not allowed, " + why);
    this.from = Objects.requireNonNull(from);
    this.event = Objects.requireNonNull(event);
  }

  /**
   * The status the device was in.
   *
   * @return the current status, unchanged
   */
  public PushStatus from() {
    return from;
  }

  /**
   * The event that was refused.
   *
   * @return for example {@code "permission granted"}
   */
  public String event() {
    return event;
  }
}
