package dev.herald.internal.dispatch;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Players waiting out quiet hours. Only their ids are kept, by the instant they wake: one
 * scheduler task per instant (in practice one per time zone), not one per player. Woken players
 * go through the run's players-in-progress permits like the rest of the audience, so a million
 * players waking at 09:00 do not start a million sends at once; a paused run wakes nobody.
 */
final class Postponement {
  private final RunControl control;
  private final Semaphore permits;
  private final Consumer<String> walkAgain;
  private final BiConsumer<String, Boolean> end;
  private final Map<Instant, List<String>> byWakeUp = new HashMap<>(); // guarded by itself
  private final ArrayDeque<String> woken = new ArrayDeque<>(); // guarded by itself
  private final AtomicInteger pumpRequests = new AtomicInteger();

  /**
   * @param control the run's state
   * @param permits the run's players-in-progress permits
   * @param walkAgain runs a woken player through the gates again, a permit held for them
   * @param end ends a postponed player's wait without a send: with whether to settle them as
   *     CANCELLED (a cancel) or leave them for a resumed run (a stop)
   */
  Postponement(RunControl control, Semaphore permits, Consumer<String> walkAgain,
      BiConsumer<String, Boolean> end) {
    this.control = control;
    this.permits = permits;
    this.walkAgain = walkAgain;
    this.end = end;
  }

  /** Puts a player to sleep until {@code until}; the caller released their permit. */
  void postpone(String playerId, Instant until) {
    synchronized (byWakeUp) {
      List<String> waiting = byWakeUp.get(until);
      if (waiting != null) {
        waiting.add(playerId);
        return;
      }
      waiting = new ArrayList<>();
      waiting.add(playerId);
      byWakeUp.put(until, waiting);
    }
    control.schedule(until, new RunControl.Waiting(() -> {
      List<String> due = take(until);
      synchronized (woken) {
        woken.addAll(due);
      }
      pump();
    }, settle -> {
      for (String id : take(until)) {
        end.accept(id, settle);
      }
    }));
  }

  private List<String> take(Instant until) {
    synchronized (byWakeUp) {
      List<String> due = byWakeUp.remove(until);
      return due == null ? List.of() : due;
    }
  }

  /**
   * Starts woken players as permits allow, without blocking: called when players wake, when any
   * player finishes, on resume, and when the run ends (which ends the woken players still
   * waiting). One thread pumps at a time; a call made meanwhile makes it go round once more.
   */
  void pump() {
    if (pumpRequests.getAndIncrement() != 0) {
      return;
    }
    do {
      while (true) {
        String id;
        boolean acquired = false;
        RunState state = control.state();
        synchronized (woken) {
          if (woken.isEmpty()) {
            break;
          }
          if (state.ended()) {
            id = woken.poll();
          } else if (state == RunState.PAUSED || !permits.tryAcquire()) {
            break;
          } else {
            id = woken.poll();
            acquired = true;
          }
        }
        if (acquired) {
          walkAgain.accept(id);
        } else {
          end.accept(id, state.settlesCutOffWork());
        }
      }
    } while (pumpRequests.decrementAndGet() != 0);
  }
}
