package dev.herald.apns;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code apns-push-type} header: what kind of notification this is. Apple requires it on
 * watchOS 6 and later and recommends it everywhere.
 *
 * <p>Some types need a suffix on the topic ({@code com.example.casino.voip} for VoIP); Herald checks
 * it when the notification is built, see {@link #topicSuffix()}.
 *
 * @see <a href="https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns">
 *     Sending notification requests to APNs</a>
 */
public enum ApnsPushType {
  /** A notification that displays an alert, plays a sound or badges the app icon. */
  ALERT("alert", ""),
  /** Content delivered in the background ({@code content-available}); always sent with priority 5. */
  BACKGROUND("background", ""),
  /** A PushKit VoIP call; the topic must end in {@code .voip}; payload limit 5120 bytes. */
  VOIP("voip", ".voip"),
  /** An update to a watchOS complication; the topic must end in {@code .complication}. */
  COMPLICATION("complication", ".complication"),
  /** A File Provider extension signal; the topic must end in {@code .pushkit.fileprovider}. */
  FILEPROVIDER("fileprovider", ".pushkit.fileprovider"),
  /** A mobile device management wake-up; the topic is the MDM certificate's topic. */
  MDM("mdm", ""),
  /** A Live Activity update; the topic must end in {@code .push-type.liveactivity}. */
  LIVEACTIVITY("liveactivity", ".push-type.liveactivity"),
  /** A Location Push Service extension query; the topic must end in {@code .location-query}. */
  LOCATION("location", ".location-query"),
  /** A Push to Talk update; the topic must end in {@code .voip-ptt}. */
  PUSHTOTALK("pushtotalk", ".voip-ptt");

  private final String headerValue;
  private final String topicSuffix;

  ApnsPushType(String headerValue, String topicSuffix) {
    this.headerValue = headerValue;
    this.topicSuffix = topicSuffix;
  }

  /**
   * The header value Apple expects.
   *
   * @return for example {@code "liveactivity"}
   */
  public String headerValue() {
    return headerValue;
  }

  /**
   * The suffix Apple requires on {@code apns-topic} for this type.
   *
   * @return the suffix, for example {@code ".voip"}, or empty when the bundle id is used as is
   */
  public Optional<String> topicSuffix() {
    return topicSuffix.isEmpty() ? Optional.empty() : Optional.of(topicSuffix);
  }

  /**
   * The largest payload APNs accepts for this type: 5120 bytes for VoIP, 4096 for the rest.
   *
   * @return the limit in bytes
   */
  public int maxPayloadBytes() {
    return this == VOIP ? ApnsPayload.MAX_VOIP_BYTES : ApnsPayload.MAX_BYTES;
  }

  /**
   * Looks a type up by its header value.
   *
   * @param headerValue for example {@code "background"}, any case
   * @return the type
   * @throws dev.herald.InvalidInputException when no type has that value
   */
  public static ApnsPushType fromHeaderValue(String headerValue) {
    String v = headerValue == null ? "" : headerValue.strip().toLowerCase(Locale.ROOT);
    for (ApnsPushType t : values()) {
      if (t.headerValue.equals(v)) {
        return t;
      }
    }
    throw new dev.herald.InvalidInputException(
        "apns.pushType",
        "expected one of alert, background, voip, complication, fileprovider, mdm, liveactivity,"
            + " location, pushtotalk; got '" + headerValue + "'");
  }
}
