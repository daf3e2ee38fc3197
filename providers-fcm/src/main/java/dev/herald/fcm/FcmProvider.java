package dev.herald.fcm;

import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.fcm.internal.AccessToken;
import dev.herald.fcm.internal.AccessTokenSource;
import dev.herald.fcm.internal.FcmMessageWriter;
import dev.herald.fcm.internal.FcmResponses;
import dev.herald.fcm.internal.HttpExchange;
import dev.herald.fcm.internal.TokenEndpointException;
import dev.herald.http2.Http2Call;
import dev.herald.http2.Http2Client;
import dev.herald.http2.Http2Request;
import dev.herald.http2.Http2Response;
import dev.herald.internal.Certificates;
import dev.herald.internal.Checks;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.tls.HandshakeCertificates;

/**
 * Sends notifications through Firebase Cloud Messaging's HTTP v1 API to Android, iOS and web app
 * instances, authenticated as a Google {@link ServiceAccount}.
 *
 * <pre>{@code
 * FcmProvider fcm = FcmProvider.builder()
 *     .serviceAccount(ServiceAccount.fromFile(Path.of("firebase-adminsdk.json")))
 *     .androidChannel(Notification::category)   // one Android channel per opt-in category
 *     .build();
 * fcm.send(PushMessage.of("d-1", new FcmAddress(token), notification, Instant.now()))
 *    .thenAccept(result -> ...);
 * }</pre>
 *
 * <p><b>Sending.</b> Each message is one {@code POST {baseUrl}/v1/projects/{project_id}/
 * messages:send}; Google shut the batch endpoint down, so many messages are many requests,
 * multiplexed as HTTP/2 streams on an event loop (Netty, the JDK's TLS with ALPN {@code h2}, or
 * BoringSSL when the host adds it, see {@code Http2Client}): a few threads serve any number in
 * flight. At most {@link Builder#maxConcurrentRequests(int)} are in
 * flight (100 streams per connection, within FCM's advertised limit); the rest wait in order for
 * a free stream. Futures complete on an event-loop thread: callbacks must not block. Topics and
 * conditions are sent with {@link #send(FcmTarget, String, Notification, Instant)}. The OAuth2
 * token endpoint is called with OkHttp.
 *
 * <p><b>Authentication.</b> An OAuth2 access token is obtained with the JWT-bearer grant from the
 * service account's {@code token_uri}, cached, and replaced five minutes before it expires; one
 * request serves all concurrent sends. A send that FCM answers with 401 because of the token
 * fetches a new one and is tried once more. Keys and tokens never reach logs, {@code toString()}
 * or exception messages.
 *
 * <p><b>Outcomes.</b> {@link #send(PushMessage)} never throws. A message that is malformed, already
 * expired or whose payload exceeds {@value #MAX_PAYLOAD_BYTES} bytes completes with
 * {@link SendResult.Rejected} (HTTP status 0) before any request. Every answer from FCM or the
 * token endpoint becomes a {@link SendResult} (see {@code docs/fcm.md} for the error mapping);
 * redirects are never followed. The future fails only when no answer arrived: connection
 * failure (an {@link IOException}), no answer within {@link Builder#requestTimeout(Duration)}
 * (a {@link java.util.concurrent.TimeoutException}: FCM may have the message), or
 * {@link #close()}.
 *
 * <p>Thread-safe; build one per service account and share it.
 */
public final class FcmProvider implements PushProvider {
  /** FCM's limit on a message's payload, in bytes (see {@code docs/fcm.md} for what counts). */
  public static final int MAX_PAYLOAD_BYTES = FcmMessageWriter.MAX_PAYLOAD_BYTES;
  /** The production FCM endpoint. */
  public static final String DEFAULT_BASE_URL = "https://fcm.googleapis.com";

  /** Streams per connection: FCM's documented limit. */
  private static final int STREAMS_PER_CONNECTION = 100;

  private final String projectId;
  private final String clientEmail;
  private final HttpUrl sendUrl;
  private final String sendPath;
  private final Clock clock;
  private final Http2Client sends;
  private final OkHttpClient tokenClient;
  private final boolean ownsConnectionPool;
  private final AccessTokenSource tokens;
  private final AtomicReference<SendResult.Outcome> lastOutcome = new AtomicReference<>();
  private final FcmMessageWriter writer;
  private final AtomicBoolean closed = new AtomicBoolean();

