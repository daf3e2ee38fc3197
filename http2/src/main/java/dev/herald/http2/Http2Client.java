package dev.herald.http2;

import dev.herald.http2.internal.Pool;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import javax.net.ssl.KeyManager;

/**
 * An HTTP/2 client for one host, on Netty's event loop: a few threads serve any number of
 * streams. Requests multiplex over a small pool of TLS connections (ALPN {@code h2}, the JDK's
 * TLS, verification always on) that respects each server's {@code SETTINGS_MAX_CONCURRENT_STREAMS};
 * requests beyond the free streams wait in a bounded queue, so back-pressure comes from stream
 * credits, not threads. Idle connections are pinged; a connection that receives GOAWAY finishes
 * its streams and is replaced, and requests the server never processed (above the GOAWAY's last
 * stream id, or refused with {@code REFUSED_STREAM}) are sent again on another connection.
 *
 * <p>BoringSSL encrypts the TLS records instead of the JDK when the host puts
 * {@code io.netty:netty-tcnative-boringssl-static} (classifier {@code linux-x86_64}, or its
 * platform's) on the class path; it is optional, and the same trust manager checks certificates
 * and the host name either way. Netty's {@code -Dio.netty.handler.ssl.noOpenSsl=true} keeps the
 * JDK's TLS.
 *
 * <p>Every request has a deadline ({@link Builder#requestTimeout(Duration)}), so every future
 * completes: with the answer, whatever its status (redirects are never followed); with an
 * {@link Http2TimeoutException}; with an {@link Http2TransportException} saying whether the server
 * may have processed the request; or with an {@link IllegalStateException} after
 * {@link #close()}. Futures complete on an event-loop thread: callbacks must not block.
 *
 * <p>Thread-safe; one per host, closed once.
 */
public final class Http2Client implements AutoCloseable {
  private final Pool pool;

  private Http2Client(Pool pool) {
    this.pool = pool;
  }

  /**
   * Starts configuring a client.
   *
   * @param name what the host is, for messages and thread names, such as {@code "APNs"}
   * @param baseUrl {@code https://host[:port]}
   * @return a builder
   */
  public static Builder builder(String name, URI baseUrl) {
    return new Builder(name, baseUrl);
  }

  /**
   * Sends a request.
   *
   * @param request the request
   * @return the answer, or a failure as described on this class; cancelling it takes a waiting
   *     request out of the queue and resets the stream of one in flight
   */
  public CompletableFuture<Http2Response> send(Http2Request request) {
    Objects.requireNonNull(request, "request");
    return pool.send(request);
  }

  /**
   * Retires a connection: it takes no new streams, finishes those it carries and closes (used
   * when a server says a connection's credentials are spent).
   *
   * @param connectionId {@link Http2Response#connectionId()}
   */
  public void retire(long connectionId) {
    pool.retire(connectionId);
  }

  /** @return connections open now */
  public int connectionsOpen() {
    return pool.connectionsOpen();
  }

  /** @return requests written and awaiting their answer */
  public int requestsInFlight() {
    return pool.requestsInFlight();
  }

  /** @return requests waiting for a free stream */
  public int requestsQueued() {
    return pool.requestsQueued();
  }

  /**
   * Fails the requests waiting and in flight, closes the connections (GOAWAY first) and stops
   * the client's threads. Idempotent.
   */
  @Override
  public void close() {
    pool.close();
  }

  /** Resolves host names; tests and hosts with their own DNS pass one. */
  @FunctionalInterface
  public interface Resolver {
    /**
     * Looks a host up.
     *
     * @param host the host name
     * @return its addresses, at least one
     * @throws UnknownHostException when it has none
     */
    InetAddress[] resolve(String host) throws UnknownHostException;
  }

  /** Configures an {@link Http2Client}. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final String host;
    private final int port;
    private final List<X509Certificate> trusted = new ArrayList<>();
    private KeyManager[] keyManagers;
    private int maxConnections = 1;
    private int maxConcurrentStreams = 1000;
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxQueued = 100_000;
    private Duration pingInterval = Duration.ofSeconds(60);
    private int eventLoopThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private int maxResponseBytes = 64 * 1024;
    private String connectionHeader;
    private LongFunction<String> connectionHeaderValue;
    private LongConsumer onConnectionClosed = id -> {};
    private Resolver resolver = InetAddress::getAllByName;
    private boolean probeNewConnections;
    private List<String> unindexedHeaders = List.of();

    private Builder(String name, URI baseUrl) {
      this.name = Objects.requireNonNull(name, "name");
      Objects.requireNonNull(baseUrl, "baseUrl");
      if (!"https".equalsIgnoreCase(baseUrl.getScheme()) || baseUrl.getHost() == null) {
        throw new IllegalArgumentException("baseUrl must be https://host[:port], got " + baseUrl);
      }
      this.host = baseUrl.getHost().startsWith("[")
          ? baseUrl.getHost().substring(1, baseUrl.getHost().length() - 1) : baseUrl.getHost();
      this.port = baseUrl.getPort() < 0 ? 443 : baseUrl.getPort();
    }

    /**
     * Trusts certificates beyond the platform's roots, such as a local mock's.
     *
     * @param certificates the certificates
     * @return this builder
     */
    public Builder trust(List<X509Certificate> certificates) {
      trusted.addAll(certificates);
      return this;
    }

