package dev.herald.apns;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.InvalidInputException;
import dev.herald.content.ContentKind;
import dev.herald.content.LiveActivity;
import dev.herald.content.Notification;
import dev.herald.internal.Checks;
import dev.herald.internal.Utf8Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON body of an APNs notification: the {@code aps} dictionary Apple defines plus the app's
 * own keys beside it. Immutable; built with {@link #builder()}, derived from a Herald
 * {@link Notification} with {@link #from(Notification, String)}, or taken as is with
 * {@link #ofJson(String)}.
 *
 * <pre>{@code
 * ApnsPayload payload = ApnsPayload.builder()
 *     .alertTitle("Slots tournament starts in 10 minutes")
 *     .alertBody("€5,000 prize pool. Tap to join.")
 *     .sound("default")
 *     .threadId("tournaments")
 *     .interruptionLevel(ApnsInterruptionLevel.TIME_SENSITIVE)
 *     .deepLink("casino://tournaments/42")
 *     .customKey("tournamentId", 42)
 *     .build();
 * // {"aps":{"alert":{"title":"Slots…","body":"€5,000…"},"sound":"default",
 * //  "thread-id":"tournaments","interruption-level":"time-sensitive"},
 * //  "deepLink":"casino://tournaments/42","tournamentId":42}
 * }</pre>
 *
 * <p>The size limit (4096 bytes, 5120 for VoIP) depends on the push type, so it is checked when
 * the notification is sent: a larger payload completes with a {@code Rejected} result naming the
 * size and the limit, without any network call. {@link #size()} tells the size up front.
 *
 * @see <a href="https://developer.apple.com/documentation/usernotifications/generating-a-remote-notification">
 *     Generating a remote notification</a>
 */
public final class ApnsPayload {
  /** The largest payload APNs accepts, in bytes. */
  public static final int MAX_BYTES = 4096;
  /** The largest VoIP payload APNs accepts, in bytes. */
  public static final int MAX_VOIP_BYTES = 5120;
  /** The custom key that carries the deep link: a URL or app link the app opens on a tap. */
  public static final String DEEP_LINK_KEY = "deepLink";
  /** The custom key that carries Herald's delivery id, for the app to report clicks. */
  public static final String DELIVERY_ID_KEY = "deliveryId";
  /** The custom key that carries an image URL for a notification service extension. */
  public static final String IMAGE_KEY = "image";

  private static final ObjectMapper JSON = Utf8Json.mapper(); // emoji as UTF-8, not escapes
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Set<String> RESERVED_DATA_KEYS =
      Set.of("aps", DEEP_LINK_KEY, DELIVERY_ID_KEY, IMAGE_KEY);

  private final byte[] json;

  private ApnsPayload(byte[] json) {
    this.json = json;
  }

  /**
   * Starts an empty payload.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Takes a payload written elsewhere.
   *
   * @param json a JSON object, normally with an {@code aps} dictionary
   * @return the payload
   * @throws InvalidInputException when the text is not a JSON object
   */
  public static ApnsPayload ofJson(String json) {
    Checks.nonBlank(json, "apns.payload");
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException(
          "apns.payload", "is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InvalidInputException("apns.payload", "must be a JSON object");
    }
    return new ApnsPayload(json.strip().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The payload Herald sends for a VISIBLE notification: the title and body as the alert, the badge,
   * the sound, the category as {@code thread-id} (so iOS groups tournament messages together),
   * the image URL under {@value #IMAGE_KEY} with {@code mutable-content} set (for a
   * notification service extension to attach it), the deep link under {@value #DEEP_LINK_KEY},
   * the delivery id under {@value #DELIVERY_ID_KEY}, and the custom data as top-level keys.
   * Action buttons are not sent: on iOS they come from the notification categories the app
   * registers. For other kinds see {@link #from(Notification, String, Instant)}; a Live Activity
   * update without a timestamp is stamped with the system clock.
   *
   * @param notification the content
   * @param deliveryId Herald's delivery id, or null to leave it out
   * @return the payload
   * @throws InvalidInputException when a data key collides with a key Herald reserves
   *     ({@code aps}, {@value #DEEP_LINK_KEY}, {@value #DELIVERY_ID_KEY}, {@value #IMAGE_KEY})
   */
  public static ApnsPayload from(Notification notification, String deliveryId) {
    return from(notification, deliveryId, Instant.now());
  }

  /**
   * The payload Herald sends for content of any {@link ContentKind}:
   *
   * <ul>
   *   <li>VISIBLE: as {@link #from(Notification, String)} describes;
   *   <li>DATA: {@code aps} holds only {@code content-available: 1} (no alert, sound or badge),
   *       with the delivery id and the data as top-level keys;
   *   <li>LIVE_ACTIVITY: {@code aps} holds {@code timestamp} (the Live Activity's, or
   *       {@code now}, in UNIX seconds), {@code event}, {@code content-state}, {@code stale-date}
   *       and {@code dismissal-date} when set, and the alert (title, body, sound) when the update
   *       has one; the delivery id is a top-level key.
   * </ul>
   *
   * @param notification the content
   * @param deliveryId Herald's delivery id, or null to leave it out
   * @param now the time of the send, the timestamp of a Live Activity update that has none
   * @return the payload
   * @throws InvalidInputException when a data key collides with a key Herald reserves
   *     ({@code aps}, {@value #DEEP_LINK_KEY}, {@value #DELIVERY_ID_KEY}, {@value #IMAGE_KEY})
   */
  public static ApnsPayload from(Notification notification, String deliveryId, Instant now) {
    Checks.required(notification, "notification");
    Checks.required(now, "now");
    if (notification.kind() == ContentKind.LIVE_ACTIVITY) {
      return liveActivity(notification, deliveryId, now);
    }
    Builder b = builder();
    if (notification.kind() == ContentKind.DATA) {
      b.contentAvailable(true);
    } else {
      b.alertTitle(notification.title().orElseThrow()).threadId(notification.category());
    }
    notification.body().ifPresent(b::alertBody);
    notification.badge().ifPresent(b::badge);
    notification.sound().ifPresent(b::sound);
    notification.image().ifPresent(image -> b.mutableContent(true).customKey(IMAGE_KEY, image));
    notification.deepLink().ifPresent(b::deepLink);
    if (deliveryId != null) {
      b.customKey(DELIVERY_ID_KEY, deliveryId);
    }
    for (Map.Entry<String, String> e : notification.data().entrySet()) {
      if (RESERVED_DATA_KEYS.contains(e.getKey())) {
        throw new InvalidInputException(
            "data." + e.getKey(),
            "is reserved in APNs payloads (reserved keys: aps, deepLink, deliveryId, image);"
                + " rename the data key");
      }
      b.customKey(e.getKey(), e.getValue());
    }
    return b.build();
  }

  private static ApnsPayload liveActivity(Notification notification, String deliveryId,
      Instant now) {
    LiveActivity activity = notification.liveActivity().orElseThrow();
    JsonNode state;
    try {
      state = JSON.readTree(activity.contentStateJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a LiveActivity holds a JSON object", e);
    }
    Builder b = builder()
        .apsField("timestamp", activity.timestamp().orElse(now).getEpochSecond())
        .apsField("event", activity.event().apsValue())
        .apsField("content-state", state);
    activity.staleDate().ifPresent(t -> b.apsField("stale-date", t.getEpochSecond()));
    activity.dismissalDate().ifPresent(t -> b.apsField("dismissal-date", t.getEpochSecond()));
    notification.title().ifPresent(b::alertTitle);
    notification.body().ifPresent(b::alertBody);
    notification.sound().ifPresent(b::sound);
    if (deliveryId != null) {
      b.customKey(DELIVERY_ID_KEY, deliveryId);
    }
    return b.build();
  }

  /**
   * The encoded size.
   *
   * @return the UTF-8 byte count of the JSON
   */
  public int size() {
    return json.length;
  }

  /**
   * The JSON text.
   *
   * @return the payload as sent
   */
  public String json() {
    return new String(json, StandardCharsets.UTF_8);
  }

  /**
   * The JSON bytes.
   *
   * @return a copy of the UTF-8 bytes
   */
  public byte[] bytes() {
    return json.clone();
  }

  /** The bytes without a copy, for the provider. */
  byte[] bytesNoCopy() {
    return json;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApnsPayload p && Arrays.equals(json, p.json);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(json);
  }

  /** Shows the size only: payloads can carry personal data. */
  @Override
  public String toString() {
    return "ApnsPayload{" + json.length + " bytes}";
  }

  /**
   * Builds an {@link ApnsPayload}. Each setter validates its argument and throws an
   * {@link InvalidInputException} naming the field. Not thread-safe; reusable.
   */
  public static final class Builder {
    private final Map<String, JsonNode> alert = new LinkedHashMap<>();
    private final Map<String, JsonNode> aps = new LinkedHashMap<>();
    private final Map<String, JsonNode> custom = new LinkedHashMap<>();

    private Builder() {}

    /**
     * @param value the alert title, or null to remove it
     * @return this builder
     */
    public Builder alertTitle(String value) {
      return alertText("title", value);
    }

    /**
     * @param value the alert subtitle, or null to remove it
     * @return this builder
     */
    public Builder alertSubtitle(String value) {
      return alertText("subtitle", value);
    }

    /**
     * @param value the alert body, or null to remove it
     * @return this builder
     */
    public Builder alertBody(String value) {
      return alertText("body", value);
    }

    /**
     * A localised title: the key of a string in the app's {@code Localizable.strings}.
     *
     * @param key the string's key
     * @param args values for the string's placeholders, in order
     * @return this builder
     */
    public Builder alertTitleLocalized(String key, List<String> args) {
      return localized("title-loc-key", "title-loc-args", key, args);
    }

    /**
     * A localised subtitle.
     *
     * @param key the string's key
     * @param args values for the string's placeholders, in order
     * @return this builder
     */
    public Builder alertSubtitleLocalized(String key, List<String> args) {
      return localized("subtitle-loc-key", "subtitle-loc-args", key, args);
    }

    /**
     * A localised body ({@code loc-key} and {@code loc-args}).
     *
     * @param key the string's key
     * @param args values for the string's placeholders, in order
     * @return this builder
     */
    public Builder alertBodyLocalized(String key, List<String> args) {
      return localized("loc-key", "loc-args", key, args);
    }

    /**
     * @param value the name of a launch image in the app bundle, or null
     * @return this builder
     */
    public Builder launchImage(String value) {
      return alertText("launch-image", value);
    }

    /**
     * @param value the app icon badge; 0 removes the badge; null leaves it unchanged
     * @return this builder
     */
    public Builder badge(Integer value) {
      if (value == null) {
        aps.remove("badge");
      } else {
        Checks.range(value, "apns.payload.badge", 0, Integer.MAX_VALUE);
        aps.put("badge", NODES.numberNode(value));
      }
      return this;
    }

    /**
     * @param value a sound file in the app bundle, {@code "default"}, or null for silence
     * @return this builder
     */
    public Builder sound(String value) {
      if (value == null) {
        aps.remove("sound");
      } else {
        aps.put("sound", NODES.textNode(Checks.nonBlank(value, "apns.payload.sound", 256)));
      }
      return this;
    }

    /**
     * A critical alert sound, which plays even when the device is muted (needs Apple's
     * entitlement).
     *
     * @param name a sound file in the app bundle or {@code "default"}
     * @param volume from 0 (silent) to 1 (full volume)
     * @return this builder
     */
    public Builder criticalSound(String name, double volume) {
      ObjectNode sound = NODES.objectNode();
      sound.put("critical", 1);
      sound.put("name", Checks.nonBlank(name, "apns.payload.sound.name", 256));
      sound.put("volume", Checks.range(volume, "apns.payload.sound.volume", 0.0, 1.0));
      aps.put("sound", sound);
      return this;
    }

    /**
     * @param value the notification category the app registered (its action buttons), or null
     * @return this builder
     */
    public Builder category(String value) {
      return apsText("category", value, 256);
    }

    /**
     * @param value groups notifications in Notification Center, or null
     * @return this builder
     */
    public Builder threadId(String value) {
      return apsText("thread-id", value, 256);
    }

    /**
     * @param value true to let a notification service extension modify the content
     * @return this builder
     */
    public Builder mutableContent(boolean value) {
      return flag("mutable-content", value);
    }

    /**
     * @param value true for a background update ({@code content-available: 1}); pair it with
     *     {@link ApnsPushType#BACKGROUND} when there is no alert
     * @return this builder
     */
    public Builder contentAvailable(boolean value) {
      return flag("content-available", value);
    }

    /**
     * @param value how much the notification may interrupt, or null for the system default
     * @return this builder
     */
    public Builder interruptionLevel(ApnsInterruptionLevel value) {
      if (value == null) {
        aps.remove("interruption-level");
      } else {
        aps.put("interruption-level", NODES.textNode(value.jsonValue()));
      }
      return this;
    }

    /**
     * @param value from 0 to 1: which notification the system features in a summary
     * @return this builder
     */
    public Builder relevanceScore(double value) {
      aps.put(
          "relevance-score",
          NODES.numberNode(Checks.range(value, "apns.payload.relevanceScore", 0.0, 1.0)));
      return this;
    }

    /**
     * @param value the identifier of the window brought forward on a tap, or null
     * @return this builder
     */
    public Builder targetContentId(String value) {
      return apsText("target-content-id", value, 256);
    }

    /**
     * Sets an {@code aps} key Herald does not model, such as the Live Activity keys
     * ({@code timestamp}, {@code event}, {@code content-state}, {@code stale-date}).
     *
     * @param key the key inside {@code aps}
     * @param value a string, number, boolean, list, map or Jackson node; null removes the key
     * @return this builder
     */
    public Builder apsField(String key, Object value) {
      String k = Checks.nonBlank(key, "apns.payload.aps.key", 128);
      if (k.equals("alert")) {
        throw new InvalidInputException(
            "apns.payload.aps.key", "alert is set through the alert methods");
      }
      put(aps, k, value, "apns.payload.aps." + k);
      return this;
    }

    /**
     * Sets a key beside {@code aps}, for the app to read.
     *
     * @param key the key; {@code aps} is reserved
     * @param value a string, number, boolean, list, map or Jackson node; null removes the key
     * @return this builder
     */
    public Builder customKey(String key, Object value) {
      String k = Checks.nonBlank(key, "apns.payload.customKey", 128);
      if (k.equals("aps")) {
        throw new InvalidInputException("apns.payload.customKey", "aps is reserved for Apple");
      }
      put(custom, k, value, "apns.payload." + k);
      return this;
    }

    /**
     * Sets where a tap leads, under the custom key {@value ApnsPayload#DEEP_LINK_KEY}.
     *
     * @param value an absolute URL or app link such as {@code casino://lobby}, or null
     * @return this builder
     */
    public Builder deepLink(String value) {
      if (value == null) {
        custom.remove(DEEP_LINK_KEY);
        return this;
      }
      return customKey(
          DEEP_LINK_KEY,
          Checks.absoluteUri(value, "apns.payload.deepLink", Notification.MAX_LINK_CHARS)
              .toString());
    }

    /**
     * Encodes the payload.
     *
     * @return the payload
     * @throws InvalidInputException when nothing at all was set
     */
    public ApnsPayload build() {
      ObjectNode root = NODES.objectNode();
      ObjectNode apsNode = root.putObject("aps");
      if (!alert.isEmpty()) {
        apsNode.putObject("alert").setAll(alert);
      }
      apsNode.setAll(aps);
      root.setAll(custom);
      if (apsNode.isEmpty() && custom.isEmpty()) {
        throw new InvalidInputException(
            "apns.payload", "is empty; set an alert, a badge, content-available or a custom key");
      }
      try {
        return new ApnsPayload(JSON.writeValueAsBytes(root));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("could not encode a JSON tree", e);
      }
    }

    private Builder alertText(String key, String value) {
      if (value == null) {
        alert.remove(key);
      } else {
        alert.put(key, NODES.textNode(Checks.nonBlank(value, "apns.payload.alert." + key)));
      }
      return this;
    }

    private Builder localized(String keyField, String argsField, String key, List<String> args) {
      alert.put(keyField, NODES.textNode(Checks.nonBlank(key, "apns.payload.alert." + keyField)));
      Checks.required(args, "apns.payload.alert." + argsField);
      if (args.isEmpty()) {
        alert.remove(argsField);
      } else {
        ArrayNode array = NODES.arrayNode();
        for (String arg : args) {
          array.add(Checks.required(arg, "apns.payload.alert." + argsField + "[]"));
        }
        alert.put(argsField, array);
      }
      return this;
    }

    private Builder apsText(String key, String value, int maxChars) {
      if (value == null) {
        aps.remove(key);
      } else {
        aps.put(key, NODES.textNode(Checks.nonBlank(value, "apns.payload." + key, maxChars)));
      }
      return this;
    }

    private Builder flag(String key, boolean value) {
      if (value) {
        aps.put(key, NODES.numberNode(1));
      } else {
        aps.remove(key);
      }
      return this;
    }

    private static void put(Map<String, JsonNode> target, String key, Object value, String field) {
      if (value == null) {
        target.remove(key);
      } else {
        target.put(key, Utf8Json.toNode(value, field));
      }
    }

  }
}
