package dev.herald.spi;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * The host's view of its players, read by segments, personalisation, quiet hours and the default
 * compliance guard. {@code dev.herald.embedded.InMemoryPlayerDirectory} is the default.
 *
 * <p>Implementations must be thread-safe and should be fast for single lookups, which happen per
 * send.
 */
public interface PlayerDirectory {

  /**
   * Reads one player's profile.
   *
   * @param playerId the player
   * @return the profile, or empty for an unknown player
   */
  Optional<PlayerProfile> find(String playerId);

  /**
   * Streams every player, in ascending {@link String#compareTo order} of player id, for bulk
   * segment evaluation. The caller closes the stream; implementations should page through their
   * storage rather than load everything.
   *
   * <p>The order is Java's, not a language's: an SQL directory sorts with {@code ORDER BY
   * player_id COLLATE "C"} (byte order; equal to {@code String.compareTo} for ids within the
   * Basic Multilingual Plane), never the database's default collation such as
   * {@code en_US.UTF-8}, which puts {@code "a1"} before {@code "A1"} and {@code "é"} before
   * {@code "f"}. {@code dev.herald.testing.PlayerDirectoryContract} checks it.
   *
   * @return the profiles, ordered by player id
   */
  Stream<PlayerProfile> all();

  /**
   * Streams the players whose id comes after {@code afterPlayerId}, in the order of
   * {@link #all()}: where a campaign run resumes from its checkpoint, or where one chunk of a run
   * shared by several nodes starts. The default skips the ids before it in {@link #all()}; an SQL
   * directory should seek instead ({@code WHERE player_id > ? ORDER BY player_id COLLATE "C"}).
   *
   * @param afterPlayerId the last id not wanted; null for every player
   * @return the profiles after it, ordered by player id
   */
  default Stream<PlayerProfile> allAfter(String afterPlayerId) {
    Stream<PlayerProfile> all = all();
    return afterPlayerId == null ? all
        : all.dropWhile(p -> p.playerId().compareTo(afterPlayerId) <= 0);
  }

  /**
   * The ids of {@link #allAfter}, in its order: what a campaign sent to every player reads (it
   * looks each profile up as the player's turn comes). The default maps {@link #allAfter}; a
   * directory that can read the ids without building the profiles should.
   *
   * @param afterPlayerId the last id not wanted; null for every player
   * @return the ids after it, ascending
   */
  default Stream<String> idsAfter(String afterPlayerId) {
    return allAfter(afterPlayerId).map(PlayerProfile::playerId);
  }
}
