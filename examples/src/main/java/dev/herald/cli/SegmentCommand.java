package dev.herald.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.internal.Excerpt;
import dev.herald.internal.Numbers;
import dev.herald.segmentation.Attribute;
import dev.herald.segmentation.AttributeCatalogue;
import dev.herald.segmentation.AttributeType;
import dev.herald.segmentation.CompiledSegment;
import dev.herald.segmentation.Condition;
import dev.herald.segmentation.PlayerAttributes;
import dev.herald.segmentation.PlayerIndex;
import dev.herald.segmentation.RuleParser;
import dev.herald.segmentation.SegmentRegistry;
import dev.herald.segmentation.SegmentRuleException;
import dev.herald.segmentation.SegmentStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald segment}: evaluates a segment rule against a JSONL export of player profiles and
 * prints the matching ids (ascending), the count, or the parsed tree.
 */
@Command(
    name = "segment",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate a segment rule (text or JSON) against players in a JSONL file (one JSON object a"
          + " line) and print the matching player ids in ascending order.",
      "",
      "A player line holds \"id\" and attributes, flat or nested: {\"id\": \"p1\", \"vip_level\": 3,"
          + " \"country\": \"DE\", \"push\": {\"enabled\": true}, \"last_deposit_at\":"
          + " \"2026-03-01T18:00:00Z\", \"tags\": [\"slots\"]}. Timestamps are ISO-8601 strings.",
      "",
      "Exit codes: 0 done; 2 bad rules (the error shows line and column), bad players file or"
          + " bad usage."
    },
    sortOptions = false)
