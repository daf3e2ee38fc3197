package dev.herald.segmentation;

import dev.herald.InvalidInputException;
import dev.herald.segmentation.internal.ReferenceCheck;
import dev.herald.segmentation.internal.SegmentIds;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The saved segments, by id, over a {@link SegmentStore}. Defining a segment parses its rule
 * (text or JSON), checks it against the catalogue, checks that every segment it refers to exists
 * and that no reference cycle would form nor a chain of more than {@value #MAX_REFERENCE_DEPTH}
 * references, and stores the canonical JSON. Every problem is a
 * {@link SegmentRuleException} with the line and column in the submitted rule.
 *
 * <pre>{@code
 * registry.define("de-at", "German-speaking markets", "country in (\"DE\", \"AT\")");
 * registry.define("dormant-vip", "VIPs who have not deposited for a week",
 *     "segment \"de-at\" and vip_level >= 3 and last_deposit_at before now - 7d");
 * }</pre>
 *
 * <p>Defines and deletes through one registry are serialised, so they cannot race into a cycle;
 * if several Herald instances share a database store, the compiler still refuses a cycle when a
 * segment is evaluated. Parsed rules are cached by their stored text, so the store stays the
 * source of truth (an edit made through another instance is seen at the next read).
 * Thread-safe. <b>Beta:</b> may change before 1.0.
 */
public final class SegmentRegistry {
  /**
   * The longest chain of segment references (C refers to B, which refers to A: two), checked
   * when a segment is defined, both below the new rule and above it.
   */
  public static final int MAX_REFERENCE_DEPTH = 32;

  private final SegmentStore store;
  private final RuleParser parser;
  private final Clock clock;
  private final Map<String, Parsed> cache = new ConcurrentHashMap<>();

  private record Parsed(String rules, Condition condition) {}

  /**
   * Creates a registry.
   *
   * @param store where segments are kept
   * @param catalogue the attributes rules may name
   * @param clock stamps {@link SavedSegment#updatedAt()}
   */
  public SegmentRegistry(SegmentStore store, AttributeCatalogue catalogue, Clock clock) {
    this.store = Objects.requireNonNull(store, "store");
    this.parser = RuleParser.of(catalogue);
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** @return the catalogue rules are checked against */
  public AttributeCatalogue catalogue() {
    return parser.catalogue();
  }

  /**
   * Defines (or redefines) a segment without a description.
   *
   * @param id the segment's id
   * @param rule the rule, text or JSON
   * @return what was stored
   * @throws SegmentRuleException for a bad rule, an unknown segment or a cycle
   * @throws InvalidInputException for a malformed id
   */
  public SavedSegment define(String id, String rule) {
    return define(id, "", rule);
  }

  /**
   * Defines (or redefines) a segment.
   *
   * @param id the segment's id: 1 to 128 letters, digits, {@code _ . : -}
   * @param description what it is for, at most 1000 characters
   * @param rule the rule, text or JSON
   * @return what was stored
   * @throws SegmentRuleException for a bad rule, an unknown segment or a cycle
   * @throws InvalidInputException for a malformed id or description
   */
  public synchronized SavedSegment define(String id, String description, String rule) {
    SegmentIds.check(id);
    if (description != null && description.length() > 1000) {
      throw new InvalidInputException("description", "must be at most 1000 characters, got "
          + description.length());
    }
    Objects.requireNonNull(rule, "rule");
    int[] above = {-1};
    ReferenceCheck references = ref -> {
      if (ref.equals(id)) {
        return "segment '" + id + "' cannot refer to itself";
      }
      if (store.find(ref).isEmpty()) {
        return "unknown segment '" + ref + "'";
      }
      List<String> path = pathTo(ref, id);
      if (path != null) {
        return "referring to '" + ref + "' would form a cycle: " + id + " → "
            + String.join(" → ", path);
      }
      if (above[0] < 0) {
        above[0] = longestChain(id, referrers(), MAX_REFERENCE_DEPTH);
      }
      int chain = above[0] + 1 + longestChain(ref, this::references, MAX_REFERENCE_DEPTH);
      return chain <= MAX_REFERENCE_DEPTH ? null : "referring to '" + ref + "' would make a"
          + " chain of more than " + MAX_REFERENCE_DEPTH + " segment references (at most "
          + MAX_REFERENCE_DEPTH + ")";
    };
    Condition condition = parser.parse(rule, references);
    String json = condition.toJson();
    if (json.length() > RuleParser.MAX_RULE_CHARS) {
      throw new SegmentRuleException(0, 0, "the rule's JSON form has " + json.length()
          + " characters; a saved rule has at most " + RuleParser.MAX_RULE_CHARS, null);
    }
    SavedSegment saved = new SavedSegment(id, description, json, clock.instant());
    store.save(saved);
    cache.put(id, new Parsed(saved.rules(), condition));
    return saved;
  }

  private List<String> references(String id) {
    return condition(id).map(Condition::segmentReferences).map(List::copyOf).orElse(List.of());
  }

  /** Who refers to whom, reversed: for each segment, the segments whose rules name it. */
  private Function<String, List<String>> referrers() {
    Map<String, List<String>> users = new HashMap<>();
    for (SavedSegment s : store.all()) {
      List<String> refs;
      try {
        refs = references(s.id());
      } catch (SegmentRuleException unreadable) {
        continue; // a stored rule that no longer fits the catalogue is no one's business here
      }
      for (String ref : refs) {
        users.computeIfAbsent(ref, k -> new ArrayList<>()).add(s.id());
      }
    }
    return id -> users.getOrDefault(id, List.of());
  }

  /** One step of a depth-first walk: a segment and the neighbours not yet walked. */
  private static final class Frame {
    final String id;
    final Iterator<String> next;
    int longest;

    Frame(String id, Iterator<String> next) {
      this.id = id;
      this.next = next;
    }
  }

  /**
   * The most references in a chain that starts at {@code start}, following {@code next}; walked
   * with an explicit stack (a chain in a store written by other code may be long) and stopped
   * at {@code cap + 1}, which also stands for a cycle.
   */
  static int longestChain(String start, Function<String, ? extends Collection<String>> next,
      int cap) {
    Map<String, Integer> done = new HashMap<>();
    Set<String> onPath = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(start, next.apply(start).iterator()));
    onPath.add(start);
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      if (top.next.hasNext()) {
        String child = top.next.next();
        Integer known = done.get(child);
        if (known != null) {
          top.longest = Math.max(top.longest, known + 1);
        } else if (onPath.contains(child) || stack.size() > cap) {
          return cap + 1;
        } else {
          onPath.add(child);
          stack.push(new Frame(child, next.apply(child).iterator()));
        }
        continue;
      }
      stack.pop();
      onPath.remove(top.id);
      if (top.longest > cap) {
        return cap + 1;
      }
      done.put(top.id, top.longest);
      if (!stack.isEmpty()) {
        stack.peek().longest = Math.max(stack.peek().longest, top.longest + 1);
      }
    }
    return done.get(start);
  }

  /**
   * The reference path from {@code from} to {@code target}, or null when there is none; walked
   * with an explicit stack, not recursion.
   */
  private List<String> pathTo(String from, String target) {
    Set<String> seen = new HashSet<>();
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(from, references(from).iterator()));
    seen.add(from);
    if (from.equals(target)) {
      return List.of(from);
    }
    while (!stack.isEmpty()) {
      Frame top = stack.peek();
      if (!top.next.hasNext()) {
        stack.pop();
        continue;
      }
      String child = top.next.next();
      if (child.equals(target)) {
        List<String> path = new ArrayList<>();
        stack.descendingIterator().forEachRemaining(f -> path.add(f.id));
        path.add(child);
        return path;
      }
      if (seen.add(child)) {
        stack.push(new Frame(child, references(child).iterator()));
      }
    }
    return null;
  }

  /**
   * Reads a saved segment.
   *
   * @param id the segment's id
   * @return the segment, or empty
   */
  public Optional<SavedSegment> find(String id) {
    return SegmentIds.isValid(id) ? store.find(id) : Optional.empty();
  }

  /**
   * A saved segment's rule as a tree (parsed once per stored version).
   *
   * @param id the segment's id
   * @return the rule, or empty for an unknown segment
   * @throws SegmentRuleException when the stored rule no longer fits the catalogue
   */
  public Optional<Condition> condition(String id) {
    Optional<SavedSegment> saved = find(id);
    if (saved.isEmpty()) {
      cache.remove(id);
      return Optional.empty();
    }
    String rules = saved.get().rules();
    Parsed parsed = cache.get(id);
    if (parsed == null || !parsed.rules().equals(rules)) {
      try {
        parsed = new Parsed(rules, parser.parse(rules, ReferenceCheck.ANY));
      } catch (SegmentRuleException e) {
        throw new SegmentRuleException(e.line(), e.column(),
            "stored segment '" + id + "' no longer fits the catalogue: " + e.reason(), null);
      }
      cache.put(id, parsed);
    }
    return Optional.of(parsed.condition());
  }

  /**
   * Every saved segment.
   *
   * @return the segments, sorted by id
   */
  public List<SavedSegment> all() {
    List<SavedSegment> all = new ArrayList<>(store.all());
    all.sort(java.util.Comparator.comparing(SavedSegment::id));
    return all;
  }

  /**
   * The segments whose rules refer to a segment directly.
   *
   * @param id the segment's id
   * @return their ids, sorted
   */
  public List<String> referencedBy(String id) {
    List<String> users = new ArrayList<>();
    for (SavedSegment s : all()) {
      Optional<Condition> c = condition(s.id());
      if (c.isPresent() && c.get().segmentReferences().contains(id)) {
        users.add(s.id());
      }
    }
    return users;
  }

  /**
   * Deletes a segment that no other segment refers to.
   *
   * @param id the segment's id
   * @return true when it existed
   * @throws InvalidInputException when other segments refer to it, naming them
   */
  public synchronized boolean delete(String id) {
    List<String> users = referencedBy(id);
    if (!users.isEmpty()) {
      throw new InvalidInputException("segmentId", "'" + id + "' is referred to by "
          + String.join(", ", users) + "; change or delete those first");
    }
    cache.remove(id);
    return store.delete(id);
  }
}
