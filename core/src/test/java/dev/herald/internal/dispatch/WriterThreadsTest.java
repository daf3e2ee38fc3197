package dev.herald.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runs of one Herald share its writer threads; each run's lane keeps its own guarantees: its
 * writes behind one at a time in the order queued, at most {@link ClaimBatch#WRITERS} claim
 * batches at once, and what is queued still written when Herald closes.
 */
class WriterThreadsTest {

  /** A pool the test runs by hand, last task first (the order a lane must not depend on). */
  private static final class HandPool implements Executor {
    final List<Runnable> queued = new ArrayList<>();
    boolean closed;

    @Override
    public void execute(Runnable task) {
      if (closed) {
        throw new RejectedExecutionException("closed");
      }
      queued.add(task);
    }

    /** Runs the newest queued task; false when none is queued. */
    boolean runNewest() {
      if (queued.isEmpty()) {
        return false;
      }
      queued.remove(queued.size() - 1).run();
      return true;
    }
  }

  @Test
  void eachRunsWritesBehindRunOneAtATimeInTheOrderQueuedWhateverThePoolRunsFirst() {
    HandPool pool = new HandPool();
    WriterThreads.Lane a = new WriterThreads.Lane(pool, 1);
    WriterThreads.Lane b = new WriterThreads.Lane(pool, 1);
    List<String> ran = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String n = String.valueOf(i);
      a.execute(() -> ran.add("a" + n));
      b.execute(() -> ran.add("b" + n));
    }
    assertThat(pool.queued).as("one task of each run in the pool at a time").hasSize(2);
    while (pool.runNewest()) {
      assertThat(pool.queued.size()).isLessThanOrEqualTo(2);
    }
    assertThat(ran.stream().filter(s -> s.startsWith("a"))).containsExactly("a1", "a2", "a3");
    assertThat(ran.stream().filter(s -> s.startsWith("b"))).containsExactly("b1", "b2", "b3");
  }

  @Test
  void aRunsClaimBatchesAreWrittenAtMostTwoAtOnce() {
    HandPool pool = new HandPool();
    WriterThreads.Lane claims = new WriterThreads.Lane(pool, ClaimBatch.WRITERS);
    List<Integer> ran = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      claims.execute(() -> ran.add(n));
    }
    assertThat(pool.queued).hasSize(ClaimBatch.WRITERS);
    while (pool.runNewest()) {
      assertThat(pool.queued.size()).isLessThanOrEqualTo(ClaimBatch.WRITERS);
    }
    assertThat(ran).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
  }

  @Test
  void aWriteBehindKnowsItRunsOnItsOwnLaneOnly() {
    HandPool pool = new HandPool();
    WriterThreads.Lane mine = new WriterThreads.Lane(pool, 1);
    WriterThreads.Lane other = new WriterThreads.Lane(pool, 1);
    List<Boolean> seen = new ArrayList<>();
    mine.execute(() -> {
      seen.add(mine.runsHere());
      seen.add(other.runsHere());
    });
    pool.runNewest();
    assertThat(seen).containsExactly(true, false);
    assertThat(mine.runsHere()).isFalse();
  }

  @Test
  void aClosedPoolStillRunsALanesQueuedWritesInOrderAndRefusesAnIdleLane() {
    HandPool pool = new HandPool();
    WriterThreads.Lane lane = new WriterThreads.Lane(pool, 1);
    List<String> ran = new ArrayList<>();
    lane.execute(() -> ran.add("first"));
    lane.execute(() -> ran.add("second"));
    lane.execute(() -> ran.add("checkpoint"));
    pool.closed = true; // Herald closes while a run still has writes queued
    pool.runNewest();
    assertThat(ran).containsExactly("first", "second", "checkpoint");
    assertThatThrownBy(() -> lane.execute(() -> ran.add("late")))
        .as("an idle lane of a closed pool: the caller writes itself")
        .isInstanceOf(RejectedExecutionException.class);
    assertThat(ran).hasSize(3);
  }

  @Test
  void aFailingWriteDoesNotStopTheWritesQueuedBehindIt() {
    HandPool pool = new HandPool();
    WriterThreads.Lane lane = new WriterThreads.Lane(pool, 1);
    List<String> ran = new ArrayList<>();
    lane.execute(() -> {
      throw new IllegalStateException("the store failed");
    });
    lane.execute(() -> ran.add("next"));
    while (pool.runNewest()) {
      // the pool's queue drains
    }
    assertThat(ran).containsExactly("next");
  }

  @Test
  void anErrorInAWriteIsThrownOnItsThreadAndTheLaneGoesOn() {
    HandPool pool = new HandPool();
    WriterThreads.Lane lane = new WriterThreads.Lane(pool, 1);
    List<String> ran = new ArrayList<>();
    lane.execute(() -> {
      throw new AssertionError("out of memory, say");
    });
    lane.execute(() -> ran.add("next"));
    assertThatThrownBy(pool::runNewest).isInstanceOf(AssertionError.class);
    while (pool.runNewest()) {
      // the next write was handed to the pool before the error went up
    }
    assertThat(ran).containsExactly("next");
    lane.execute(() -> ran.add("later"));
    pool.runNewest();
    assertThat(ran).containsExactly("next", "later");
  }

  @Test
  void closingLetsQueuedWritesFinishInOrderThenEndsTheThreads() throws Exception {
    WriterThreads writers = new WriterThreads(1, 1);
    WriterThreads.Lane behind = writers.writeBehindLane();
    WriterThreads.Lane claims = writers.claimLane();
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> ran = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    behind.execute(() -> {
      writing.countDown();
      await(release);
      ran.add("flush");
      threads.add(Thread.currentThread().getName());
    });
    behind.execute(() -> ran.add("checkpoint"));
    claims.execute(() -> {
      ran.add("claims");
      threads.add(Thread.currentThread().getName());
    });
    assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();

    writers.close(); // Herald.close() while a write is in progress and another queued
    assertThatThrownBy(() -> writers.claimLane().execute(() -> ran.add("new run")))
        .isInstanceOf(RejectedExecutionException.class);
    release.countDown();
    assertThat(writers.awaitTermination(10_000)).as("the threads end").isTrue();

    assertThat(ran).containsSubsequence("flush", "checkpoint").contains("claims")
        .doesNotContain("new run");
    assertThat(threads).containsExactlyInAnyOrder("herald-write-behind-1", "herald-claims-1");
  }

  private static void await(CountDownLatch latch) {
    try {
      assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
