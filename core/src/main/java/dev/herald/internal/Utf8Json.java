package dev.herald.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

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
}
