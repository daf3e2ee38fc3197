package dev.herald.segmentation;

import dev.herald.segmentation.internal.BlockEvaluator;
import dev.herald.segmentation.internal.Compiler;
import dev.herald.segmentation.internal.Values;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.PrimitiveIterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A rule compiled for evaluation: references to saved segments inlined, every test
 * type-checked and its literals converted, NOT pushed down to the tests. Immutable and
 * thread-safe; compile once, evaluate many times.
 *
 * <ul>
 *   <li>{@link #matches} and {@link #evaluate} answer for one player (triggers: is this player
 *       in the segment now?);
 *   <li>{@link #count} and {@link #members} answer for every player of a {@link PlayerIndex}
 *       (campaigns, previews), 64 players per step, without materialising the audience.
 * </ul>
 *
 * <h2>Missing values</h2>
 * Evaluation uses three-valued logic (see {@link Truth}): a test of a missing value is UNKNOWN,
 * except {@code exists} and {@code is missing}; NOT of UNKNOWN is UNKNOWN; a player is a member
 * only when the whole rule is TRUE. So neither {@code vip_level >= 3} nor
 * {@code not vip_level >= 3} nor {@code vip_level != 3} selects a player without a VIP level;
 * write {@code vip_level is missing or vip_level < 3} to include them.
 *
 * <h2>Time</h2>
 * {@code now} is the instant passed in (a {@link Segmentation} passes its clock's), the same for
 * every player of one query. Timestamps are compared to the millisecond.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public final class CompiledSegment {
  private final Condition condition;
  private final AttributeCatalogue catalogue;
  private final Compiler.Result compiled;

  private CompiledSegment(Condition condition, AttributeCatalogue catalogue,
      Compiler.Result compiled) {
    this.condition = condition;
    this.catalogue = catalogue;
    this.compiled = compiled;
  }

  /**
   * Compiles a rule that refers to no other segment.
   *
   * @param condition the rule
   * @param catalogue the attributes it may name
   * @return the compiled rule
   * @throws SegmentRuleException for an unknown attribute, a type mismatch or a segment reference
   */
  public static CompiledSegment compile(Condition condition, AttributeCatalogue catalogue) {
    return compile(condition, catalogue, id -> Optional.empty());
  }

  /**
   * Compiles a rule, inlining the segments it refers to.
   *
   * @param condition the rule
   * @param catalogue the attributes it may name
   * @param segments looks up a referenced segment's rule by id
   * @return the compiled rule
   * @throws SegmentRuleException for an unknown attribute, a type mismatch, an unknown segment
   *     or segments that refer to each other in a cycle
   */
  public static CompiledSegment compile(Condition condition, AttributeCatalogue catalogue,
      Function<String, Optional<Condition>> segments) {
    Objects.requireNonNull(condition, "condition");
    Objects.requireNonNull(catalogue, "catalogue");
    Objects.requireNonNull(segments, "segments");
    return new CompiledSegment(condition, catalogue,
        Compiler.compile(condition, catalogue, segments));
  }

  /** @return the rule as given */
  public Condition condition() {
    return condition;
  }

  /** @return the rule with every segment reference replaced by that segment's rule */
  public Condition expanded() {
    return compiled.expanded();
  }

  /** @return the catalogue the rule was checked against */
  public AttributeCatalogue catalogue() {
    return catalogue;
  }

  /**
   * Whether one player is in the segment.
   *
   * @param player the player's values
   * @param now the evaluation time
   * @return true when the rule is TRUE for the player
   */
  public boolean matches(PlayerAttributes player, Instant now) {
    return compiled.plan().matches(player, Values.millis(now));
  }

  /**
   * The rule's three-valued result for one player, to explain why a player is or is not in it.
   *
   * @param player the player's values
   * @param now the evaluation time
   * @return TRUE (a member), FALSE, or UNKNOWN (undecided for missing values: not a member)
   */
  public Truth evaluate(PlayerAttributes player, Instant now) {
    return compiled.kleene().evaluate(player, Values.millis(now));
  }

  /**
   * Counts the members among the players of an index without materialising them.
   *
   * @param index the snapshot, built with the same catalogue
   * @param now the evaluation time
   * @return the audience size
   */
  public long count(PlayerIndex index, Instant now) {
    return bind(index, now).count();
  }

  /**
   * Streams the members' ids in ascending order, computing 64 players at a time as the stream
   * is consumed.
   *
   * @param index the snapshot, built with the same catalogue
   * @param now the evaluation time
   * @return the ids; the stream is sequential and ordered
   */
  public Stream<String> members(PlayerIndex index, Instant now) {
    PrimitiveIterator.OfInt rows = bind(index, now).rows();
    var store = index.store();
    Spliterator<String> spliterator = Spliterators.spliteratorUnknownSize(
        new java.util.Iterator<String>() {
          @Override
          public boolean hasNext() {
            return rows.hasNext();
          }

          @Override
          public String next() {
            return store.playerId(rows.nextInt());
          }
        },
        Spliterator.ORDERED | Spliterator.DISTINCT | Spliterator.SORTED | Spliterator.NONNULL
            | Spliterator.IMMUTABLE);
    return StreamSupport.stream(spliterator, false);
  }

  private BlockEvaluator bind(PlayerIndex index, Instant now) {
    Objects.requireNonNull(index, "index");
    Objects.requireNonNull(now, "now");
    if (!index.catalogue().equals(catalogue)) {
      throw new IllegalArgumentException(
          "the index was built with another attribute catalogue than this segment's");
    }
    return BlockEvaluator.bind(compiled.plan(), index.store(), Values.millis(now));
  }

  @Override
  public String toString() {
    return "CompiledSegment{" + condition.toText() + "}";
  }
}
