package dev.herald.apns.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import okhttp3.Connection;
import okhttp3.HttpUrl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The channels to one APNs host and the notifications waiting for a free stream.
 *
 * <p>Herald, not OkHttp, decides when a request starts: a request is handed to OkHttp only when
 * a channel has a free stream, so OkHttp never finds a connection full and never opens an extra
 * one (its reaction to an exhausted stream limit), and only while the requests in flight over all
 * channels are below the pool's {@link AdaptiveLimit}. The limit is the pool's, not each
 * channel's, because the channels share what it protects (threads and CPU): separate limits
 * would each see their own throughput rise by taking streams from the others, and all climb.
 * Requests beyond the capacity wait here in order; retried requests go to the front; free
 * streams go to the least busy channel.
 */
final class EndpointPool {
  private static final Logger LOG = LoggerFactory.getLogger(EndpointPool.class);
  /** The most streams per connection before another connection is put to use. */
  static final int STREAMS_PER_CONNECTION = 100;

  final HttpUrl base;
  final ApnsChannel[] channels;
  private final AdaptiveLimit limit;
  private final ReentrantLock lock = new ReentrantLock();
  private int inFlight;
  private final ArrayDeque<ApnsExchange> waiting = new ArrayDeque<>();
  private boolean closed;

  /** An exchange taken from the queue and the channel whose stream it got. */
  private record Start(ApnsExchange exchange, ApnsChannel channel) {}

  EndpointPool(HttpUrl base, ApnsChannel[] channels, AdaptiveLimit limit) {
    this.base = base;
    this.channels = channels;
    this.limit = limit;
  }

  /**
   * Starts an exchange on a free channel, or queues it.
   *
   * @param exchange the exchange
   * @param retry true to queue it in front of new notifications
   */
  void submit(ApnsExchange exchange, boolean retry) {
    ApnsChannel channel;
    lock.lock();
    try {
      if (closed) {
        channel = null;
      } else {
        channel = waiting.isEmpty() || retry ? freeChannel() : null;
        if (channel == null) {
          if (retry) {
            waiting.addFirst(exchange);
          } else {
            waiting.addLast(exchange);
          }
          return;
        }
        channel.inFlight++;
        inFlight++;
      }
    } finally {
      lock.unlock();
    }
    if (channel == null) {
      exchange.failClosed();
    } else {
      exchange.start(channel);
    }
  }

  /**
   * Frees the stream an attempt used and starts waiting exchanges.
   *
   * @param channel the attempt's channel
   * @param sample whether the attempt tells something about throughput
   * @param timedOut whether it timed out
   */
  void finished(ApnsChannel channel, boolean sample, boolean timedOut) {
    List<Start> starts = null;
    List<ApnsExchange> expired = null;
    long now = System.nanoTime();
    lock.lock();
    try {
      channel.inFlight--;
      inFlight--;
      if (sample) {
        limit.onCompletion(now, !waiting.isEmpty(), timedOut, streamsAvailable());
      }
      while (!waiting.isEmpty()) {
        ApnsExchange next = waiting.peekFirst();
        if (next.queueDeadlinePassed(now)) {
          waiting.pollFirst();
          (expired == null ? expired = new ArrayList<>() : expired).add(next);
          continue;
        }
        ApnsChannel free = freeChannel();
        if (free == null) {
          break;
        }
        waiting.pollFirst();
        free.inFlight++;
        inFlight++;
        (starts == null ? starts = new ArrayList<>() : starts).add(new Start(next, free));
      }
    } finally {
      lock.unlock();
    }
    if (expired != null) {
      for (ApnsExchange e : expired) {
        e.failQueueTimeout();
      }
    }
    if (starts != null) {
      for (Start start : starts) {
        start.exchange().start(start.channel());
      }
    }
  }

  /** A request went out on a connection the channel had not used before. */
  void connectionChanged(ApnsChannel channel, Connection connection) {
    lock.lock();
    try {
      if (channel.current != connection) {
        LOG.debug("APNs channel {} to {} now uses {}", channel.index, base.host(), connection);
        channel.current = connection;
        channel.answeredOnCurrent = 0;
        channel.probing = true;
      }
    } finally {
      lock.unlock();
    }
  }

  /** A connection answered a request; it may stop probing and its stream limit is known. */
  void connectionAnswered(ApnsChannel channel, Connection connection, int advertised) {
    lock.lock();
    try {
      if (channel.current == connection) {
        channel.answeredOnCurrent++;
        boolean known = advertised > 0 && advertised < Integer.MAX_VALUE;
        if (known || advertised < 0 || channel.answeredOnCurrent >= 2) {
          channel.probing = false;
        }
        channel.serverLimit = known ? advertised : Integer.MAX_VALUE;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The channel's connection failed: probe the next one. */
  void connectionFailed(ApnsChannel channel) {
    lock.lock();
    try {
      channel.current = null;
      channel.answeredOnCurrent = 0;
      channel.probing = true;
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new exchanges and returns those waiting, for the caller to fail. */
  List<ApnsExchange> close() {
    lock.lock();
    try {
      closed = true;
      List<ApnsExchange> left = new ArrayList<>(waiting);
      waiting.clear();
      return left;
    } finally {
      lock.unlock();
    }
  }

  /** @return how many notifications wait for a stream */
  int waitingCount() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The least busy channel with a free stream among those in use, or null when none or the pool
   * is at its limit.
   */
  private ApnsChannel freeChannel() {
    int max = limit.limit();
    if (inFlight >= max) {
      return null;
    }
    int active = activeChannels(channels, max);
    ApnsChannel best = null;
    for (int i = 0; i < active; i++) {
      ApnsChannel c = channels[i];
      if (c.inFlight < c.capacity() && (best == null || c.inFlight < best.inFlight)) {
        best = c;
      }
    }
    return best;
  }

  /**
   * How many channels to use: the fewest that carry {@code limit} requests with at most
   * {@value #STREAMS_PER_CONNECTION} streams each and within each server's stream limit. OkHttp
   * writes every frame of a connection under one lock, so hundreds of streams on one connection
   * queue behind each other; spreading them measured a third faster with a 50 ms round trip. A
   * light load still uses one connection, as Apple prefers.
   */
  static int activeChannels(ApnsChannel[] channels, int limit) {
    int needed = (limit + STREAMS_PER_CONNECTION - 1) / STREAMS_PER_CONNECTION;
    long carried = 0;
    int active = 0;
    while (active < channels.length && (active < needed || carried < limit)) {
      ApnsChannel c = channels[active++];
      carried += Math.min(c.maxStreams, c.serverLimit);
    }
    return Math.max(1, active);
  }

  /** @return the streams all channels could carry now, the ceiling for the adaptive limit */
  private int streamsAvailable() {
    long sum = 0;
    for (ApnsChannel c : channels) {
      sum += c.probing ? Math.min(c.maxStreams, c.serverLimit) : c.capacity();
    }
    return (int) Math.min(Integer.MAX_VALUE, sum);
  }

  /** @return the pool's current limit on requests in flight (for tests) */
  int limit() {
    lock.lock();
    try {
      return limit.limit();
    } finally {
      lock.unlock();
    }
  }
}
