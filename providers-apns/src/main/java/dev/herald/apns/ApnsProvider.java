package dev.herald.apns;

import dev.herald.InvalidInputException;
import dev.herald.apns.internal.ApnsTransport;
import dev.herald.content.ContentKind;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.http2.Http2Client;
import dev.herald.internal.Certificates;
import dev.herald.internal.Checks;
import dev.herald.spi.ProviderStatus;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.RejectionKind;
import dev.herald.spi.SendResult;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.Platform;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends notifications to Apple devices through the Apple Push Notification service, speaking
 * APNs' HTTP/2 provider API directly, on an event loop (Netty, the JDK's TLS with ALPN {@code h2},
 * or BoringSSL when the host adds it, see {@code Http2Client}): a few threads serve any number of
 * notifications in flight.
 *
 * <p>One long-lived, thread-safe provider per credential; build it once, share it, close it once.
 *
 * <pre>{@code
 * ApnsProvider apns = ApnsProvider.builder()
 *     .signingKey(ApnsSigningKey.fromP8File(Path.of("AuthKey_ABC123DEFG.p8"),
 *         "DEF123GHIJ", "ABC123DEFG"))
 *     .build();
 * apns.send(PushMessage.of(deliveryId, ApnsAddress.production(token, "com.example.casino"),
 *         notification, Instant.now()))
 *     .thenAccept(result -> ...);
 * }</pre>
 *
 * <p><b>Authentication.</b> Either token authentication with a {@link ApnsSigningKey} (the .p8
 * key; Herald signs an ES256 provider token per connection and replaces it every 50 minutes,
 * never sooner than 20, and once more if APNs says it expired) or certificate authentication with
 * an {@link ApnsClientCertificate} (PKCS#12). One kind per provider.
 *
 * <p><b>Where.</b> By default each address goes to the host of its environment:
 * {@value #PRODUCTION_HOST} or {@value #SANDBOX_HOST}, on port 443 (or 2197 with
 * {@link Builder#port(int)}). {@link Builder#endpoint(String)} sends everything to one URL
 * instead, such as a local {@code MockApnsServer}, whose certificate
 * {@link Builder#trustedCertificates(X509Certificate...)} adds to the trusted roots.
 *
 * <p><b>Connections.</b> Up to {@link Builder#connections(int)} connections per host (4 by
 * default), each multiplexing many notifications as HTTP/2 streams; a light load uses one, and
 * another opens when notifications wait for a stream or every connection carries 100. A new
 * connection carries one notification until APNs answered it (proving its provider token), then
 * up to the stream limit APNs advertises and {@link Builder#maxConcurrentStreams(int)}. Herald
 * starts a request only when a connection has a free stream; the rest wait in order, so
 * back-pressure costs no threads. Idle connections are pinged. When APNs drains a connection
 * (GOAWAY), the notifications it did not process are sent again on another connection; those it
 * may have processed fail their future rather than risk a duplicate. Futures complete on an
 * event-loop thread: callbacks must not block.
 *
 * <p><b>Results.</b> {@link #send} never throws. Bad input and payloads over 4096 bytes (5120
 * for VoIP) complete with {@link SendResult.Rejected} (HTTP status 0) before any network call.
 * APNs' answers become values, see {@link ApnsRejectionReason}. The future fails only for
 * transport trouble, and always completes: {@link Builder#requestTimeout(Duration)} bounds each
 * notification from send to answer, the wait for a free stream included.
 *
 * @see <a href="https://developer.apple.com/documentation/usernotifications/sending-notification-requests-to-apns">
 *     Sending notification requests to APNs</a>
 */
public final class ApnsProvider implements PushProvider {
  /** The production host, for App Store, TestFlight and ad-hoc builds. */
  public static final String PRODUCTION_HOST = "api.push.apple.com";
  /** The sandbox host, for development builds. */
  public static final String SANDBOX_HOST = "api.sandbox.push.apple.com";
  /** The standard port. */
  public static final int DEFAULT_PORT = 443;
  /** The alternative port Apple offers where 443 is blocked. */
  public static final int ALTERNATE_PORT = 2197;
  /** The default most connections per host. */
  public static final int DEFAULT_CONNECTIONS = 4;
  /** The default cap on concurrent streams per connection. */
  public static final int DEFAULT_MAX_CONCURRENT_STREAMS = 1000;
  /** The default bound on each attempt and on waiting for a free stream. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  /** The default age at which a provider token is replaced. */
  public static final Duration DEFAULT_TOKEN_REFRESH = Duration.ofMinutes(50);

  private final ApnsTransport transport;
  private final Clock clock;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final String description;

  private ApnsProvider(ApnsTransport transport, Clock clock, String description) {
    this.transport = transport;
    this.clock = clock;
    this.description = description;
  }

  /**
   * Starts configuring a provider.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public Platform platform() {
    return Platform.APNS;
  }

  /**
   * Sends a Herald message: an alert, a background push or a Live Activity update by its
   * content's kind; see {@link #toApnsNotification} for the mapping.
   *
   * @param message the message; its address must be an {@link ApnsAddress}
   * @return the future result
   */
  @Override
  public CompletableFuture<SendResult> send(PushMessage message) {
    if (closed.get()) {
      return closedFuture();
    }
    ApnsNotification notification;
    try {
      notification = toApnsNotification(message, clock.instant());
    } catch (InvalidInputException e) {
      return CompletableFuture.completedFuture(
          SendResult.rejected(RejectionKind.INVALID_MESSAGE, e.getMessage(), 0));
    } catch (RuntimeException e) {
      // Nothing left the process: not transport trouble to retry, but a message this provider
      // cannot express.
      return CompletableFuture.completedFuture(SendResult.rejected(RejectionKind.OTHER,
          "could not prepare the notification: " + e.getClass().getSimpleName(), 0));
    }
    return send(notification);
  }

  /**
   * Sends an APNs notification with full control of its headers and payload.
   *
   * @param notification the notification
   * @return the future result: Rejected with status 0 when the payload exceeds the push type's
   *     limit, otherwise APNs' answer; failed only for transport trouble or after close
   */
  public CompletableFuture<SendResult> send(ApnsNotification notification) {
    if (closed.get()) {
      return closedFuture();
    }
    if (notification == null) {
      return CompletableFuture.completedFuture(SendResult.rejected(
          RejectionKind.INVALID_MESSAGE, "apns.notification: is required", 0));
    }
    int size = notification.payload().size();
    int limit = notification.pushType().maxPayloadBytes();
    if (size > limit) {
      return CompletableFuture.completedFuture(SendResult.rejected(
          RejectionKind.PAYLOAD_TOO_LARGE,
          "payload is " + size + " bytes, the limit is " + limit + " bytes for "
              + notification.pushType().headerValue() + " notifications",
          0));
    }
    try {
      return transport.send(notification, notification.payload().bytesNoCopy());
    } catch (IllegalArgumentException e) {
      // The HTTP client refused to build the request (a header value it will not send): nothing
      // left the process and retrying cannot help. The message may quote header values: left out.
      return CompletableFuture.completedFuture(SendResult.rejected(RejectionKind.INVALID_MESSAGE,
          "the APNs request could not be built: " + e.getClass().getSimpleName(), 0));
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * How a Herald message becomes an APNs notification: the payload of
   * {@link ApnsPayload#from(Notification, String, Instant)}; by the content's kind, push type
   * {@link ApnsPushType#ALERT} with {@code apns-priority} from the urgency (HIGH and NORMAL → 10,
   * LOW → 5, VERY_LOW → 1), {@link ApnsPushType#BACKGROUND} with priority 5 for DATA, or
   * {@link ApnsPushType#LIVEACTIVITY} to a Live Activity address (topic
   * {@code <bundle id>.push-type.liveactivity}) with priority 10 for HIGH urgency and 5
   * otherwise, as Apple budgets frequent high-priority updates; {@code apns-expiration} the message's
   * {@code expiresAt} in UNIX seconds, or 0 (deliver once) when no whole second of its time to
   * live is left; {@code apns-collapse-id} the collapse key, through
   * {@link ApnsNotification#collapseIdOf(String)}; {@code apns-id} a name-based UUID of
   * the delivery id, so every attempt of a delivery carries the same id.
   *
   * @param message the message
   * @param now the current time
   * @return the notification
   * @throws InvalidInputException when the address is not an APNs address, a Live Activity
   *     address gets other content or a Live Activity update another address, or the content
   *     cannot be expressed
   */
  public static ApnsNotification toApnsNotification(PushMessage message, Instant now) {
    Checks.required(message, "message");
    if (!(message.address() instanceof ApnsAddress address)) {
      throw new InvalidInputException(
          "address", "ApnsProvider sends to APNS addresses, got " + message.address().platform());
    }
    Notification content = message.notification();
    boolean liveActivity = content.kind() == ContentKind.LIVE_ACTIVITY;
    if (address.isLiveActivity() != liveActivity) {
      throw new InvalidInputException("address", liveActivity
          ? "a Live Activity update goes to the activity's push token, whose topic ends in "
              + ApnsAddress.LIVE_ACTIVITY_TOPIC_SUFFIX + " (ApnsAddress.liveActivity), got topic "
              + address.topic()
          : "is a Live Activity push token; only LIVE_ACTIVITY content is sent to it");
    }
    ApnsNotification.Builder b = ApnsNotification.builder(address)
        .pushType(switch (content.kind()) {
          case VISIBLE -> ApnsPushType.ALERT;
          case DATA -> ApnsPushType.BACKGROUND;
          case LIVE_ACTIVITY -> ApnsPushType.LIVEACTIVITY;
        })
        .priority(switch (content.kind()) {
          case VISIBLE -> priority(content.urgency());
          case DATA -> ApnsPriority.CONSERVE_POWER; // Apple refuses 10 for background pushes
          case LIVE_ACTIVITY -> content.urgency() == Urgency.HIGH
              ? ApnsPriority.IMMEDIATE : ApnsPriority.CONSERVE_POWER;
        })
        .payload(ApnsPayload.from(content, message.deliveryId(), now))
        .apnsId(UUID.nameUUIDFromBytes(message.deliveryId().getBytes(StandardCharsets.UTF_8)));
    if (message.ttlAt(now).isZero()) {
      b.deliverOnce();
    } else {
      b.expiration(Instant.ofEpochSecond(message.expiresAt().getEpochSecond()));
    }
    content.collapseKey().map(ApnsNotification::collapseIdOf).ifPresent(b::collapseId);
    return b.build();
  }

  private static ApnsPriority priority(Urgency urgency) {
    return switch (urgency) {
      case HIGH, NORMAL -> ApnsPriority.IMMEDIATE;
      case LOW -> ApnsPriority.CONSERVE_POWER;
      case VERY_LOW -> ApnsPriority.PRIORITIZE_POWER;
    };
  }

  /**
   * Stops the provider: later sends fail at once, notifications waiting for a stream or in flight
   * fail, and connections close. Idempotent.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      transport.close();
    }
  }

  /**
   * Connections open, notifications in flight and waiting for a stream, provider tokens signed
   * (token authentication) and the outcome of the last answer.
   *
   * @return a snapshot
   */
  @Override
  public ProviderStatus status() {
    return transport.status();
  }

  /** Shows the configuration, never the credentials. */
  @Override
  public String toString() {
    return "ApnsProvider{" + description + (closed.get() ? ", closed" : "") + "}";
  }

  private static CompletableFuture<SendResult> closedFuture() {
    return CompletableFuture.failedFuture(
        new IllegalStateException("the ApnsProvider is closed"));
  }

  /**
   * Configures an {@link ApnsProvider}. Setters validate their argument; {@link #build()} checks
   * the combination and says what to fix. Not thread-safe; reusable.
   */
  public static final class Builder {
    private ApnsSigningKey signingKey;
    private ApnsClientCertificate clientCertificate;
    private int port = DEFAULT_PORT;
    private URI endpoint;
    private final List<X509Certificate> trusted = new ArrayList<>();
    private int connections = DEFAULT_CONNECTIONS;
    private int maxConcurrentStreams = DEFAULT_MAX_CONCURRENT_STREAMS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Duration tokenRefresh = DEFAULT_TOKEN_REFRESH;
    private Clock clock = Clock.systemUTC();
    private int eventLoopThreads = Math.min(2, Runtime.getRuntime().availableProcessors());
    private Http2Client.Resolver resolver;

    private Builder() {}

    /**
     * Uses token authentication.
     *
     * @param value the .p8 key with its team and key ids
     * @return this builder
     */
    public Builder signingKey(ApnsSigningKey value) {
      this.signingKey = Checks.required(value, "apns.signingKey");
      return this;
    }

    /**
     * Uses certificate authentication.
     *
     * @param value the PKCS#12 client certificate
     * @return this builder
     */
    public Builder clientCertificate(ApnsClientCertificate value) {
      this.clientCertificate = Checks.required(value, "apns.clientCertificate");
      return this;
    }

    /**
     * The port of Apple's hosts: 443 (default) or 2197, for networks that block 443.
     *
     * @param value 443 or 2197
     * @return this builder
     */
    public Builder port(int value) {
      if (value != DEFAULT_PORT && value != ALTERNATE_PORT) {
        throw new InvalidInputException(
            "apns.port", "APNs listens on 443 or 2197, got " + value
                + "; for another server set endpoint(...)");
      }
      this.port = value;
      return this;
    }

    /**
     * Sends every notification, whatever its environment, to one server instead of Apple's:
     * a local mock in tests, or a proxy.
     *
     * @param url {@code https://host:port}
     * @return this builder
     */
    public Builder endpoint(String url) {
      URI uri = Checks.httpUrl(url, "apns.endpoint", false);
      if (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/")) {
        throw new InvalidInputException(
            "apns.endpoint", "must be https://host:port without a path, got path "
                + uri.getPath());
      }
      this.endpoint = uri;
      return this;
    }

    /**
     * Trusts server certificates beyond the platform's roots, such as a local mock's self-signed
     * certificate. Verification stays on.
     *
     * @param certificates certificates to trust
     * @return this builder
     */
    public Builder trustedCertificates(X509Certificate... certificates) {
      Checks.required(certificates, "apns.trustedCertificates");
      for (X509Certificate c : certificates) {
        trusted.add(Checks.required(c, "apns.trustedCertificates[]"));
      }
      return this;
    }

    /**
     * Trusts the server certificates in a PEM file beyond the platform's roots, such as a local
     * mock's ({@code MockApnsServer.certificatePem()} written to a file). Verification stays on.
     *
     * @param pemFile a file with one or more PEM certificates
     * @return this builder
     * @throws InvalidInputException when the file cannot be read or holds no certificate
     */
    public Builder trustedCertificate(Path pemFile) {
      trusted.addAll(Certificates.read(pemFile, "apns.trustedCertificate"));
      return this;
    }

    /**
     * The most connections to open to each APNs host. Herald uses the fewest that carry the
     * notifications in flight with at most 100 streams each (and within each server's stream
     * limit): a light load uses one, as Apple prefers few long-lived connections; a heavy load
     * spreads over several, and so over the event-loop threads.
     *
     * @param value 1 to 64; {@value ApnsProvider#DEFAULT_CONNECTIONS} by default; 1 for exactly one
     * @return this builder
     */
    public Builder connections(int value) {
      this.connections = Checks.range(value, "apns.connections", 1, 64);
      return this;
    }

    /**
     * The most notifications in flight on one connection. The server's advertised stream limit
     * applies too, whichever is lower.
     *
     * @param value 1 to 10000; {@value ApnsProvider#DEFAULT_MAX_CONCURRENT_STREAMS} by default
     * @return this builder
     */
    public Builder maxConcurrentStreams(int value) {
      this.maxConcurrentStreams = Checks.range(value, "apns.maxConcurrentStreams", 1, 10_000);
      return this;
    }

    /**
     * Bounds each notification from send to answer (waiting for a free stream, connecting and
     * waiting for APNs included), so no future waits forever; connecting alone is bounded by the
     * shorter of this and 10 seconds.
     *
     * @param value from 100 ms to 10 minutes; 30 seconds by default
     * @return this builder
     */
    public Builder requestTimeout(Duration value) {
      this.requestTimeout = Checks.range(
          value, "apns.requestTimeout", Duration.ofMillis(100), Duration.ofMinutes(10));
      return this;
    }

    /**
     * How old a connection's provider token gets before Herald signs a new one. Apple refuses
     * tokens older than 60 minutes and renewals more often than every 20.
     *
     * @param value from 20 to 55 minutes; 50 by default
     * @return this builder
     */
    public Builder tokenRefreshInterval(Duration value) {
      this.tokenRefresh = Checks.range(
          value, "apns.tokenRefreshInterval", Duration.ofMinutes(20), Duration.ofMinutes(55));
      return this;
    }

    /**
     * The clock for provider-token ages; tests pass a fake one.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Checks.required(value, "apns.clock");
      return this;
    }

    /**
     * The event-loop threads per APNs host; each connection lives on one, and a few serve any
     * number of notifications in flight.
     *
     * @param value 1 to 64; {@code min(2, cores)} by default
     * @return this builder
     */
    public Builder eventLoopThreads(int value) {
      this.eventLoopThreads = Checks.range(value, "apns.eventLoopThreads", 1, 64);
      return this;
    }

    /** Resolves APNs host names (tests: no network). */
    Builder resolver(Http2Client.Resolver value) {
      this.resolver = value;
      return this;
    }

    /**
     * Checks the configuration and builds the provider. No connection opens until the first
     * send.
     *
     * @return the provider
     * @throws InvalidInputException when no credential, or both kinds, were set
     */
    public ApnsProvider build() {
      if (signingKey == null && clientCertificate == null) {
        throw new InvalidInputException(
            "apns.credentials",
            "set signingKey(ApnsSigningKey) for token authentication with a .p8 key, or"
                + " clientCertificate(ApnsClientCertificate) for certificate authentication");
      }
      if (signingKey != null && clientCertificate != null) {
        throw new InvalidInputException(
            "apns.credentials",
            "set either signingKey(...) or clientCertificate(...), not both: APNs accepts one"
                + " kind of credential per connection; build one provider per credential");
      }
      Map<ApnsEnvironment, URI> endpoints = new EnumMap<>(ApnsEnvironment.class);
      if (endpoint != null) {
        endpoints.put(ApnsEnvironment.PRODUCTION, endpoint);
        endpoints.put(ApnsEnvironment.SANDBOX, endpoint);
      } else {
        endpoints.put(ApnsEnvironment.PRODUCTION, URI.create("https://" + PRODUCTION_HOST + ":" + port));
        endpoints.put(ApnsEnvironment.SANDBOX, URI.create("https://" + SANDBOX_HOST + ":" + port));
      }
      ApnsTransport transport = new ApnsTransport(new ApnsTransport.Config(
          endpoints,
          signingKey == null ? null : signingKey.privateKey(),
          signingKey == null ? null : signingKey.teamId(),
          signingKey == null ? null : signingKey.keyId(),
          tokenRefresh,
          clientCertificate == null ? null : clientCertificate.keyManagers(),
          List.copyOf(trusted),
          connections,
          maxConcurrentStreams,
          requestTimeout,
          eventLoopThreads,
          clock,
          resolver));
      String auth = signingKey != null ? "token " + signingKey : "certificate";
      String where = endpoint != null ? endpoint.toString() : "Apple port " + port;
      return new ApnsProvider(transport, clock,
          auth + ", " + where + ", up to " + connections + " connection(s) per host");
    }
  }

  /** @return how many notifications wait for a free stream (for monitoring and tests) */
  int waitingCount() {
    return transport.waitingCount();
  }

  /** @return how many provider tokens were signed (for tests) */
  long providerTokensSigned() {
    return transport.providerTokensSigned();
  }
}
