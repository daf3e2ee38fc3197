package dev.herald.analytics;

import dev.herald.subscription.PushStatus;

/**
 * Reason codes recorded with suppressed and failed deliveries. Compliance suppressions carry the
 * {@link dev.herald.spi.ComplianceGuard guard's} own code ({@code SELF_EXCLUDED},
 * {@code COOLING_OFF}, ...), prefixed {@value #COMPLIANCE_PREFIX}.
 */
public final class Suppression {
  private Suppression() {}

  /** The player has no device of the targeted kind. */
  public static final String NO_DEVICE = "NO_DEVICE";
  /** Prefix of the device-status reasons, followed by the status: {@code DEVICE_BLOCKED}. */
  public static final String DEVICE_PREFIX = "DEVICE_";
  /** The device's address was reported dead and not registered again. */
  public static final String DEVICE_INVALIDATED = "DEVICE_INVALIDATED";
  /** Marketing without the player's marketing consent. */
  public static final String NO_CONSENT = "NO_CONSENT";
  /** Marketing in a category the player did not opt into. */
  public static final String CATEGORY_OPT_OUT = "CATEGORY_OPT_OUT";
  /** Prefix of responsible-gambling suppressions: {@code RG_SELF_EXCLUDED}. */
  public static final String COMPLIANCE_PREFIX = "RG_";
  /** A frequency cap is reached. */
  public static final String FREQUENCY_CAP = "FREQUENCY_CAP";
  /** Quiet hours in the player's time zone, with the policy set to drop. */
  public static final String QUIET_HOURS = "QUIET_HOURS";
  /** Past the dispatch's deadline or the message's time to live. */
  public static final String EXPIRED = "EXPIRED";
  /** Held out as part of the control group. */
  public static final String CONTROL_GROUP = "CONTROL_GROUP";
  /** No provider is registered for the device's platform. */
  public static final String NO_PROVIDER = "NO_PROVIDER";
  /** The template could not be rendered into a valid notification. */
  public static final String RENDER_FAILED = "RENDER_FAILED";
  /** The dispatch was cancelled before this delivery was sent. */
  public static final String CANCELLED = "CANCELLED";
  /** Already claimed by an earlier run with the same delivery key. */
  public static final String DUPLICATE = "DUPLICATE";

  /** Failure: the push service reported the address dead. */
  public static final String INVALID_ADDRESS = "INVALID_ADDRESS";
  /** Failure: the push service rejected the message; the record's detail says why. */
  public static final String REJECTED = "REJECTED";
  /** Failure: RETRY_LATER or transport failures until the retry policy gave up. */
  public static final String RETRIES_EXHAUSTED = "RETRIES_EXHAUSTED";
  /** Failure: claimed before a crash, outcome unknown; never re-sent. */
  public static final String UNKNOWN = "UNKNOWN";

  /**
   * The reason for a device that is not ALLOWED.
   *
   * @param status the device's status
   * @return for example {@code DEVICE_BLOCKED}
   */
  public static String device(PushStatus status) {
    return DEVICE_PREFIX + status.name();
  }

  /**
   * The reason for a compliance suppression.
   *
   * @param guardReason the guard's code, for example {@code SELF_EXCLUDED}
   * @return for example {@code RG_SELF_EXCLUDED}
   */
  public static String compliance(String guardReason) {
    return COMPLIANCE_PREFIX + guardReason;
  }
}
