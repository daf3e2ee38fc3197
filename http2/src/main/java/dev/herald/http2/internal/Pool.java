package dev.herald.http2.internal;

import dev.herald.http2.Http2Client;
import dev.herald.http2.Http2Request;
import dev.herald.http2.Http2Response;
import dev.herald.http2.Http2TimeoutException;
import dev.herald.http2.Http2TransportException;
import dev.herald.http2.Http2TransportException.Kind;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.AsciiString;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections to one host and the requests waiting for a stream.
 *
 * <p>A request starts only when a ready connection has a free stream (below the server's
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} and the configured cap), on the least busy one; the
 * rest wait in a bounded queue, in order, retried ones first. Another connection opens, up to
 * {@code maxConnections}, when requests wait or every ready connection carries
 * {@value #STREAMS_BEFORE_SPREADING} or more streams, so a light load uses one connection and a
 * heavy one spreads over several event-loop threads. A connection that receives GOAWAY or is
 * retired takes no new streams, finishes those it has and closes; a replacement opens when
 * needed. Every request has a deadline on a timer wheel, so its future completes whatever the
 * server does. The lock guards the counts and the queue only; I/O happens on each connection's
 * event loop, outside it.
 */
public final class Pool {
  private static final Logger LOG = LoggerFactory.getLogger(Pool.class);
  /** Streams on each connection before another connection is put to use. */
  static final int STREAMS_BEFORE_SPREADING = 100;
  /** Attempts of a request the server keeps refusing unprocessed before it fails. */
  static final int MAX_ATTEMPTS = 4;

  /**
   * The pool's settings, validated by {@code Http2Client.Builder}.
   *
   * @param name what the host is, for messages and thread names (for example {@code "APNs"})
   * @param host the host name
   * @param port the port
   * @param trusted certificates trusted beyond the platform's roots
   * @param keyManagers a client certificate's key managers, or null
   * @param maxConnections the most connections
   * @param maxConcurrentStreams the most streams per connection, below the server's limit
   * @param requestTimeout the deadline of each request, from send to answer
   * @param connectTimeout the limit on connecting, the TLS handshake and the server's SETTINGS
   * @param maxQueued the most requests waiting for a stream
   * @param pingInterval the time without hearing from the server after which a connection is
   *     pinged
   * @param eventLoopThreads the event-loop threads
   * @param maxResponseBytes the most body bytes kept from an answer
   * @param connectionHeader the name of a header whose value depends on the connection, or null
   * @param connectionHeaderValue that header's value for a connection id
   * @param onConnectionClosed told the id of every connection that closed
   * @param resolver resolves the host
   * @param probeNewConnections whether a new connection carries one request until its first
   *     answer
   * @param unindexedHeaders header names whose values never enter the HPACK dynamic table
   */
  public record Config(
      String name,
      String host,
      int port,
      List<X509Certificate> trusted,
      KeyManager[] keyManagers,
      int maxConnections,
      int maxConcurrentStreams,
      Duration requestTimeout,
      Duration connectTimeout,
      int maxQueued,
      Duration pingInterval,
      int eventLoopThreads,
      int maxResponseBytes,
      String connectionHeader,
      LongFunction<String> connectionHeaderValue,
      LongConsumer onConnectionClosed,
      Http2Client.Resolver resolver,
      boolean probeNewConnections,
      List<String> unindexedHeaders) {}

  final AsciiString authority;
  final int maxResponseBytes;
  /** Names of the headers never indexed by HPACK, or null for none. */
  final AsciiString[] unindexedHeaders;
  /** Whether {@code :path} is one of them. */
  final boolean pathUnindexed;
  private final Config config;
  private final AsciiString connectionHeader;
  private final EventLoopGroup group;
  private final HashedWheelTimer timer;
  private final SslContext ssl;
  private final long timeoutNanos;
  private final AtomicLong ids = new AtomicLong();

  private final ReentrantLock lock = new ReentrantLock();
  private final List<Connection> connections = new ArrayList<>();
  private final ArrayDeque<Exchange> queue = new ArrayDeque<>();
  private int deadInQueue;
  private int inFlight;
  private boolean closed;

  /**
   * Creates the pool and its threads; no connection opens until the first request.
   *
   * @param config the settings
   */
  public Pool(Config config) {
    this.config = config;
    this.authority = new AsciiString(config.port() == 443
        ? config.host() : config.host() + ":" + config.port());
    this.maxResponseBytes = config.maxResponseBytes();
    this.unindexedHeaders = config.unindexedHeaders().isEmpty() ? null
        : config.unindexedHeaders().stream().map(AsciiString::new).toArray(AsciiString[]::new);
    this.pathUnindexed = config.unindexedHeaders().contains(":path");
    this.connectionHeader = config.connectionHeader() == null
        ? null : new AsciiString(config.connectionHeader());
    this.ssl = TlsContext.create(config.trusted(), config.keyManagers());
    this.timeoutNanos = config.requestTimeout().toNanos();
    String prefix = "herald-" + config.name().toLowerCase(java.util.Locale.ROOT);
    this.group = new NioEventLoopGroup(config.eventLoopThreads(),
        new DefaultThreadFactory(prefix + "-io", true));
    this.timer = new HashedWheelTimer(new DefaultThreadFactory(prefix + "-deadlines", true),
        10, TimeUnit.MILLISECONDS);
  }

  /**
   * Sends a request.
   *
   * @param request the request
   * @return its answer; fails with {@link Http2TimeoutException} at the deadline,
   *     {@link Http2TransportException} when no answer can come, and
   *     {@link IllegalStateException} after {@link #close()}
   */
  public CompletableFuture<Http2Response> send(Http2Request request) {
    Exchange exchange = new Exchange(request, System.nanoTime() + timeoutNanos, this);
    try {
      exchange.timeout = timer.newTimeout(t -> deadline(exchange), timeoutNanos,
          TimeUnit.NANOSECONDS);
    } catch (IllegalStateException stopped) {
      return CompletableFuture.failedFuture(closedException());
    }
    submit(exchange, false);
    return exchange.future;
  }

  /** The caller cancelled: a waiting request leaves the queue, one on the wire is reset. */
  void cancelled(Exchange exchange) {
    Connection c = exchange.connection;
    int was = exchange.finish();
    if (was == Exchange.QUEUED) {
      countDeadInQueue();
    } else if (was == Exchange.WRITTEN && c != null) {
      abandon(c, exchange);
    }
  }

  private void countDeadInQueue() {
    lock.lock();
    try {
      deadInQueue++;
      if (deadInQueue > 64 && deadInQueue * 2 > queue.size()) {
        queue.removeIf(e -> e.state() == Exchange.DONE);
        deadInQueue = 0;
      }
    } finally {
      lock.unlock();
    }
  }

  private static void abandon(Connection c, Exchange exchange) {
    StreamHandler h = c.handler;
    try {
      c.channel.eventLoop().execute(() -> h.abandon(exchange));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      // The client is closing; the connection goes with it.
    }
  }

  /** @return connections open now */
  public int connectionsOpen() {
    lock.lock();
    try {
      int open = 0;
      for (Connection c : connections) {
        if (c.state != Connection.State.CONNECTING) {
          open++;
        }
      }
      return open;
    } finally {
      lock.unlock();
    }
  }

  /** @return requests holding a stream */
  public int requestsInFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  /** @return requests waiting for a stream */
  public int requestsQueued() {
    lock.lock();
    try {
      return Math.max(0, queue.size() - deadInQueue);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Retires a connection: it takes no new streams, finishes those it has, then closes.
   *
   * @param connectionId the id from an answer
   */
  public void retire(long connectionId) {
    Connection target = null;
    Connection open;
    lock.lock();
    try {
      for (Connection c : connections) {
        if (c.id == connectionId) {
          target = c;
          c.state = Connection.State.DRAINING;
        }
      }
      open = target != null ? maybeOpen() : null;
    } finally {
      lock.unlock();
    }
    if (target != null && target.channel != null) {
      StreamHandler h = target.handler;
      target.channel.eventLoop().execute(h::drain);
    }
    if (open != null) {
      open(open);
    }
  }

  /** Fails waiting and in-flight requests, closes the connections and stops the threads. */
  public void close() {
    List<Exchange> waiting;
    List<Connection> all;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      waiting = new ArrayList<>(queue);
      queue.clear();
      all = new ArrayList<>(connections);
    } finally {
      lock.unlock();
    }
    for (Exchange e : waiting) {
      e.fail(closedException());
    }
    for (Connection c : all) {
      Channel ch = c.channel;
      StreamHandler h = c.handler;
      if (ch != null && h != null) {
        ch.eventLoop().execute(() -> h.closeNow(closedException()));
      } else if (ch != null) {
        ch.close();
      }
    }
    timer.stop();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
  }

  static IllegalStateException closedException() {
    return new IllegalStateException("the HTTP/2 client is closed");
  }

  String where() {
    return config.name() + " at " + config.host() + ":" + config.port();
  }

  /** The name of the header whose value depends on the connection, or null. */
  AsciiString connectionHeader() {
    return connectionHeader;
  }

  /** Whether a header's values stay out of the HPACK table. */
  boolean unindexed(CharSequence name) {
    if (unindexedHeaders != null) {
      for (AsciiString n : unindexedHeaders) {
        if (n.contentEquals(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** That header's value on a connection. */
  String connectionHeaderValue(long connectionId) {
    return config.connectionHeaderValue().apply(connectionId);
  }

  // ---- queue and streams

  private void submit(Exchange exchange, boolean retry) {
    Connection target = null;
    Throwable reject = null;
    Connection open = null;
    lock.lock();
    try {
      if (closed) {
        reject = closedException();
      } else {
        target = queue.isEmpty() || retry ? pick() : null;
        if (target != null) {
          reserve(target, exchange);
          open = maybeOpen();
        } else if (!retry && queue.size() - deadInQueue >= config.maxQueued()) {
          reject = new Http2TransportException(Kind.QUEUE_FULL, 0, config.maxQueued()
              + " requests already wait for a stream to " + where() + "; this one was not sent",
              null);
        } else {
          if (retry) {
            queue.addFirst(exchange);
          } else {
            queue.addLast(exchange);
          }
          open = maybeOpen();
        }
      }
    } finally {
      lock.unlock();
    }
    if (reject != null) {
      exchange.fail(reject);
      return;
    }
    if (target != null) {
      target.write(exchange, this);
    }
    if (open != null) {
      open(open);
    }
  }

  /** Reserves a stream on a connection; under the lock. */
  private void reserve(Connection c, Exchange exchange) {
    c.inFlight++;
    inFlight++;
    exchange.connection = c;
    exchange.move(Exchange.QUEUED, Exchange.ASSIGNED);
  }

  /** The least busy ready connection with a free stream, or null; under the lock. */
  private Connection pick() {
    Connection best = null;
    for (Connection c : connections) {
      if (c.state == Connection.State.READY && c.inFlight < limit(c)
          && (best == null || c.inFlight < best.inFlight)) {
        best = c;
      }
    }
    return best;
  }

  private int limit(Connection c) {
    return c.probing ? 1 : Math.min(config.maxConcurrentStreams(), c.serverLimit);
  }

  /**
   * Adds a CONNECTING connection when another should open: none is being opened, fewer than the
   * maximum are in use, and requests wait or every ready connection is busy. Under the lock;
   * the caller passes a connection returned here to {@link #open(Connection)}.
   */
  private Connection maybeOpen() {
    if (!shouldOpen()) {
      return null;
    }
    Connection c = new Connection(ids.incrementAndGet());
    connections.add(c);
    return c;
  }

  private boolean shouldOpen() {
    int usable = 0;
    boolean allBusy = true;
    for (Connection c : connections) {
      if (c.state == Connection.State.CONNECTING) {
        return false;
      }
      if (c.state == Connection.State.READY) {
        usable++;
        if (c.probing || c.inFlight < Math.min(limit(c), STREAMS_BEFORE_SPREADING)) {
          allBusy = false;
        }
      }
    }
    if (closed || usable >= config.maxConnections()) {
      return false;
    }
    return !queue.isEmpty() || (usable > 0 && allBusy);
  }

  /** A stream was freed: start waiting requests. */
  void released(Connection c) {
    drain(c);
  }

  /**
   * A request was not processed (refused, or never written): send it again, first in line,
   * unless it was tried too often or its deadline passed.
   */
  void retry(Exchange exchange, Throwable cause, boolean written) {
    if (written && exchange.attempts >= MAX_ATTEMPTS) {
      exchange.fail(new Http2TransportException(Kind.REFUSED, exchange.attempts, where()
          + " refused the request " + exchange.attempts + " times; it was not processed",
          cause));
      return;
    }
    if (!exchange.move(Exchange.WRITTEN, Exchange.QUEUED)) {
      return; // completed by its deadline meanwhile
    }
    exchange.connection = null;
    submit(exchange, true);
  }

  private void drain() {
    drain(null);
  }

  /**
   * Starts waiting requests on free streams, after freeing one of {@code freed}'s first (in the
   * same hold of the lock: this runs once per answer).
   */
  private void drain(Connection freed) {
    List<Exchange> starts = null;
    List<Exchange> expired = null;
    Connection open;
    lock.lock();
    try {
      if (freed != null) {
        freed.inFlight--;
        inFlight--;
        if (queue.isEmpty()) {
          return; // nothing waits, and freeing a stream never calls for another connection
        }
      }
      long now = System.nanoTime();
      while (!queue.isEmpty()) {
        Exchange next = queue.peekFirst();
        if (next.state() == Exchange.DONE) {
          queue.pollFirst();
          deadInQueue = Math.max(0, deadInQueue - 1);
          continue;
        }
        if (next.deadlineNanos - now <= 0 && next.finish() == Exchange.QUEUED) {
          // Its deadline passed and its timer has not run yet: it must not go out now.
          queue.pollFirst();
          (expired == null ? expired = new ArrayList<>() : expired).add(next);
          continue;
        }
        Connection c = pick();
        if (c == null) {
          break;
        }
        queue.pollFirst();
        reserve(c, next);
        (starts == null ? starts = new ArrayList<>() : starts).add(next);
      }
      open = maybeOpen();
    } finally {
      lock.unlock();
    }
    if (expired != null) {
      for (Exchange e : expired) {
        e.future.completeExceptionally(notSent());
      }
    }
    if (starts != null) {
      for (Exchange e : starts) {
        e.connection.write(e, this);
      }
    }
    if (open != null) {
      open(open);
    }
  }

  private Http2TimeoutException notSent() {
    return new Http2TimeoutException("no stream to " + where() + " became free within "
        + config.requestTimeout() + "; the request was not sent", false);
  }

  private void deadline(Exchange exchange) {
    Connection c = exchange.connection;
    int was = exchange.finish();
    if (was == Exchange.DONE) {
      return;
    }
    boolean sent = was == Exchange.WRITTEN;
    if (was == Exchange.QUEUED) {
      countDeadInQueue();
    }
    exchange.future.completeExceptionally(sent
        ? new Http2TimeoutException("no answer from " + where() + " within "
            + config.requestTimeout() + "; the server may or may not have processed the request",
            true)
        : notSent());
    if (sent && c != null) {
      abandon(c, exchange);
    }
  }

  // ---- connections

  private void open(Connection c) {
    EventLoop loop = group.next();
    try {
      loop.execute(() -> connect(c, loop));
    } catch (java.util.concurrent.RejectedExecutionException closing) {
      closed(c);
    }
  }

  private void connect(Connection c, EventLoop loop) {
    InetAddress address;
    try {
      InetAddress[] all = config.resolver().resolve(config.host());
      if (all == null || all.length == 0) {
        throw new UnknownHostException(config.host() + " has no address");
      }
      address = all[0];
    } catch (UnknownHostException | RuntimeException e) {
      c.failure = e;
      closed(c);
      return;
    }
    long connectMillis = config.connectTimeout().toMillis();
    Bootstrap bootstrap = new Bootstrap()
        .group(loop)
        .channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectMillis)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            c.channel = ch;
            SslHandler tls = ssl.newHandler(ch.alloc(), config.host(), config.port());
            SSLEngine engine = tls.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            engine.setSSLParameters(parameters);
            tls.setHandshakeTimeoutMillis(connectMillis);
            tls.handshakeFuture().addListener(f -> {
              if (!f.isSuccess()) {
                c.failure = f.cause();
              } else if (tls.applicationProtocol() != null
                  && !ApplicationProtocolNames.HTTP_2.equals(tls.applicationProtocol())) {
                // No ALPN at all is taken as prior knowledge of h2 (as Pushy's mock server
                // does by default); a server that chose another protocol cannot be used.
                c.failure = new Http2TransportException(Kind.CONNECT, 0, where()
                    + " does not speak HTTP/2 (ALPN chose " + tls.applicationProtocol() + ")",
                    null);
                ch.close();
              }
            });
            StreamHandler handler = new StreamHandler.Builder(Pool.this, c).build();
            c.handler = handler;
            long ping = config.pingInterval().toMillis();
            ch.pipeline().addLast(tls,
                // Reader idle only: watching writes would add a listener to every frame written.
                new IdleStateHandler(ping, 0, 0, TimeUnit.MILLISECONDS), handler);
          }
        });
    bootstrap.connect(new InetSocketAddress(address, config.port())).addListener(f -> {
      if (!f.isSuccess()) {
        c.failure = f.cause();
        closed(c);
      }
    });
    // The server must finish the handshake and send its SETTINGS within the connect timeout.
    loop.schedule(() -> {
      boolean stuck;
      lock.lock();
      try {
        stuck = c.state == Connection.State.CONNECTING && connections.contains(c);
      } finally {
        lock.unlock();
      }
      if (stuck) {
        if (c.failure == null) {
          c.failure = new java.util.concurrent.TimeoutException("no TLS handshake and HTTP/2"
              + " SETTINGS within " + config.connectTimeout());
        }
        Channel ch = c.channel;
        if (ch != null) {
          ch.close();
        } else {
          closed(c);
        }
      }
    }, connectMillis, TimeUnit.MILLISECONDS);
  }

  /** The server's first SETTINGS arrived: the connection takes streams. */
  void ready(Connection c, int serverLimit) {
    lock.lock();
    try {
      if (c.state == Connection.State.CONNECTING) {
        c.state = Connection.State.READY;
      }
      c.everReady = true;
      c.serverLimit = serverLimit;
      c.probing = config.probeNewConnections();
    } finally {
      lock.unlock();
    }
    LOG.debug("{} to {} is ready, server allows {} streams", c, where(), serverLimit);
    drain();
  }

  /** The first answer arrived on a probing connection: it takes its full share of streams. */
  void probed(Connection c) {
    lock.lock();
    try {
      c.probing = false;
    } finally {
      lock.unlock();
    }
    drain();
  }

  void limitChanged(Connection c, int serverLimit) {
    lock.lock();
    try {
      c.serverLimit = serverLimit;
    } finally {
      lock.unlock();
    }
    drain();
  }

  void draining(Connection c) {
    Connection open;
    lock.lock();
    try {
      c.state = Connection.State.DRAINING;
      open = maybeOpen();
    } finally {
      lock.unlock();
    }
    if (open != null) {
      open(open);
    }
  }

  /** A connection closed, or never opened. */
  void closed(Connection c) {
    List<Exchange> failed = null;
    Connection open = null;
    lock.lock();
    try {
      if (!connections.remove(c)) {
        return;
      }
      boolean anyReady = false;
      for (Connection other : connections) {
        anyReady |= other.state == Connection.State.READY;
      }
      if (!c.everReady && !anyReady && !closed) {
        // Nothing can carry the waiting requests: fail them rather than retry a host that
        // cannot be reached until their deadlines.
        failed = new ArrayList<>(queue);
        queue.clear();
        deadInQueue = 0;
      } else {
        open = maybeOpen();
      }
    } finally {
      lock.unlock();
    }
    if (c.everReady) {
      LOG.debug("{} to {} closed", c, where());
    } else {
      LOG.debug("{} to {} failed: {}", c, where(), String.valueOf(c.failure));
    }
    try {
      config.onConnectionClosed().accept(c.id);
    } catch (RuntimeException e) {
      LOG.warn("a connection-closed listener failed", e);
    }
    if (failed != null) {
      Throwable cause = c.failure;
      Http2TransportException e = new Http2TransportException(Kind.CONNECT, 0,
          "could not connect to " + where() + ": " + (cause == null ? "closed" : cause), cause);
      for (Exchange x : failed) {
        x.fail(e);
      }
    }
    if (open != null) {
      open(open);
    }
  }
}
