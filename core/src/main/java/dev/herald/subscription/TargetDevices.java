package dev.herald.subscription;

/** Which of a player's devices a campaign or send is aimed at. */
public enum TargetDevices {
  /** Installed apps only (APNs and FCM). */
  NATIVE,
  /** Browsers only (Web Push). */
  WEB,
  /** Every device of the player. */
  ALL;

  /**
   * Whether a device on {@code platform} is aimed at.
   *
   * @param platform the device's platform
   * @return true when this target includes the platform's device class
   */
  public boolean includes(Platform platform) {
    return switch (this) {
      case ALL -> true;
      case NATIVE -> platform.deviceClass() == DeviceClass.NATIVE;
      case WEB -> platform.deviceClass() == DeviceClass.WEB;
    };
  }
}
