package dev.herald.http2.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The socket transport: Netty's native epoll when the host put
 * {@code io.netty:netty-transport-native-epoll} (classifier {@code linux-x86_64} or
 * {@code linux-aarch_64}) on the class path and it loads, otherwise Java's NIO. Epoll makes
 * fewer system calls per read and write and leaves no selector garbage; both behave the same.
 * Netty's {@code -Dio.netty.transport.noNative=true} forces NIO.
 *
 * <p>The epoll classes are an optional dependency: they are touched only inside {@link Native},
 * which loads only after {@link #EPOLL} found them.
 */
final class Transport {
  /** Whether the native epoll transport is used. */
  static final boolean EPOLL = epollAvailable();

  private Transport() {}

  static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
    return EPOLL ? Native.group(threads, threadFactory)
        : new NioEventLoopGroup(threads, threadFactory);
  }

  static Class<? extends SocketChannel> socketChannel() {
    return EPOLL ? Native.socketChannel() : NioSocketChannel.class;
  }

  /** What the transport is, for logs and figures. */
  static String describe() {
    return EPOLL ? "epoll" : "nio";
  }

  private static boolean epollAvailable() {
    try {
      Class.forName("io.netty.channel.epoll.Epoll", false, Transport.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError absent) {
      return false;
    }
    return Native.available();
  }

  /** The only code that names epoll classes. */
  private static final class Native {
    static boolean available() {
      try {
        return Epoll.isAvailable();
      } catch (LinkageError broken) {
        return false;
      }
    }

    static EventLoopGroup group(int threads, ThreadFactory threadFactory) {
      return new EpollEventLoopGroup(threads, threadFactory);
    }

    static Class<? extends SocketChannel> socketChannel() {
      return EpollSocketChannel.class;
    }
  }
}
