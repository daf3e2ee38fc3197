package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.embedded.InMemoryAudienceChunks;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.AudienceChunks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code Herald.close()} that lands while this node finishes a chunked step: the node that
 * finds every chunk done is the only one that reports the step, so the close must not drop
 * that report (before 5018f0d it did, and the campaign stayed RUNNING with every chunk done: seen
 * only as jdbc's ClusterTest failing now and then). The chunks here stop the driver inside the
 * window, on latches, and the test closes Herald there from its own thread.
 */
class ChunkedCloseRaceTest extends DispatchFixture {
  private static final int PLAYERS = 25;
  private final PausingChunks chunks = new PausingChunks(new InMemoryAudienceChunks());
  private final List<String> players = new ArrayList<>();

  @BeforeEach
  void chunkedHerald() {
    rebuild(b -> b.audienceChunks(chunks, 10));
    for (int i = 0; i < PLAYERS; i++) {
      String id = String.format("p%02d", i);
      players.add(id);
      webPlayer(id);
    }
    herald.campaigns().create(Campaign.builder("race", "Race")
        .audience(Audience.players(players))
        .content(content(NotificationType.PROMOTIONAL, "Promo")).build());
  }

  private long completedEvents() {
    return herald.analytics().events("race").stream()
        .filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED).count();
  }

  private CampaignState state() {
    return herald.campaigns().find("race").orElseThrow().state();
  }

  /** Schedules the campaign; its driver (inline on the fake scheduler) runs on another thread. */
  private Thread scheduleOnAnotherThread(AtomicReference<Throwable> failure) {
    herald.campaigns().schedule("race");
    Thread driver = new Thread(() -> {
      try {
        scheduler.advance(Duration.ZERO);
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "chunk-race-driver");
    driver.setDaemon(true);
    driver.start();
    return driver;
  }

  @Test
  void aCloseWhileTheNodeFinishesTheStepDoesNotDropItsCompletedReport() throws Exception {
    Window window = chunks.pauseAfterFinish();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread driver = scheduleOnAnotherThread(failure);

    window.awaitEntered();
    assertThat(chunks.finish("race", "")).as("the store has the step finished already")
        .isFalse();
    herald.close(); // the step is finished in the store; its event and report are not written yet
    window.leave();
    driver.join(TimeUnit.SECONDS.toMillis(30));

    assertThat(driver.isAlive()).as("the driver ended").isFalse();
    assertThat(failure.get()).isNull();
    assertThat(web.sent()).hasSize(PLAYERS);
    assertThat(completedEvents()).isOne();
    assertThat(state()).as("no other node would report a step the store has finished")
        .isEqualTo(CampaignState.COMPLETED);
  }

  @Test
  void aCloseBeforeTheNodeFinishesTheStepLeavesItToTheNextNode() throws Exception {
    Window window = chunks.pauseAfterEmptyClaim();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread driver = scheduleOnAnotherThread(failure);

    window.awaitEntered();
    herald.close(); // every chunk done, none left to claim; the step is not finished yet
    window.leave();
    driver.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(driver.isAlive()).as("the driver ended").isFalse();
    assertThat(failure.get()).isNull();
    assertThat(state()).as("the closed node stopped; recover() finishes").isEqualTo(
        CampaignState.RUNNING);

    herald = newHerald(b -> b.audienceChunks(chunks, 10));
    herald.recover(); // a node that finds every chunk done finishes the step and reports it
    assertThat(web.sent()).as("each player once").hasSize(PLAYERS);
    assertThat(completedEvents()).isOne();
    assertThat(state()).isEqualTo(CampaignState.COMPLETED);
  }

  /** Where the driver waits for the test: it enters, then leaves when the test says so. */
  private static final class Window {
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch leave = new CountDownLatch(1);

    void enter() {
      entered.countDown();
      try {
        if (!leave.await(30, TimeUnit.SECONDS)) {
          throw new AssertionError("the test never let the driver go on");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    void awaitEntered() throws InterruptedException {
      assertThat(entered.await(30, TimeUnit.SECONDS)).as("the driver reached the window")
          .isTrue();
    }

    void leave() {
      leave.countDown();
    }
  }

  /** Chunks that hold the driver in a window once, the first time it opens. */
  private static final class PausingChunks implements AudienceChunks {
    private final AudienceChunks delegate;
    private volatile Window afterFinish;
    private volatile Window afterEmptyClaim;

    PausingChunks(AudienceChunks delegate) {
      this.delegate = delegate;
    }

    Window pauseAfterFinish() {
      afterFinish = new Window();
      return afterFinish;
    }

    Window pauseAfterEmptyClaim() {
      afterEmptyClaim = new Window();
      return afterEmptyClaim;
    }

    @Override
    public boolean planned(String sourceId, String step) {
      return delegate.planned(sourceId, step);
    }

    @Override
    public boolean plan(String sourceId, String step, List<String> upperBounds) {
      return delegate.plan(sourceId, step, upperBounds);
    }

    @Override
    public Optional<AudienceChunk> claim(String sourceId, String step, String owner,
        Instant now, Duration expiry) {
      Optional<AudienceChunk> claimed = delegate.claim(sourceId, step, owner, now, expiry);
      Window window = afterEmptyClaim;
      if (claimed.isEmpty() && window != null) {
        afterEmptyClaim = null;
        window.enter();
      }
      return claimed;
    }

    @Override
    public boolean markDone(AudienceChunk chunk) {
      return delegate.markDone(chunk);
    }

    @Override
    public void release(AudienceChunk chunk) {
      delegate.release(chunk);
    }

    @Override
    public boolean finish(String sourceId, String step) {
      boolean finished = delegate.finish(sourceId, step);
      Window window = afterFinish;
      if (finished && window != null) {
        afterFinish = null;
        window.enter();
      }
      return finished;
    }
  }
}
