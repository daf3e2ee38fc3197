package dev.herald.segmentation;

import dev.herald.subscription.Device;
import dev.herald.subscription.PlayerPushState;
import dev.herald.subscription.Platform;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The attributes Herald itself knows about every player, all under {@code push.}, and how they
 * are derived from the subscription state ({@link PlayerPushState}) and the push activity
 * ({@link PushActivity}).
 *
 * <table>
 *   <caption>Herald's attributes</caption>
 *   <tr><th>name</th><th>type</th><th>value</th></tr>
 *   <tr><td>{@code push.enabled}</td><td>boolean</td>
 *       <td>at least one device is ALLOWED ({@link PlayerPushState#pushEnabled()})</td></tr>
 *   <tr><td>{@code push.status}</td><td>string</td>
 *       <td>status of the device used last: ASK, ALLOWED, BLOCKED, UNSUPPORTED or SUSPENDED;
 *       missing for a player without devices</td></tr>
 *   <tr><td>{@code push.devices}</td><td>number</td><td>ALLOWED devices on all platforms</td></tr>
 *   <tr><td>{@code push.devices.web_push}, {@code .apns}, {@code .fcm}</td><td>number</td>
 *       <td>ALLOWED devices on that platform</td></tr>
 *   <tr><td>{@code push.brands}</td><td>set of strings</td>
 *       <td>the {@link dev.herald.subscription.Brand brand} ids of the ALLOWED devices (a player
 *       reachable in the brand: {@code push.brands contains "golden-reels"})</td></tr>
 *   <tr><td>{@code push.categories} (alias {@code categories})</td><td>set of strings</td>
 *       <td>categories opted into, lower case</td></tr>
 *   <tr><td>{@code push.marketing_consent}</td><td>boolean</td>
 *       <td>the player agreed to marketing pushes</td></tr>
 *   <tr><td>{@code push.last_received_at}</td><td>timestamp</td>
 *       <td>last push delivered to the player, from {@link PushActivity}</td></tr>
 *   <tr><td>{@code push.last_clicked_at}</td><td>timestamp</td>
 *       <td>last push the player clicked, from {@link PushActivity}</td></tr>
 * </table>
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public final class HeraldAttributes {
  /** Whether at least one of the player's devices is ALLOWED. */
  public static final String PUSH_ENABLED = "push.enabled";
  /** The push status of the device the player used last. */
  public static final String PUSH_STATUS = "push.status";
  /** How many ALLOWED devices the player has. */
  public static final String PUSH_DEVICES = "push.devices";
  /** How many ALLOWED Web Push devices (browsers) the player has. */
  public static final String PUSH_DEVICES_WEB_PUSH = "push.devices.web_push";
  /** How many ALLOWED APNs devices (Apple apps) the player has. */
  public static final String PUSH_DEVICES_APNS = "push.devices.apns";
  /** How many ALLOWED FCM devices (Android apps) the player has. */
  public static final String PUSH_DEVICES_FCM = "push.devices.fcm";
  /** The brand ids of the player's ALLOWED devices ({@code default} for a single brand). */
  public static final String PUSH_BRANDS = "push.brands";
  /** The push categories the player opted into, lower case. */
  public static final String PUSH_CATEGORIES = "push.categories";
  /** The short alias of {@link #PUSH_CATEGORIES} in rules. */
  public static final String CATEGORIES_ALIAS = "categories";
  /** Whether the player agreed to marketing pushes. */
  public static final String PUSH_MARKETING_CONSENT = "push.marketing_consent";
  /** When a push was last delivered to the player. */
  public static final String PUSH_LAST_RECEIVED_AT = "push.last_received_at";
  /** When the player last clicked a push. */
  public static final String PUSH_LAST_CLICKED_AT = "push.last_clicked_at";

  /** The prefix reserved for Herald's attributes; hosts cannot declare names under it. */
  public static final String PREFIX = "push.";

  /** Herald's attributes as declared in every catalogue. */
  static final List<Attribute> ALL = List.of(
      herald(PUSH_ENABLED, AttributeType.BOOLEAN, "at least one device is ALLOWED"),
      herald(PUSH_STATUS, AttributeType.STRING,
          "push status of the device used last: ASK, ALLOWED, BLOCKED, UNSUPPORTED, SUSPENDED"),
      herald(PUSH_DEVICES, AttributeType.NUMBER, "ALLOWED devices on all platforms"),
      herald(PUSH_DEVICES_WEB_PUSH, AttributeType.NUMBER, "ALLOWED Web Push devices"),
      herald(PUSH_DEVICES_APNS, AttributeType.NUMBER, "ALLOWED APNs devices"),
      herald(PUSH_DEVICES_FCM, AttributeType.NUMBER, "ALLOWED FCM devices"),
      herald(PUSH_BRANDS, AttributeType.STRING_SET, "brand ids of the ALLOWED devices"),
      herald(PUSH_CATEGORIES, AttributeType.STRING_SET, "categories opted into, lower case"),
      herald(PUSH_MARKETING_CONSENT, AttributeType.BOOLEAN, "agreed to marketing pushes"),
      herald(PUSH_LAST_RECEIVED_AT, AttributeType.TIMESTAMP, "last push delivered"),
      herald(PUSH_LAST_CLICKED_AT, AttributeType.TIMESTAMP, "last push clicked"));

  private HeraldAttributes() {}

  private static Attribute herald(String name, AttributeType type, String description) {
    return new Attribute(name, type, true, description);
  }

  /**
   * Derives Herald's attributes of one player.
   *
   * @param state the player's devices and preferences, from
   *     {@link dev.herald.subscription.Subscriptions#state(String)} or the subscription store
   * @param activity when the player last received and clicked a push
   * @return attribute name to value; {@code push.status} and the activity timestamps are absent
   *     when unknown
   */
  public static Map<String, Object> of(PlayerPushState state, PushActivity activity) {
    Map<String, Object> values = new HashMap<>(16);
    long web = 0;
    long apns = 0;
    long fcm = 0;
    Set<String> brands = new TreeSet<>();
    for (Device device : state.devices()) {
      if (device.isSendable()) {
        brands.add(device.brand().id());
        if (device.platform() == Platform.WEB_PUSH) {
          web++;
        } else if (device.platform() == Platform.APNS) {
          apns++;
        } else {
          fcm++;
        }
      }
    }
    values.put(PUSH_ENABLED, web + apns + fcm > 0);
    state.lastSessionStatus().ifPresent(s -> values.put(PUSH_STATUS, s.name()));
    values.put(PUSH_DEVICES, web + apns + fcm);
    values.put(PUSH_DEVICES_WEB_PUSH, web);
    values.put(PUSH_DEVICES_APNS, apns);
    values.put(PUSH_DEVICES_FCM, fcm);
    values.put(PUSH_BRANDS, brands);
    values.put(PUSH_CATEGORIES, state.preferences().categories());
    values.put(PUSH_MARKETING_CONSENT, state.preferences().marketingConsent());
    String player = state.playerId();
    put(values, PUSH_LAST_RECEIVED_AT, activity.lastReceivedAt(player));
    put(values, PUSH_LAST_CLICKED_AT, activity.lastClickedAt(player));
    return values;
  }

  private static void put(Map<String, Object> values, String name, Optional<Instant> value) {
    value.ifPresent(v -> values.put(name, v));
  }

  /**
   * Whether a name is reserved for Herald.
   *
   * @param name an attribute name
   * @return true when it starts with {@code push.}
   */
  public static boolean isReserved(String name) {
    return name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
  }
}
