package dev.herald.subscription;

/**
 * The APNs environment a device token was issued for. A sandbox token sent to production (or the
 * other way round) is answered with {@code BadDeviceToken}.
 */
public enum ApnsEnvironment {
  /** {@code api.push.apple.com}: App Store, TestFlight and ad-hoc builds. */
  PRODUCTION,
  /** {@code api.sandbox.push.apple.com}: development builds run from Xcode. */
  SANDBOX
}
