package dev.herald.apns.internal;

import dev.herald.apns.ApnsNotification;
import dev.herald.apns.ApnsRejectionReason;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsEnvironment;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLException;
import okhttp3.Connection;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link ApnsNotification}s over HTTP/2: one {@link EndpointPool} per APNs host, created
 * on first use, sharing one dispatcher and executor. Used by {@link dev.herald.apns.ApnsProvider}.
 */
public final class ApnsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ApnsTransport.class);
  /** How often a refused (never processed) request is sent again before the future fails. */
  static final int MAX_REFUSED_RETRIES = 3;
  private static final String USER_AGENT = "herald-apns";

  /**
   * What the transport needs from the provider's builder.
   *
   * @param endpoints the base URL for each environment
   * @param signingKey the token-authentication key, or null for certificate authentication
   * @param teamId the team id of the signing key
   * @param keyId the key id of the signing key
   * @param tokenRefresh how old a provider token gets before it is replaced
   * @param keyManagers the client certificate's key managers, or null for token authentication
   * @param trusted extra trusted server certificates
   * @param connections connections per APNs host
   * @param maxConcurrentStreams the most streams per connection
   * @param adaptiveConcurrency whether the streams per connection adapt to throughput
   * @param requestTimeout the limit for one attempt, and for waiting for a free stream
   * @param clock the time for provider tokens and invalid-address instants
   * @param executor runs OkHttp calls
   * @param ownsExecutor whether {@link #close()} shuts the executor down
   * @param baseClient the host's OkHttp client to derive from, or null
   */
  public record Config(
      Map<ApnsEnvironment, HttpUrl> endpoints,
      ECPrivateKey signingKey,
      String teamId,
      String keyId,
      Duration tokenRefresh,
      KeyManager[] keyManagers,
      List<X509Certificate> trusted,
      int connections,
      int maxConcurrentStreams,
      boolean adaptiveConcurrency,
      Duration requestTimeout,
      Clock clock,
      ExecutorService executor,
      boolean ownsExecutor,
      OkHttpClient baseClient) {}

  private final Config config;
  private final Clock clock;
  private final ProviderTokens tokens;
  private final Tls tls;
  private final Dispatcher dispatcher;
  private final Map<HttpUrl, EndpointPool> pools = new HashMap<>();
  private final Map<ApnsEnvironment, EndpointPool> poolByEnvironment =
      new EnumMap<>(ApnsEnvironment.class);
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the transport; no connection is opened until the first send.
   *
   * @param config the configuration
   */
  public ApnsTransport(Config config) {
    this.config = config;
    this.clock = config.clock();
    this.tokens = config.signingKey() == null
        ? null
        : new ProviderTokens(config.signingKey(), config.teamId(), config.keyId(), clock,
            config.tokenRefresh());
    this.tls = Tls.create(config.trusted(), config.keyManagers());
    this.dispatcher = new Dispatcher(config.executor());
    // Herald bounds requests per connection itself; the dispatcher must never queue them.
    dispatcher.setMaxRequests(Integer.MAX_VALUE);
    dispatcher.setMaxRequestsPerHost(Integer.MAX_VALUE);
  }

  /**
   * Sends a notification whose payload size was already checked.
   *
   * @param notification the notification
   * @param body the payload bytes
   * @return the future result
   */
  public CompletableFuture<SendResult> send(ApnsNotification notification, byte[] body) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the ApnsProvider is closed"));
    }
    EndpointPool pool = pool(notification.address().environment());
    ApnsChannel.ExchangeTag tag = new ApnsChannel.ExchangeTag();
    Request request = request(pool.base, notification, body, tag);
    long deadline = System.nanoTime() + config.requestTimeout().toNanos();
    ApnsExchange exchange = new ApnsExchange(this, pool, request, tag, deadline);
    pool.submit(exchange, false);
    return exchange.future;
  }

  /** @return how many notifications wait for a free stream, over all hosts */
  public int waitingCount() {
    synchronized (pools) {
      return pools.values().stream().mapToInt(EndpointPool::waitingCount).sum();
    }
  }

  /** @return how many provider tokens were signed so far (0 with certificate authentication) */
  public long providerTokensSigned() {
    return tokens == null ? 0 : tokens.signedCount();
  }

  /**
   * Stops: waiting notifications and those in flight fail, connections close, and the executor
   * stops if the transport created it. Idempotent.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<ApnsExchange> left = new ArrayList<>();
    List<EndpointPool> all;
    synchronized (pools) {
      all = new ArrayList<>(pools.values());
    }
    for (EndpointPool pool : all) {
      left.addAll(pool.close());
    }
    for (ApnsExchange exchange : left) {
      exchange.failClosed();
    }
    dispatcher.cancelAll();
    for (EndpointPool pool : all) {
      for (ApnsChannel channel : pool.channels) {
        channel.client.connectionPool().evictAll();
      }
    }
    if (config.ownsExecutor()) {
      config.executor().shutdown();
    }
  }

  void onResponse(ApnsExchange x, Response response) {
    ApnsAnswer answer;
    try (response) {
      answer = ApnsAnswer.read(response, clock.instant());
    } catch (RuntimeException e) {
      // Never leave a future or a stream behind, whatever went wrong reading the answer.
      x.pool.finished(x.channel, false, false);
      x.future.completeExceptionally(e);
      return;
    }
    Connection connection = x.tag.connection;
    Optional<ApnsRejectionReason> reason = answer.reason();
    if (reason.isPresent() && connection != null) {
      ApnsRejectionReason r = reason.get();
      if (r == ApnsRejectionReason.EXPIRED_PROVIDER_TOKEN
          || r == ApnsRejectionReason.TOO_MANY_PROVIDER_TOKEN_UPDATES) {
        // Apple leaves such a connection unusable; the next attempt gets a new connection and
        // with it a new token.
        OkHttpInternals.retire(connection);
        if (tokens != null) {
          tokens.forget(connection);
        }
        x.pool.connectionFailed(x.channel);
      }
      if (r == ApnsRejectionReason.EXPIRED_PROVIDER_TOKEN && tokens != null && !x.tokenRetried
          && !closed.get()) {
        LOG.info("APNs at {} found the provider token expired; sending again on a new"
            + " connection with a new token", x.pool.base.host());
        x.tokenRetried = true;
        x.pool.finished(x.channel, false, false);
        x.pool.submit(x, true);
        return;
      }
    }
    x.pool.finished(x.channel, true, false);
    x.future.complete(answer.toResult(clock));
  }

  void onFailure(ApnsExchange x, IOException e) {
    boolean timedOut = e instanceof InterruptedIOException && !closed.get();
    if (!timedOut) {
      x.pool.connectionFailed(x.channel);
    }
    x.pool.finished(x.channel, timedOut, timedOut);
    if (OkHttpInternals.neverProcessed(e) && x.refusedRetries < MAX_REFUSED_RETRIES
        && !closed.get()) {
      x.refusedRetries++;
      LOG.debug("APNs at {} refused a stream ({}); sending again", x.pool.base.host(), e.toString());
      x.pool.submit(x, true);
      return;
    }
    x.future.completeExceptionally(describe(x, e));
  }

  void failQueueTimeout(ApnsExchange x) {
    x.future.completeExceptionally(new TimeoutException(
        "no stream to APNs at " + x.pool.base.host() + ":" + x.pool.base.port()
            + " became free within " + config.requestTimeout() + " (requestTimeout); the"
            + " notification was not sent"));
  }

  private Throwable describe(ApnsExchange x, IOException e) {
    String where = "APNs at " + x.pool.base.host() + ":" + x.pool.base.port();
    if (closed.get()) {
      return new IllegalStateException("the ApnsProvider was closed while sending", e);
    }
    if (e instanceof InterruptedIOException) {
      TimeoutException timeout = new TimeoutException("no answer from " + where + " within "
          + config.requestTimeout() + " (requestTimeout); the notification may or may not have"
          + " been delivered");
      timeout.initCause(e);
      return timeout;
    }
    if (e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof SSLException) {
      return new IOException("could not connect to " + where + ": " + e, e);
    }
    if (OkHttpInternals.neverProcessed(e)) {
      return new IOException(where + " refused the notification " + (x.refusedRetries + 1)
          + " times (" + e.getMessage() + "); it was not delivered", e);
    }
    return new IOException("the connection to " + where + " failed with the notification in"
        + " flight; it may or may not have been delivered: " + e, e);
  }

  private EndpointPool pool(ApnsEnvironment environment) {
    synchronized (pools) {
      EndpointPool pool = poolByEnvironment.get(environment);
      if (pool == null) {
        HttpUrl base = config.endpoints().get(environment);
        pool = pools.get(base);
        if (pool == null) {
          pool = newPool(base);
          pools.put(base, pool);
        }
        poolByEnvironment.put(environment, pool);
      }
      return pool;
    }
  }

  private EndpointPool newPool(HttpUrl base) {
    ApnsChannel[] channels = new ApnsChannel[config.connections()];
    int maxInFlight = (int) Math.min(Integer.MAX_VALUE,
        (long) config.connections() * config.maxConcurrentStreams());
    EndpointPool pool = new EndpointPool(base, channels, config.adaptiveConcurrency()
        ? new AdaptiveLimit(maxInFlight)
        : AdaptiveLimit.fixed(maxInFlight));
    OkHttpClient.Builder template = config.baseClient() == null
        ? new OkHttpClient.Builder()
        : config.baseClient().newBuilder();
    template
        .dispatcher(dispatcher)
        .protocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1))
        .callTimeout(config.requestTimeout())
        .connectTimeout(min(config.requestTimeout(), Duration.ofSeconds(10)))
        .readTimeout(config.requestTimeout())
        .writeTimeout(config.requestTimeout())
        .followRedirects(false)
        .retryOnConnectionFailure(true);
    if (tls != null) {
      template.sslSocketFactory(tls.socketFactory(), tls.trustManager());
    }
    for (int i = 0; i < channels.length; i++) {
      ApnsChannel channel = new ApnsChannel(i, config.maxConcurrentStreams());
      // Each channel pools exactly one connection, so the connection count is what was asked.
      channel.client = template.build().newBuilder()
          .connectionPool(new ConnectionPool(1, 5, TimeUnit.MINUTES))
          .addNetworkInterceptor(new ApnsChannel.NetworkInterceptor(pool, channel, tokens))
          .build();
      channels[i] = channel;
    }
    return pool;
  }

  private static Request request(
      HttpUrl base, ApnsNotification n, byte[] body, ApnsChannel.ExchangeTag tag) {
    HttpUrl url = base.newBuilder()
        .addPathSegment("3")
        .addPathSegment("device")
        .addPathSegment(n.address().deviceToken())
        .build();
    Request.Builder b = new Request.Builder()
        .url(url)
        .post(new PayloadBody(body))
        .header("apns-topic", n.address().topic())
        .header("apns-push-type", n.pushType().headerValue())
        .header("apns-priority", Integer.toString(n.priority().value()))
        .header("user-agent", USER_AGENT)
        .tag(ApnsChannel.ExchangeTag.class, tag);
    n.expiration().ifPresent(at -> b.header("apns-expiration", Long.toString(at.getEpochSecond())));
    n.collapseId().ifPresent(id -> b.header("apns-collapse-id", id));
    n.apnsId().ifPresent(id -> b.header("apns-id", id.toString()));
    return b.build();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /**
   * The payload as a one-shot body: OkHttp must not resend it on its own after the request
   * started, since APNs may already have delivered it. Herald resends only requests APNs
   * refused unprocessed.
   */
  private static final class PayloadBody extends RequestBody {
    private final byte[] bytes;

    PayloadBody(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public MediaType contentType() {
      return null;
    }

    @Override
    public long contentLength() {
      return bytes.length;
    }

    @Override
    public void writeTo(BufferedSink sink) throws IOException {
      sink.write(bytes);
    }

    @Override
    public boolean isOneShot() {
      return true;
    }
  }
}
