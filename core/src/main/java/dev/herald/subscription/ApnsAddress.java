package dev.herald.subscription;

import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.util.Locale;

/**
 * An APNs device token with the app's topic (its bundle id) and the environment it was issued in.
 *
 * @param deviceToken the device token as lower-case hex (normalised on construction)
 * @param topic the bundle id the token belongs to, for example {@code com.example.casino}
 * @param environment production or sandbox
 */
public record ApnsAddress(String deviceToken, String topic, ApnsEnvironment environment)
    implements DeviceAddress {

  /** The longest device token accepted, in hex characters (Apple's are 64 today; allow growth). */
  public static final int MAX_TOKEN_HEX_CHARS = 200;

  /**
   * Validates and normalises the token.
   *
   * @throws InvalidInputException when the token is empty, not hex, or the topic is blank
    * @param deviceToken the device token as lower-case hex (normalised on construction)
    * @param topic the bundle id the token belongs to, for example {@code com.example.casino}
    * @param environment production or sandbox
   */
  public ApnsAddress {
    String token = Checks.nonBlank(deviceToken, "apns.deviceToken").replace(" ", "");
    if (token.length() > MAX_TOKEN_HEX_CHARS || token.length() % 2 != 0
        || !token.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
      throw new InvalidInputException(
          "apns.deviceToken",
          "expected an even number of hex digits, at most " + MAX_TOKEN_HEX_CHARS
              + ", got " + token.length() + " characters");
    }
    deviceToken = token.toLowerCase(Locale.ROOT);
    topic = Checks.nonBlank(topic, "apns.topic", 255);
    Checks.required(environment, "apns.environment");
  }

  /**
   * A production token.
   *
   * @param deviceToken hex device token
   * @param topic the app's bundle id
   * @return the address
   */
  public static ApnsAddress production(String deviceToken, String topic) {
    return new ApnsAddress(deviceToken, topic, ApnsEnvironment.PRODUCTION);
  }

  /**
   * A sandbox (development build) token.
   *
   * @param deviceToken hex device token
   * @param topic the app's bundle id
   * @return the address
   */
  public static ApnsAddress sandbox(String deviceToken, String topic) {
    return new ApnsAddress(deviceToken, topic, ApnsEnvironment.SANDBOX);
  }

  @Override
  public Platform platform() {
    return Platform.APNS;
  }

  @Override
  public String key() {
    return "apns:" + deviceToken;
  }

  @Override
  public String toString() {
    return "ApnsAddress{" + Addresses.abbreviate(deviceToken) + ", " + topic + ", "
        + environment + "}";
  }
}
