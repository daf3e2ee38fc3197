package dev.herald.subscription;

/** The two kinds of device a campaign can target: installed apps and browsers. */
public enum DeviceClass {
  /** Installed apps, reached over APNs or FCM. */
  NATIVE,
  /** Browsers, reached over Web Push. */
  WEB
}
