package dev.herald.apns.internal;

import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import okhttp3.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only place that reaches into OkHttp's internals, for two things its public API does not
 * offer and an APNs client needs:
 *
 * <ul>
 *   <li>the stream limit the server advertised ({@code SETTINGS_MAX_CONCURRENT_STREAMS}), which
 *       OkHttp keeps as a connection's allocation limit. When more calls want a connection than
 *       that limit, OkHttp silently opens another connection; Herald bounds its in-flight
 *       requests per connection to the limit so that never happens;
 *   <li>retiring one connection (no new streams, in-flight ones finish) after APNs says its
 *       provider token expired or changed too often, as Apple's guidance implies.
 * </ul>
 *
 * <p>Both are looked up reflectively once. If a future OkHttp renames them, Herald logs one
 * warning and falls back to its configured stream cap and to letting the connection age out.
 */
final class OkHttpInternals {
  private static final Logger LOG = LoggerFactory.getLogger(OkHttpInternals.class);
  private static final String REAL_CONNECTION = "okhttp3.internal.connection.RealConnection";

  private static final Class<?> REAL_CONNECTION_CLASS;
  private static final MethodHandle ALLOCATION_LIMIT;
  private static final MethodHandle NO_NEW_EXCHANGES;

  static {
    Class<?> type = null;
    MethodHandle limit = null;
    MethodHandle retire = null;
    try {
      type = Class.forName(REAL_CONNECTION, false, Connection.class.getClassLoader());
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      limit = lookup.findVirtual(type, "getAllocationLimit$okhttp", MethodType.methodType(int.class));
      retire = lookup.findVirtual(type, "noNewExchanges", MethodType.methodType(void.class));
    } catch (ReflectiveOperationException | LinkageError e) {
      LOG.warn("This OkHttp version hides the HTTP/2 stream limit from Herald; APNs connections"
          + " will use the configured maxConcurrentStreams ({})", e.toString());
    }
    REAL_CONNECTION_CLASS = type;
    ALLOCATION_LIMIT = limit;
    NO_NEW_EXCHANGES = retire;
  }

  private OkHttpInternals() {}

  /**
   * The number of concurrent streams the peer allows on this connection.
   *
   * @param connection an HTTP/2 connection from a network interceptor
   * @return the limit, or -1 when it cannot be read
   */
  static int streamLimit(Connection connection) {
    if (ALLOCATION_LIMIT == null || !REAL_CONNECTION_CLASS.isInstance(connection)) {
      return -1;
    }
    try {
      return (int) ALLOCATION_LIMIT.invoke(connection);
    } catch (Throwable t) {
      return -1;
    }
  }

  /**
   * Stops new streams on a connection; streams in flight complete and OkHttp closes it when idle.
   *
   * @param connection the connection
   * @return whether it was retired
   */
  static boolean retire(Connection connection) {
    if (NO_NEW_EXCHANGES == null || !REAL_CONNECTION_CLASS.isInstance(connection)) {
      return false;
    }
    try {
      NO_NEW_EXCHANGES.invoke(connection);
      return true;
    } catch (Throwable t) {
      return false;
    }
  }

  /**
   * Whether a failed attempt certainly never reached the server's application, so sending it
   * again cannot deliver the notification twice: the stream was refused (the server's GOAWAY
   * named a lower last stream, or it answered REFUSED_STREAM) or the connection was already shut
   * down before the stream opened.
   *
   * @param e the failure
   * @return true when resending is safe
   */
  static boolean neverProcessed(IOException e) {
    String type = e.getClass().getName();
    if (type.equals("okhttp3.internal.http2.ConnectionShutdownException")) {
      return true;
    }
    return type.equals("okhttp3.internal.http2.StreamResetException")
        && e.getMessage() != null
        && e.getMessage().endsWith("REFUSED_STREAM");
  }
}
