package dev.herald.subscription;

/** Why a device's status changed; kept in every {@link StatusChange}. */
public enum TransitionReason {
  /** A new device reported push support: it starts at {@link PushStatus#ASK}. */
  DEVICE_REGISTERED,
  /** A device reported that it cannot receive push: {@link PushStatus#UNSUPPORTED}. */
  PUSH_UNSUPPORTED,
  /** An unsupported device reported push support after all (a browser upgrade): back to ASK. */
  PUSH_SUPPORTED,
  /** The player granted permission and the client reported an address. */
  PERMISSION_GRANTED,
  /** The player denied permission, or revoked it. */
  PERMISSION_DENIED,
  /** The client reported a new address for the same device; the status is kept. */
  ADDRESS_REFRESHED,
  /** Another player logged in on the same browser or app and took the address over. */
  ACCOUNT_SWITCH,
  /** The push service reported the address dead. */
  ADDRESS_INVALIDATED
}
