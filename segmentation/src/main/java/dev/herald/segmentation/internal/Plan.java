package dev.herald.segmentation.internal;

import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.Truth;
import java.util.List;

/**
 * A compiled rule in negation normal form: ANDs and ORs over attribute tests, each test
 * possibly negated. Pushing NOT down to the tests (De Morgan, valid in three-valued logic) means
 * a node only has to answer "is it TRUE?": a negated test is TRUE exactly when the test is FALSE,
 * and an unknown test is neither. Evaluators need one bit per player, not two.
 */
public abstract sealed class Plan permits Plan.And, Plan.Or, Plan.Leaf {

  /**
   * Whether the rule is TRUE for one player.
   *
   * @param player the values
   * @param nowMillis the evaluation time
   * @return true when TRUE; false when FALSE or UNKNOWN
   */
  public abstract boolean matches(PlayerAttributes player, long nowMillis);

  /** Every child must be TRUE. */
  public static final class And extends Plan {
    final List<Plan> children;

    And(List<Plan> children) {
      this.children = List.copyOf(children);
    }

    @Override
    public boolean matches(PlayerAttributes player, long nowMillis) {
      for (Plan child : children) {
        if (!child.matches(player, nowMillis)) {
          return false;
        }
      }
      return true;
    }
  }

  /** Some child must be TRUE. */
  public static final class Or extends Plan {
    final List<Plan> children;

    Or(List<Plan> children) {
      this.children = List.copyOf(children);
    }

    @Override
    public boolean matches(PlayerAttributes player, long nowMillis) {
      for (Plan child : children) {
        if (child.matches(player, nowMillis)) {
          return true;
        }
      }
      return false;
    }
  }

  /** One test, TRUE when the test is TRUE (or, negated, when the test is FALSE). */
  public static final class Leaf extends Plan {
    final CompiledTest test;
    final boolean negated;

    Leaf(CompiledTest test, boolean negated) {
      this.test = test;
      this.negated = negated;
    }

    @Override
    public boolean matches(PlayerAttributes player, long nowMillis) {
      return test.truth(player, nowMillis) == (negated ? Truth.FALSE : Truth.TRUE);
    }
  }
}
