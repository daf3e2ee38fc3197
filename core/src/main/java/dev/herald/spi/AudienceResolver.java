package dev.herald.spi;

import java.util.stream.Stream;

/**
 * Turns a segment's id into the players in it. {@code herald-segmentation} implements it; a host
 * with its own segment engine can too.
 */
public interface AudienceResolver {

  /**
   * Streams the players in a segment, each once, in ascending order of player id, without
   * loading the whole audience at once. The caller closes the stream.
   *
   * @param segmentId the segment
   * @return the player ids
   * @throws dev.herald.InvalidInputException for an unknown segment
   */
  Stream<String> members(String segmentId);

  /**
   * Streams the players in a segment whose id comes after {@code afterPlayerId}, in the order of
   * {@link #members(String)}: where a campaign run resumes from its checkpoint, or where one
   * chunk of a run shared by several nodes starts. The default skips the ids before it;
   * implementations that can seek should (herald-segmentation's SQL audiences do).
   *
   * @param segmentId the segment
   * @param afterPlayerId the last id not wanted; null for every member
   * @return the player ids after it, ascending
   * @throws dev.herald.InvalidInputException for an unknown segment
   */
  default Stream<String> membersAfter(String segmentId, String afterPlayerId) {
    Stream<String> members = members(segmentId);
    return afterPlayerId == null ? members
        : members.dropWhile(id -> id.compareTo(afterPlayerId) <= 0);
  }

  /**
   * Counts the players in a segment.
   *
   * @param segmentId the segment
   * @return the audience size
   */
  default long count(String segmentId) {
    try (Stream<String> members = members(segmentId)) {
      return members.count();
    }
  }

  /**
   * Whether one player is in a segment now: asked by trigger rules that name a segment. The
   * default streams the members; implementations should answer directly.
   *
   * @param segmentId the segment
   * @param playerId the player
   * @return true when the player is a member
   */
  default boolean contains(String segmentId, String playerId) {
    try (Stream<String> members = members(segmentId)) {
      return members.anyMatch(playerId::equals);
    }
  }
}
