package dev.herald.segmentation.internal;

import dev.herald.segmentation.PushActivity;
import java.time.Instant;
import java.util.Optional;

/** The {@link PushActivity#none()} source: knows nothing. */
public enum NoPushActivity implements PushActivity {
  /** The one instance. */
  INSTANCE;

  @Override
  public Optional<Instant> lastReceivedAt(String playerId) {
    return Optional.empty();
  }

  @Override
  public Optional<Instant> lastClickedAt(String playerId) {
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "PushActivity.none()";
  }
}
