package dev.herald.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.InvalidInputException;
import java.util.Map;

/**
 * Jackson set up for push payloads: non-ASCII text written as UTF-8, never as {@code \}{@code u}
 * escapes. The push services count payload limits in UTF-8 bytes, and since Jackson 2.18 a
 * character outside the Basic Multilingual Plane (every emoji) is written as two escaped UTF-16
 * halves, 12 bytes instead of 4, unless {@link JsonWriteFeature#COMBINE_UNICODE_SURROGATES_IN_UTF8}
 * is on: a body of 600 emoji would take 7,200 bytes and be refused as too large.
 *
 * <p>Internal: not part of Herald's public API; provider modules use it.
 */
public final class Utf8Json {
  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
      .disable(StreamWriteFeature.AUTO_CLOSE_CONTENT)
      .build();
  private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

  private Utf8Json() {}

  /**
   * A thread-safe factory whose byte generators write UTF-8 and leave the stream open (the
   * caller owns it).
   *
   * @return the shared factory
   */
  public static JsonFactory factory() {
    return FACTORY;
  }

  /**
   * A thread-safe mapper on {@link #factory()}, for trees written with
   * {@link ObjectMapper#writeValueAsBytes}.
   *
   * @return the shared mapper
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Converts a plain JSON-like value to a tree: a string, number, boolean, list, map with string
   * keys, or Jackson node. Arbitrary objects are refused, not introspected.
   *
   * @param value the value; null becomes JSON null
   * @param field the field to name in an error
   * @return a new tree
   * @throws InvalidInputException naming the field when a value is not JSON-like or a number is
   *     not finite
   */
  public static JsonNode toNode(Object value, String field) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    if (value == null) {
      return nodes.nullNode();
    } else if (value instanceof JsonNode node) {
      return node.deepCopy();
    } else if (value instanceof CharSequence text) {
      return nodes.textNode(text.toString());
    } else if (value instanceof Boolean b) {
      return nodes.booleanNode(b);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      return nodes.numberNode(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new InvalidInputException(field, "must be a finite number, got " + d);
      }
      return nodes.numberNode(d);
    } else if (value instanceof java.math.BigDecimal d) {
      return nodes.numberNode(d);
    } else if (value instanceof java.math.BigInteger i) {
      return nodes.numberNode(i);
    } else if (value instanceof Map<?, ?> map) {
      ObjectNode object = nodes.objectNode();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String k)) {
          throw new InvalidInputException(field, "map keys must be strings");
        }
        object.set(k, toNode(e.getValue(), field + "." + k));
      }
      return object;
    } else if (value instanceof Iterable<?> items) {
      ArrayNode array = nodes.arrayNode();
      for (Object item : items) {
        array.add(toNode(item, field + "[]"));
      }
      return array;
    }
    throw new InvalidInputException(
        field, "must be a string, number, boolean, list, map or JSON node; got "
            + value.getClass().getName());
  }

  /**
   * Encodes a tree as compact UTF-8 JSON, the way the providers write payloads.
   *
   * @param node the tree
   * @return the bytes
   */
  public static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encoding a JSON tree cannot fail", e);
    }
  }
}
