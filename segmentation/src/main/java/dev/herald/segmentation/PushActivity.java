package dev.herald.segmentation;

import java.time.Instant;
import java.util.Optional;

/**
 * When a player last received and last clicked a push: the source of
 * {@code push.last_received_at} and {@code push.last_clicked_at}.
 *
 * <p>Herald's delivery-event store will implement this once it exists; until then the default
 * {@link #none()} knows nothing, so both attributes are missing for every player (and, by the
 * three-valued logic, never match a comparison). A host that records deliveries and clicks itself
 * can supply its own implementation to the {@link Segmentation.Builder}. Implementations must be
 * thread-safe and fast: they are called once per player when a {@link PlayerIndex} is built.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public interface PushActivity {

  /**
   * When a push was last delivered to the player.
   *
   * @param playerId the player
   * @return the time, or empty when unknown
   */
  Optional<Instant> lastReceivedAt(String playerId);

  /**
   * When the player last clicked a push.
   *
   * @param playerId the player
   * @return the time, or empty when unknown
   */
  Optional<Instant> lastClickedAt(String playerId);

  /**
   * An activity source that knows nothing: both attributes are always missing.
   *
   * @return the empty source
   */
  static PushActivity none() {
    return dev.herald.segmentation.internal.NoPushActivity.INSTANCE;
  }
}
