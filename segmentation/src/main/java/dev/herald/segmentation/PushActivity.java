package dev.herald.segmentation;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a player last received and last clicked a push: the source of
 * {@code push.last_received_at} and {@code push.last_clicked_at}.
 *
 * <p>{@link #fromDeliveryStore} reads Herald's delivery store, and
 * {@link Segmentation.Builder#herald} wires it for you; without it ({@link #none()}) both
 * attributes are missing for every player (and, by the three-valued logic, never match a
 * comparison). Implementations must be thread-safe and fast: they are called once per player when
 * a {@link PlayerIndex} is built.
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

  /**
   * Reads Herald's delivery store: the last DELIVERED delivery and the last click of a player.
   *
   * @param store the delivery store
   * @return the source
   */
  static PushActivity fromDeliveryStore(DeliveryStore store) {
    Objects.requireNonNull(store, "store");
    return new PushActivity() {
      @Override
      public Optional<Instant> lastReceivedAt(String playerId) {
        Instant latest = null;
        for (DeliveryRecord r : store.deliveriesOfPlayer(playerId, Instant.EPOCH)) {
          if (r.state() == DeliveryState.DELIVERED
              && (latest == null || r.updatedAt().isAfter(latest))) {
            latest = r.updatedAt();
          }
        }
        return Optional.ofNullable(latest);
      }

      @Override
      public Optional<Instant> lastClickedAt(String playerId) {
        return store.lastClicked(playerId, Instant.EPOCH).flatMap(DeliveryRecord::clickedAt);
      }
    };
  }
}
