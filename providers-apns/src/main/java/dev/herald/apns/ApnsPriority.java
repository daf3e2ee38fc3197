package dev.herald.apns;

import dev.herald.InvalidInputException;

/**
 * The {@code apns-priority} header: how urgently APNs should deliver.
 *
 * <p>{@link ApnsPushType#BACKGROUND} notifications are always sent with {@link #CONSERVE_POWER}:
 * Apple answers an error for a background push with priority 10.
 */
public enum ApnsPriority {
  /** 10: deliver immediately (the default for alerts). */
  IMMEDIATE(10),
  /** 5: deliver at a time that takes the device's power into account. */
  CONSERVE_POWER(5),
  /** 1: prioritise the device's power over everything; never wakes the device. */
  PRIORITIZE_POWER(1);

  private final int value;

  ApnsPriority(int value) {
    this.value = value;
  }

  /**
   * The header value.
   *
   * @return 10, 5 or 1
   */
  public int value() {
    return value;
  }

  /**
   * The priority with a header value.
   *
   * @param value 10, 5 or 1
   * @return the priority
   * @throws InvalidInputException for any other value
   */
  public static ApnsPriority of(int value) {
    for (ApnsPriority p : values()) {
      if (p.value == value) {
        return p;
      }
    }
    throw new InvalidInputException("apns.priority", "expected 10, 5 or 1, got " + value);
  }
}
