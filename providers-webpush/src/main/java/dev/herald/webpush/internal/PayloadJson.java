package dev.herald.webpush.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.herald.content.Action;
import dev.herald.content.ContentKind;
import dev.herald.content.Notification;
import dev.herald.internal.Utf8Json;
import dev.herald.spi.PushMessage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON a service worker receives in its {@code push} event (documented in docs/webpush.md):
 *
 * <pre>{@code
 * {"title":"…","body":"…","icon":"…","image":"…","badge":"…","badgeCount":3,
 *  "actions":[{"action":"claim","title":"Claim","url":"…"}],"url":"…","tag":"…",
 *  "type":"TOURNAMENT","data":{"k":"v"},"deliveryId":"…"}
 * }</pre>
 *
 * Absent fields are left out. {@code title}, {@code body}, {@code icon}, {@code image},
 * {@code badge}, {@code tag} and {@code actions} map one to one onto the options of
 * {@code ServiceWorkerRegistration.showNotification}.
 *
 * <p>A {@link ContentKind#DATA DATA} push has none of those: {@code {"type":"…","data":{…},
 * "deliveryId":"…"}}, so a service worker tells it apart by the missing {@code title}.
 */
public final class PayloadJson {
  private static final JsonFactory JSON = Utf8Json.factory(); // emoji as UTF-8, not escapes

  private PayloadJson() {}

  /**
   * Serialises a message, streamed straight into bytes (no tree: this runs once per send).
   *
   * @param message the message
   * @param badgeUrl the monochrome badge image URL for every notification, or null
   * @return UTF-8 JSON
   */
  public static byte[] of(PushMessage message, String badgeUrl) {
    Notification n = message.notification();
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      if (n.kind() == ContentKind.DATA) {
        json.writeStringField("type", n.type().name());
        writeData(json, n);
      } else {
        json.writeStringField("title", n.title().orElseThrow());
        writeIfPresent(json, "body", n.body());
        writeIfPresent(json, "icon", n.icon());
        writeIfPresent(json, "image", n.image());
        if (badgeUrl != null) {
          json.writeStringField("badge", badgeUrl);
        }
        if (n.badge().isPresent()) {
          json.writeNumberField("badgeCount", n.badge().getAsInt());
        }
        if (!n.actions().isEmpty()) {
          json.writeArrayFieldStart("actions");
          for (Action a : n.actions()) {
            json.writeStartObject();
            json.writeStringField("action", a.id());
            json.writeStringField("title", a.title());
            writeIfPresent(json, "url", a.link());
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        writeIfPresent(json, "url", n.deepLink());
        writeIfPresent(json, "tag", n.collapseKey());
        json.writeStringField("type", n.type().name());
        if (!n.data().isEmpty()) {
          writeData(json, n);
        }
      }
      json.writeStringField("deliveryId", message.deliveryId());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory cannot fail", e);
    }
    return out.toByteArray();
  }

  private static void writeIfPresent(JsonGenerator json, String field, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      json.writeStringField(field, value.get());
    }
  }

  private static void writeData(JsonGenerator json, Notification n) throws IOException {
    json.writeObjectFieldStart("data");
    for (Map.Entry<String, String> e : n.data().entrySet()) {
      json.writeStringField(e.getKey(), e.getValue());
    }
    json.writeEndObject();
  }
}
