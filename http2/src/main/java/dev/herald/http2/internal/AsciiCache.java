package dev.herald.http2.internal;

import io.netty.util.AsciiString;
import java.util.HashMap;

/**
 * The encoded forms of strings that repeat from request to request (header names, a topic, a
 * priority), kept by one connection's event loop. HPACK finds a repeated header in its table by
 * hash and comparison: an {@link AsciiString} kept here has its hash cached and matches its own
 * table entry by identity, where a new String is hashed and compared character by character on
 * every request. Bounded: it starts over when full, so values that do not repeat cost only the
 * conversion.
 */
final class AsciiCache {
  private static final int MAX_ENTRIES = 256;
  private final HashMap<String, AsciiString> byString = new HashMap<>();

  AsciiString of(String s) {
    AsciiString a = byString.get(s);
    if (a == null) {
      if (byString.size() >= MAX_ENTRIES) {
        byString.clear();
      }
      a = new AsciiString(s);
      byString.put(s, a);
    }
    return a;
  }
}
