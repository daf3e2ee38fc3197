package dev.herald.segmentation.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.Condition;
import dev.herald.internal.Excerpt;
import dev.herald.segmentation.Operator;
import dev.herald.segmentation.RuleParser;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the JSON form with Jackson's streaming parser, keeping the line and column of every
 * value so problems point into the document.
 *
 * <pre>{@code
 * {"all": [ {"attribute": "push.enabled", "op": "=", "value": true},
 *           {"any": [ ... ]}, {"not": { ... }}, {"segment": "vip-de"},
 *           {"attribute": "country", "op": "in", "values": ["DE", "AT"]} ]}
 * }</pre>
 */
public final class JsonRuleReader {
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200)
          .maxNumberLength(RuleParser.MAX_NUMBER_CHARS)
          .maxNameLength(RuleParser.MAX_RULE_CHARS)
          .maxStringLength(RuleParser.MAX_RULE_CHARS).build())
      .build();
  private static final int MAX_DEPTH = 64;
  private static final Set<String> TEST_KEYS = Set.of("attribute", "op", "value", "values");

  /** A JSON value with where it started. */
  private record Node(JsonToken kind, Object scalar, Map<String, Node> members,
      Map<String, Node> keys, List<Node> items, int line, int column) {}

  private final AttributeCatalogue catalogue;
  private final ReferenceCheck references;
  private final SourceText source;

  private JsonRuleReader(String text, AttributeCatalogue catalogue, ReferenceCheck references) {
    this.catalogue = catalogue;
    this.references = references;
    this.source = new SourceText(text);
  }

  /**
   * Parses and type-checks the JSON form.
   *
   * @param json the document
   * @param catalogue the attributes it may name
   * @param references what it may refer to
   * @return the tree
   * @throws SegmentRuleException at the first problem, with its position
   */
  public static Condition parse(String json, AttributeCatalogue catalogue,
      ReferenceCheck references) {
    SourceText.checkLength(json);
    JsonRuleReader r = new JsonRuleReader(json, catalogue, references);
    Node root;
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw r.source.error(1, 1, "the rule is empty");
      }
      root = r.read(p, first);
      JsonToken extra = p.nextToken();
      if (extra != null) {
        JsonLocation at = p.currentTokenLocation();
        throw r.source.error(at.getLineNr(), at.getColumnNr(),
            "unexpected content after the rule's closing }");
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String message = String.valueOf(e.getOriginalMessage());
      int cut = message.indexOf('\n');
      throw r.source.error(at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
          "malformed JSON: " + Excerpt.of(cut > 0 ? message.substring(0, cut) : message, 200));
    } catch (IOException e) {
      throw new SegmentRuleException(0, 0, "unreadable JSON: " + e.getMessage(), null);
    }
    return r.condition(root, 0);
  }

  private Node read(JsonParser p, JsonToken t) throws IOException {
    JsonLocation at = p.currentTokenLocation();
    int line = at.getLineNr();
    int col = at.getColumnNr();
    switch (t) {
      case START_OBJECT: {
        Map<String, Node> members = new LinkedHashMap<>();
        Map<String, Node> keys = new LinkedHashMap<>();
        JsonToken n;
        while ((n = p.nextToken()) == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          JsonLocation keyAt = p.currentTokenLocation();
          Node key = new Node(JsonToken.FIELD_NAME, name, null, null, null,
              keyAt.getLineNr(), keyAt.getColumnNr());
          if (members.containsKey(name)) {
            throw source.error(key.line, key.column, "\"" + Excerpt.of(name) + "\" appears twice");
          }
          keys.put(name, key);
          members.put(name, read(p, p.nextToken()));
        }
        if (n != JsonToken.END_OBJECT) {
          throw source.error(line, col, "unclosed {");
        }
        return new Node(t, null, members, keys, null, line, col);
      }
      case START_ARRAY: {
        List<Node> items = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          if (n == null) {
            throw source.error(line, col, "unclosed [");
          }
          items.add(read(p, n));
        }
        return new Node(t, null, null, null, items, line, col);
      }
      case VALUE_STRING:
        return new Node(t, p.getText(), null, null, null, line, col);
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        try {
          return new Node(t, p.getDecimalValue(), null, null, null, line, col);
        } catch (NumberFormatException e) {
          // an exponent beyond int range: 1e9999999991
          throw source.error(line, col, "malformed number: the exponent is out of range");
        }
      case VALUE_TRUE:
      case VALUE_FALSE:
        return new Node(t, t == JsonToken.VALUE_TRUE, null, null, null, line, col);
      default:
        return new Node(t, null, null, null, null, line, col);
    }
  }

  private SegmentRuleException error(Node at, String reason) {
    return source.error(at.line, at.column, reason);
  }

  private Condition condition(Node n, int depth) {
    if (n.kind != JsonToken.START_OBJECT) {
      throw error(n, "expected a condition object such as {\"attribute\": \"vip_level\","
          + " \"op\": \">=\", \"value\": 3}, got " + describe(n));
    }
    if (depth > MAX_DEPTH) {
      throw error(n, "the rule is nested more than " + MAX_DEPTH + " levels deep");
    }
    Map<String, Node> m = n.members;
    if (m.containsKey("all") || m.containsKey("any")) {
      String key = m.containsKey("all") ? "all" : "any";
      onlyKeys(n, Set.of(key));
      Node list = m.get(key);
      if (list.kind != JsonToken.START_ARRAY || list.items.isEmpty()) {
        throw error(list, "\"" + key + "\" takes a non-empty array of conditions");
      }
      List<Condition> parts = new ArrayList<>();
      for (Node item : list.items) {
        parts.add(condition(item, depth + 1));
      }
      return key.equals("all") ? Condition.all(parts) : Condition.any(parts);
    }
    if (m.containsKey("not")) {
      onlyKeys(n, Set.of("not"));
      return Condition.not(condition(m.get("not"), depth + 1));
    }
    if (m.containsKey("segment")) {
      onlyKeys(n, Set.of("segment"));
      Node id = m.get("segment");
      if (id.kind != JsonToken.VALUE_STRING || !SegmentIds.isValid((String) id.scalar)) {
        throw error(id, "\"segment\" takes a segment id: 1 to 128 letters, digits, _ . : -"
            + " starting with a letter or digit");
      }
      String problem = references.problem((String) id.scalar);
      if (problem != null) {
        throw error(id, problem);
      }
      return Condition.inSegment((String) id.scalar);
    }
    if (m.containsKey("attribute")) {
      onlyKeys(n, TEST_KEYS);
      return test(n);
    }
    throw error(n, "a condition object has \"all\", \"any\", \"not\", \"segment\" or"
        + " \"attribute\"" + (m.isEmpty() ? ""
            : "; got " + Excerpt.of(String.join(", ", m.keySet()), 80)));
  }

  private void onlyKeys(Node n, Set<String> allowed) {
    for (Map.Entry<String, Node> e : n.keys.entrySet()) {
      if (!allowed.contains(e.getKey())) {
        throw error(e.getValue(), "unexpected \"" + Excerpt.of(e.getKey())
            + "\" here; this object takes "
            + String.join(", ", allowed.stream().sorted().map(k -> "\"" + k + "\"").toList()));
      }
    }
  }

  private Condition test(Node n) {
    Node nameNode = n.members.get("attribute");
    if (nameNode.kind != JsonToken.VALUE_STRING) {
      throw error(nameNode, "\"attribute\" takes an attribute name");
    }
    String name = (String) nameNode.scalar;
    if (name.length() > RuleParser.MAX_NAME_CHARS) {
      throw error(nameNode, "an attribute name has at most " + RuleParser.MAX_NAME_CHARS
          + " characters, got " + name.length() + ": '" + Excerpt.of(name) + "'");
    }
    Attribute a = catalogue.find(name).orElseThrow(() -> {
      List<String> suggestions = catalogue.suggestionsFor(name);
      return error(nameNode, "unknown attribute '" + name + "'" + (suggestions.isEmpty() ? ""
          : " (did you mean " + String.join(" or ", suggestions.stream()
              .map(x -> "'" + x + "'").toList()) + "?)"));
    });
    Node opNode = n.members.get("op");
    if (opNode == null) {
      throw error(n, "missing \"op\" for " + name + "; e.g. \"op\": \"=\"");
    }
    if (opNode.kind != JsonToken.VALUE_STRING) {
      throw error(opNode, "\"op\" takes an operator such as \"=\" or \"in\"");
    }
    String opText = (String) opNode.scalar;
    Operator op = Operator.fromJson(opText).orElseThrow(() -> error(opNode,
        "unknown operator \"" + Excerpt.of(opText) + "\"; use = != < <= > >= before after between in"
            + " \"not in\" contains \"starts with\" within exists missing"));
    boolean timeWords = opText.strip().equalsIgnoreCase("before")
        || opText.strip().equalsIgnoreCase("after");
    String problem = TypeRules.operatorProblem(a, op, timeWords);
    if (problem != null) {
      throw error(opNode, problem);
    }
    Node value = n.members.get("value");
    Node values = n.members.get("values");
    List<Value> operands = new ArrayList<>();
    if (op.arity() == 0) {
      if (value != null || values != null) {
        throw error(value != null ? value : values, op.json() + " takes no value");
      }
    } else if (op.arity() == 1) {
      if (values != null) {
        throw error(values, op.json() + " takes one \"value\", not \"values\"");
      }
      if (value == null) {
        throw error(n, "missing \"value\" for " + name + " " + op.json());
      }
      operands.add(literal(a, op, value));
    } else {
      if (value != null) {
        throw error(value, op.json() + " takes \"values\", an array");
      }
      if (values == null || values.kind != JsonToken.START_ARRAY) {
        throw error(values == null ? n : values, op.json() + " takes \"values\", an array"
            + (op == Operator.BETWEEN ? " of two bounds" : ""));
      }
      int expected = op.arity();
      if (expected > 0 && values.items.size() != expected) {
        throw error(values, op.json() + " takes " + expected + " values, got "
            + values.items.size());
      }
      if (values.items.isEmpty() || values.items.size() > Condition.MAX_LIST_SIZE) {
        throw error(values, op.json() + " takes 1 to " + Condition.MAX_LIST_SIZE + " values");
      }
      for (Node item : values.items) {
        operands.add(literal(a, op, item));
      }
    }
    String shape = TypeRules.checkShape(op, operands);
    if (shape != null) {
      throw error(opNode, op.json() + ": " + shape);
    }
    return new Condition.AttributeTest(a.name(), op, operands);
  }

  private Value literal(Attribute a, Operator op, Node n) {
    RawLiteral raw;
    switch (n.kind) {
      case VALUE_STRING:
        raw = new RawLiteral(RawLiteral.Kind.STRING, (String) n.scalar, null, false, null,
            n.line, n.column);
        break;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        raw = new RawLiteral(RawLiteral.Kind.NUMBER, null, (java.math.BigDecimal) n.scalar,
            false, null, n.line, n.column);
        break;
      case VALUE_TRUE:
      case VALUE_FALSE:
        raw = new RawLiteral(RawLiteral.Kind.BOOLEAN, null, null, (Boolean) n.scalar, null,
            n.line, n.column);
        break;
      default:
        raw = new RawLiteral(RawLiteral.Kind.OTHER, describe(n), null, false, null, n.line,
            n.column);
    }
    try {
      return TypeRules.coerce(a, op, raw);
    } catch (RuleProblem e) {
      throw error(n, e.getMessage());
    }
  }

  private static String describe(Node n) {
    switch (n.kind) {
      case START_OBJECT:
        return "an object";
      case START_ARRAY:
        return "an array";
      case VALUE_NULL:
        return "null";
      case VALUE_STRING:
        return "a string";
      default:
        return String.valueOf(n.scalar);
    }
  }
}
