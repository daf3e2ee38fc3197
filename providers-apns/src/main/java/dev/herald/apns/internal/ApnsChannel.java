package dev.herald.apns.internal;

import java.io.IOException;
import okhttp3.Connection;
import okhttp3.Interceptor;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One APNs connection slot: an OkHttp client with a connection pool of its own, so that the
 * provider's connection count is exactly the configured number, and the bookkeeping that keeps
 * OkHttp from opening more.
 *
 * <p>A channel starts <em>probing</em>: one request at a time until its connection's stream
 * limit is known. APNs may advertise a single stream until the first request proves the provider
 * token, and OkHttp applies the server's SETTINGS asynchronously, so the limit read right after
 * the first answer can still be OkHttp's "unlimited" default; probing ends when a finite limit is
 * read or after a second answer, by which time the SETTINGS have surely been applied. After that
 * the channel carries up to its connection's stream limit (and the configured maximum), while
 * the pool's adaptive limit bounds the requests in flight over all its channels. It probes again
 * whenever its connection changes or fails.
 *
 * <p>The counters are guarded by the owning {@link EndpointPool}'s lock.
 */
final class ApnsChannel {
  final int index;
  final int maxStreams;
  OkHttpClient client;

  // Guarded by the pool's lock; volatile so the interceptor can skip the lock when nothing changed.
  int inFlight;
  int answeredOnCurrent;
  volatile boolean probing = true;
  volatile Connection current;
  volatile int serverLimit = Integer.MAX_VALUE;

  ApnsChannel(int index, int maxStreams) {
    this.index = index;
    this.maxStreams = maxStreams;
  }

  /** @return how many requests the channel may carry now (guarded by the pool's lock) */
  int capacity() {
    return probing ? 1 : Math.max(1, Math.min(maxStreams, serverLimit));
  }

  /**
   * The network interceptor of a channel: notes which connection each request uses and the
   * stream limit its server advertised, and adds the provider token of that connection.
   */
  static final class NetworkInterceptor implements Interceptor {
    private final EndpointPool pool;
    private final ApnsChannel channel;
    private final ProviderTokens tokens;

    NetworkInterceptor(EndpointPool pool, ApnsChannel channel, ProviderTokens tokens) {
      this.pool = pool;
      this.channel = channel;
      this.tokens = tokens;
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
      Connection connection = chain.connection();
      Request request = chain.request();
      if (connection == null || connection.protocol() != Protocol.HTTP_2) {
        throw new IOException("APNs needs HTTP/2, but " + request.url().host() + ":"
            + request.url().port() + " negotiated "
            + (connection == null ? "no connection" : connection.protocol()));
      }
      if (connection != channel.current) {
        pool.connectionChanged(channel, connection);
      }
      ExchangeTag tag = request.tag(ExchangeTag.class);
      if (tag != null) {
        tag.connection = connection;
      }
      if (tokens != null) {
        request = request.newBuilder()
            .header("authorization", "bearer " + tokens.tokenFor(connection))
            .build();
      }
      Response response = chain.proceed(request);
      int advertised = OkHttpInternals.streamLimit(connection);
      if (channel.probing || advertised != channel.serverLimit) {
        pool.connectionAnswered(channel, connection, advertised);
      }
      return response;
    }
  }

  /** Per-exchange state the interceptor fills in: the connection the attempt went out on. */
  static final class ExchangeTag {
    volatile Connection connection;
  }
}
