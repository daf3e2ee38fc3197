package dev.herald.segmentation;

import dev.herald.segmentation.internal.InMemorySegmentStore;
import java.util.List;
import java.util.Optional;

/**
 * Where saved segments live. {@link #inMemory()} is the default; a host keeps segments in its
 * own database by implementing these four methods over a table such as
 * {@code segments(id PRIMARY KEY, description, rules, updated_at)}.
 *
 * <p>The {@link SegmentRegistry} does all validation (syntax, types, references, cycles) before
 * it saves, so a store only stores. Implementations must be thread-safe; {@link #find} is called
 * whenever a segment is evaluated and should be cheap (cache it if the database is far).
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public interface SegmentStore {

  /**
   * Reads one segment.
   *
   * @param id the segment's id
   * @return the segment, or empty
   */
  Optional<SavedSegment> find(String id);

  /**
   * Inserts or replaces a segment.
   *
   * @param segment the segment
   */
  void save(SavedSegment segment);

  /**
   * Removes a segment.
   *
   * @param id the segment's id
   * @return true when there was one
   */
  boolean delete(String id);

  /**
   * Every segment, for listings and for checking references before a delete.
   *
   * @return the segments, in any order
   */
  List<SavedSegment> all();

  /**
   * A thread-safe store in memory.
   *
   * @return a new, empty store
   */
  static SegmentStore inMemory() {
    return new InMemorySegmentStore();
  }
}
