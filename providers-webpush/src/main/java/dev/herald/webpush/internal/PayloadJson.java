package dev.herald.webpush.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.content.Action;
import dev.herald.content.ContentKind;
import dev.herald.content.Notification;
import dev.herald.internal.Utf8Json;
import dev.herald.spi.PushMessage;
import java.util.Map;

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
  private static final ObjectMapper JSON = Utf8Json.mapper(); // emoji as UTF-8, not escapes

  private PayloadJson() {}

  /**
   * Serialises a message.
   *
   * @param message the message
   * @param badgeUrl the monochrome badge image URL for every notification, or null
   * @return UTF-8 JSON
   */
  public static byte[] of(PushMessage message, String badgeUrl) {
    Notification n = message.notification();
    ObjectNode root = JSON.createObjectNode();
    if (n.kind() == ContentKind.DATA) {
      root.put("type", n.type().name());
      putData(root, n);
      root.put("deliveryId", message.deliveryId());
      return bytes(root);
    }
    root.put("title", n.title().orElseThrow());
    n.body().ifPresent(v -> root.put("body", v));
    n.icon().ifPresent(v -> root.put("icon", v));
    n.image().ifPresent(v -> root.put("image", v));
    if (badgeUrl != null) {
      root.put("badge", badgeUrl);
    }
    n.badge().ifPresent(v -> root.put("badgeCount", v));
    if (!n.actions().isEmpty()) {
      ArrayNode actions = root.putArray("actions");
      for (Action a : n.actions()) {
        ObjectNode action = actions.addObject();
        action.put("action", a.id());
        action.put("title", a.title());
        a.link().ifPresent(v -> action.put("url", v));
      }
    }
    n.deepLink().ifPresent(v -> root.put("url", v));
    n.collapseKey().ifPresent(v -> root.put("tag", v));
    root.put("type", n.type().name());
    if (!n.data().isEmpty()) {
      putData(root, n);
    }
    root.put("deliveryId", message.deliveryId());
    return bytes(root);
  }

  private static void putData(ObjectNode root, Notification n) {
    ObjectNode data = root.putObject("data");
    for (Map.Entry<String, String> e : n.data().entrySet()) {
      data.put(e.getKey(), e.getValue());
    }
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("serialising a JSON tree cannot fail", e);
    }
  }
}
