package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.campaign.CampaignState;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.StoredCampaign;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link CampaignStore} must keep: every field survives, saves are
 * compare-and-set on the version, and concurrent writers never lose an update. Extend it and
 * return a fresh, empty store from {@link #newStore()}.
 */
public abstract class CampaignStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  private CampaignStore store;

  /**
   * Creates the store under test, empty.
   *
   * @return a new, empty store
   */
  protected abstract CampaignStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private static StoredCampaign campaign(String id, CampaignState state, long version) {
    return new StoredCampaign(id, state, "{\"v\":1,\"id\":\"" + id + "\"}", version, T0,
        T0.plusSeconds(version), Optional.of("2026-11-27T17:00:00Z"),
        state == CampaignState.SCHEDULED ? Optional.of(T0.plusSeconds(3600)) : Optional.empty());
  }

  @Test
  void insertsOnceAndReadsBackEveryField() {
    StoredCampaign c = campaign("c", CampaignState.SCHEDULED, 1);
    assertThat(store.save(c, 0)).isTrue();
    assertThat(store.save(campaign("c", CampaignState.DRAFT, 1), 0)).isFalse();
    assertThat(store.find("c")).contains(c);
    assertThat(store.find("missing")).isEmpty();
  }

  @Test
  void savesCompareTheVersion() {
    store.save(campaign("c", CampaignState.DRAFT, 1), 0);
    StoredCampaign v2 = campaign("c", CampaignState.SCHEDULED, 2);
    assertThat(store.save(v2, 1)).isTrue();
    assertThat(store.save(campaign("c", CampaignState.CANCELLED, 2), 1)).isFalse();
    assertThat(store.find("c")).contains(v2);
  }

  @Test
  void listsEveryCampaign() {
    store.save(campaign("a", CampaignState.DRAFT, 1), 0);
    store.save(campaign("b", CampaignState.RUNNING, 1), 0);
    try (Stream<StoredCampaign> all = store.all()) {
      assertThat(all.map(StoredCampaign::id)).containsExactlyInAnyOrder("a", "b");
    }
  }

  @Test
  void concurrentWritersNeverLoseAnUpdate() throws Exception {
    store.save(campaign("c", CampaignState.RUNNING, 1), 0);
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<Integer>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          start.await();
          int wins = 0;
          while (wins < 50) {
            StoredCampaign current = store.find("c").orElseThrow();
            if (store.save(campaign("c", CampaignState.RUNNING, current.version() + 1),
                current.version())) {
              wins++;
            }
          }
          return wins;
        }));
      }
      int total = 0;
      for (Future<Integer> f : done) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      assertThat(store.find("c").orElseThrow().version()).isEqualTo(1L + total);
    } finally {
      pool.shutdownNow();
    }
  }
}
