package dev.herald.fcm.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.herald.InvalidInputException;
import dev.herald.content.Action;
import dev.herald.content.ContentKind;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.fcm.FcmTarget;
import dev.herald.internal.Utf8Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Encodes a Herald {@link Notification} as the body of an FCM HTTP v1
 * {@code projects.messages.send} request: {@code {"validate_only":…,"message":{…}}}.
 *
 * <p>The message carries {@code notification} (title, body, image), {@code data} (the
 * notification's string data plus Herald's keys), and {@code android}, {@code apns} and
 * {@code webpush} overrides derived from the notification's urgency, time to live, collapse key,
 * badge, sound, icon, actions and deep link. Title and body appear once, in {@code notification};
 * FCM copies them into each platform's payload. Overrides that would only restate a default
 * (Android priority NORMAL, {@code apns-priority} 10, Web Push urgency normal) are left out, so
 * every message stays as small as it can; the time to live is always sent, because FCM's default
 * is four weeks.
 *
 * <p>A {@link ContentKind#DATA DATA} push becomes a data-only message: no {@code notification}
 * anywhere, so the app's {@code onMessageReceived} gets it whether in the foreground or not;
 * {@code android} carries the priority (HIGH only for HIGH urgency), time to live and collapse
 * key; {@code apns} the headers of a background push ({@code apns-push-type: background},
 * {@code apns-priority: 5}) and {@code aps.content-available: 1}; {@code webpush} only its
 * headers. LIVE_ACTIVITY content is refused: Live Activity updates go to APNs.
 *
 * <p>The payload size checked against {@link #MAX_PAYLOAD_BYTES} is the UTF-8 length of the
 * {@code message} object as written, without its target field ({@code token}, {@code topic} or
 * {@code condition}): every key and value FCM delivers, counted conservatively.
 *
 * <p>Thread-safe. The bytes before the delivery id are kept for the last notification encoded, so
 * sending one notification to many addresses encodes it once.
 */
public final class FcmMessageWriter {
  /** FCM's limit on a message's payload, in bytes. */
  public static final int MAX_PAYLOAD_BYTES = 4096;
  /** The data key holding Herald's delivery id, for click reporting. */
  public static final String DELIVERY_ID_KEY = "herald_delivery_id";
  /** The data key holding the deep link, when the notification has one. */
  public static final String LINK_KEY = "herald_link";
  /** The data key holding the action buttons as a JSON array, when there are any. */
  public static final String ACTIONS_KEY = "herald_actions";

  private static final JsonFactory JSON = Utf8Json.factory(); // emoji as UTF-8, not escapes
  private static final JsonStringEncoder QUOTER = JsonStringEncoder.getInstance();
  private static final byte[] DELIVERY_ID_FIELD =
      ("\"" + DELIVERY_ID_KEY + "\":\"").getBytes(StandardCharsets.UTF_8);
  private static final Pattern WEB_PUSH_TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");

  private final Function<Notification, String> androidChannel;
  private final String androidClickAction;
  private final boolean validateOnly;
  private final AtomicReference<Prefix> lastPrefix = new AtomicReference<>();

  /**
   * Creates a writer.
   *
   * @param androidChannel chooses the Android notification channel id for a notification; may
   *     return null for the app's default channel
   * @param androidClickAction the Android intent action a tap launches, or null
   * @param validateOnly whether FCM should only validate the message ({@code validate_only})
   */
  public FcmMessageWriter(
      Function<Notification, String> androidChannel,
      String androidClickAction,
      boolean validateOnly) {
    this.androidChannel = androidChannel;
    this.androidClickAction = androidClickAction;
    this.validateOnly = validateOnly;
  }

  /**
   * An encoded request.
   *
   * @param body the request body
   * @param payloadBytes the message's size as counted against {@link #MAX_PAYLOAD_BYTES}
   */
  public record Encoded(byte[] body, int payloadBytes) {}

  /**
   * Encodes one message.
   *
   * @param target where it goes
   * @param deliveryId Herald's delivery id
   * @param notification the content
   * @param expiresAt when the message stops being worth delivering
   * @param now the current time, for the time to live
   * @return the request body and payload size
   * @throws InvalidInputException when a data key is one FCM or Herald reserves
   */
  public Encoded encode(
      FcmTarget target, String deliveryId, Notification notification, Instant expiresAt,
      Instant now) {
    return encode(target.field(), target.value(), deliveryId, notification, expiresAt, now);
  }

  /**
   * Encodes one message to an already validated target.
   *
   * @param targetField {@code token}, {@code topic} or {@code condition}
   * @param targetValue the token, topic name or condition
   * @param deliveryId Herald's delivery id
   * @param notification the content
   * @param expiresAt when the message stops being worth delivering
   * @param now the current time, for the time to live
   * @return the request body and payload size
   * @throws InvalidInputException when a data key is one FCM or Herald reserves, or the content
   *     is a Live Activity update
   */
  public Encoded encode(
      String targetField, String targetValue, String deliveryId, Notification notification,
      Instant expiresAt, Instant now) {
    if (notification.kind() == ContentKind.LIVE_ACTIVITY) {
      throw new InvalidInputException("kind", "FCM does not send LIVE_ACTIVITY content; Live "
          + "Activity updates go to the activity's push token over APNs");
    }
    long ttlSeconds = Math.max(0, Duration.between(now, expiresAt).getSeconds());
    Prefix prefix = lastPrefix.get();
    if (prefix == null || prefix.notification() != notification
        || prefix.ttlSeconds() != ttlSeconds
        || prefix.expiresAtSecond() != expiresAt.getEpochSecond()) {
      prefix = prefix(notification, ttlSeconds, expiresAt);
      lastPrefix.set(prefix);
    }
    byte[] id = QUOTER.quoteAsUTF8(deliveryId);
    byte[] field = QUOTER.quoteAsUTF8(targetField);
    byte[] value = QUOTER.quoteAsUTF8(targetValue);
    byte[] head = prefix.bytes();
    int length = head.length + DELIVERY_ID_FIELD.length + id.length + 2 // "}
        + 2 + field.length + 3 + value.length + 3; // ,"field":"value"}}
    byte[] body = new byte[length];
    int at = append(body, 0, head);
    at = append(body, at, DELIVERY_ID_FIELD);
    at = append(body, at, id);
    body[at++] = '"';
    body[at++] = '}'; // the end of data, the message's last field before its target
    // The message without its target, plus the closing brace it would have.
    int payloadBytes = at - prefix.messageStart() + 1;
    body[at++] = ',';
    body[at++] = '"';
    at = append(body, at, field);
    body[at++] = '"';
    body[at++] = ':';
    body[at++] = '"';
    at = append(body, at, value);
    body[at++] = '"';
    body[at++] = '}';
    body[at++] = '}';
    return new Encoded(body, payloadBytes);
  }

  /**
   * Everything before Herald's delivery id: the same bytes for every address a notification is
   * sent to in the same second, so a mass send encodes its notification once, not per device.
   *
   * @param notification the notification it was encoded from (compared by identity; it is
   *     immutable)
   * @param ttlSeconds the time to live written into it
   * @param expiresAtSecond the expiry written into it
   * @param bytes {@code {"validate_only":…,"message":{…,"data":{…,} } up to the delivery id
   * @param messageStart the offset of the message's opening brace
   */
  private record Prefix(
      Notification notification, long ttlSeconds, long expiresAtSecond, byte[] bytes,
      int messageStart) {}

  private Prefix prefix(Notification notification, long ttlSeconds, Instant expiresAt) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeBooleanField("validate_only", validateOnly);
      json.writeFieldName("message");
      json.writeStartObject();
      json.flush();
      int messageStart = out.size() - 1; // at the message's opening brace
      if (notification.kind() == ContentKind.DATA) {
        writeDataOnlyOverrides(json, notification, ttlSeconds, expiresAt);
      } else {
        writeNotification(json, notification);
        writeAndroid(json, notification, ttlSeconds);
        writeApns(json, notification, ttlSeconds, expiresAt);
        writeWebpush(json, notification, ttlSeconds);
      }
      boolean dataBefore = writeDataExceptDeliveryId(json, notification);
      json.flush();
      if (dataBefore) {
        out.write(',');
      }
      return new Prefix(notification, ttlSeconds, expiresAt.getEpochSecond(), out.toByteArray(),
          messageStart);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
  }

  /**
   * The platform overrides of a data-only message: what delivers it, nothing that displays it.
   */
  private static void writeDataOnlyOverrides(
      JsonGenerator json, Notification n, long ttlSeconds, Instant expiresAt) throws IOException {
    json.writeObjectFieldStart("android");
    if (n.urgency() == Urgency.HIGH) {
      json.writeStringField("priority", "HIGH"); // wakes the app at once; NORMAL is the default
    }
    json.writeStringField("ttl", ttlSeconds + "s");
    if (n.collapseKey().isPresent()) {
      json.writeStringField("collapse_key", n.collapseKey().get());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("apns");
    json.writeObjectFieldStart("headers");
    json.writeStringField("apns-push-type", "background");
    json.writeStringField("apns-priority", "5"); // APNs refuses 10 for a background push
    json.writeStringField(
        "apns-expiration", ttlSeconds == 0 ? "0" : Long.toString(expiresAt.getEpochSecond()));
    if (n.collapseKey().isPresent()) {
      json.writeStringField("apns-collapse-id", n.collapseKey().get());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("payload");
    json.writeObjectFieldStart("aps");
    json.writeNumberField("content-available", 1);
    json.writeEndObject();
    json.writeEndObject();
    json.writeEndObject();
    json.writeObjectFieldStart("webpush");
    json.writeObjectFieldStart("headers");
    json.writeStringField("TTL", Long.toString(ttlSeconds));
    if (n.urgency() != Urgency.NORMAL) {
      json.writeStringField("Urgency", n.urgency().headerValue());
    }
    if (n.collapseKey().isPresent() && WEB_PUSH_TOPIC.matcher(n.collapseKey().get()).matches()) {
      json.writeStringField("Topic", n.collapseKey().get());
    }
    json.writeEndObject();
    json.writeEndObject();
  }

  private static int append(byte[] to, int at, byte[] bytes) {
    System.arraycopy(bytes, 0, to, at, bytes.length);
    return at + bytes.length;
  }

  private static void writeNotification(JsonGenerator json, Notification n) throws IOException {
    json.writeObjectFieldStart("notification");
    json.writeStringField("title", n.title().orElseThrow());
    if (n.body().isPresent()) {
      json.writeStringField("body", n.body().get());
    }
    if (n.image().isPresent()) {
      json.writeStringField("image", n.image().get());
    }
    json.writeEndObject();
  }

  /**
   * Opens {@code data} and writes the notification's entries, the deep link and the actions,
   * leaving the object open for the delivery id.
   *
   * @return whether any entry was written (the delivery id then needs a comma)
   */
  private static boolean writeDataExceptDeliveryId(JsonGenerator json, Notification n)
      throws IOException {
    json.writeObjectFieldStart("data");
    for (Map.Entry<String, String> entry : n.data().entrySet()) {
      checkDataKey(entry.getKey());
      json.writeStringField(entry.getKey(), entry.getValue());
    }
    if (n.deepLink().isPresent()) {
      json.writeStringField(LINK_KEY, n.deepLink().get());
    }
    if (!n.actions().isEmpty()) {
      json.writeStringField(ACTIONS_KEY, actionsJson(n));
    }
    return !n.data().isEmpty() || n.deepLink().isPresent() || !n.actions().isEmpty();
  }

  /**
   * Refuses the data keys FCM reserves ({@code from}, {@code message_type}, and any key starting
   * with {@code google} or {@code gcm}) and those Herald adds ({@code herald_…}).
   */
  static void checkDataKey(String key) {
    if (key.equals("from") || key.equals("message_type") || key.startsWith("google")
        || key.startsWith("gcm")) {
      throw new InvalidInputException(
          "data[" + key + "]",
          "is a key FCM reserves (from, message_type, and keys starting with google or gcm);"
              + " rename it");
    }
    if (key.startsWith("herald_")) {
      throw new InvalidInputException(
          "data[" + key + "]",
          "uses the herald_ prefix Herald keeps for its own keys (" + DELIVERY_ID_KEY + ", "
              + LINK_KEY + ", " + ACTIONS_KEY + "); rename it");
    }
  }

  private static String actionsJson(Notification n) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(text)) {
      json.writeStartArray();
      for (Action action : n.actions()) {
        json.writeStartObject();
        json.writeStringField("id", action.id());
        json.writeStringField("title", action.title());
        if (action.link().isPresent()) {
          json.writeStringField("link", action.link().get());
        }
        json.writeEndObject();
      }
      json.writeEndArray();
    }
    return text.toString();
  }

  private void writeAndroid(JsonGenerator json, Notification n, long ttlSeconds)
      throws IOException {
    json.writeObjectFieldStart("android");
    if (n.urgency() == Urgency.HIGH) {
      json.writeStringField("priority", "HIGH"); // NORMAL is FCM's default
    }
    json.writeStringField("ttl", ttlSeconds + "s");
    if (n.collapseKey().isPresent()) {
      json.writeStringField("collapse_key", n.collapseKey().get());
    }
    String channel = androidChannel == null ? null : androidChannel.apply(n);
    boolean any = channel != null || androidClickAction != null || n.sound().isPresent()
        || n.badge().isPresent() || n.collapseKey().isPresent();
    if (any) {
      json.writeObjectFieldStart("notification");
      if (channel != null) {
        json.writeStringField("channel_id", channel);
      }
      if (androidClickAction != null) {
        json.writeStringField("click_action", androidClickAction);
      }
      if (n.sound().isPresent()) {
        json.writeStringField("sound", n.sound().get());
      }
      if (n.badge().isPresent()) {
        json.writeNumberField("notification_count", n.badge().getAsInt());
      }
      if (n.collapseKey().isPresent()) {
        // A newer notification with the same tag replaces the older one in the drawer.
        json.writeStringField("tag", n.collapseKey().get());
      }
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void writeApns(
      JsonGenerator json, Notification n, long ttlSeconds, Instant expiresAt) throws IOException {
    json.writeObjectFieldStart("apns");
    json.writeObjectFieldStart("headers");
    String priority = apnsPriority(n.urgency());
    if (!priority.equals("10")) {
      json.writeStringField("apns-priority", priority); // 10 is APNs' default for alerts
    }
    // Absolute epoch seconds; 0 asks APNs to try once and not store the message.
    json.writeStringField(
        "apns-expiration", ttlSeconds == 0 ? "0" : Long.toString(expiresAt.getEpochSecond()));
    if (n.collapseKey().isPresent()) {
      json.writeStringField("apns-collapse-id", n.collapseKey().get());
    }
    json.writeEndObject();
    if (n.badge().isPresent() || n.sound().isPresent() || n.image().isPresent()) {
      json.writeObjectFieldStart("payload");
      json.writeObjectFieldStart("aps");
      if (n.badge().isPresent()) {
        json.writeNumberField("badge", n.badge().getAsInt());
      }
      if (n.sound().isPresent()) {
        json.writeStringField("sound", n.sound().get());
      }
      if (n.image().isPresent()) {
        // Lets the app's notification service extension download the image.
        json.writeNumberField("mutable-content", 1);
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    if (n.image().isPresent()) {
      json.writeObjectFieldStart("fcm_options");
      json.writeStringField("image", n.image().get());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  /** The Urgency javadoc's mapping: HIGH and NORMAL → 10, LOW → 5, VERY_LOW → 1. */
  static String apnsPriority(Urgency urgency) {
    return switch (urgency) {
      case HIGH, NORMAL -> "10";
      case LOW -> "5";
      case VERY_LOW -> "1";
    };
  }

  private static void writeWebpush(JsonGenerator json, Notification n, long ttlSeconds)
      throws IOException {
    json.writeObjectFieldStart("webpush");
    json.writeObjectFieldStart("headers");
    json.writeStringField("TTL", Long.toString(ttlSeconds));
    if (n.urgency() != Urgency.NORMAL) {
      json.writeStringField("Urgency", n.urgency().headerValue()); // normal is the default
    }
    if (n.collapseKey().isPresent() && WEB_PUSH_TOPIC.matcher(n.collapseKey().get()).matches()) {
      json.writeStringField("Topic", n.collapseKey().get());
    }
    json.writeEndObject();
    if (n.icon().isPresent() || !n.actions().isEmpty()) {
      json.writeObjectFieldStart("notification");
      if (n.icon().isPresent()) {
        json.writeStringField("icon", n.icon().get());
      }
      if (!n.actions().isEmpty()) {
        json.writeArrayFieldStart("actions");
        for (Action action : n.actions()) {
          json.writeStartObject();
          json.writeStringField("action", action.id());
          json.writeStringField("title", action.title());
          json.writeEndObject();
        }
        json.writeEndArray();
      }
      json.writeEndObject();
    }
    if (n.deepLink().isPresent() && n.deepLink().get().startsWith("https://")) {
      // FCM accepts only an HTTPS link here; other deep links travel in data.herald_link.
      json.writeObjectFieldStart("fcm_options");
      json.writeStringField("link", n.deepLink().get());
      json.writeEndObject();
    }
    json.writeEndObject();
  }
}