final class SegmentCommand implements Callable<Integer> {
  /** Floats as exact decimals: 1e999999999 must not become a double's Infinity unnoticed. */
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--rules", required = true, paramLabel = "FILE",
      description = "The rule, in the text form or the JSON form (detected by a leading '{').")
  Path rules;

  @Option(names = "--players", paramLabel = "FILE.jsonl",
      description = "Player profiles, one JSON object a line. Required unless --explain.")
  Path players;

  @Option(names = "--count", description = "Print only the number of matching players.")
  boolean count;

  @Option(names = "--explain",
      description = "Print the parsed tree (with how many players each node selects when"
          + " --players is given) instead of the ids.")
  boolean explain;

  @Option(names = "--now", paramLabel = "INSTANT",
      description = "The time 'now' stands for, e.g. 2026-03-15T12:00:00Z (default: the clock).")
  Instant now;

  @Option(names = "--define", paramLabel = "ID=FILE",
      description = "Save a segment the rule may refer to with segment \"ID\"; repeatable, in"
          + " dependency order.")
  List<String> defines = new ArrayList<>();

  @Option(names = "--catalogue", paramLabel = "FILE",
      description = "A JSON object of host attribute names to types (string, number, boolean,"
          + " timestamp, set) replacing the casino defaults; Herald's push.* attributes stay.")
  Path catalogueFile;

  @Option(names = "--postgres",
      description = "Load the players into an embedded PostgreSQL and evaluate the rule there,"
          + " as SQL; prints what the in-memory evaluation prints.")
  boolean postgres;

  @Option(names = "--sql",
      description = "Print the SQL the rule compiles to (table, WHERE clause, count and page"
          + " queries) with its parameters, instead of evaluating it.")
  boolean sql;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (players == null && !explain && !sql) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "--players is required unless --explain or --sql is given");
    }
    Instant at = now != null ? now : Instant.now();
    try {
      AttributeCatalogue catalogue = catalogueFile == null
          ? AttributeCatalogue.casino() : readCatalogue(catalogueFile);
      SegmentRegistry registry = new SegmentRegistry(SegmentStore.inMemory(), catalogue,
          Clock.fixed(at, ZoneOffset.UTC));
      for (String define : defines) {
        int eq = define.indexOf('=');
        if (eq <= 0) {
          throw new CommandLine.ParameterException(spec.commandLine(),
              "--define takes ID=FILE, got " + Excerpt.of(define));
        }
        Path file = Path.of(define.substring(eq + 1));
        String text = read(file);
        try {
          registry.define(define.substring(0, eq), text);
        } catch (SegmentRuleException e) {
          return badRules(err, file, e);
        }
      }
      String text = read(rules);
      Condition rule;
      CompiledSegment segment;
      try {
        rule = RuleParser.of(catalogue)
            .withKnownSegments(id -> registry.find(id).isPresent())
            .parse(text);
        segment = CompiledSegment.compile(rule, catalogue, registry::condition);
      } catch (SegmentRuleException e) {
        return badRules(err, rules, e);
      }
      if (sql) {
        try {
          PostgresSegment.printSql(out, segment, catalogue, at);
        } catch (SegmentRuleException e) {
          return badRules(err, rules, e);
        }
        out.flush();
        return HeraldCommand.OK;
      }
      TreeMap<String, Map<String, Object>> values =
          players == null ? null : readPlayerValues(players, catalogue);
      PlayerIndex index = values == null ? null : index(values, catalogue, at);
      if (index != null && !index.ignoredValues().isEmpty()) {
        StringBuilder list = new StringBuilder();
        index.ignoredValues().forEach((name, n) ->
            list.append(list.length() == 0 ? "" : ", ").append(name).append(" (").append(n)
                .append(')'));
        err.println("herald: warning: values of the wrong type were treated as missing: " + list);
      }
      if (postgres && !explain) {
        try {
          PostgresSegment.evaluate(out, segment, catalogue, values, at, count);
        } catch (SegmentRuleException e) {
          return badRules(err, rules, e);
        }
      } else if (explain) {
        explain(out, rule, segment, index, catalogue, registry, at);
      } else if (count) {
        out.println(segment.count(index, at));
      } else {
        try (Stream<String> ids = segment.members(index, at)) {
          ids.forEach(out::println);
        }
      }
      out.flush();
      return HeraldCommand.OK;
    } catch (BadInput e) {
      err.println("herald: " + e.getMessage());
      return HeraldCommand.USAGE;
    }
  }

  private static int badRules(PrintWriter err, Path file, SegmentRuleException e) {
    err.println("herald: bad rules in " + file + ", " + e.getMessage());
    String excerpt = e.excerpt();
    if (!excerpt.isEmpty()) {
      for (String line : excerpt.split("\n", -1)) {
        err.println("  " + line);
      }
    }
    return HeraldCommand.USAGE;
  }

  private void explain(PrintWriter out, Condition rule, CompiledSegment segment,
      PlayerIndex index, AttributeCatalogue catalogue, SegmentRegistry registry, Instant at) {
    out.println("text: " + rule.toText());
    out.println("json: " + rule.toJson());
    if (!rule.equals(segment.expanded())) {
      out.println("expanded: " + segment.expanded().toText());
    }
    if (index == null) {
      out.println("tree:");
      out.print(indent(rule.explain()));
      return;
    }
    out.println("tree (players for whom each node is TRUE, of " + index.size() + ", at " + at
        + "):");
    Map<Condition, Long> counts = new HashMap<>();
    String drawing = rule.explain(node ->
        "[" + counts.computeIfAbsent(node, n ->
            CompiledSegment.compile(n, catalogue, registry::condition).count(index, at)) + "]");
    out.print(indent(drawing));
  }

  private static String indent(String drawing) {
    StringBuilder b = new StringBuilder();
    for (String line : drawing.split("\n")) {
      b.append("  ").append(line).append('\n');
    }
    return b.toString();
  }

  private static String read(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (IOException e) {
      throw new BadInput("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static AttributeCatalogue readCatalogue(Path file) {
    JsonNode root;
    try {
      root = JSON.readTree(read(file));
    } catch (IOException e) {
      throw new BadInput(file + ": malformed JSON: " + Excerpt.of(e.getMessage(), 200));
    }
    if (!(root instanceof ObjectNode object)) {
      throw new BadInput(file + ": expected a JSON object of attribute names to types");
    }
    AttributeCatalogue.Builder b = AttributeCatalogue.builder();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String type = f.getValue().asText().toLowerCase(Locale.ROOT);
      AttributeType t = switch (type) {
        case "string" -> AttributeType.STRING;
        case "number" -> AttributeType.NUMBER;
        case "boolean" -> AttributeType.BOOLEAN;
        case "timestamp" -> AttributeType.TIMESTAMP;
        case "set", "set of strings", "string_set" -> AttributeType.STRING_SET;
        default -> throw new BadInput(file + ": " + Excerpt.of(f.getKey()) + ": unknown type '"
            + Excerpt.of(type)
            + "'; use string, number, boolean, timestamp or set");
      };
      try {
        b.attribute(f.getKey(), t);
      } catch (IllegalArgumentException e) {
        throw new BadInput(file + ": " + e.getMessage());
      }
    }
    return b.build();
  }

  /** Indexes the players read by {@link #readPlayerValues}. */
  private static PlayerIndex index(Map<String, Map<String, Object>> byId,
      AttributeCatalogue catalogue, Instant at) {
    PlayerIndex.Builder builder = PlayerIndex.builder(catalogue);
    byId.forEach((id, values) -> builder.add(id, PlayerAttributes.of(values)));
    return builder.build(at);
  }

  /** Reads the JSONL file, converts values by the catalogue's types, sorts by id. */
  private static TreeMap<String, Map<String, Object>> readPlayerValues(Path file,
      AttributeCatalogue catalogue) {
    TreeMap<String, Map<String, Object>> byId = new TreeMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (number == 1 && line.startsWith("\uFEFF")) {
          line = line.substring(1);
        }
        if (line.isBlank()) {
          continue;
        }
        String where = file + " line " + number;
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new BadInput(where + ": malformed JSON: "
              + Excerpt.of(String.valueOf(e.getOriginalMessage()), 200));
        }
        if (!(node instanceof ObjectNode object)) {
          throw new BadInput(where + ": expected a JSON object");
        }
        String id = null;
        for (String key : List.of("id", "player_id", "playerId")) {
          if (object.hasNonNull(key)) {
            if (!object.get(key).isTextual() || object.get(key).asText().isBlank()) {
              throw new BadInput(where + ": \"" + key + "\" must be a non-blank string");
            }
            id = object.get(key).asText();
            object.remove(key);
            break;
          }
        }
        if (id == null) {
          throw new BadInput(where + ": no \"id\"");
        }
        Map<String, Object> values = new HashMap<>();
        flatten("", object, values, catalogue, where);
        if (byId.put(id, values) != null) {
          throw new BadInput(where + ": player id '" + Excerpt.of(id) + "' appears twice");
        }
      }
    } catch (IOException e) {
      throw new BadInput("cannot read " + file + ": " + e.getMessage());
    }
    return byId;
  }

  private static void flatten(String prefix, ObjectNode object, Map<String, Object> values,
      AttributeCatalogue catalogue, String where) {
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String name = prefix + f.getKey();
      JsonNode v = f.getValue();
      if (v instanceof ObjectNode nested) {
        flatten(name + ".", nested, values, catalogue, where);
        continue;
      }
      Attribute attribute = catalogue.find(name).orElse(null);
      if (attribute == null || v.isNull()) {
        continue; // not in the catalogue: rules cannot name it
      }
      values.put(attribute.name(), convert(attribute, v, where));
    }
  }

  /** JSON has no timestamps or sets: convert those; anything else goes in as JSON gave it. */
  private static Object convert(Attribute a, JsonNode v, String where) {
    switch (a.type()) {
      case TIMESTAMP:
        if (!v.isTextual()) {
          throw new BadInput(where + ": " + a.name() + " must be an ISO-8601 time string such as"
              + " \"2026-03-01T18:00:00Z\"");
        }
        return instant(v.asText(), a.name(), where);
      case STRING_SET: {
        if (!v.isArray()) {
          return v.toString();
        }
        TreeSet<String> set = new TreeSet<>();
        for (JsonNode e : v) {
          if (!e.isTextual()) {
            throw new BadInput(where + ": " + a.name() + " must be an array of strings");
          }
          set.add(e.asText());
        }
        return set;
      }
      case NUMBER: {
        if (!v.isNumber()) {
          return v.toString();
        }
        String problem = Numbers.problem(v.decimalValue());
        if (problem != null) {
          throw new BadInput(where + ": " + a.name() + ": " + problem);
        }
        return v.decimalValue();
      }
      case BOOLEAN:
        return v.isBoolean() ? (Object) v.booleanValue() : v.toString();
      default:
        return v.isTextual() ? v.asText() : v.toString();
    }
  }

  private static Instant instant(String text, String name, String where) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException ignored) {
      // try the other forms
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException ignored) {
      // try a date
    }
    try {
      return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
    } catch (DateTimeParseException e) {
      throw new BadInput(where + ": " + name + ": \"" + Excerpt.of(text)
          + "\" is not an ISO-8601 time");
    }
  }

  /** Bad input outside the rules: a file that cannot be read or parsed. */
  private static final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadInput(String message) {
      super(message, null, false, false);
    }
  }
}
