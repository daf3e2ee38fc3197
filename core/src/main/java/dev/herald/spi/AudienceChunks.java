package dev.herald.spi;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where several Herald nodes share one campaign run: the step's audience is cut once into
 * {@link AudienceChunk chunks} (ranges of player ids), and each node claims a chunk, sends it,
 * marks it done and claims the next. A chunk whose node died is claimed again once its lease has
 * expired, with a higher fencing token. The step is finished once, by the node that finds every
 * chunk done.
 *
 * <p>Chunk leases live in the same place as the node's {@link Leases} (they are renewed and
 * released through them, and checked by {@link DeliveryStore#fencedBy}).
 * {@code dev.herald.jdbc.JdbcAudienceChunks} keeps chunks in PostgreSQL and claims them with
 * {@code SELECT … FOR UPDATE SKIP LOCKED}; {@code dev.herald.embedded.InMemoryAudienceChunks}
 * keeps them in one process. Implementations must be thread-safe.
 */
public interface AudienceChunks {

  /**
   * @param sourceId the campaign
   * @param step the step
   * @return whether the step's audience has been cut already
   */
  boolean planned(String sourceId, String step);

  /**
   * Records how the step's audience is cut, unless it was cut already (by another node): chunk
   * {@code i} holds the players after {@code upperBounds[i - 1]} up to {@code upperBounds[i]};
   * the last chunk, one more than there are bounds, has no upper bound.
   *
   * @param sourceId the campaign
   * @param step the step
   * @param upperBounds ascending player ids, each the last of its chunk
   * @return whether this call recorded the plan (false: one existed)
   */
  boolean plan(String sourceId, String step, List<String> upperBounds);

  /**
   * Claims a chunk of the step that is not done and whose lease is free or has expired; the
   * claim takes the chunk's lease for {@code owner} and raises its token.
   *
   * @param sourceId the campaign
   * @param step the step
   * @param owner the node asking
   * @param now the caller's time
   * @param expiry how long the lease lasts without a renewal
   * @return the chunk, or empty when every chunk is done or held by a live node
   */
  Optional<AudienceChunk> claim(String sourceId, String step, String owner, Instant now,
      Duration expiry);

  /**
   * Marks a chunk done, if its lease is still the caller's (the token unchanged).
   *
   * @param chunk the chunk as claimed
   * @return false when another node claimed it since: nothing was written
   */
  boolean markDone(AudienceChunk chunk);

  /**
   * Gives a chunk back, so that any node may claim it at once; does nothing when another node
   * claimed it since.
   *
   * @param chunk the chunk as claimed
   */
  void release(AudienceChunk chunk);

  /**
   * Records that the step is finished, once: true for the one call that finds every chunk done
   * and the step not finished before. The step's chunks (whose bounds are player ids) may then be
   * forgotten; it stays {@link #planned}, with nothing left to claim.
   *
   * @param sourceId the campaign
   * @param step the step
   * @return whether this call finished the step
   */
  boolean finish(String sourceId, String step);
}
