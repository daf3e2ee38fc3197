package dev.herald.segmentation.internal;

import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.Truth;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Turns a rule tree into an evaluable form: inlines segment references (refusing cycles),
 * checks every test against the catalogue, and builds both the three-valued tree (for
 * explanations) and the negation-normal {@link Plan} (for fast evaluation).
 */
public final class Compiler {
  private final AttributeCatalogue catalogue;
  private final Function<String, Optional<Condition>> segments;
  private final Map<String, Condition> expanded = new HashMap<>();
  private final Map<Condition.AttributeTest, CompiledTest> tests = new HashMap<>();

  private Compiler(AttributeCatalogue catalogue,
      Function<String, Optional<Condition>> segments) {
    this.catalogue = catalogue;
    this.segments = segments;
  }

  /** The result of compiling. */
  public record Result(Condition expanded, Kleene kleene, Plan plan) {}

  /**
   * Compiles a rule.
   *
   * @param rule the tree
   * @param catalogue the attributes it may name
   * @param segments looks up referenced segments' trees
   * @return the compiled forms
   * @throws SegmentRuleException for an unknown attribute, a type mismatch, an unknown segment or
   *     a reference cycle
   */
  public static Result compile(Condition rule, AttributeCatalogue catalogue,
      Function<String, Optional<Condition>> segments) {
    Compiler c = new Compiler(catalogue, segments);
    Condition expanded = c.expand(rule, new ArrayDeque<>());
    Kleene kleene = c.kleene(expanded);
    Plan plan = c.plan(expanded, false);
    return new Result(expanded, kleene, plan);
  }

  private Condition expand(Condition c, Deque<String> path) {
    if (c instanceof Condition.InSegment ref) {
      String id = ref.segmentId();
      if (path.contains(id)) {
        List<String> cycle = new ArrayList<>(path);
        java.util.Collections.reverse(cycle);
        cycle = cycle.subList(cycle.indexOf(id), cycle.size());
        throw new SegmentRuleException(0, 0, "segments refer to each other in a cycle: "
            + String.join(" → ", cycle) + " → " + id, null);
      }
      Condition done = expanded.get(id);
      if (done != null) {
        return done;
      }
      if (path.size() >= dev.herald.segmentation.SegmentRegistry.MAX_REFERENCE_DEPTH) {
        throw new SegmentRuleException(0, 0, "segment '" + id + "' is reached through more"
            + " than " + dev.herald.segmentation.SegmentRegistry.MAX_REFERENCE_DEPTH
            + " segment references; at most "
            + dev.herald.segmentation.SegmentRegistry.MAX_REFERENCE_DEPTH + " are allowed", null);
      }
      Condition target = segments.apply(id).orElseThrow(() ->
          new SegmentRuleException(0, 0, "unknown segment '" + id + "'", null));
      path.push(id);
      Condition result = expand(target, path);
      path.pop();
      expanded.put(id, result);
      return result;
    }
    if (c instanceof Condition.All all) {
      return Condition.all(all.conditions().stream().map(x -> expand(x, path)).toList());
    }
    if (c instanceof Condition.Any any) {
      return Condition.any(any.conditions().stream().map(x -> expand(x, path)).toList());
    }
    if (c instanceof Condition.Not not) {
      return Condition.not(expand(not.condition(), path));
    }
    Condition.AttributeTest t = (Condition.AttributeTest) c;
    compiled(t);
    return t;
  }

  private CompiledTest compiled(Condition.AttributeTest t) {
    CompiledTest done = tests.get(t);
    if (done != null) {
      return done;
    }
    Attribute a = catalogue.find(t.attribute()).orElseThrow(() ->
        new SegmentRuleException(0, 0, "unknown attribute '" + t.attribute() + "'", null));
    if (!a.name().equals(t.attribute())) {
      throw new SegmentRuleException(0, 0, "'" + t.attribute() + "' is an alias; trees hold"
          + " canonical names: use '" + a.name() + "'", null);
    }
    String problem = TypeRules.typeProblem(a, t);
    if (problem != null) {
      throw new SegmentRuleException(0, 0, problem, null);
    }
    CompiledTest compiled = new CompiledTest(t, a.type(), catalogue.indexOf(a.name()));
    tests.put(t, compiled);
    return compiled;
  }

  private Kleene kleene(Condition c) {
    if (c instanceof Condition.All all) {
      return new Kleene.All(all.conditions().stream().map(this::kleene).toList());
    }
    if (c instanceof Condition.Any any) {
      return new Kleene.Any(any.conditions().stream().map(this::kleene).toList());
    }
    if (c instanceof Condition.Not not) {
      return new Kleene.Not(kleene(not.condition()));
    }
    return new Kleene.Test(compiled((Condition.AttributeTest) c));
  }

  private Plan plan(Condition c, boolean negated) {
    if (c instanceof Condition.Not not) {
      return plan(not.condition(), !negated);
    }
    if (c instanceof Condition.All all) {
      List<Plan> parts = all.conditions().stream().map(x -> plan(x, negated)).toList();
      return negated ? new Plan.Or(parts) : new Plan.And(parts);
    }
    if (c instanceof Condition.Any any) {
      List<Plan> parts = any.conditions().stream().map(x -> plan(x, negated)).toList();
      return negated ? new Plan.And(parts) : new Plan.Or(parts);
    }
    return new Plan.Leaf(compiled((Condition.AttributeTest) c), negated);
  }

  /** The three-valued tree, for {@code evaluate} and explanations. */
  public sealed interface Kleene {
    /**
     * Evaluates for one player.
     *
     * @param player the values
     * @param nowMillis the evaluation time
     * @return the truth value
     */
    Truth evaluate(PlayerAttributes player, long nowMillis);

    /** AND. */
    record All(List<Kleene> parts) implements Kleene {
      @Override
      public Truth evaluate(PlayerAttributes player, long nowMillis) {
        Truth t = Truth.TRUE;
        for (Kleene part : parts) {
          t = t.and(part.evaluate(player, nowMillis));
          if (t == Truth.FALSE) {
            return t;
          }
        }
        return t;
      }
    }

    /** OR. */
    record Any(List<Kleene> parts) implements Kleene {
      @Override
      public Truth evaluate(PlayerAttributes player, long nowMillis) {
        Truth t = Truth.FALSE;
        for (Kleene part : parts) {
          t = t.or(part.evaluate(player, nowMillis));
          if (t == Truth.TRUE) {
            return t;
          }
        }
        return t;
      }
    }

    /** NOT. */
    record Not(Kleene part) implements Kleene {
      @Override
      public Truth evaluate(PlayerAttributes player, long nowMillis) {
        return part.evaluate(player, nowMillis).not();
      }
    }

    /** One test. */
    record Test(CompiledTest test) implements Kleene {
      @Override
      public Truth evaluate(PlayerAttributes player, long nowMillis) {
        return test.truth(player, nowMillis);
      }
    }
  }
}
