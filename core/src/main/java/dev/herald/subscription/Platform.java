package dev.herald.subscription;

/**
 * The push service a device is reached through. Each platform has one {@link DeviceAddress} type
 * and is served by one registered {@link dev.herald.spi.PushProvider} per {@link Brand}.
 */
public enum Platform {
  /** A browser subscription reached over Web Push (RFC 8030) with VAPID. */
  WEB_PUSH(DeviceClass.WEB),
  /** An Apple app reached over the APNs HTTP/2 provider API. */
  APNS(DeviceClass.NATIVE),
  /** An Android (or other Firebase) app reached over FCM HTTP v1. */
  FCM(DeviceClass.NATIVE);

  private final DeviceClass deviceClass;

  Platform(DeviceClass deviceClass) {
    this.deviceClass = deviceClass;
  }

  /**
   * Whether devices on this platform are native apps or browsers.
   *
   * @return {@link DeviceClass#WEB} for Web Push, {@link DeviceClass#NATIVE} for APNs and FCM
   */
  public DeviceClass deviceClass() {
    return deviceClass;
  }
}
