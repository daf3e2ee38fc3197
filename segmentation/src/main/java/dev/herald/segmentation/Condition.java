package dev.herald.segmentation;

import dev.herald.segmentation.internal.RuleWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A segment rule as a tree: AND ({@link All}), OR ({@link Any}) and NOT ({@link Not}) over
 * tests of one attribute ({@link AttributeTest}) and references to other saved segments
 * ({@link InSegment}). The text form and the JSON form parse to this same tree (see
 * {@link RuleParser}), and {@link #toText()} and {@link #toJson()} print it back.
 *
 * <p>Trees are immutable values: two rules with the same meaning written the same way compare
 * equal whichever form they came from. Nested ANDs (and nested ORs) are flattened, so
 * {@code (a and b) and c} and {@code a and (b and c)} are the same tree.
 *
 * <p>The factory methods check what can be checked without a catalogue (operator arity and
 * literal kinds); {@link RuleParser} and {@link CompiledSegment} check the attribute types.
 *
 * <p><b>Beta:</b> may change before 1.0.
 */
public sealed interface Condition
    permits Condition.All, Condition.Any, Condition.Not, Condition.InSegment,
        Condition.AttributeTest {

  /** The most values an {@code in} list may hold. */
  int MAX_LIST_SIZE = 10_000;

  /**
   * Every condition holds (AND).
   *
   * @param conditions two or more; nested {@code All}s are flattened into this one
   */
  record All(List<Condition> conditions) implements Condition {
    /**
     * Flattens and checks.
     *
     * @param conditions the conditions
     */
    public All {
      conditions = flatten(conditions, All.class);
    }
  }

  /**
   * At least one condition holds (OR).
   *
   * @param conditions two or more; nested {@code Any}s are flattened into this one
   */
  record Any(List<Condition> conditions) implements Condition {
    /**
     * Flattens and checks.
     *
     * @param conditions the conditions
     */
    public Any {
      conditions = flatten(conditions, Any.class);
    }
  }

  /**
   * The condition does not hold (NOT). Under the three-valued logic, NOT of UNKNOWN is UNKNOWN:
   * {@code not vip_level >= 3} does not select players without a VIP level.
   *
   * @param condition the negated condition
   */
  record Not(Condition condition) implements Condition {
    /**
     * Checks the field.
     *
     * @param condition the negated condition
     */
    public Not {
      Objects.requireNonNull(condition, "condition");
    }
  }

  /**
   * The player is in another saved segment: {@code segment "vip-de"}.
   *
   * @param segmentId the referenced segment's id
   */
  record InSegment(String segmentId) implements Condition {
    /**
     * Checks the id.
     *
     * @param segmentId the referenced segment
     */
    public InSegment {
      dev.herald.segmentation.internal.SegmentIds.check(segmentId);
    }
  }

  /**
   * A test of one attribute: {@code vip_level >= 3}.
   *
   * @param attribute the attribute's canonical name
   * @param operator the test
   * @param operands the literals, as many as the operator takes
   */
  record AttributeTest(String attribute, Operator operator, List<Value> operands)
      implements Condition {
    /**
     * Checks arity and literal kinds.
     *
     * @param attribute the attribute's canonical name
     * @param operator the test
     * @param operands the literals
     */
    public AttributeTest {
      if (!dev.herald.segmentation.Attribute.isValidName(attribute)) {
        throw new IllegalArgumentException("invalid attribute name: "
            + dev.herald.internal.Excerpt.of(attribute));
      }
      Objects.requireNonNull(operator, "operator");
      operands = List.copyOf(operands);
      String problem = dev.herald.segmentation.internal.TypeRules.checkShape(operator, operands);
      if (problem != null) {
        throw new IllegalArgumentException(attribute + " " + operator.text() + ": " + problem);
      }
    }
  }

  /**
   * AND of the conditions; one condition is returned as is.
   *
   * @param conditions one or more
   * @return the conjunction
   */
  static Condition all(Condition... conditions) {
    return all(Arrays.asList(conditions));
  }

  /**
   * AND of the conditions; one condition is returned as is.
   *
   * @param conditions one or more
   * @return the conjunction
   */
  static Condition all(List<? extends Condition> conditions) {
    return conditions.size() == 1 ? conditions.get(0) : new All(List.copyOf(conditions));
  }

  /**
   * OR of the conditions; one condition is returned as is.
   *
   * @param conditions one or more
   * @return the disjunction
   */
  static Condition any(Condition... conditions) {
    return any(Arrays.asList(conditions));
  }

  /**
   * OR of the conditions; one condition is returned as is.
   *
   * @param conditions one or more
   * @return the disjunction
   */
  static Condition any(List<? extends Condition> conditions) {
    return conditions.size() == 1 ? conditions.get(0) : new Any(List.copyOf(conditions));
  }

  /**
   * NOT of a condition.
   *
   * @param condition the condition
   * @return the negation
   */
  static Condition not(Condition condition) {
    return new Not(condition);
  }

  /**
   * A reference to a saved segment.
   *
   * @param segmentId the segment's id
   * @return the reference
   */
  static Condition inSegment(String segmentId) {
    return new InSegment(segmentId);
  }

  /**
   * A test of one attribute.
   *
   * @param attribute the attribute's canonical name
   * @param operator the test
   * @param operands the literals
   * @return the test
   */
  static Condition test(String attribute, Operator operator, Value... operands) {
    return new AttributeTest(attribute, operator, List.of(operands));
  }

  /**
   * The ids of the segments this rule refers to directly, in order of appearance.
   *
   * @return the referenced ids
   */
  default Set<String> segmentReferences() {
    Set<String> ids = new LinkedHashSet<>();
    collectReferences(this, ids);
    return ids;
  }

  /**
   * The rule in the text form, which {@link RuleParser#parseText} reads back to an equal tree.
   *
   * @return for example {@code push.enabled and vip_level >= 3}
   */
  default String toText() {
    return RuleWriter.text(this);
  }

  /**
   * The rule in the compact JSON form, which {@link RuleParser#parseJson} reads back to an equal
   * tree.
   *
   * @return for example {@code {"all":[{"attribute":"push.enabled","op":"=","value":true}, ...]}}
   */
  default String toJson() {
    return RuleWriter.json(this, false);
  }

  /**
   * The tree drawn one node a line, indented by depth, for humans ({@code herald segment
   * --explain}).
   *
   * @return the drawing
   */
  default String explain() {
    return RuleWriter.explain(this, null);
  }

  /**
   * The tree drawn one node a line, each followed by a note, for example how many players the
   * node selects.
   *
   * @param note the note for a node, or null or empty for none
   * @return the drawing
   */
  default String explain(java.util.function.Function<Condition, String> note) {
    return RuleWriter.explain(this, java.util.Objects.requireNonNull(note, "note"));
  }

  private static void collectReferences(Condition c, Set<String> ids) {
    if (c instanceof InSegment s) {
      ids.add(s.segmentId());
    } else if (c instanceof All a) {
      a.conditions().forEach(x -> collectReferences(x, ids));
    } else if (c instanceof Any a) {
      a.conditions().forEach(x -> collectReferences(x, ids));
    } else if (c instanceof Not n) {
      collectReferences(n.condition(), ids);
    }
  }

  private static List<Condition> flatten(List<Condition> conditions, Class<?> kind) {
    Objects.requireNonNull(conditions, "conditions");
    List<Condition> flat = new ArrayList<>(conditions.size());
    for (Condition c : conditions) {
      Objects.requireNonNull(c, "conditions[]");
      if (kind.isInstance(c)) {
        flat.addAll(c instanceof All a ? a.conditions() : ((Any) c).conditions());
      } else {
        flat.add(c);
      }
    }
    if (flat.size() < 2) {
      throw new IllegalArgumentException(
          kind.getSimpleName() + " needs two or more conditions; use Condition."
              + (kind == All.class ? "all" : "any") + "(...) for one");
    }
    return List.copyOf(flat);
  }
}
