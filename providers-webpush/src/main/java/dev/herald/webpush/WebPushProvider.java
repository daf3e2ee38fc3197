package dev.herald.webpush;

import dev.herald.InvalidInputException;
import dev.herald.content.ContentKind;
import dev.herald.internal.Checks;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.Platform;
import dev.herald.subscription.WebPushAddress;
import dev.herald.webpush.internal.EndpointGuard;
import dev.herald.webpush.internal.PayloadJson;
import dev.herald.webpush.internal.PublicAddressDns;
import dev.herald.webpush.internal.RequestGate;
import dev.herald.webpush.internal.ResponseMapper;
import dev.herald.webpush.internal.Vapid;
import dev.herald.webpush.internal.WebPushEncryption;
import java.io.IOException;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Dns;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.tls.HandshakeCertificates;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends notifications to browsers over Web Push: RFC 8030 requests, payloads encrypted per RFC 8291
 * ({@code aes128gcm}) and VAPID authentication per RFC 8292, over one shared OkHttp client that
 * speaks HTTP/2 wherever the push service offers it.
 *
 * <pre>{@code
 * WebPushProvider webPush = WebPushProvider.builder()
 *     .vapid(VapidKeys.fromBase64Url(publicKey, privateKey), "mailto:push-ops@casino.example")
 *     .build();
 * webPush.send(PushMessage.of(deliveryId, address, notification, Instant.now()))
 *     .thenAccept(result -> ...);
 * }</pre>
 *
 * <p>Each message gets a fresh ephemeral P-256 key and salt. The VAPID JWT is signed once per push
 * service origin and reused until shortly before it expires. Only {@code https} endpoints on the
 * known push services (Firebase Cloud Messaging {@code fcm.googleapis.com}, Mozilla
 * {@code *.push.services.mozilla.com}, Apple {@code *.push.apple.com}, Microsoft
 * {@code *.notify.windows.com}), on port 443, are contacted unless more hosts are allowed with
 * {@link Builder#allowHost(String)}: the endpoint comes from a browser and must not become a way to
 * make your server call internal addresses. For the same reason a host is refused at connect time
 * when it resolves to a loopback, private, link-local, unique-local, carrier-grade NAT, multicast
 * or IPv4-mapped address, unless it was allowed by exact name (a wildcard such as
 * {@code *.example.net} does not exempt it); such a send completes {@link SendResult.Rejected}.
 *
 * <p>{@link #send} never throws and follows the {@link PushProvider} contract: a payload larger
 * than {@value #MAX_PAYLOAD_BYTES} bytes, a refused endpoint or an expired message complete with
 * {@link SendResult.Rejected} (HTTP status 0) before any network call; every push service answer
 * becomes a {@link SendResult}; only transport failures fail the future.
 *
 * <p>The payload is encrypted on the thread that calls {@link #send} (a fraction of a
 * millisecond: one P-256 key generation and one ECDH); the request then runs on OkHttp's
 * dispatcher and the future completes there, so do not block in its callbacks. Requests beyond
 * {@link Builder#maxConcurrentRequests} wait in the provider, at most
 * {@link Builder#maxQueuedRequests} of them; cancelling the future of a waiting request removes it
 * at once.
 *
 * <p>Thread-safe. Build one per VAPID key pair, share it, and {@link #close()} it once.
 */
public final class WebPushProvider implements PushProvider {
  /** The largest payload (the JSON a service worker receives), in bytes: 4096 minus overhead. */
  public static final int MAX_PAYLOAD_BYTES = WebPushEncryption.MAX_PLAINTEXT_BYTES;
  /** The largest request body a push service must accept (RFC 8030 §7.2). */
  public static final int MAX_BODY_BYTES = WebPushEncryption.MAX_BODY_BYTES;

  /** How many requests may wait for a slot by default; see {@link Builder#maxQueuedRequests}. */
  public static final int DEFAULT_MAX_QUEUED_REQUESTS = 10_000;

  private static final Logger LOG = LoggerFactory.getLogger(WebPushProvider.class);
  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final int REASON_BODY_BYTES = 2048;

  private final OkHttpClient client;
  private final boolean ownsClient;
  private final Clock clock;
  private final Vapid vapid;
  private final VapidKeys vapidKeys;
  private final EndpointGuard guard;
  private final WebPushEncryption encryption;
  private final Padding padding;
  private final String badgeUrl;
  private final RequestGate<Exchange> gate;
  private final int maxQueuedRequests;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<SendResult.Outcome> lastOutcome = new AtomicReference<>();

  private WebPushProvider(Builder b, OkHttpClient client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.clock = b.clock;
    this.vapidKeys = b.vapidKeys;
    this.vapid = new Vapid(b.vapidKeys, b.subject, b.vapidTokenLifetime, b.clock);
    this.guard = new EndpointGuard(b.allowedHosts);
    this.encryption = WebPushEncryption.withDefaultEngine();
    this.padding = b.padding;
    this.badgeUrl = b.badgeUrl;
    this.maxQueuedRequests = b.maxQueuedRequests;
    // OkHttp runs at most maxRequests calls; the gate hands it no more, so nothing waits (or
    // lingers cancelled) in OkHttp's own queue beyond that.
    this.gate = new RequestGate<>(client.dispatcher().getMaxRequests(), b.maxQueuedRequests);
  }

  /**
   * The Web Push {@code Topic} for a collapse key: the key itself when it is 1 to 32 characters
   * of the base64url alphabet, else the first 32 characters of the base64url SHA-256 of the key.
   * A collapse key chosen for APNs or FCM ({@code "tournament 42"}) so still collapses on the
   * web, and the same key always gives the same topic.
   *
   * @param collapseKey the notification's collapse key
   * @return a valid topic
   */
  public static String topicOf(String collapseKey) {
    Checks.required(collapseKey, "collapseKey");
    if (TOPIC.matcher(collapseKey).matches()) {
      return collapseKey;
    }
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest(collapseKey.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest)
          .substring(0, 32);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /**
   * Whether a text may be sent as a Web Push {@code Topic} as it is (RFC 8030 §5.4).
   *
   * @param topic the text
   * @return true for 1 to 32 characters of the base64url alphabet
   */
  public static boolean isValidTopic(String topic) {
    return topic != null && TOPIC.matcher(topic).matches();
  }

  /**
   * Starts a provider; {@link Builder#vapid(VapidKeys, String)} is required.
   *
   * @return a builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Platform platform() {
    return Platform.WEB_PUSH;
  }

  /**
   * The VAPID public key, the {@code applicationServerKey} browsers must subscribe with.
   *
   * @return the key pair (its {@code toString()} shows the public key only)
   */
  public VapidKeys vapidKeys() {
    return vapidKeys;
  }

  /**
   * Whether this provider would contact an endpoint: use it to refuse a subscription at
   * registration rather than at the first send.
   *
   * @param endpoint a subscription endpoint
   * @return why it would be refused, or empty when it is acceptable
   */
  public Optional<String> endpointRefusal(URI endpoint) {
    Checks.required(endpoint, "webPush.endpoint");
    return guard.refusal(endpoint);
  }

  /**
   * Encrypts and sends one message. Never throws.
   *
   * @param message the message; its address must be a {@link WebPushAddress}
   * @return the outcome, failed only for transport trouble or after {@link #close()}
   */
  @Override
  public CompletableFuture<SendResult> send(PushMessage message) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new IllegalStateException("WebPushProvider is closed"));
    }
    Request request;
    try {
      Object prepared = prepare(message);
      if (prepared instanceof SendResult refused) {
        return CompletableFuture.completedFuture(refused);
      }
      request = (Request) prepared;
    } catch (InvalidInputException e) {
      return CompletableFuture.completedFuture(
          SendResult.rejected(RejectionKind.INVALID_MESSAGE, e.getMessage(), 0));
    } catch (RuntimeException e) {
      // Nothing left the process: not transport trouble to retry, but a message or configuration
      // this provider cannot send.
      return CompletableFuture.completedFuture(SendResult.rejected(RejectionKind.OTHER,
          "could not prepare the request: " + e.getClass().getSimpleName(), 0));
    }
    Exchange exchange = new Exchange(request);
    switch (gate.offer(exchange)) {
      case START -> exchange.start();
      case WAIT -> { } // started by the send that frees a slot, or failed by close()
      default -> {
        if (closed.get()) {
          exchange.completeExceptionally(new IllegalStateException("WebPushProvider is closed"));
        } else {
          exchange.complete(SendResult.retryLater("the provider already holds "
              + maxQueuedRequests + " requests waiting for the push service (maxQueuedRequests);"
              + " send more slowly or allow more concurrent requests", null, 0));
        }
      }
    }
    return exchange;
  }

  /**
   * One send: its future (the caller's, so that cancelling it reaches the request), its OkHttp
   * callback, and once started its call.
   */
  private final class Exchange extends CompletableFuture<SendResult> implements Callback {
    private final Request request;
    private volatile Call call;

    Exchange(Request request) {
      this.request = request;
    }

    /** Hands the request to OkHttp in the slot the gate gave it (freed at the call's end). */
    void start() {
      if (isDone()) { // cancelled between getting its slot and now
        freeSlot();
        return;
      }
      Call c;
      try {
        c = client.newCall(request);
        call = c;
        if (isCancelled()) {
          freeSlot();
          return;
        }
        c.enqueue(this);
      } catch (RuntimeException e) {
        // The dispatcher was shut down by a concurrent close().
        freeSlot();
        completeExceptionally(e);
      }
    }

    /**
     * Cancelling (as the engine does after its deadline) takes a waiting request out of the
     * provider at once, or cancels the running call; its slot is freed when OkHttp reports the
     * call's end.
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      boolean cancelled = super.cancel(mayInterruptIfRunning);
      if (cancelled && !gate.withdraw(this)) {
        Call c = call;
        if (c != null) {
          c.cancel();
        }
      }
      return cancelled;
    }

    @Override
    public void onFailure(Call c, IOException e) {
      freeSlot();
      PublicAddressDns.RefusedAddressException refused = refusedAddress(e);
      if (refused != null) {
        // Not transport trouble: the endpoint leads inside; retrying cannot help.
        complete(SendResult.rejected(RejectionKind.CONFIGURATION, refused.getMessage(), 0));
      } else {
        completeExceptionally(e);
      }
    }

    @Override
    public void onResponse(Call c, Response response) {
      SendResult result;
      try (response) {
        int code = response.code();
        String location = response.header("Location");
        String body = "";
        if (code >= 300 || location != null) {
          // A hostile or broken service may echo the request: its VAPID token must not reach
          // the result (and from there logs and the delivery record).
          String token = vapidToken(request.header("Authorization"));
          location = redact(location, token);
          body = code >= 300 ? redact(response.peekBody(REASON_BODY_BYTES).string(), token) : "";
        }
        result = ResponseMapper.map(code, location,
            code >= 300 ? response.header("Retry-After") : null, body, clock.instant());
        if (LOG.isDebugEnabled()) {
          LOG.debug("web push to {}: {} (HTTP {})", request.url().host(), result.outcome(), code);
        }
      } catch (IOException | RuntimeException e) {
        freeSlot();
        completeExceptionally(e);
        return;
      }
      freeSlot(); // first: a caller that sends again on completion finds the slot free
      if (lastOutcome.get() != result.outcome()) {
        lastOutcome.set(result.outcome()); // written on change only: no shared write per send
      }
      complete(result);
    }
  }

  /** A request ended: its slot goes to the oldest waiting request, started on this thread. */
  private void freeSlot() {
    Exchange next = gate.finished();
    if (next != null) {
      next.start();
    }
  }

  /** Fails every request still waiting in the gate: the provider is closing. */
  private void failWaiting() {
    for (Exchange waiting : gate.close()) {
      waiting.completeExceptionally(new IllegalStateException(
          "WebPushProvider was closed before the request could be sent"));
    }
  }

  /** The JWT of a {@code vapid t=…, k=…} Authorization header, or null. */
  private static String vapidToken(String authorization) {
    if (authorization == null) {
      return null;
    }
    int start = authorization.indexOf("t=");
    int end = authorization.indexOf(',', start);
    return start < 0 || end < 0 ? null : authorization.substring(start + 2, end).strip();
  }

  private static String redact(String text, String secret) {
    return text == null || secret == null || secret.isEmpty()
        ? text : text.replace(secret, "[VAPID token]");
  }

  /** The refusal of a resolved address, wherever OkHttp put it: the failure, a cause or a
   * suppressed exception (it collects the failures of every route it tried). */
  private static PublicAddressDns.RefusedAddressException refusedAddress(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PublicAddressDns.RefusedAddressException refused) {
        return refused;
      }
      for (Throwable suppressed : t.getSuppressed()) {
        if (suppressed instanceof PublicAddressDns.RefusedAddressException refused) {
          return refused;
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /** Returns the request to send, or the result that refuses the message before any request. */
  private Object prepare(PushMessage message) {
    Checks.required(message, "message");
    if (!(message.address() instanceof WebPushAddress address)) {
      return SendResult.rejected(RejectionKind.CONFIGURATION,
          "the address is for " + message.address().platform()
              + "; WebPushProvider sends only to WEB_PUSH addresses", 0);
    }
    URI endpoint = address.endpoint();
    Optional<String> refusal = guard.refusal(endpoint);
    if (refusal.isPresent()) {
      return SendResult.rejected(RejectionKind.CONFIGURATION, refusal.get(), 0);
    }
    Instant now = clock.instant();
    if (now.isAfter(message.expiresAt())) {
      return SendResult.rejected(RejectionKind.EXPIRED,
          "the message expired at " + message.expiresAt() + ", before it could be sent", 0);
    }
    if (message.notification().kind() == ContentKind.LIVE_ACTIVITY) {
      return SendResult.rejected(RejectionKind.INVALID_MESSAGE, "kind: Web Push does not send "
          + "LIVE_ACTIVITY content; Live Activity updates go to APNs", 0);
    }
    String topic = message.notification().collapseKey().map(WebPushProvider::topicOf).orElse(null);
    byte[] payload = PayloadJson.of(message, badgeUrl);
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return SendResult.rejected(RejectionKind.PAYLOAD_TOO_LARGE,
          "payload is " + payload.length + " bytes, the limit is " + MAX_PAYLOAD_BYTES
              + " bytes (a " + MAX_BODY_BYTES + "-byte encrypted body); shorten the title, body"
              + " or data", 0);
    }
    byte[] body = encryption.encrypt(
        payload, padding.paddingFor(payload.length), address.p256dh(), address.auth());
    Request.Builder request = new Request.Builder()
        .url(endpoint.toString())
        .header("TTL", Long.toString(message.ttlAt(now).getSeconds()))
        .header("Urgency", message.notification().urgency().headerValue())
        .header("Content-Encoding", "aes128gcm")
        .header("Authorization", vapid.authorization(Vapid.origin(endpoint)))
        .post(RequestBody.create(body, OCTET_STREAM));
    if (topic != null) {
      request.header("Topic", topic);
    }
    return request.build();
  }

  /**
   * Stops accepting sends and releases the connections and threads of the provider's own client;
   * a client passed to {@link Builder#httpClient(OkHttpClient)} is left to its owner. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    failWaiting();
    if (ownsClient) {
      client.dispatcher().cancelAll();
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  /**
   * Connections in the client's pool (idle ones included), requests running in its dispatcher,
   * requests queued (in the dispatcher and waiting in the provider for a slot), and the outcome
   * of the last answer. With a shared
   * {@link Builder#httpClient(OkHttpClient)} the counts include the host's own calls. VAPID
   * headers are not counted as token refreshes.
   *
   * @return a snapshot
   */
  @Override
  public ProviderStatus status() {
    return new ProviderStatus(Platform.WEB_PUSH, client.connectionPool().connectionCount(),
        client.dispatcher().runningCallsCount(),
        client.dispatcher().queuedCallsCount() + gate.waiting(), 0, 0,
        Optional.empty(), Optional.empty(), Optional.ofNullable(lastOutcome.get()));
  }

  @Override
  public String toString() {
    return "WebPushProvider{vapidPublicKey=" + vapidKeys.publicKeyBase64Url()
        + (closed.get() ? ", closed" : "") + "}";
  }

  /**
   * Builds a {@link WebPushProvider}. Setters validate their argument and throw an
   * {@link InvalidInputException} naming it; {@link #build()} checks the combination. Not
   * thread-safe.
   */
  public static final class Builder {
    private VapidKeys vapidKeys;
    private String subject;
    private Duration vapidTokenLifetime = Vapid.DEFAULT_LIFETIME;
    private Clock clock = Clock.systemUTC();
    private Duration requestTimeout = Duration.ofSeconds(30);
    private Duration connectTimeout = Duration.ofSeconds(10);
    private Integer maxConcurrentRequests;
    private Integer maxConcurrentRequestsPerHost;
    private int maxQueuedRequests = DEFAULT_MAX_QUEUED_REQUESTS;
    private OkHttpClient httpClient;
    private final Set<String> allowedHosts = new LinkedHashSet<>();
    private final List<X509Certificate> trustedCertificates = new ArrayList<>();
    private Padding padding = Padding.none();
    private String badgeUrl;

    private Builder() {}

    /**
     * The VAPID key pair and contact subject: required.
     *
     * @param keys the application server keys browsers subscribed with
     * @param subject a {@code mailto:} or {@code https:} URL the push service can contact you at;
     *     not localhost (Apple rejects it)
     * @return this builder
     */
    public Builder vapid(VapidKeys keys, String subject) {
      this.vapidKeys = Checks.required(keys, "vapid.keys");
      this.subject = Vapid.validateSubject(subject);
      return this;
    }

    /**
     * How far ahead the VAPID JWT's {@code exp} lies. The token is reused until an hour before it
     * expires (a quarter of the lifetime when that is shorter).
     *
     * @param value 5 minutes to 24 hours (RFC 8292's limit); default 12 hours
     * @return this builder
     */
    public Builder vapidTokenLifetime(Duration value) {
      this.vapidTokenLifetime = Checks.range(
          value, "vapidTokenLifetime", Vapid.MIN_LIFETIME, Vapid.MAX_LIFETIME);
      return this;
    }

    /**
     * The clock for VAPID expiry, TTLs and Retry-After dates; tests pass a fake one.
     *
     * @param value the clock; default the system UTC clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "clock");
      return this;
    }

    /**
     * The time one send may take, from connecting to the end of the answer; a send still running
     * then fails with an {@code InterruptedIOException}. It is the only timeout once connected:
     * the client's per-read and per-write timeouts are off (a shared client's too, for the
     * provider's calls).
     *
     * @param value 1 ms to 10 minutes; default 30 seconds
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Checks.range(
          value, "requestTimeout", Duration.ofMillis(1), Duration.ofMinutes(10));
      return this;
    }

    /**
     * The time to establish a connection, TLS included.
     *
     * @param value 1 ms to 5 minutes; default 10 seconds
     * @return this builder
     */
    public Builder connectTimeout(Duration value) {
      this.connectTimeout = Checks.range(
          value, "connectTimeout", Duration.ofMillis(1), Duration.ofMinutes(5));
      return this;
    }

    /**
     * The most requests in flight at once over the provider's own client (OkHttp's default is 64).
     * Each in-flight request holds an OkHttp dispatcher thread.
     *
     * @param value 1 to 100,000; default 256
     * @return this builder
     */
    public Builder maxConcurrentRequests(int value) {
      this.maxConcurrentRequests = Checks.range(value, "maxConcurrentRequests", 1, 100_000);
      return this;
    }

    /**
     * The most requests in flight at once to one push service host (OkHttp's default is 5). With
     * HTTP/2 they share one connection as streams.
     *
     * @param value 1 to 100,000; default 128
     * @return this builder
     */
    public Builder maxConcurrentRequestsPerHost(int value) {
      this.maxConcurrentRequestsPerHost =
          Checks.range(value, "maxConcurrentRequestsPerHost", 1, 100_000);
      return this;
    }

    /**
     * How many requests may wait in the provider for one of the {@link #maxConcurrentRequests}
     * slots (with {@link #httpClient}, its dispatcher's {@code maxRequests}). A send beyond that
     * completes at once with {@link SendResult.RetryLater} (HTTP status 0), so a push service
     * slower than the senders never makes requests, each holding its encrypted body of up to
     * 4 KB, pile up in memory. A waiting request whose future is cancelled (as Herald's engine
     * does after its {@code sendTimeout}) leaves at once. Herald's engine keeps at most
     * {@code DispatchSettings.maxSendsInFlightPerProvider} calls on a provider, so the default
     * is not reached through Herald with the default settings.
     *
     * @param value 0 to 1,000,000; default {@value #DEFAULT_MAX_QUEUED_REQUESTS}
     * @return this builder
     */
    public Builder maxQueuedRequests(int value) {
      this.maxQueuedRequests = Checks.range(value, "maxQueuedRequests", 0, 1_000_000);
      return this;
    }

    /**
     * Shares an OkHttp client with the host application (its connection pool, dispatcher and
     * threads). The provider derives its own settings from it (timeouts, no redirects) and does not
     * shut it down on {@link WebPushProvider#close()}. Configure concurrency on its dispatcher.
     *
     * @param value the client
     * @return this builder
     */
    public Builder httpClient(OkHttpClient value) {
      this.httpClient = Checks.required(value, "httpClient");
      return this;
    }

    /**
     * Lets endpoints on a host that is not a known push service through the guard, over
     * {@code https} or plain {@code http} and on any port: a self-hosted push service, or a local
     * mock in tests. A host allowed by exact name may resolve to any address, internal ones
     * included; hosts matched by a wildcard ({@code *.example.com}) must resolve to public
     * addresses. Never allow hosts that browsers' subscriptions could name to reach your own
     * network.
     *
     * @param host a host name ({@code localhost}, {@code push.example.com}), {@code *.example.com}
     *     for its subdomains, or an IP literal
     * @return this builder
     */
    public Builder allowHost(String host) {
      allowedHosts.add(EndpointGuard.normaliseAllowedHost(host));
      return this;
    }

    /**
     * Trusts extra certificates besides the platform's, for a push service (or mock) with a private
     * certificate authority. Verification is never turned off.
     *
     * @param certificates CA or self-signed server certificates
     * @return this builder
     */
    public Builder trustedCertificates(X509Certificate... certificates) {
      Checks.required(certificates, "trustedCertificates");
      for (X509Certificate certificate : certificates) {
        trustedCertificates.add(Checks.required(certificate, "trustedCertificates[]"));
      }
      return this;
    }

    /**
     * Trusts the certificates in a PEM file beyond the platform's roots, such as a local mock's
     * (such as {@code MockWebPushService.certificate()} written as PEM). Verification stays on.
     *
     * @param pemFile a file with one or more PEM certificates
     * @return this builder
     * @throws InvalidInputException when the file cannot be read or holds no certificate
     */
    public Builder trustedCertificate(java.nio.file.Path pemFile) {
      trustedCertificates.addAll(
          dev.herald.internal.Certificates.read(pemFile, "trustedCertificate"));
      return this;
    }

    /**
     * Pads payloads inside the encryption so their size reveals less.
     *
     * @param value the padding rule; default {@link Padding#none()}
     * @return this builder
     */
    public Builder padding(Padding value) {
      this.padding = Checks.required(value, "padding");
      return this;
    }

    /**
     * A monochrome badge image that Android shows in the status bar, sent as {@code badge} with
     * every notification. (The notification's badge count is sent as {@code badgeCount}.)
     *
     * @param url an absolute URL, or null for none
     * @return this builder
     */
    public Builder badgeUrl(String url) {
      this.badgeUrl = url == null ? null : Checks.httpUrl(url, "badgeUrl", true).toString();
      return this;
    }

    /**
     * Checks the combination and builds the provider with its client.
     *
     * @return the provider
     * @throws InvalidInputException when a required setting is missing or two conflict
     */
    public WebPushProvider build() {
      if (vapidKeys == null) {
        throw new InvalidInputException("vapid",
            "is required: call vapid(keys, \"mailto:you@example.com\") with the key pair browsers"
                + " subscribed with (generate one with VapidKeys.generate() or herald vapid-keys)");
      }
      if (httpClient != null
          && (maxConcurrentRequests != null || maxConcurrentRequestsPerHost != null)) {
        throw new InvalidInputException("maxConcurrentRequests",
            "applies only to the provider's own client; with httpClient(...) set the limits on"
                + " that client's Dispatcher instead");
      }
      OkHttpClient.Builder http;
      boolean owns = httpClient == null;
      if (owns) {
        int maxRequests = maxConcurrentRequests == null ? 256 : maxConcurrentRequests;
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(maxRequests);
        dispatcher.setMaxRequestsPerHost(
            maxConcurrentRequestsPerHost == null ? 128 : maxConcurrentRequestsPerHost);
        http = new OkHttpClient.Builder()
            .dispatcher(dispatcher)
            // Keep as many idle connections as requests can run: a push service on HTTP/1.1 needs
            // a connection per request in flight, and a smaller pool would close the surplus after
            // every burst and open (and for https handshake) them again on the next.
            .connectionPool(
                new ConnectionPool(maxRequests, 5, java.util.concurrent.TimeUnit.MINUTES));
      } else {
        http = httpClient.newBuilder();
      }
      http.callTimeout(requestTimeout)
          .connectTimeout(connectTimeout)
          // The call timeout bounds the whole exchange. OkHttp's per-read and per-write timeouts
          // (10 s by default) would add nothing to it but a watchdog entry, and often a wake-up
          // of the watchdog thread, for every socket read and write of every send.
          .readTimeout(Duration.ZERO)
          .writeTimeout(Duration.ZERO)
          // A push service answers; it does not redirect. Following one would let an endpoint
          // lead the server past the host guard.
          .followRedirects(false)
          .followSslRedirects(false)
          .retryOnConnectionFailure(true)
          // Names pass the guard; addresses pass this: no internal address behind a public name.
          .dns(new PublicAddressDns(
              httpClient == null ? Dns.SYSTEM : httpClient.dns(), allowedHosts));
      if (!trustedCertificates.isEmpty()) {
        HandshakeCertificates.Builder trust =
            new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
        trustedCertificates.forEach(trust::addTrustedCertificate);
        HandshakeCertificates certificates = trust.build();
        http.sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager());
      }
      return new WebPushProvider(this, http.build(), owns);
    }
  }
}
