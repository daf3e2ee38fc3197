package dev.herald.apns;

/**
 * The {@code aps.interruption-level} of a notification (iOS 15 and later): how much it may
 * interrupt the user.
 */
public enum ApnsInterruptionLevel {
  /** Added to the notification list without lighting the screen or playing a sound. */
  PASSIVE("passive"),
  /** Lights the screen and may play a sound (the system default). */
  ACTIVE("active"),
  /** Breaks through Focus; the app needs the Time Sensitive Notifications capability. */
  TIME_SENSITIVE("time-sensitive"),
  /** Breaks through Focus and the mute switch; needs an entitlement from Apple. */
  CRITICAL("critical");

  private final String jsonValue;

  ApnsInterruptionLevel(String jsonValue) {
    this.jsonValue = jsonValue;
  }

  /**
   * The value written into the payload.
   *
   * @return for example {@code "time-sensitive"}
   */
  public String jsonValue() {
    return jsonValue;
  }
}
