package dev.herald.dispatch;

import dev.herald.internal.Checks;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * Who a dispatch is for: the members of a segment (through the
 * {@link dev.herald.spi.AudienceResolver}), an explicit list of players, or every player in the
 * {@link dev.herald.spi.PlayerDirectory}. Each player expands to their devices of the targeted
 * kind. Audiences are streamed in ascending player-id order, never loaded whole.
 */
public sealed interface Audience permits Audience.Segment, Audience.Players, Audience.Everyone {

  /**
   * The members of a saved segment.
   *
   * @param segmentId the segment
   * @return the audience
   */
  static Audience segment(String segmentId) {
    return new Segment(segmentId);
  }

  /**
   * An explicit list of players; duplicates are dropped.
   *
   * @param playerIds the players, at most {@value Players#MAX_PLAYERS}
   * @return the audience
   */
  static Audience players(Collection<String> playerIds) {
    // A copy that keeps a null id, so the record's check names it rather than List.copyOf throwing.
    return new Players(new ArrayList<>(Checks.required(playerIds, "playerIds")));
  }

  /**
   * One player, as for a transactional send.
   *
   * @param playerId the player
   * @return the audience
   */
  static Audience player(String playerId) {
    return new Players(List.of(Checks.nonBlank(playerId, "playerId", 128)));
  }

  /**
   * Every player in the directory.
   *
   * @return the audience
   */
  static Audience everyone() {
    return new Everyone();
  }

  /**
   * A segment's members.
   *
   * @param segmentId the segment id
   */
  record Segment(String segmentId) implements Audience {
    /**
     * Validates the id.
     *
     * @param segmentId the segment id
     */
    public Segment {
      segmentId = Checks.nonBlank(segmentId, "audience.segmentId", 128);
    }
  }

  /**
   * Explicit players, sorted and without duplicates.
   *
   * @param playerIds the players
   */
  record Players(List<String> playerIds) implements Audience {
    /** The longest explicit list; larger audiences belong in a segment. */
    public static final int MAX_PLAYERS = 100_000;

    /**
     * Validates, sorts and de-duplicates.
     *
     * @param playerIds the players
     */
    public Players {
      Checks.maxSize(Checks.required(playerIds, "audience.playerIds"), "audience.playerIds",
          MAX_PLAYERS);
      TreeSet<String> sorted = new TreeSet<>();
      for (String id : playerIds) {
        sorted.add(Checks.nonBlank(id, "audience.playerIds[]", 128));
      }
      playerIds = List.copyOf(sorted);
    }
  }

  /** Every player in the directory. */
  record Everyone() implements Audience {}
}
