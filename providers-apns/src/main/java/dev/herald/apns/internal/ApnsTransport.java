package dev.herald.apns.internal;

import dev.herald.apns.ApnsNotification;
import dev.herald.apns.ApnsPriority;
import dev.herald.apns.ApnsRejectionReason;
import dev.herald.http2.Http2Call;
import dev.herald.http2.Http2Client;
import dev.herald.http2.Http2Request;
import dev.herald.http2.Http2Response;
import dev.herald.http2.Http2TimeoutException;
import dev.herald.http2.Http2TransportException;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.Platform;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends {@link ApnsNotification}s over HTTP/2 on Herald's event-loop client: one
 * {@link Http2Client} per APNs host, created on first use. With token authentication each
 * connection carries its own provider token (the {@code authorization} header is chosen per
 * connection), and a connection whose token APNs refuses as expired or changed too often is
 * retired. Used by {@link dev.herald.apns.ApnsProvider}.
 */
public final class ApnsTransport {
  private static final Logger LOG = LoggerFactory.getLogger(ApnsTransport.class);
  private static final String USER_AGENT = "herald-apns";
  /** The apns-priority header values, made once rather than per request. */
  private static final Map<ApnsPriority, String> PRIORITY_VALUES =
      new EnumMap<>(ApnsPriority.class);

  static {
    for (ApnsPriority p : ApnsPriority.values()) {
      PRIORITY_VALUES.put(p, Integer.toString(p.value()));
    }
  }

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
   * @param requestTimeout the deadline of each notification, waiting for a stream included
   * @param eventLoopThreads the event-loop threads per APNs host
   * @param clock the time for provider tokens and invalid-address instants
   * @param resolver resolves APNs host names, or null for the JDK's resolver
   */
  public record Config(
      Map<ApnsEnvironment, URI> endpoints,
      ECPrivateKey signingKey,
      String teamId,
      String keyId,
      Duration tokenRefresh,
      KeyManager[] keyManagers,
      List<X509Certificate> trusted,
      int connections,
      int maxConcurrentStreams,
      Duration requestTimeout,
      int eventLoopThreads,
      Clock clock,
      Http2Client.Resolver resolver) {}

