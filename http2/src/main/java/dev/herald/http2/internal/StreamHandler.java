package dev.herald.http2.internal;

import dev.herald.http2.Http2Request;
import dev.herald.http2.Http2Response;
import dev.herald.http2.Http2TransportException;
import dev.herald.http2.Http2TransportException.Kind;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Connection;
import io.netty.handler.codec.http2.DefaultHttp2RemoteFlowController;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.ReadOnlyHttp2Headers;
import io.netty.handler.codec.http2.UniformStreamByteDistributor;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 side of one connection, confined to its event-loop thread: writes requests as
 * streams, collects their answers, and turns every way a stream can end without an answer into a
 * failure that says whether the server may have processed it. Streams the server never processed
 * (REFUSED_STREAM, or above a GOAWAY's last stream id) go back to the pool for another attempt.
 */
final class StreamHandler extends Http2ConnectionHandler implements Http2FrameListener {
  private static final Logger LOG = LoggerFactory.getLogger(StreamHandler.class);
  private static final AsciiString SCHEME = AsciiString.cached("https");
  private static final byte[] NO_BYTES = new byte[0];

  /**
   * A stream's exchange and the answer collected so far. A stream holds its slot in the pool
   * until Netty closes it (which happens after the listener saw its last frame), so the pool never
   * counts fewer streams than Netty does; {@code settled} marks one whose exchange is done. It
   * listens to its own frames' writes, so a failed write reaches it without an object per write.
   */
  private final class Stream implements ChannelFutureListener {
    final int id;
    final Exchange exchange;
    boolean settled;
    Http2Response response;
    int status;
    Map<String, String> headers = Map.of();
    byte[] body = NO_BYTES;
    int bodyLength;

    Stream(int id, Exchange exchange) {
      this.id = id;
      this.exchange = exchange;
    }

    @Override
    public void operationComplete(ChannelFuture written) {
      if (!written.isSuccess()) {
        writeFailed(id, written.cause());
      }
    }
  }

  private final Pool pool;
  private final Connection connection;
  private final IntObjectMap<Stream> streams = new IntObjectHashMap<>();
  private final Runnable flushTask = this::flushNow;
  private ChannelHandlerContext ctx;
  private boolean flushScheduled;
  private boolean settingsSeen;
  private boolean draining;
  private boolean pingOutstanding;
  private boolean answeredOnce;
  /**
   * The connection header's last value and its encoded form: HPACK finds a repeated value in its
   * table by hash and comparison, which an {@link AsciiString} kept from request to request
   * makes cheap (its hash is cached, and it compares equal to itself at once).
   */
  private String connectionValue;
  private AsciiString connectionValueAscii;
  private final AsciiCache names = new AsciiCache();
  private final AsciiCache values = new AsciiCache();

  private StreamHandler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
      Http2Settings settings, Pool pool, Connection connection) {
    super(decoder, encoder, settings);
    this.pool = pool;
    this.connection = connection;
  }

  /** Builds the handler the Netty way, with this class as its own frame listener. */
  static final class Builder
      extends AbstractHttp2ConnectionHandlerBuilder<StreamHandler, Builder> {
    private final Pool pool;
    private final Connection connection;

    Builder(Pool pool, Connection connection) {
      this.pool = pool;
      this.connection = connection;
      initialSettings(new Http2Settings().pushEnabled(false));
      // A client's connection. Requests carry no priorities, so the flow controller can share
      // the window uniformly: the weighted-fair distributor keeps a priority tree and a queue
      // per stream.
      Http2Connection h2 = new DefaultHttp2Connection(false);
      h2.remote().flowController(
          new DefaultHttp2RemoteFlowController(h2, new UniformStreamByteDistributor(h2)));
      connection(h2);
      if (pool.unindexedHeaders != null) {
        headerSensitivityDetector((name, value) -> pool.unindexed(name));
      }
      // Requests in flight are failed by Herald before it closes; no need to wait for them.
      gracefulShutdownTimeoutMillis(1000);
    }

    @Override
    public StreamHandler build() {
      return super.build();
    }

    @Override
    protected StreamHandler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
        Http2Settings initialSettings) {
      StreamHandler handler =
          new StreamHandler(decoder, encoder, initialSettings, pool, connection);
      decoder.frameListener(handler);
      return handler;
    }
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
    this.ctx = ctx;
    super.handlerAdded(ctx);
    connection().addListener(new Http2ConnectionAdapter() {
      @Override
      public void onStreamClosed(Http2Stream stream) {
        Stream s = streams.remove(stream.id());
        if (s != null) {
          pool.released(connection);
          if (s.response != null) {
            // Completed only now, so the stream's slot is free when the caller hears.
            s.exchange.complete(s.response);
          }
          closeIfDrained();
        }
      }
    });
  }

  /** The unsettled stream with this id, or null. */
  private Stream live(int streamId) {
    Stream s = streams.get(streamId);
    return s == null || s.settled ? null : s;
  }

  /** Marks the stream settled and returns it, or null when it was already. */
  private Stream settle(int streamId) {
    Stream s = live(streamId);
    if (s != null) {
      s.settled = true;
    }
    return s;
  }

  /** Writes an exchange whose stream the pool reserved on this connection. */
  void start(Exchange exchange) {
    if (!exchange.move(Exchange.ASSIGNED, Exchange.WRITTEN)) {
      pool.released(connection); // its deadline passed before it could be written
      return;
    }
    if (!ctx.channel().isActive() || draining || connection().goAwayReceived()
        || !connection().local().canOpenStream()) {
      // Never written: another connection may take it.
      pool.released(connection);
      pool.retry(exchange, null, false);
      return;
    }
    Http2Request request = exchange.request;
    AsciiString connectionHeader = pool.connectionHeader();
    if (connectionHeader != null) {
      String value;
      try {
        value = pool.connectionHeaderValue(connection.id);
      } catch (RuntimeException e) {
        pool.released(connection);
        exchange.fail(e);
        return;
      }
      if (value != connectionValue) {
        connectionValue = value;
        connectionValueAscii = new AsciiString(value);
      }
    }
    Http2Headers headers = ReadOnlyHttp2Headers.clientHeaders(false, names.of(request.method()),
        pool.pathUnindexed ? new AsciiString(request.path()) : values.of(request.path()), SCHEME,
        pool.authority, otherHeaders(request));
    int streamId = connection().local().incrementAndGetNextStreamId();
    Stream stream = new Stream(streamId, exchange);
    streams.put(streamId, stream);
    exchange.attempts++;
    byte[] body = request.bodyNoCopy();
    encoder().writeHeaders(ctx, streamId, headers, 0, body.length == 0,
        ctx.newPromise().addListener(stream));
    if (body.length > 0) {
      encoder().writeData(ctx, streamId, Unpooled.wrappedBuffer(body), 0, true,
          ctx.newPromise().addListener(stream));
    }
    scheduleFlush();
  }

  /**
   * The request's headers, encoded, and the connection's header (which replaces one of the same
   * name). Values of unindexed headers are converted afresh: they do not repeat.
   */
  private AsciiString[] otherHeaders(Http2Request request) {
    AsciiString connectionHeader = pool.connectionHeader();
    int count = request.headerCount();
    AsciiString[] out = new AsciiString[2 * count + (connectionHeader == null ? 0 : 2)];
    int k = 0;
    for (int i = 0; i < count; i++) {
      String name = request.headerName(i);
      AsciiString encodedName = names.of(name);
      if (connectionHeader != null && connectionHeader.contentEquals(encodedName)) {
        continue;
      }
      out[k++] = encodedName;
      out[k++] = pool.unindexed(encodedName)
          ? new AsciiString(request.headerValue(i)) : values.of(request.headerValue(i));
    }
    if (connectionHeader != null) {
      out[k++] = connectionHeader;
      out[k++] = connectionValueAscii;
    }
    return k == out.length ? out : java.util.Arrays.copyOf(out, k);
  }

  /** One flush per turn of the event loop, however many requests were written in it. */
  private void scheduleFlush() {
    if (!flushScheduled) {
      flushScheduled = true;
      ctx.channel().eventLoop().execute(flushTask);
    }
  }

  private void flushNow() {
    flushScheduled = false;
    flush(ctx); // this handler's flush: it writes the DATA frames the flow controller holds
  }

  private void writeFailed(int streamId, Throwable cause) {
    Stream s = settle(streamId);
    if (connection().stream(streamId) == null && streams.remove(streamId) != null) {
      pool.released(connection); // Netty never opened the stream, so will never close it
    }
    if (s == null) {
      return;
    }
    Http2Exception h2 = cause instanceof Http2Exception e ? e : null;
    if (h2 != null && h2.error() == Http2Error.REFUSED_STREAM) {
      pool.retry(s.exchange, cause, true); // the stream limit shrank under it: never sent
    } else {
      s.exchange.fail(new Http2TransportException(Kind.CONNECTION_LOST, s.exchange.attempts,
          "writing the request to " + pool.where() + " failed; the server may or may not have"
              + " processed it: " + cause, cause));
    }
    closeIfDrained();
  }

  /** The deadline passed while the request was on the wire: free its stream. */
  void abandon(Exchange exchange) {
    for (IntObjectMap.PrimitiveEntry<Stream> e : streams.entries()) {
      if (e.value().exchange == exchange) {
        int id = e.key();
        e.value().settled = true;
        if (ctx.channel().isActive() && connection().stream(id) != null) {
          resetStream(ctx, id, Http2Error.CANCEL.code(), ctx.newPromise()); // closes it
          scheduleFlush();
        }
        return;
      }
    }
  }

  /** Stops new streams; the connection closes once its streams are done. */
  void drain() {
    draining = true;
    closeIfDrained();
  }

  /** Fails every request in flight and closes the connection (the client is closing). */
  void closeNow(Throwable failure) {
    failAll(failure);
    ctx.close();
  }

  private void closeIfDrained() {
    if (draining && streams.isEmpty() && ctx.channel().isActive()) {
      ctx.close(); // GOAWAY, then close
    }
  }

  private void failAll(Throwable failure) {
    for (Stream s : new ArrayList<>(streams.values())) {
      if (!s.settled) {
        s.settled = true;
        s.exchange.fail(failure);
      }
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    failAll(new Http2TransportException(Kind.CONNECTION_LOST, 1, "the connection to "
        + pool.where() + " closed with the request in flight; the server may or may not have"
        + " processed it", connection.failure));
    super.channelInactive(ctx); // closes every stream, freeing their slots
    for (int id : new ArrayList<>(streams.keySet())) {
      streams.remove(id);
      pool.released(connection);
    }
    pool.closed(connection);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      if (pingOutstanding) {
        LOG.debug("{} to {} did not answer a PING; closing it", connection, pool.where());
        connection.failure = new Http2TransportException(Kind.CONNECTION_LOST, 1,
            "the server did not answer a PING", null);
        ctx.close();
      } else {
        pingOutstanding = true;
        encoder().writePing(ctx, false, System.nanoTime(), ctx.newPromise());
        flush(ctx);
      }
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  protected void onStreamError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
      Http2Exception.StreamException streamException) {
    Stream s = settle(streamException.streamId());
    super.onStreamError(ctx, outbound, cause, streamException);
    if (s != null) {
      s.exchange.fail(new Http2TransportException(Kind.STREAM_RESET, s.exchange.attempts,
          "the answer from " + pool.where() + " broke HTTP/2 (" + streamException.getMessage()
              + "); the server may or may not have processed the request", cause));
    }
  }

  // Http2FrameListener

  @Override
  public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
      boolean endOfStream) {
    int processed = data.readableBytes() + padding;
    Stream s = live(streamId);
    if (s != null) {
      int room = pool.maxResponseBytes - s.bodyLength;
      int take = Math.min(room, data.readableBytes());
      if (take > 0) {
        if (s.body.length < s.bodyLength + take) {
          s.body = java.util.Arrays.copyOf(s.body, Math.max(s.bodyLength + take,
              Math.min(pool.maxResponseBytes, s.body.length * 2)));
        }
        data.getBytes(data.readerIndex(), s.body, s.bodyLength, take);
        s.bodyLength += take;
      }
      if (endOfStream) {
        answered(streamId);
      }
    }
    return processed;
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
      int padding, boolean endOfStream) {
    Stream s = live(streamId);
    if (s == null) {
      return;
    }
    if (s.status == 0) {
      CharSequence status = headers.status();
      int code;
      try {
        code = status == null ? 0 : AsciiString.of(status).parseInt();
      } catch (NumberFormatException e) {
        code = 0;
      }
      if (code >= 100 && code < 200) {
        return; // informational; the final answer follows
      }
      s.status = code;
      if (headers.size() == 2) {
        // One header besides :status, as APNs answers (apns-id): no hash map.
        for (Map.Entry<CharSequence, CharSequence> h : headers) {
          if (h.getKey().length() > 0 && h.getKey().charAt(0) != ':') {
            s.headers = Map.of(h.getKey().toString(), h.getValue().toString());
          }
        }
      } else if (headers.size() > 2) {
        Map<String, String> map = new HashMap<>();
        for (Map.Entry<CharSequence, CharSequence> h : headers) {
          if (h.getKey().length() > 0 && h.getKey().charAt(0) != ':') {
            map.put(h.getKey().toString(), h.getValue().toString());
          }
        }
        s.headers = map;
      }
    }
    if (endOfStream) {
      answered(streamId);
    }
  }

  @Override
  public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
      int streamDependency, short weight, boolean exclusive, int padding, boolean endOfStream) {
    onHeadersRead(ctx, streamId, headers, padding, endOfStream);
  }

  private void answered(int streamId) {
    Stream s = settle(streamId);
    if (s == null) {
      return;
    }
    byte[] body = s.bodyLength == s.body.length
        ? s.body : java.util.Arrays.copyOf(s.body, s.bodyLength);
    s.response = new Http2Response(s.status, s.headers, body, connection.id);
    if (!answeredOnce) {
      answeredOnce = true;
      pool.probed(connection);
    }
  }

  @Override
  public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
    Stream s = settle(streamId);
    if (s == null) {
      return;
    }
    if (errorCode == Http2Error.REFUSED_STREAM.code()) {
      pool.retry(s.exchange, null, true);
    } else {
      Http2Error error = Http2Error.valueOf(errorCode);
      s.exchange.fail(new Http2TransportException(Kind.STREAM_RESET, s.exchange.attempts,
          pool.where() + " reset the stream (" + (error == null ? "code " + errorCode : error)
              + "); the server may or may not have processed the request", null));
    }
  }

  @Override
  public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode,
      ByteBuf debugData) {
    String reason = debugData.toString(StandardCharsets.UTF_8);
    LOG.debug("{} to {} received GOAWAY (last stream {}, code {}{}); draining it", connection,
        pool.where(), lastStreamId, errorCode, reason.isEmpty() ? "" : ", " + reason);
    draining = true;
    pool.draining(connection);
    List<Integer> refused = new ArrayList<>();
    for (IntObjectMap.PrimitiveEntry<Stream> e : streams.entries()) {
      if (e.key() > lastStreamId && !e.value().settled) {
        refused.add(e.key());
      }
    }
    for (int id : refused) {
      // Above the last stream id: never processed. Netty closes these streams next.
      pool.retry(settle(id).exchange, null, true);
    }
    closeIfDrained();
  }

  @Override
  public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) {
    Long max = settings.maxConcurrentStreams();
    int limit = max == null ? -1 : (int) Math.min(Integer.MAX_VALUE, max);
    if (!settingsSeen) {
      settingsSeen = true;
      pool.ready(connection, limit < 0 ? Integer.MAX_VALUE : limit);
    } else if (limit >= 0) {
      pool.limitChanged(connection, limit);
    }
  }

  @Override
  public void onPingAckRead(ChannelHandlerContext ctx, long data) {
    pingOutstanding = false;
  }

  @Override
  public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency,
      short weight, boolean exclusive) {}

  @Override
  public void onSettingsAckRead(ChannelHandlerContext ctx) {}

  @Override
  public void onPingRead(ChannelHandlerContext ctx, long data) {}

  @Override
  public void onPushPromiseRead(ChannelHandlerContext ctx, int streamId, int promisedStreamId,
      Http2Headers headers, int padding) {}

  @Override
  public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int windowSizeIncrement) {}

  @Override
  public void onUnknownFrame(ChannelHandlerContext ctx, byte frameType, int streamId,
      io.netty.handler.codec.http2.Http2Flags flags, ByteBuf payload) {}
}
