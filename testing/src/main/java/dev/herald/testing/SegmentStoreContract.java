package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.segmentation.SavedSegment;
import dev.herald.segmentation.SegmentStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every herald-segmentation {@link SegmentStore} must keep: every field survives
 * (the rule text byte for byte, instants to the microsecond at least), a save replaces, a delete
 * says whether there was something to delete, and {@link SegmentStore#all()} lists everything.
 * Needs herald-segmentation on the test class path. Extend it and return a fresh, empty store
 * from {@link #newStore()}.
 */
public abstract class SegmentStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String RULES =
      "{\"all\":[{\"attr\":\"vip_level\",\"op\":\">=\",\"value\":3},"
          + "{\"attr\":\"country\",\"op\":\"in\",\"value\":[\"DE\",\"AT\",\"\u00d6\"]}]}";

  private SegmentStore store;

  /**
   * Creates the store under test, empty.
   *
   * @return a new, empty store
   */
  protected abstract SegmentStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  @Test
  void savesAndReadsBackEveryField() {
    SavedSegment vip = new SavedSegment("vip.de", "VIPs in DACH \u2013 weekly", RULES,
        T0.plusNanos(123_456_789));
    store.save(vip);
    SavedSegment read = store.find("vip.de").orElseThrow();
    assertThat(read.id()).isEqualTo("vip.de");
    assertThat(read.description()).isEqualTo(vip.description());
    assertThat(read.rules()).isEqualTo(RULES);
    assertThat(read.updatedAt()).isIn(vip.updatedAt(),
        vip.updatedAt().truncatedTo(ChronoUnit.MICROS));
    assertThat(store.find("missing")).isEmpty();
    assertThat(store.find(null)).isEmpty();
  }

  @Test
  void aSaveReplacesAndADeleteRemovesOnce() {
    store.save(new SavedSegment("s", "", "{\"all\":[]}", T0));
    SavedSegment replaced = new SavedSegment("s", "new", RULES, T0.plusSeconds(1));
    store.save(replaced);
    assertThat(store.find("s")).contains(replaced);
    assertThat(store.all()).containsExactly(replaced);
    assertThat(store.delete("s")).isTrue();
    assertThat(store.delete("s")).isFalse();
    assertThat(store.find("s")).isEmpty();
    assertThat(store.all()).isEmpty();
  }

  @Test
  void listsEverySegment() {
    for (String id : List.of("b", "a", "c:1")) {
      store.save(new SavedSegment(id, "", RULES, T0));
    }
    assertThat(store.all()).extracting(SavedSegment::id).containsExactlyInAnyOrder("a", "b", "c:1");
  }

  @Test
  void concurrentSavesLeaveOneWholeSegment() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String description = "writer " + t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < 25; i++) {
            store.save(new SavedSegment("shared", description, RULES, T0.plusSeconds(i)));
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.all()).hasSize(1);
    assertThat(store.find("shared").orElseThrow().description()).startsWith("writer ");
  }
}