  private final Config config;
  private final Clock clock;
  private final ProviderTokens tokens;
  private final Map<URI, Http2Client> clients = new LinkedHashMap<>();
  private final Map<ApnsEnvironment, Http2Client> byEnvironment =
      new EnumMap<>(ApnsEnvironment.class);
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<SendResult.Outcome> lastOutcome = new AtomicReference<>();

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
    ApnsEnvironment environment = notification.address().environment();
    Send send = new Send(client(environment), environment, request(notification, body));
    send.attempt();
    return send;
  }

  /**
   * One notification's future, and its attempts: the first, and a second on a new connection
   * when APNs found the provider token expired. It listens to each attempt's answer itself and
   * passes a cancellation on to the attempt in flight, so a send costs no callback objects.
   */
  private final class Send extends Http2Call<SendResult> {
    private final Http2Client client;
    private final ApnsEnvironment environment;
    private final Http2Request request;
    private volatile boolean tokenRetried;

    Send(Http2Client client, ApnsEnvironment environment, Http2Request request) {
      this.client = client;
      this.environment = environment;
      this.request = request;
    }

    void attempt() {
      send(client, request);
    }

    @Override
    public void accept(Http2Response response, Throwable failure) {
      if (failure != null) {
        completeExceptionally(describe(environment, failure));
        return;
      }
      try {
        onResponse(response);
      } catch (RuntimeException e) {
        completeExceptionally(e); // never leave a future behind
      }
    }

    private void onResponse(Http2Response response) {
      ApnsAnswer answer = ApnsAnswer.read(response, clock);
      Optional<ApnsRejectionReason> reason = answer.reason();
      if (reason.isPresent()) {
        ApnsRejectionReason r = reason.get();
        if (r == ApnsRejectionReason.EXPIRED_PROVIDER_TOKEN
            || r == ApnsRejectionReason.TOO_MANY_PROVIDER_TOKEN_UPDATES) {
          // Apple leaves such a connection unusable; the next attempt gets a new connection and
          // with it a new token.
          client.retire(response.connectionId());
          if (tokens != null) {
            tokens.forget(response.connectionId());
          }
        }
        if (r == ApnsRejectionReason.EXPIRED_PROVIDER_TOKEN && tokens != null && !tokenRetried
            && !closed.get()) {
          LOG.info("APNs at {} found the provider token expired; sending again on a new"
              + " connection with a new token", config.endpoints().get(environment).getHost());
          tokenRetried = true;
          attempt();
          return;
        }
      }
      SendResult sent = answer.toResult(clock);
      lastOutcome.set(sent.outcome());
      complete(sent);
    }
  }

  /**
   * The provider's state now.
   *
   * @return connections, requests and provider-token counts
   */
  public ProviderStatus status() {
    int open = 0;
    int inFlight = 0;
    int queued = 0;
    synchronized (clients) {
      for (Http2Client c : clients.values()) {
        open += c.connectionsOpen();
        inFlight += c.requestsInFlight();
        queued += c.requestsQueued();
      }
    }
    return new ProviderStatus(Platform.APNS, open, inFlight, queued,
        tokens == null ? 0 : tokens.signedCount(),
        tokens == null ? 0 : tokens.failureCount(),
        tokens == null ? Optional.empty() : tokens.lastSigned(),
        tokens == null ? Optional.empty() : tokens.lastFailure(),
        Optional.ofNullable(lastOutcome.get()));
  }

  /** @return how many notifications wait for a free stream, over all hosts */
  public int waitingCount() {
    return status().requestsQueued();
  }

  /** @return how many provider tokens were signed so far (0 with certificate authentication) */
  public long providerTokensSigned() {
    return tokens == null ? 0 : tokens.signedCount();
  }

  /**
   * Stops: waiting notifications and those in flight fail, connections close (GOAWAY first) and
   * the event-loop threads stop. Idempotent.
   */
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<Http2Client> all;
    synchronized (clients) {
      all = new ArrayList<>(clients.values());
    }
    for (Http2Client c : all) {
      c.close();
    }
  }

  private Throwable describe(ApnsEnvironment environment, Throwable failure) {
    Throwable e = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    URI base = config.endpoints().get(environment);
    String where = "APNs at " + base.getHost() + ":" + port(base);
    if (closed.get() || e instanceof IllegalStateException) {
      return new IllegalStateException("the ApnsProvider is closed", e);
    }
    if (e instanceof Http2TimeoutException timeout) {
      TimeoutException t = new TimeoutException(timeout.sent()
          ? "no answer from " + where + " within " + config.requestTimeout()
              + " (requestTimeout); the notification may or may not have been delivered"
          : "no stream to " + where + " became free within " + config.requestTimeout()
              + " (requestTimeout); the notification was not sent");
      t.initCause(e);
      return t;
    }
    if (e instanceof Http2TransportException h2) {
      return switch (h2.kind()) {
        case CONNECT -> new IOException(h2.getMessage(), h2);
        case REFUSED -> new IOException(where + " refused the notification " + h2.attempts()
            + " times; it was not delivered", h2);
        case QUEUE_FULL -> new IOException(h2.getMessage(), h2);
        case CONNECTION_LOST, STREAM_RESET -> new IOException("the connection to " + where
            + " failed with the notification in flight; it may or may not have been delivered: "
            + h2.getMessage(), h2);
      };
    }
    return e;
  }

  private Http2Client client(ApnsEnvironment environment) {
    synchronized (clients) {
      Http2Client client = byEnvironment.get(environment);
      if (client == null) {
        URI base = config.endpoints().get(environment);
        client = clients.get(base);
        if (client == null) {
          client = newClient(base);
          clients.put(base, client);
        }
        byEnvironment.put(environment, client);
      }
      return client;
    }
  }

  private Http2Client newClient(URI base) {
    Http2Client.Builder b = Http2Client.builder("APNs", base)
        .trust(config.trusted())
        .keyManagers(config.keyManagers())
        .maxConnections(config.connections())
        .maxConcurrentStreams(config.maxConcurrentStreams())
        .requestTimeout(config.requestTimeout())
        .eventLoopThreads(config.eventLoopThreads())
        .maxResponseBytes(ApnsAnswer.MAX_BODY_BYTES)
        // A new connection's token is proven by its first request before it carries more.
        .probeNewConnections(true)
        // Each device's path and each apns-id would churn HPACK's table, evicting the token.
        .unindexedHeaders(":path", "apns-id");
    if (config.resolver() != null) {
      b.resolver(config.resolver());
    }
    if (tokens != null) {
      b.connectionHeader("authorization", tokens::authorizationFor);
      b.onConnectionClosed(tokens::forget);
    }
    return b.build();
  }

  private static int port(URI base) {
    return base.getPort() < 0 ? 443 : base.getPort();
  }

  private static Http2Request request(ApnsNotification n, byte[] body) {
    int count = 4 + (n.expiration().isPresent() ? 1 : 0) + (n.collapseId().isPresent() ? 1 : 0)
        + (n.apnsId().isPresent() ? 1 : 0);
    String[] headers = new String[2 * count];
    int i = 0;
    headers[i++] = "apns-topic";
    headers[i++] = n.address().topic();
    headers[i++] = "apns-push-type";
    headers[i++] = n.pushType().headerValue();
    headers[i++] = "apns-priority";
    headers[i++] = PRIORITY_VALUES.get(n.priority());
    headers[i++] = "user-agent";
    headers[i++] = USER_AGENT;
    if (n.expiration().isPresent()) {
      headers[i++] = "apns-expiration";
      headers[i++] = Long.toString(n.expiration().get().getEpochSecond());
    }
    if (n.collapseId().isPresent()) {
      headers[i++] = "apns-collapse-id";
      headers[i++] = n.collapseId().get();
    }
    if (n.apnsId().isPresent()) {
      headers[i++] = "apns-id";
      headers[i++] = n.apnsId().get().toString();
    }
    return Http2Request.post("/3/device/" + n.address().deviceToken(), body, headers);
  }

}