  private FcmProvider(Builder b) {
    ServiceAccount account = b.serviceAccount;
    this.projectId = account.projectId();
    this.clientEmail = account.clientEmail();
    this.clock = b.clock;
    this.sendUrl =
        b.baseUrl.newBuilder()
            .addPathSegment("v1")
            .addPathSegment("projects")
            .addPathSegment(projectId)
            .addPathSegment("messages:send")
            .build();

    this.sendPath = sendUrl.encodedPath();
    int connections = (b.maxConcurrentRequests + STREAMS_PER_CONNECTION - 1)
        / STREAMS_PER_CONNECTION;
    this.sends = Http2Client.builder("FCM", b.baseUrl.uri())
        .trust(b.trustedCertificates)
        .maxConnections(connections)
        .maxConcurrentStreams(Math.min(b.maxConcurrentRequests, STREAMS_PER_CONNECTION))
        .requestTimeout(b.requestTimeout)
        .eventLoopThreads(b.eventLoopThreads)
        .build();
    // The token endpoint: one request an hour, on OkHttp.
    OkHttpClient base = b.httpClient != null ? b.httpClient : new OkHttpClient();
    OkHttpClient.Builder http =
        base.newBuilder().callTimeout(b.requestTimeout)
            // The token endpoint answers; it does not redirect. Following a 3xx would re-post the
            // signed assertion to wherever it points, https or plain http.
            .followRedirects(false)
            .followSslRedirects(false);
    if (!b.trustedCertificates.isEmpty()) {
      HandshakeCertificates.Builder trust =
          new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
      b.trustedCertificates.forEach(trust::addTrustedCertificate);
      HandshakeCertificates certificates = trust.build();
      http.sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager());
    }
    this.tokenClient = http.build();
    this.ownsConnectionPool = b.httpClient == null;
    this.tokens =
        new AccessTokenSource(
            tokenClient,
            HttpUrl.get(account.tokenUri().toString()),
            account.clientEmail(),
            account.privateKeyId(),
            account.privateKey(),
            clock);
    this.writer = new FcmMessageWriter(b.androidChannel, b.androidClickAction, b.validateOnly);
  }

  /**
   * Starts a builder; {@link Builder#serviceAccount(ServiceAccount)} is required.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Platform platform() {
    return Platform.FCM;
  }

  /**
   * The Firebase project messages are sent for.
   *
   * @return the service account's project id
   */
  public String projectId() {
    return projectId;
  }

  /**
   * Sends one message to the FCM registration token in its {@link FcmAddress}.
   *
   * @param message the message; an address of another platform is rejected
   * @return the outcome
   */
  @Override
  public CompletableFuture<SendResult> send(PushMessage message) {
    if (message == null) {
      return CompletableFuture.completedFuture(
          SendResult.rejected(RejectionKind.INVALID_MESSAGE, "message is required", 0));
    }
    if (!(message.address() instanceof FcmAddress address)) {
      return CompletableFuture.completedFuture(SendResult.rejected(
          RejectionKind.INVALID_MESSAGE,
          "address is a " + message.address().platform()
              + " address; FcmProvider sends only to FCM registration tokens",
          0));
    }
    // The address validated its token when it was created.
    return dispatch("token", address.token(), message.deliveryId(), message.notification(),
        message.expiresAt());
  }

  /**
   * Sends one message to a token, a topic or a condition.
   *
   * @param target where to send
   * @param deliveryId Herald's id for this delivery (at most 128 characters), sent as
   *     {@code data.herald_delivery_id}
   * @param notification the content
   * @param expiresAt when the message stops being worth delivering; the TTL is derived from it
   * @return the outcome, as for {@link #send(PushMessage)}
   */
  public CompletableFuture<SendResult> send(
      FcmTarget target, String deliveryId, Notification notification, Instant expiresAt) {
    try {
      Checks.required(target, "target");
      Checks.nonBlank(deliveryId, "deliveryId", 128);
      Checks.required(notification, "notification");
      Checks.required(expiresAt, "expiresAt");
    } catch (InvalidInputException e) {
      return CompletableFuture.completedFuture(
          SendResult.rejected(RejectionKind.INVALID_MESSAGE, e.getMessage(), 0));
    }
    return dispatch(
        target.field(), target.value(), deliveryId.strip(), notification, expiresAt);
  }

  private CompletableFuture<SendResult> dispatch(
      String targetField, String targetValue, String deliveryId, Notification notification,
      Instant expiresAt) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("FcmProvider is closed"));
    }
    try {
      Instant now = clock.instant();
      if (expiresAt.isBefore(now)) {
        return CompletableFuture.completedFuture(SendResult.rejected(
            RejectionKind.EXPIRED,
            "the message expired at " + expiresAt + ", before it could be sent", 0));
      }
      FcmMessageWriter.Encoded encoded;
      try {
        encoded = writer.encode(
            targetField, targetValue, deliveryId, notification, expiresAt, now);
      } catch (InvalidInputException e) {
        return CompletableFuture.completedFuture(
            SendResult.rejected(RejectionKind.INVALID_MESSAGE, e.getMessage(), 0));
      }
      if (encoded.payloadBytes() > MAX_PAYLOAD_BYTES) {
        return CompletableFuture.completedFuture(SendResult.rejected(
            RejectionKind.PAYLOAD_TOO_LARGE,
            "FCM message payload is " + encoded.payloadBytes() + " bytes, the limit is "
                + MAX_PAYLOAD_BYTES + " bytes; shorten the body or the data",
            0));
      }
      Attempt attempt = new Attempt(encoded.body(), targetField.equals("token"));
      attempt.start();
      return attempt;
    } catch (RuntimeException e) {
      // Nothing left the process (a throwing channel function, say): not transport trouble to
      // retry, but a message or configuration this provider cannot send.
      return CompletableFuture.completedFuture(SendResult.rejected(RejectionKind.OTHER,
          "could not prepare the request: " + e.getClass().getSimpleName(), 0));
    }
  }

  /**
   * One send and the caller's future: get a token, post, map the answer; on a refused access
   * token, once more with a fresh one. It listens to each request's answer itself and passes a
   * cancellation on to the request in flight, so a send costs no callback objects.
   */
  private final class Attempt extends Http2Call<SendResult> {
    private final byte[] body;
    private final boolean tokenTarget;
    private volatile AccessToken token;
    private volatile boolean retried;

    Attempt(byte[] body, boolean tokenTarget) {
      this.body = body;
      this.tokenTarget = tokenTarget;
    }

    void start() {
      CompletableFuture<AccessToken> next = tokens.get();
      if (next.isDone() && !next.isCompletedExceptionally()) {
        post(next.join()); // the cached token: no callback hop
      } else {
        next.whenComplete((fresh, failure) -> {
          if (failure == null) {
            post(fresh);
          } else if (failure instanceof TokenEndpointException refused) {
            complete(refused.result());
          } else {
            completeExceptionally(failure);
          }
        });
      }
    }

    private void post(AccessToken accessToken) {
      if (closed.get()) {
        completeExceptionally(new IllegalStateException("FcmProvider is closed"));
        return;
      }
      token = accessToken;
      send(sends, Http2Request.post(sendPath, body,
          "authorization", accessToken.authorization(),
          "content-type", "application/json; charset=utf-8"));
    }

    /** The answer to the request in flight, or why there is none. */
    @Override
    public void accept(Http2Response response, Throwable failure) {
      if (failure != null) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        if (cause instanceof IllegalStateException) {
          // The transport closed under the send: FCM may or may not have the message.
          cause = new IOException("the FcmProvider was closed with the request in flight; FCM"
              + " may or may not have the message", cause);
        }
        completeExceptionally(cause);
        return;
      }
      try {
        int status = response.status();
        // A hostile or broken server may echo the request: the bearer token must not reach the
        // result, and from there logs and the delivery record.
        // (A token too short to be real, as in tests, would only mangle the text.)
        String raw = new String(response.body(), StandardCharsets.UTF_8);
        String text = token.value().length() < 16
            ? raw : raw.replace(token.value(), "[access token]");
        if (status >= 200 && status < 300) {
          SendResult accepted = FcmResponses.accepted(status, text);
          lastOutcome.set(accepted.outcome());
          complete(accepted);
          return;
        }
        FcmResponses.FcmError error = FcmResponses.parseError(status, text);
        if (!retried && FcmResponses.isAccessTokenRefused(error)) {
          retried = true;
          tokens.invalidate(token);
          start();
          return;
        }
        SendResult mapped = FcmResponses.map(error, response.headers().get("retry-after"),
            tokenTarget, projectId, clock.instant());
        lastOutcome.set(mapped.outcome());
        complete(mapped);
      } catch (RuntimeException e) {
        completeExceptionally(e);
      }
    }
  }

  /**
   * Connections open, requests in flight and waiting for a stream, access tokens obtained from
   * the token endpoint (and failed attempts), and the outcome of the last answer.
   *
   * @return a snapshot
   */
  @Override
  public ProviderStatus status() {
    AccessTokenSource.Stats stats = tokens.stats();
    return new ProviderStatus(Platform.FCM, sends.connectionsOpen(), sends.requestsInFlight(),
        sends.requestsQueued(), stats.refreshes(), stats.failures(),
        Optional.ofNullable(stats.lastRefresh()), Optional.ofNullable(stats.lastFailure()),
        Optional.ofNullable(lastOutcome.get()));
  }

  /**
   * Cancels requests in flight (their futures fail), stops the provider's threads and, unless the
   * OkHttp client was supplied by the host, closes its connections. Idempotent; later sends
   * return a failed future.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sends.close();
    tokenClient.dispatcher().cancelAll();
    if (ownsConnectionPool) {
      tokenClient.dispatcher().executorService().shutdown();
      tokenClient.connectionPool().evictAll();
    }
  }

  /** Names the project and account; never a key or token. */
  @Override
  public String toString() {
    return "FcmProvider{projectId=" + projectId + ", clientEmail=" + clientEmail
        + ", sendUrl=" + sendUrl + (closed.get() ? ", closed" : "") + "}";
  }

  /**
   * Builds an {@link FcmProvider}. Each setter validates its argument and throws an
   * {@link InvalidInputException} naming the field; {@link #build()} checks that a service account
   * was given. Not thread-safe.
   */
  public static final class Builder {
    private ServiceAccount serviceAccount;
    private HttpUrl baseUrl = HttpUrl.get(DEFAULT_BASE_URL);
    private Clock clock = Clock.systemUTC();
    private Duration requestTimeout = Duration.ofSeconds(30);
    private int maxConcurrentRequests = 100;
    private int eventLoopThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private OkHttpClient httpClient;
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private boolean validateOnly;
    private Function<Notification, String> androidChannel;
    private String androidClickAction;

    private Builder() {}

    /**
     * The service account to authenticate as, and whose project to send for. Required.
     *
     * @param value the service account
     * @return this builder
     */
    public Builder serviceAccount(ServiceAccount value) {
      this.serviceAccount = Checks.required(value, "serviceAccount");
      return this;
    }

    /**
     * Where FCM is: {@value FcmProvider#DEFAULT_BASE_URL} unless testing against a mock. The
     * token endpoint always comes from the service account's {@code token_uri}.
     *
     * @param value an https URL without path, such as {@code https://localhost:8443}
     * @return this builder
     */
    public Builder baseUrl(String value) {
      URI uri = Checks.httpUrl(value, "baseUrl", false);
      String path = uri.getPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        throw new InvalidInputException(
            "baseUrl", "must have no path (Herald appends /v1/projects/…), got " + path);
      }
      if (uri.getQuery() != null || uri.getFragment() != null) {
        throw new InvalidInputException("baseUrl", "must have no query or fragment");
      }
      this.baseUrl = HttpUrl.get(uri.toString());
      return this;
    }

    /**
     * The clock for assertion times and token expiry; tests pass a fake clock.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * How long one HTTP call (to FCM or the token endpoint) may take in all before its send fails,
     * waiting for a free stream included; 30 seconds by default.
     *
     * @param value 1 ms to 10 minutes
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout =
          Checks.range(value, "requestTimeout", Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * How many requests may be in flight at once; more sends wait for a free stream. FCM allows
     * 100 concurrent streams per HTTP/2 connection, so each 100 (or part) is one connection.
     * 100 by default.
     *
     * @param value 1 to 10,000
     * @return this builder
     */
    public Builder maxConcurrentRequests(int value) {
      this.maxConcurrentRequests = Checks.range(value, "maxConcurrentRequests", 1, 10_000);
      return this;
    }

    /**
     * The event-loop threads that carry the sends; each connection lives on one.
     *
     * @param value 1 to 64; {@code min(2, cores)} by default
     * @return this builder
     */
    public Builder eventLoopThreads(int value) {
      this.eventLoopThreads = Checks.range(value, "eventLoopThreads", 1, 64);
      return this;
    }

    /**
     * An OkHttp client for the OAuth2 token endpoint whose connection pool and settings (proxy,
     * DNS) the provider shares; the provider derives its own client from it with its own timeout
     * and trust settings. Sends to FCM use Herald's event-loop HTTP/2 client instead.
     *
     * @param value the host's client
     * @return this builder
     */
    public Builder httpClient(OkHttpClient value) {
      this.httpClient = Checks.required(value, "httpClient");
      return this;
    }

    /**
     * Trusts a certificate in addition to the platform's trusted roots, for a local mock FCM
     * service such as {@code dev.herald.testing.fcm.MockFcmService}. TLS verification stays on.
     *
     * @param value the certificate to trust
     * @return this builder
     */
    public Builder trustCertificate(X509Certificate value) {
      trustedCertificates.add(Checks.required(value, "trustCertificate"));
      return this;
    }

    /**
     * Trusts the certificates in a PEM file in addition to the platform's trusted roots, such as
     * a local mock's ({@code MockFcmService.certificatePem()} written to a file).
     *
     * @param pemFile a file with one or more PEM certificates
     * @return this builder
     * @throws InvalidInputException when the file cannot be read or holds no certificate
     */
    public Builder trustCertificate(Path pemFile) {
      Certificates.read(pemFile, "trustCertificate").forEach(this::trustCertificate);
      return this;
    }

    /**
     * Trusts certificates in addition to the platform's trusted roots.
     *
     * @param values the certificates
     * @return this builder
     */
    public Builder trustCertificates(Collection<X509Certificate> values) {
      Checks.required(values, "trustCertificates").forEach(this::trustCertificate);
      return this;
    }

    /**
     * Dry run: FCM validates each message ({@code validate_only}) without delivering it and
     * answers with a placeholder message name.
     *
     * @param value true for dry runs
     * @return this builder
     */
    public Builder validateOnly(boolean value) {
      this.validateOnly = value;
      return this;
    }

    /**
     * One Android notification channel for every message.
     *
     * @param value the channel id the app created, or null for the app's default channel
     * @return this builder
     */
    public Builder androidChannelId(String value) {
      String channel = value == null ? null : Checks.nonBlank(value, "androidChannelId", 256);
      this.androidChannel = channel == null ? null : n -> channel;
      return this;
    }

    /**
     * Chooses the Android notification channel per notification, for example
     * {@code Notification::category} so players can mute promotions but not security alerts.
     *
     * @param value returns a channel id the app created, or null for the default channel
     * @return this builder
     */
    public Builder androidChannel(Function<Notification, String> value) {
      this.androidChannel = Checks.required(value, "androidChannel");
      return this;
    }

    /**
     * The Android intent action a tap on the notification launches ({@code click_action}); the
     * activity with a matching intent filter reads the deep link from
     * {@code data.herald_link}.
     *
     * @param value the action, such as {@code "OPEN_DEEP_LINK"}, or null for the launcher
     * @return this builder
     */
    public Builder androidClickAction(String value) {
      this.androidClickAction =
          value == null ? null : Checks.nonBlank(value, "androidClickAction", 256);
      return this;
    }

    /**
     * Validates and builds. No network call is made until the first send.
     *
     * @return the provider
     * @throws InvalidInputException when no service account was given
     */
    public FcmProvider build() {
      if (serviceAccount == null) {
        throw new InvalidInputException(
            "serviceAccount",
            "is required: load the key file with ServiceAccount.fromFile(path) and pass it to"
                + " serviceAccount(...)");
      }
      return new FcmProvider(this);
    }
  }
}
