package dev.herald.http2.internal;

import io.netty.channel.Channel;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection of a {@link Pool}: its state and stream counts, guarded by the pool's lock, and
 * the channel and handler that do its I/O on one event-loop thread.
 */
final class Connection {
  enum State { CONNECTING, READY, DRAINING }

  final long id;
  /** Set once the TCP connection is made; read on the event loop and by close. */
  volatile Channel channel;
  volatile StreamHandler handler;
  /** Why the connection failed before it was ready, for the requests that waited for it. */
  volatile Throwable failure;

  // Guarded by the pool's lock.
  State state = State.CONNECTING;
  boolean everReady;
  int inFlight;
  int serverLimit = Integer.MAX_VALUE;
  boolean probing;

  Connection(long id) {
    this.id = id;
  }

  /** Hands an exchange whose stream was reserved to the connection's event loop. */
  void write(Exchange exchange, Pool pool) {
    Channel ch = channel;
    StreamHandler h = handler;
    try {
      if (ch.eventLoop().inEventLoop()) {
        h.start(exchange);
      } else {
        exchange.writer = h;
        ch.eventLoop().execute(exchange);
      }
    } catch (RejectedExecutionException e) {
      // The event loop is shutting down: the client is closing.
      pool.released(this);
      exchange.fail(Pool.closedException());
    }
  }

  @Override
  public String toString() {
    return "connection " + id;
  }
}
