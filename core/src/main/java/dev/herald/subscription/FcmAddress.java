package dev.herald.subscription;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;

/**
 * An FCM registration token, as the Firebase SDK in the app reports it.
 *
 * @param token the registration token
 */
public record FcmAddress(String token) implements DeviceAddress {

  /** The longest token accepted, in characters. */
  public static final int MAX_TOKEN_CHARS = 4096;

  /**
   * Validates the token.
   *
   * @throws InvalidInputException when the token is empty, too long or contains whitespace
    * @param token the registration token
   */
  public FcmAddress {
    token = Checks.nonBlank(token, "fcm.token", MAX_TOKEN_CHARS);
    // a loop, not a stream: the in-memory store builds an address per device it reads
    for (int i = 0; i < token.length(); i++) {
      if (Character.isWhitespace(token.charAt(i))) {
        throw new InvalidInputException("fcm.token", "must not contain whitespace");
      }
    }
  }

  @Override
  public Platform platform() {
    return Platform.FCM;
  }

  @Override
  public String key() {
    return "fcm:" + token;
  }

  @Override
  public String toString() {
    return "FcmAddress{" + Addresses.abbreviate(token) + "}";
  }
}
