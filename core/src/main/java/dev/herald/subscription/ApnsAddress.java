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

  /** The longest topic accepted, in characters. */
  public static final int MAX_TOPIC_CHARS = 255;

  /** The suffix of a Live Activity push token's topic: {@code <bundle id>.push-type.liveactivity}. */
  public static final String LIVE_ACTIVITY_TOPIC_SUFFIX = ".push-type.liveactivity";

  /**
   * Validates and normalises the token.
   *
   * <p>The token must be ASCII hex digits ({@code 0-9 a-f A-F}; spaces are removed), an even
   * number of them, at most {@value #MAX_TOKEN_HEX_CHARS}. The topic (sent as the
   * {@code apns-topic} header) must be 1 to {@value #MAX_TOPIC_CHARS} visible ASCII characters
   * ({@code !} to {@code ~}): a bundle id such as {@code com.example.casino}, with a suffix such
   * as {@code .voip} where the push type needs one. Anything else could never reach APNs, and a
   * CR or LF would be a header injection.
   *
   * @throws InvalidInputException when the token is empty or not ASCII hex, or the topic is
   *     blank, too long or holds a character outside visible ASCII
   * @param deviceToken the device token as lower-case hex (normalised on construction)
   * @param topic the bundle id the token belongs to, for example {@code com.example.casino}
   * @param environment production or sandbox
   */
  public ApnsAddress {
    String token = Checks.nonBlank(deviceToken, "apns.deviceToken").replace(" ", "");
    if (token.length() > MAX_TOKEN_HEX_CHARS || token.length() % 2 != 0
        || !token.chars().allMatch(ApnsAddress::isAsciiHexDigit)) {
      throw new InvalidInputException(
          "apns.deviceToken",
          "expected an even number of hex digits (ASCII 0-9, a-f), at most " + MAX_TOKEN_HEX_CHARS
              + ", got " + token.length() + " characters");
    }
    deviceToken = token.toLowerCase(Locale.ROOT);
    topic = Checks.nonBlank(topic, "apns.topic", MAX_TOPIC_CHARS);
    for (int i = 0; i < topic.length(); i++) {
      char c = topic.charAt(i);
      if (c < '!' || c > '~') {
        // The position and code, never the character itself: it may be a CR or LF.
        throw new InvalidInputException(
            "apns.topic",
            "must be visible ASCII characters (a bundle id such as com.example.casino), got"
                + String.format(Locale.ROOT, " U+%04X at index %d", (int) c, i));
      }
    }
    Checks.required(environment, "apns.environment");
  }

  private static boolean isAsciiHexDigit(int c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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

  /**
   * A Live Activity's push token (ActivityKit's {@code Activity.pushToken}), which only Live
   * Activity pushes reach. Register it as a device of the player named after the activity, see
   * {@link dev.herald.content.LiveActivity}.
   *
   * @param pushToken the activity's push token, hex
   * @param bundleId the app's bundle id, for example {@code com.example.casino}
   * @param environment production or sandbox
   * @return the address, whose topic is the bundle id with
   *     {@value #LIVE_ACTIVITY_TOPIC_SUFFIX}
   */
  public static ApnsAddress liveActivity(String pushToken, String bundleId,
      ApnsEnvironment environment) {
    String bundle = Checks.nonBlank(bundleId, "apns.bundleId", MAX_TOPIC_CHARS);
    return new ApnsAddress(pushToken, bundle.endsWith(LIVE_ACTIVITY_TOPIC_SUFFIX) ? bundle
        : bundle + LIVE_ACTIVITY_TOPIC_SUFFIX, environment);
  }

  /**
   * Whether this is a Live Activity's push token: its topic ends in
   * {@value #LIVE_ACTIVITY_TOPIC_SUFFIX}. Only LIVE_ACTIVITY content is sent to it, and
   * LIVE_ACTIVITY content to nothing else.
   *
   * @return true for a Live Activity address
   */
  public boolean isLiveActivity() {
    return topic.endsWith(LIVE_ACTIVITY_TOPIC_SUFFIX);
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
