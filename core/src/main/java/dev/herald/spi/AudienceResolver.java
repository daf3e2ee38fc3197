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
