package dev.herald.benchmarks.fcm;

import dev.herald.testing.fcm.MockFcmService;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.Map;
import okhttp3.tls.HeldCertificate;

/**
 * A lean FCM stand-in for the side-by-side benchmark: HTTP/2 over TLS on one Netty event loop,
 * answering every send with 200 and a message name, and the token endpoint with an access token,
 * without checking anything. {@code MockFcmService} verifies every request and is what tests use;
 * here the server's own cost per request is small, so the figure is mostly the clients' cost.
 */
public final class AnsweringFcmServer implements AutoCloseable {
  private static final byte[] SENT =
      "{\"name\":\"projects/herald-bench/messages/0:1\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TOKEN =
      "{\"access_token\":\"ya29.bench\",\"expires_in\":3599,\"token_type\":\"Bearer\"}"
          .getBytes(StandardCharsets.UTF_8);

  private final HeldCertificate certificate;
  private final EventLoopGroup group = new NioEventLoopGroup(1);
  private final Channel channel;

  public AnsweringFcmServer() throws Exception {
    certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost").build();
    SslContext ssl = SslContextBuilder
        .forServer(certificate.keyPair().getPrivate(), certificate.certificate())
        .sslProvider(SslProvider.JDK)
        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
        .applicationProtocolConfig(new ApplicationProtocolConfig(
            ApplicationProtocolConfig.Protocol.ALPN,
            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
            ApplicationProtocolNames.HTTP_2))
        .build();
    channel = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(ssl.newHandler(ch.alloc()),
                Http2FrameCodecBuilder.forServer()
                    .initialSettings(Http2Settings.defaultSettings().maxConcurrentStreams(1000))
                    .build(),
                new Answerer());
          }
        })
        .bind("localhost", 0).sync().channel();
  }

  /** @return the base URL, {@code https://localhost:PORT} */
  public String baseUrl() {
    return "https://localhost:" + ((InetSocketAddress) channel.localAddress()).getPort();
  }

  /** @return the certificate clients must trust */
  public X509Certificate certificate() {
    return certificate.certificate();
  }

  /**
   * Runs the server in its own process, so it can be pinned to its own core
   * ({@code taskset -c 1 java -cp benchmarks.jar dev.herald.benchmarks.fcm.AnsweringFcmServer DIR}):
   * writes {@code url}, {@code cert.pem} and {@code service-account.json} into DIR for
   * {@code FcmSendBenchmark -p server=external -jvmArgsAppend -Dherald.bench.fcm=DIR}, then serves
   * until killed.
   *
   * @param args the directory to write to
   * @throws Exception when the server cannot start
   */
  public static void main(String[] args) throws Exception {
    java.nio.file.Path dir = java.nio.file.Path.of(args[0]);
    java.nio.file.Files.createDirectories(dir);
    AnsweringFcmServer server = new AnsweringFcmServer();
    java.nio.file.Files.writeString(dir.resolve("cert.pem"), server.certificate.certificatePem());
    java.nio.file.Files.writeString(dir.resolve("service-account.json"),
        MockFcmService.throwAwayServiceAccountJson("herald-bench", server.baseUrl() + "/token"));
    java.nio.file.Files.writeString(dir.resolve("url"), server.baseUrl());
    System.out.println("answering FCM server at " + server.baseUrl());
    server.channel.closeFuture().sync();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully();
  }

  /** Answers each stream once its request has arrived. */
  private static final class Answerer extends ChannelInboundHandlerAdapter {
    private final Map<Http2FrameStream, Boolean> tokenRequests = new HashMap<>();

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      try {
        if (msg instanceof Http2HeadersFrame headers) {
          boolean token = headers.headers().path().toString().endsWith("/token");
          if (headers.isEndStream()) {
            answer(ctx, headers.stream(), token);
          } else {
            tokenRequests.put(headers.stream(), token);
          }
        } else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
          Boolean token = tokenRequests.remove(data.stream());
          answer(ctx, data.stream(), token != null && token);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    private static void answer(ChannelHandlerContext ctx, Http2FrameStream stream, boolean token) {
      byte[] body = token ? TOKEN : SENT;
      ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers()
          .status("200").set("content-type", "application/json; charset=UTF-8")).stream(stream));
      ByteBuf buf = Unpooled.wrappedBuffer(body);
      ctx.writeAndFlush(new DefaultHttp2DataFrame(buf, true).stream(stream));
    }
  }
}
