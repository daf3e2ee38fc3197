package dev.herald.http2;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.AbstractHttp2ConnectionHandlerBuilder;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.tls.HeldCertificate;

/**
 * A small HTTP/2 server for the client's tests. What it does with a request depends on the path:
 * {@code /ok} answers 200 "ok"; {@code /never} never answers; {@code /reset} resets the stream
 * (INTERNAL_ERROR); {@code /refuse} refuses it (REFUSED_STREAM) on the first connection only;
 * {@code /drop} closes the TCP connection; {@code /goaway} is held until three arrived on the
 * first connection, then the server sends GOAWAY naming the first as the last stream, answers it
 * and closes.
 */
final class TestH2Server implements AutoCloseable {
  final HeldCertificate certificate = new HeldCertificate.Builder()
      .addSubjectAlternativeName("localhost").build();
  final AtomicInteger connections = new AtomicInteger();
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger maxActive = new AtomicInteger();
  final AtomicInteger pings = new AtomicInteger();
  /** The size of each HEADERS frame received (its header block, as HPACK encoded it). */
  final List<Integer> headerFrameSizes = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Whether PINGs are answered; a server that stops answering them looks dead. */
  volatile boolean answerPings = true;
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel server;
  private final int maxConcurrentStreams;

  TestH2Server(int maxConcurrentStreams) throws Exception {
    this(maxConcurrentStreams, ApplicationProtocolNames.HTTP_2);
  }

  /**
   * A server that offers one protocol by ALPN, or none (prior knowledge of h2).
   *
   * @param alpn the protocol to offer, or null for no ALPN
   */
  TestH2Server(int maxConcurrentStreams, String alpn) throws Exception {
    this.maxConcurrentStreams = maxConcurrentStreams;
    SslContextBuilder tls = SslContextBuilder
        .forServer(certificate.keyPair().getPrivate(), certificate.certificate());
    if (alpn != null) {
      tls.applicationProtocolConfig(new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          alpn));
    }
    SslContext ssl = tls.build();
    server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            int index = connections.incrementAndGet();
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()), new FrameSizes(),
                new Builder(index).build());
          }
        })
        .bind("localhost", 0).sync().channel();
  }

  int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  X509Certificate cert() {
    return certificate.certificate();
  }

  @Override
  public void close() {
    server.close();
    group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Notes the length of every HEADERS frame on its way to the HTTP/2 handler. */
  private final class FrameSizes extends io.netty.channel.ChannelInboundHandlerAdapter {
    private int prefaceLeft = 24; // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
    private final byte[] header = new byte[9];
    private int headerFill;
    private int skip;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      int i = b.readerIndex();
      while (i < b.writerIndex()) {
        int left = b.writerIndex() - i;
        if (prefaceLeft > 0 || skip > 0) {
          int n = Math.min(prefaceLeft > 0 ? prefaceLeft : skip, left);
          if (prefaceLeft > 0) {
            prefaceLeft -= n;
          } else {
            skip -= n;
          }
          i += n;
          continue;
        }
        header[headerFill++] = b.getByte(i++);
        if (headerFill == header.length) {
          headerFill = 0;
          skip = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
          if (header[3] == 0x1) {
            headerFrameSizes.add(skip);
          }
        }
      }
      ctx.fireChannelRead(msg);
    }
  }

  private final class Builder extends AbstractHttp2ConnectionHandlerBuilder<Handler, Builder> {
    private final int index;

    Builder(int index) {
      this.index = index;
      server(true);
      initialSettings(new Http2Settings().maxConcurrentStreams(maxConcurrentStreams));
      autoAckPingFrame(false);
    }

    @Override
    public Handler build() {
      return super.build();
    }

    @Override
    protected Handler build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
        Http2Settings settings) {
      Handler h = new Handler(decoder, encoder, settings, index);
      decoder.frameListener(h.listener);
      return h;
    }
  }

  private final class Handler extends Http2ConnectionHandler {
    private final int index;
    private final List<Integer> held = new ArrayList<>();
    private final java.util.Map<Integer, String> paths = new java.util.HashMap<>();
    final Http2FrameAdapter listener = new Http2FrameAdapter() {
      @Override
      public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
          int padding, boolean endOfStream) {
        requests.incrementAndGet();
        maxActive.accumulateAndGet(connection().numActiveStreams(), Math::max);
        paths.put(streamId, headers.path().toString());
        if (endOfStream) {
          handle(ctx, streamId);
        }
      }

      /** Like a real server, acts once the whole request, body included, arrived. */
      private void handle(ChannelHandlerContext ctx, int streamId) {
        String path = paths.remove(streamId);
        switch (path) {
          case "/never" -> { }
          case "/reset" -> {
            resetStream(ctx, streamId, Http2Error.INTERNAL_ERROR.code(), ctx.newPromise());
            ctx.flush();
          }
          case "/refuse" -> {
            if (index == 1) {
              resetStream(ctx, streamId, Http2Error.REFUSED_STREAM.code(), ctx.newPromise());
              ctx.flush();
            } else {
              answer(ctx, streamId);
            }
          }
          case "/drop" -> ctx.pipeline().firstContext().close(); // TCP close, no TLS goodbye
          case "/goaway" -> {
            if (index != 1) {
              answer(ctx, streamId);
              return;
            }
            held.add(streamId);
            if (held.size() == 3) {
              int last = held.get(0);
              goAway(ctx, last, Http2Error.NO_ERROR.code(),
                  Unpooled.copiedBuffer("{\"reason\":\"Shutdown\"}", StandardCharsets.UTF_8),
                  ctx.newPromise());
              answer(ctx, last);
            }
          }
          default -> answer(ctx, streamId);
        }
      }

      @Override
      public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers,
          int streamDependency, short weight, boolean exclusive, int padding,
          boolean endOfStream) {
        onHeadersRead(ctx, streamId, headers, padding, endOfStream);
      }

      @Override
      public void onPingRead(ChannelHandlerContext ctx, long data) {
        pings.incrementAndGet();
        if (answerPings) {
          encoder().writePing(ctx, true, data, ctx.newPromise());
          ctx.flush();
        }
      }

      @Override
      public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding,
          boolean endOfStream) {
        if (endOfStream) {
          handle(ctx, streamId);
        }
        return data.readableBytes() + padding;
      }
    };

    Handler(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
        Http2Settings settings, int index) {
      super(decoder, encoder, settings);
      this.index = index;
    }

    private void answer(ChannelHandlerContext ctx, int streamId) {
      encoder().writeHeaders(ctx, streamId, new DefaultHttp2Headers().status("200")
          .add("x-connection", Integer.toString(index)), 0, false, ctx.newPromise());
      encoder().writeData(ctx, streamId,
          Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8), 0, true, ctx.newPromise());
      ctx.flush();
    }
  }
}
