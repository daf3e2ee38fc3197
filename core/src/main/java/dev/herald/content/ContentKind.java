package dev.herald.content;

/**
 * What a push does on the device: shows a notification, hands data to the app without showing
 * anything, or updates a Live Activity. The kind travels with the content through
 * {@code dispatch}, campaigns, triggers and transactional sends like any other content: the
 * {@link Purpose} of its {@link NotificationType} decides consent and the compliance guard, and
 * every send leaves a delivery record.
 *
 * <p>How each provider sends it:
 *
 * <table>
 *   <caption>Kinds on the wire</caption>
 *   <tr><th>kind</th><th>APNs</th><th>FCM</th><th>Web Push</th></tr>
 *   <tr><td>{@link #VISIBLE}</td><td>push type {@code alert}</td>
 *       <td>{@code notification} with {@code data}</td>
 *       <td>JSON with {@code title}, {@code body}, ...</td></tr>
 *   <tr><td>{@link #DATA}</td><td>push type {@code background}, priority 5,
 *       {@code aps.content-available: 1}, no alert, sound or badge</td>
 *       <td>a data-only message: {@code data}, no {@code notification}</td>
 *       <td>JSON with {@code type}, {@code data} and {@code deliveryId} only</td></tr>
 *   <tr><td>{@link #LIVE_ACTIVITY}</td><td>push type {@code liveactivity} to the activity's push
 *       token, topic {@code <bundle id>.push-type.liveactivity}</td>
 *       <td colspan="2">not sent: only Live Activity addresses are targeted</td></tr>
 * </table>
 */
public enum ContentKind {
  /** A notification the player sees: a title, and optionally body, image, actions, sound. */
  VISIBLE,
  /**
   * Data for the app and nothing shown: a balance refresh, live odds. Called a silent or
   * background push on iOS and a data message on Android. It has no title, body, icon, image,
   * badge, sound, actions or deep link; its data must fit {@link Notification#MAX_DATA_BYTES}.
   */
  DATA,
  /**
   * An update to, or the end of, an iOS Live Activity (a live match's score on the Lock Screen):
   * the {@link LiveActivity} fields, with an optional alert (title and body). It reaches only the
   * player's devices registered with the activity's push token, see {@link LiveActivity}.
   */
  LIVE_ACTIVITY
}
