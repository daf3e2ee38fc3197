package dev.herald.webpush.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Admits requests to the HTTP client no faster than it runs them, and holds the rest, bounded.
 *
 * <p>OkHttp's dispatcher keeps every request beyond its limits in a queue of its own, and a
 * request cancelled there stays there (with its body) until the dispatcher gets round to it. A
 * caller that gives up on slow requests and sends new ones in their place (the engine's deadline
 * does exactly that) so makes that queue grow without bound. The gate hands OkHttp at most
 * {@code maxRunning} requests, so OkHttp's queue never holds more than that; a request waiting in
 * the gate leaves at once when it is withdrawn. A slot is freed only when OkHttp reports the
 * request's end, a cancelled one included. Thread-safe.
 *
 * @param <T> a waiting request
 */
public final class RequestGate<T> {
  /** What {@link #offer} decided. */
  public enum Admission {
    /** Start the request now: a slot is the caller's until {@link #finished()}. */
    START,
    /** The request waits; {@link #finished()} hands it out when a slot frees. */
    WAIT,
    /** The queue is full: the request is refused. */
    FULL
  }

  private final int maxRunning;
  private final int maxWaiting;
  private final LinkedHashSet<T> waiting = new LinkedHashSet<>(); // O(1) withdrawal, FIFO order
  private int running;
  private boolean closed;

  /**
   * A gate.
   *
   * @param maxRunning how many requests the HTTP client may hold at once
   * @param maxWaiting how many requests may wait in the gate
   */
  public RequestGate(int maxRunning, int maxWaiting) {
    this.maxRunning = maxRunning;
    this.maxWaiting = maxWaiting;
  }

  /**
   * Asks to start a request.
   *
   * @param request the request, kept when it must wait (distinct objects: it is a set)
   * @return whether to start it now, or it waits, or it is refused
   */
  public synchronized Admission offer(T request) {
    if (running < maxRunning && !closed) {
      running++;
      return Admission.START;
    }
    if (waiting.size() >= maxWaiting || closed) {
      return Admission.FULL;
    }
    waiting.add(request);
    return Admission.WAIT;
  }

  /**
   * Takes a waiting request out of the gate: its caller no longer wants it.
   *
   * @param request the request
   * @return true when it was waiting (it will never be handed out), false when it had started
   */
  public synchronized boolean withdraw(T request) {
    return waiting.remove(request);
  }

  /**
   * A started request has ended: its slot goes to the oldest waiting request, if any.
   *
   * @return the request to start now in the freed slot, or null
   */
  public synchronized T finished() {
    if (!closed && !waiting.isEmpty()) {
      var it = waiting.iterator();
      T next = it.next();
      it.remove();
      return next; // the slot passes on: running stays the same
    }
    running--;
    return null;
  }

  /**
   * Refuses every new request and hands back the waiting ones, for their callers to be told.
   *
   * @return the requests that were waiting
   */
  public synchronized List<T> close() {
    closed = true;
    List<T> left = new ArrayList<>(waiting);
    waiting.clear();
    return left;
  }

  /** @return requests handed to the HTTP client and not yet ended */
  public synchronized int running() {
    return running;
  }

  /** @return requests waiting in the gate */
  public synchronized int waiting() {
    return waiting.size();
  }
}
