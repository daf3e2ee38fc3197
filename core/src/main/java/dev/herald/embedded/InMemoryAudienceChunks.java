package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link AudienceChunks} in one process: the chunks of every step in a map, under one lock. A
 * claim holds its chunk until it is marked done or given back; its lease never expires (as with
 * {@link LocalLeases}, one process needs no heartbeat). For several nodes, use
 * {@code dev.herald.jdbc.JdbcAudienceChunks}.
 */
public final class InMemoryAudienceChunks implements AudienceChunks {

  /** One chunk's state. */
  private static final class Slot {
    final Optional<String> after;
    final Optional<String> upTo;
    boolean done;
    long token;
    boolean held;

    Slot(Optional<String> after, Optional<String> upTo) {
      this.after = after;
      this.upTo = upTo;
    }
  }

  /** A step's chunks, and whether it is finished. */
  private static final class Plan {
    final List<Slot> slots = new ArrayList<>();
    boolean finished;
  }

  private final Map<String, Plan> plans = new HashMap<>();

  /** Creates an empty chunk table. */
  public InMemoryAudienceChunks() {}

  private static String key(String sourceId, String step) {
    return Checks.nonBlank(sourceId, "sourceId") + '\u0000' + Checks.required(step, "step");
  }

  @Override
  public synchronized boolean planned(String sourceId, String step) {
    return plans.containsKey(key(sourceId, step));
  }

  @Override
  public synchronized boolean plan(String sourceId, String step, List<String> upperBounds) {
    Checks.required(upperBounds, "upperBounds");
    String key = key(sourceId, step);
    if (plans.containsKey(key)) {
      return false;
    }
    Plan plan = new Plan();
    Optional<String> after = Optional.empty();
    for (String bound : upperBounds) {
      plan.slots.add(new Slot(after, Optional.of(bound)));
      after = Optional.of(bound);
    }
    plan.slots.add(new Slot(after, Optional.empty()));
    plans.put(key, plan);
    return true;
  }

  @Override
  public synchronized Optional<AudienceChunk> claim(String sourceId, String step, String owner,
      Instant now, Duration expiry) {
    Checks.nonBlank(owner, "owner");
    Plan plan = plans.get(key(sourceId, step));
    if (plan == null) {
      return Optional.empty();
    }
    for (int i = 0; i < plan.slots.size(); i++) {
      Slot s = plan.slots.get(i);
      if (!s.done && !s.held) {
        s.held = true;
        s.token++;
        return Optional.of(new AudienceChunk(sourceId, step, i, s.after, s.upTo,
            new Lease(AudienceChunk.leaseName(sourceId, step, i), owner, s.token, Instant.MAX)));
      }
    }
    return Optional.empty();
  }

  private Slot current(AudienceChunk chunk) {
    Plan plan = plans.get(key(chunk.sourceId(), chunk.step()));
    if (plan == null || chunk.index() >= plan.slots.size()) {
      return null;
    }
    Slot s = plan.slots.get(chunk.index());
    return s.token == chunk.lease().token() ? s : null;
  }

  @Override
  public synchronized boolean markDone(AudienceChunk chunk) {
    Slot s = current(Checks.required(chunk, "chunk"));
    if (s == null) {
      return false;
    }
    s.done = true;
    s.held = false;
    return true;
  }

  @Override
  public synchronized void release(AudienceChunk chunk) {
    Slot s = current(Checks.required(chunk, "chunk"));
    if (s != null) {
      s.held = false;
    }
  }

  @Override
  public synchronized boolean finish(String sourceId, String step) {
    Plan plan = plans.get(key(sourceId, step));
    if (plan == null || plan.finished || plan.slots.stream().anyMatch(s -> !s.done)) {
      return false;
    }
    plan.finished = true;
    plan.slots.clear(); // their bounds are player ids
    return true;
  }
}
