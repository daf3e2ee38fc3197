package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * A thread-safe {@link PlayerDirectory} in memory, sorted by player id. The host (or a test, or
 * the demo) fills it with {@link #put}.
 */
public final class InMemoryPlayerDirectory implements PlayerDirectory {
  private final ConcurrentSkipListMap<String, PlayerProfile> profiles =
      new ConcurrentSkipListMap<>();

  /** Creates an empty directory. */
  public InMemoryPlayerDirectory() {}

  /**
   * Adds or replaces a profile.
   *
   * @param profile the profile
   * @return this directory
   */
  public InMemoryPlayerDirectory put(PlayerProfile profile) {
    Checks.required(profile, "profile");
    profiles.put(profile.playerId(), profile);
    return this;
  }

  /**
   * Removes a profile.
   *
   * @param playerId the player
   * @return true when there was one
   */
  public boolean remove(String playerId) {
    return profiles.remove(playerId) != null;
  }

  /** @return how many players are held */
  public int size() {
    return profiles.size();
  }

  @Override
  public Optional<PlayerProfile> find(String playerId) {
    return playerId == null ? Optional.empty() : Optional.ofNullable(profiles.get(playerId));
  }

  @Override
  public Stream<PlayerProfile> all() {
    return profiles.values().stream();
  }
}
