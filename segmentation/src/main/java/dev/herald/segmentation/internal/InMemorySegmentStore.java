package dev.herald.segmentation.internal;

import dev.herald.segmentation.SavedSegment;
import dev.herald.segmentation.SegmentStore;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/** {@link SegmentStore#inMemory()}: a concurrent sorted map. */
public final class InMemorySegmentStore implements SegmentStore {
  private final ConcurrentSkipListMap<String, SavedSegment> segments =
      new ConcurrentSkipListMap<>();

  @Override
  public Optional<SavedSegment> find(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(segments.get(id));
  }

  @Override
  public void save(SavedSegment segment) {
    Objects.requireNonNull(segment, "segment");
    segments.put(segment.id(), segment);
  }

  @Override
  public boolean delete(String id) {
    return id != null && segments.remove(id) != null;
  }

  @Override
  public List<SavedSegment> all() {
    return List.copyOf(segments.values());
  }

  @Override
  public String toString() {
    return "SegmentStore.inMemory(" + segments.size() + " segments)";
  }
}