    /**
     * Presents a client certificate in the TLS handshake.
     *
     * @param value the certificate's key managers, or null for none
     * @return this builder
     */
    public Builder keyManagers(KeyManager[] value) {
      this.keyManagers = value == null ? null : value.clone();
      return this;
    }

    /**
     * The most connections to the host; another opens when requests wait for a stream or every
     * connection carries 100 streams. 1 by default.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxConnections(int value) {
      this.maxConnections = positive(value, "maxConnections");
      return this;
    }

    /**
     * The most streams per connection; the server's advertised limit applies too, whichever is
     * lower. 1000 by default.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxConcurrentStreams(int value) {
      this.maxConcurrentStreams = positive(value, "maxConcurrentStreams");
      return this;
    }

    /**
     * The deadline of each request, from {@link Http2Client#send} to its answer, waiting for a
     * stream included. 30 seconds by default.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("requestTimeout must be positive, got " + value);
      }
      this.requestTimeout = value;
      return this;
    }

    /**
     * The most requests waiting for a stream; beyond it a send fails at once with
     * {@link Http2TransportException.Kind#QUEUE_FULL}. 100,000 by default.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxQueued(int value) {
      this.maxQueued = positive(value, "maxQueued");
      return this;
    }

    /**
     * How long a connection may go without hearing from the server before it is pinged; one that
     * does not answer the ping within the same time is closed. 60 seconds by default. (Only
     * what arrives counts: a connection that sends and hears nothing back is as dead as an idle
     * one, and watching reads alone costs nothing per request written.)
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder pingInterval(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("pingInterval must be positive, got " + value);
      }
      this.pingInterval = value;
      return this;
    }

    /**
     * The event-loop threads; each connection lives on one. {@code min(2, cores)} by default.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder eventLoopThreads(int value) {
      this.eventLoopThreads = positive(value, "eventLoopThreads");
      return this;
    }

    /**
     * The most body bytes kept from an answer; the rest is read and dropped. 64 KiB by default.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxResponseBytes(int value) {
      this.maxResponseBytes = positive(value, "maxResponseBytes");
      return this;
    }

    /**
     * A header whose value depends on the connection the request goes out on, such as APNs'
     * per-connection provider token. The function runs on the connection's event loop before
     * each request is written.
     *
     * @param headerName the lower-case header name
     * @param valueForConnection the value for a connection id
     * @return this builder
     */
    public Builder connectionHeader(String headerName, LongFunction<String> valueForConnection) {
      this.connectionHeader = Objects.requireNonNull(headerName, "headerName");
      this.connectionHeaderValue = Objects.requireNonNull(valueForConnection, "valueForConnection");
      return this;
    }

    /**
     * Told the id of each connection that closed, to forget what was kept for it.
     *
     * @param value the listener
     * @return this builder
     */
    public Builder onConnectionClosed(LongConsumer value) {
      this.onConnectionClosed = Objects.requireNonNull(value, "onConnectionClosed");
      return this;
    }

    /**
     * Whether a new connection carries a single request until its first answer arrives, and only
     * then up to its stream limit. APNs wants this: a connection's provider token is checked with
     * its first request, and a server that advertises its stream limit with its first answer
     * is not flooded before. Off by default.
     *
     * @param value true to probe
     * @return this builder
     */
    public Builder probeNewConnections(boolean value) {
      this.probeNewConnections = value;
      return this;
    }

    /**
     * Headers whose values differ on (almost) every request, such as {@code :path} when it names
     * a device, or a per-request id. They are sent as literals that never enter the HPACK
     * dynamic table (RFC 7541 §6.2.3): added to it, each would push out the headers that do
     * repeat (an authorization token, a topic), which would then go out in full again. None by
     * default.
     *
     * @param lowerCaseNames header names, pseudo-headers such as {@code :path} included
     * @return this builder
     */
    public Builder unindexedHeaders(String... lowerCaseNames) {
      List<String> names = List.of(lowerCaseNames);
      for (String n : names) {
        if (n.isEmpty() || !n.equals(n.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException("unindexedHeaders: header names are lower case and"
              + " not empty, got '" + n + "'");
        }
      }
      this.unindexedHeaders = names;
      return this;
    }

    /**
     * Resolves the host; the JDK's resolver by default.
     *
     * @param value the resolver
     * @return this builder
     */
    public Builder resolver(Resolver value) {
      this.resolver = Objects.requireNonNull(value, "resolver");
      return this;
    }

    /**
     * Builds the client and starts its threads; connections open on the first request.
     *
     * @return the client
     */
    public Http2Client build() {
      Duration connectTimeout =
          requestTimeout.compareTo(Duration.ofSeconds(10)) < 0 ? requestTimeout
              : Duration.ofSeconds(10);
      return new Http2Client(new Pool(new Pool.Config(name, host, port, List.copyOf(trusted),
          keyManagers, maxConnections, maxConcurrentStreams, requestTimeout, connectTimeout,
          maxQueued, pingInterval, eventLoopThreads, maxResponseBytes, connectionHeader,
          connectionHeaderValue, onConnectionClosed, resolver, probeNewConnections,
          unindexedHeaders)));
    }

    private static int positive(int value, String field) {
      if (value < 1) {
        throw new IllegalArgumentException(field + " must be at least 1, got " + value);
      }
      return value;
    }
  }
}
