package dev.herald.content;

/**
 * How urgently a message should reach the device, which lets the platform save battery.
 *
 * <p>Maps to the Web Push {@code Urgency} header (RFC 8030 §5.3), the APNs
 * {@code apns-priority} (HIGH and NORMAL → 10, LOW → 5, VERY_LOW → 1) and the FCM Android
 * priority (HIGH → high, others → normal).
 */
public enum Urgency {
  /** Deliver when the device is on power and Wi-Fi. */
  VERY_LOW("very-low"),
  /** Deliver when the device is on power or Wi-Fi. */
  LOW("low"),
  /** Deliver on neither power nor Wi-Fi, not when the battery is low. */
  NORMAL("normal"),
  /** Deliver at once, even on low battery. */
  HIGH("high");

  private final String headerValue;

  Urgency(String headerValue) {
    this.headerValue = headerValue;
  }

  /**
   * The RFC 8030 header value.
   *
   * @return for example {@code "very-low"}
   */
  public String headerValue() {
    return headerValue;
  }
}
