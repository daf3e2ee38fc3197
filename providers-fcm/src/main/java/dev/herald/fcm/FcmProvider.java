package dev.herald.fcm;

import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.fcm.internal.AccessToken;
import dev.herald.fcm.internal.AccessTokenSource;
import dev.herald.fcm.internal.FcmMessageWriter;
import dev.herald.fcm.internal.FcmResponses;
import dev.herald.fcm.internal.HttpExchange;
import dev.herald.fcm.internal.TokenEndpointException;
import dev.herald.internal.Checks;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.io.IOException;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.Dispatcher;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
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
 * multiplexed as HTTP/2 streams over one shared OkHttp client, at most
 * {@link Builder#maxConcurrentRequests(int)} at a time (the rest queue). Topics and conditions are
 * sent with {@link #send(FcmTarget, String, Notification, Instant)}.
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
 * token endpoint becomes a {@link SendResult} (see {@code docs/fcm.md} for the error mapping). The
 * future fails only when no answer arrived: connection failure, timeout
 * ({@link Builder#requestTimeout(Duration)}), or {@link #close()}.
 *
 * <p>Thread-safe; build one per service account and share it.
 */
public final class FcmProvider implements PushProvider {
  /** FCM's limit on a message's payload, in bytes (see {@code docs/fcm.md} for what counts). */
  public static final int MAX_PAYLOAD_BYTES = FcmMessageWriter.MAX_PAYLOAD_BYTES;
  /** The production FCM endpoint. */
  public static final String DEFAULT_BASE_URL = "https://fcm.googleapis.com";

  private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");

  private final String projectId;
  private final String clientEmail;
  private final HttpUrl sendUrl;
  private final Clock clock;
  private final OkHttpClient client;
  private final boolean ownsConnectionPool;
  private final AccessTokenSource tokens;
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

    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(b.maxConcurrentRequests);
    dispatcher.setMaxRequestsPerHost(b.maxConcurrentRequests);
    OkHttpClient base = b.httpClient != null ? b.httpClient : new OkHttpClient();
    OkHttpClient.Builder http =
        base.newBuilder().dispatcher(dispatcher).callTimeout(b.requestTimeout)
            // FCM answers; it does not redirect. Following a 3xx would re-post the message and the
            // bearer token to wherever it points, https or plain http.
            .followRedirects(false)
            .followSslRedirects(false);
    if (!b.trustedCertificates.isEmpty()) {
      HandshakeCertificates.Builder trust =
          new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
      b.trustedCertificates.forEach(trust::addTrustedCertificate);
      HandshakeCertificates certificates = trust.build();
      http.sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager());
    }
    this.client = http.build();
    this.ownsConnectionPool = b.httpClient == null;
    this.tokens =
        new AccessTokenSource(
            client,
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
      RequestBody body = RequestBody.create(encoded.body(), JSON);
      CompletableFuture<SendResult> result = new CompletableFuture<>();
      new Attempt(body, targetField.equals("token"), result).start();
      return result;
    } catch (RuntimeException e) {
      // Nothing left the process (a throwing channel function, say): not transport trouble to
      // retry, but a message or configuration this provider cannot send.
      return CompletableFuture.completedFuture(SendResult.rejected(RejectionKind.OTHER,
          "could not prepare the request: " + e.getClass().getSimpleName(), 0));
    }
  }

  /**
   * One send: get a token, post, map the answer; on a refused access token, once more with a
   * fresh one. Callbacks rather than composed futures keep the per-message cost low.
   */
  private final class Attempt implements Callback {
    private final RequestBody body;
    private final boolean tokenTarget;
    private final CompletableFuture<SendResult> result;
    private volatile Call call;
    private AccessToken token;
    private boolean retried;

    Attempt(RequestBody body, boolean tokenTarget, CompletableFuture<SendResult> result) {
      this.body = body;
      this.tokenTarget = tokenTarget;
      this.result = result;
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
            result.complete(refused.result());
          } else {
            result.completeExceptionally(failure);
          }
        });
      }
    }

    private void post(AccessToken accessToken) {
      if (closed.get()) {
        result.completeExceptionally(new IllegalStateException("FcmProvider is closed"));
        return;
      }
      token = accessToken;
      Request request =
          new Request.Builder()
              .url(sendUrl)
              .header("Authorization", "Bearer " + accessToken.value())
              .post(body)
              .build();
      Call posted = client.newCall(request);
      boolean first = call == null;
      call = posted;
      if (first) {
        result.whenComplete((r, f) -> {
          if (result.isCancelled()) {
            call.cancel(); // the caller gave up: free the stream
          }
        });
      }
      posted.enqueue(this);
    }

    @Override
    public void onFailure(Call failed, IOException e) {
      result.completeExceptionally(e);
    }

    @Override
    public void onResponse(Call answered, Response response) {
      HttpExchange.Answer answer;
      try (response) {
        answer = HttpExchange.read(response);
      } catch (IOException | RuntimeException e) {
        result.completeExceptionally(e);
        return;
      }
      try {
        // A hostile or broken server may echo the request: the bearer token must not reach the
        // result, and from there logs and the delivery record.
        // (A token too short to be real, as in tests, would only mangle the text.)
        String body = token.value().length() < 16
            ? answer.body() : answer.body().replace(token.value(), "[access token]");
        if (answer.status() >= 200 && answer.status() < 300) {
          result.complete(FcmResponses.accepted(answer.status(), body));
          return;
        }
        FcmResponses.FcmError error = FcmResponses.parseError(answer.status(), body);
        if (!retried && FcmResponses.isAccessTokenRefused(error)) {
          retried = true;
          tokens.invalidate(token);
          start();
          return;
        }
        result.complete(FcmResponses.map(
            error, answer.retryAfter(), tokenTarget, projectId, clock.instant()));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
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
    client.dispatcher().cancelAll();
    client.dispatcher().executorService().shutdown();
    if (ownsConnectionPool) {
      client.connectionPool().evictAll();
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
     * How long one HTTP call (to FCM or the token endpoint) may take in all before its send fails;
     * 30 seconds by default.
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
     * How many requests may be in flight at once; more sends queue. FCM allows 100 concurrent
     * streams per HTTP/2 connection, and OkHttp opens another connection beyond that. 100 by
     * default.
     *
     * @param value 1 to 10,000
     * @return this builder
     */
    public Builder maxConcurrentRequests(int value) {
      this.maxConcurrentRequests = Checks.range(value, "maxConcurrentRequests", 1, 10_000);
      return this;
    }

    /**
     * An OkHttp client whose connection pool and settings the provider shares; the provider
     * derives its own client from it with its own dispatcher, timeout and trust settings.
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
