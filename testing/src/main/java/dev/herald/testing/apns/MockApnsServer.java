package dev.herald.testing.apns;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.testing.apns.MockApnsNotification.Authentication;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Handshake;
import okhttp3.Headers;
import okhttp3.Protocol;
import okhttp3.internal.http2.Settings;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A local APNs server for integration tests: it speaks APNs' provider API over HTTP/2 and TLS
 * (on MockWebServer), checks what it receives as APNs does, and answers as it is told.
 *
 * <pre>{@code
 * MockApnsCredentials.SigningKey key = MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");
 * try (MockApnsServer apns = MockApnsServer.builder().trust(key).topics("com.example.casino").start()) {
 *   ApnsProvider provider = ApnsProvider.builder()
 *       .signingKey(ApnsSigningKey.of(key.privateKey(), key.teamId(), key.keyId()))
 *       .endpoint(apns.endpoint())
 *       .trustedCertificates(apns.certificate())
 *       .build();
 *   apns.answer(deadToken, MockApnsAnswer.unregistered(Instant.parse("2026-01-01T00:00:00Z")));
 *   ...
 *   assertThat(apns.received()).hasSize(2);
 * }
 * }</pre>
 *
 * <p><b>What it checks</b>, answering Apple's reason when a check fails: the method (405
 * MethodNotAllowed) and path {@code /3/device/<token>} (404 BadPath); the provider token (403
 * MissingProviderToken, InvalidProviderToken for a bad signature, unknown {@code kid}, wrong
 * {@code iss}, or an {@code iat} in the future, ExpiredProviderToken when {@code iat} is over an
 * hour old, 429 TooManyProviderTokenUpdates when a connection's token changes within 20 minutes)
 * or the client certificate; the device token (400 MissingDeviceToken, BadDeviceToken when not
 * hex of 64 to 200 digits, or when registered devices are configured and the token is unknown or
 * of the other environment, DeviceTokenNotForTopic when registered for another app); the headers
 * (DuplicateHeaders, MissingTopic, TopicDisallowed for a topic outside {@link Builder#topics},
 * InvalidPushType, BadPriority including priority 10 on a background push, BadExpirationDate,
 * BadCollapseId over 64 bytes, BadMessageId for a non-UUID {@code apns-id}, TopicDisallowed for a
 * {@code liveactivity} push whose topic lacks {@code .push-type.liveactivity} and
 * InvalidPushType for another push type to such a topic); and the payload (PayloadEmpty, 413
 * PayloadTooLarge over 4096 bytes, 5120 for VoIP). What APNs accepts but a device ignores (a
 * background push with an alert, a Live Activity update without a timestamp) is listed by
 * {@link MockApnsNotification#payloadProblems()}. Like APNs, it accepts
 * ES256 signatures both in JOSE (R‖S) and DER form.
 *
 * <p><b>How it answers</b> a notification that passes: the next queued answer
 * ({@link #enqueue}), else the answer set for its device token ({@link #answer}), else 200 with an
 * {@code apns-id}. {@link #fault(MockApnsFault)} switches to transport trouble. It advertises
 * {@link Builder#maxConcurrentStreams(int)} streams per connection (with its first answer on each
 * connection).
 *
 * <p>Thread-safe. Every notification is recorded ({@link #received()}) unless turned off for
 * benchmarks.
 */
public final class MockApnsServer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DEVICE_TOKEN = Pattern.compile("(?:[0-9a-fA-F]{2}){32,100}");
  private static final Pattern UUID_FORMAT = Pattern.compile(
      "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
  private static final Set<String> PUSH_TYPES = Set.of("alert", "background", "voip",
      "complication", "fileprovider", "mdm", "liveactivity", "location", "pushtotalk");
  private static final List<String> TOPIC_SUFFIXES = List.of(".voip", ".complication",
      ".pushkit.fileprovider", ".push-type.liveactivity", ".location-query", ".voip-ptt");
  private static final String LIVE_ACTIVITY_SUFFIX = ".push-type.liveactivity";
  private static final List<String> SINGLE_HEADERS = List.of("authorization", "apns-topic",
      "apns-push-type", "apns-priority", "apns-expiration", "apns-collapse-id", "apns-id");
  private static final MockResponse PEEK_NONE = new MockResponse.Builder().build();
  private static final MockResponse PEEK_NO_ANSWER =
      new MockResponse.Builder().onResponseStart(SocketEffect.Stall.INSTANCE).build();
  private static final MockResponse PEEK_DROP =
      new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket(true, false, false))
          .build();
  private static final MockResponse PEEK_GO_AWAY = new MockResponse.Builder()
      .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE).build();

  private final MockWebServer server = new MockWebServer();
  private final HeldCertificate serverCertificate;
  private final ProviderTokenVerifier tokens;
  private final Set<String> topics;
  private final Map<String, Device> devices;
  private final ApnsEnvironment environment;
  private final int maxConcurrentStreams;
  private final Clock clock;
  private final boolean record;
  private final Duration responseDelay;

  private final Map<String, MockApnsAnswer> answersByToken = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<MockApnsAnswer> queuedAnswers = new ConcurrentLinkedQueue<>();
  private final LinkedBlockingQueue<MockApnsNotification> received = new LinkedBlockingQueue<>();
  private final List<MockApnsNotification> receivedLog = Collections.synchronizedList(new ArrayList<>());
  private final Set<Integer> connectionsSeen = ConcurrentHashMap.newKeySet();
  private final Set<Integer> settingsSent = ConcurrentHashMap.newKeySet();
  private final AtomicInteger requestCount = new AtomicInteger();
  private volatile MockApnsFault fault = MockApnsFault.NONE;

  private record Device(String topic, ApnsEnvironment environment) {}

  private MockApnsServer(Builder b) throws IOException {
    this.tokens = new ProviderTokenVerifier(b.signingKeys, b.clock, b.enforceTokenInterval);
    this.topics = Set.copyOf(b.topics);
    this.devices = Map.copyOf(b.devices);
    this.environment = b.environment;
    this.maxConcurrentStreams = b.maxConcurrentStreams;
    this.clock = b.clock;
    this.record = b.record;
    this.responseDelay = b.responseDelay;
    this.serverCertificate = new HeldCertificate.Builder()
        .commonName("Herald mock APNs")
        .addSubjectAlternativeName("localhost")
        .addSubjectAlternativeName("127.0.0.1")
        .duration(7, TimeUnit.DAYS)
        .build();
    HandshakeCertificates.Builder tls =
        new HandshakeCertificates.Builder().heldCertificate(serverCertificate);
    for (X509Certificate c : b.clientCertificates) {
      tls.addTrustedCertificate(c);
    }
    server.useHttps(tls.build().sslSocketFactory());
    if (b.clientCertificates.isEmpty()) {
      server.noClientAuth();
    } else {
      server.requestClientAuth();
    }
    server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    server.setDispatcher(new ApnsDispatcher());
    server.start(InetAddress.getByName("localhost"), b.port);
  }

  /**
   * Starts configuring a server.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /** @return the URL to send to, {@code https://localhost:<port>} */
  public String endpoint() {
    return "https://localhost:" + server.getPort();
  }

  /** @return the port the server listens on */
  public int port() {
    return server.getPort();
  }

  /** @return the server's self-signed certificate, for the client to trust */
  public X509Certificate certificate() {
    return serverCertificate.certificate();
  }

  /** @return the server's certificate in PEM form, for {@code --trust-cert} */
  public String certificatePem() {
    return serverCertificate.certificatePem();
  }

  /**
   * Answers every valid notification to a device token this way until changed.
   *
   * @param deviceToken the hex token, any case
   * @param answer the answer; {@link MockApnsAnswer#accept()} restores the default
   */
  public void answer(String deviceToken, MockApnsAnswer answer) {
    answersByToken.put(deviceToken.toLowerCase(Locale.ROOT), Objects.requireNonNull(answer));
  }

  /**
   * Answers the next valid notification, whatever its token, this way; queued answers are used
   * in order, one per notification, before per-token answers.
   *
   * @param answers the answers
   */
  public void enqueue(MockApnsAnswer... answers) {
    for (MockApnsAnswer a : answers) {
      queuedAnswers.add(Objects.requireNonNull(a));
    }
  }

  /**
   * Switches transport misbehaviour on or off for requests arriving from now on.
   *
   * @param value the fault, or {@link MockApnsFault#NONE}
   */
  public void fault(MockApnsFault value) {
    this.fault = Objects.requireNonNull(value);
  }

  /** Forgets configured answers, queued answers, the fault and what was received. */
  public void reset() {
    answersByToken.clear();
    queuedAnswers.clear();
    fault = MockApnsFault.NONE;
    received.clear();
    receivedLog.clear();
  }

  /** @return every notification received so far, in arrival order */
  public List<MockApnsNotification> received() {
    synchronized (receivedLog) {
      return List.copyOf(receivedLog);
    }
  }

  /**
   * Waits for the next notification not yet taken.
   *
   * @param timeout how long to wait
   * @return the notification, or null when none arrived in time
   * @throws InterruptedException when interrupted
   */
  public MockApnsNotification takeNotification(Duration timeout) throws InterruptedException {
    return received.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** @return how many requests arrived, recorded or not */
  public int requestCount() {
    return requestCount.get();
  }

  /** @return how many connections carried at least one request */
  public int connectionCount() {
    return connectionsSeen.size();
  }

  /** Stops the server and closes its connections. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "MockApnsServer{" + endpoint() + ", " + environment + "}";
  }

  private final class ApnsDispatcher extends Dispatcher {
    @Override
    public MockResponse peek() {
      return switch (fault) {
        case NONE -> PEEK_NONE;
        case NO_ANSWER -> PEEK_NO_ANSWER;
        case DROP_CONNECTION -> PEEK_DROP;
        case GO_AWAY_AFTER_RESPONSE -> PEEK_GO_AWAY;
      };
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      // MockWebServer also queues every request for takeRequest(); drain it so a long
      // benchmark does not fill the heap.
      server.takeRequest(0, TimeUnit.NANOSECONDS);
      requestCount.incrementAndGet();
      connectionsSeen.add(request.getConnectionIndex());
      return respond(request);
    }
  }

  private MockResponse respond(RecordedRequest request) {
    Headers headers = request.getHeaders();
    String path = request.getTarget();
    String token = path.startsWith("/3/device/") ? path.substring("/3/device/".length()) : "";
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    Handshake handshake = request.getHandshake();
    boolean clientCertificate = handshake != null && !handshake.peerCertificates().isEmpty();

    Authentication authentication = clientCertificate ? Authentication.CERTIFICATE : Authentication.NONE;
    String scheme = null;
    ProviderTokenVerifier.Verified verified = null;
    MockApnsAnswer answer = null;

    String authorization = headers.get("authorization");
    if (authorization != null) {
      int space = authorization.indexOf(' ');
      scheme = space < 0 ? authorization : authorization.substring(0, space);
      if (space < 0 || !scheme.equalsIgnoreCase("bearer")) {
        answer = MockApnsAnswer.reject(MockApnsReason.INVALID_PROVIDER_TOKEN);
      } else {
        ProviderTokenVerifier.Result result =
            tokens.verify(authorization.substring(space + 1).strip(), request.getConnectionIndex());
        if (result.rejection() != null) {
          answer = MockApnsAnswer.reject(result.rejection());
        } else {
          verified = result.verified();
          authentication = Authentication.TOKEN;
        }
      }
    }
    if (answer == null) {
      answer = check(request.getMethod(), path, token, headers, body, authentication);
    }
    if (answer == null) {
      MockApnsAnswer queued = queuedAnswers.poll();
      answer = queued != null
          ? queued
          : answersByToken.getOrDefault(token.toLowerCase(Locale.ROOT), MockApnsAnswer.accept());
    }

    String apnsId = headers.get("apns-id") != null && UUID_FORMAT.matcher(headers.get("apns-id")).matches()
        ? headers.get("apns-id").toLowerCase(Locale.ROOT)
        : UUID.randomUUID().toString();
    if (record) {
      Map<String, List<String>> headerMap = new LinkedHashMap<>();
      for (String name : headers.names()) {
        headerMap.put(name.toLowerCase(Locale.ROOT), List.copyOf(headers.values(name)));
      }
      MockApnsNotification notification = new MockApnsNotification(
          request.getConnectionIndex(), request.getMethod(), path, token,
          Collections.unmodifiableMap(headerMap), new String(body, StandardCharsets.UTF_8),
          authentication, Optional.ofNullable(scheme),
          Optional.ofNullable(verified == null ? null : verified.keyId()),
          Optional.ofNullable(verified == null ? null : verified.issuedAt()),
          fault == MockApnsFault.NONE || fault == MockApnsFault.GO_AWAY_AFTER_RESPONSE
              ? answer.status() : 0,
          answer.reason());
      receivedLog.add(notification);
      received.add(notification);
    }

    MockResponse.Builder response = new MockResponse.Builder().code(answer.status())
        .clearHeaders()
        .addHeader("apns-id", apnsId);
    if (!responseDelay.isZero()) {
      response.headersDelay(responseDelay.toNanos(), TimeUnit.NANOSECONDS);
    }
    if (answer.status() != 200) {
      ObjectNode json = JSON.createObjectNode();
      json.put("reason", answer.reason().orElse(""));
      if (answer.status() == 410) {
        json.put("timestamp", answer.timestamp().orElse(clock.instant()).toEpochMilli());
      }
      response.addHeader("content-type", "application/json").body(json.toString());
    }
    if (settingsSent.add(request.getConnectionIndex())) {
      // First answer on this connection: advertise the stream limit, as APNs does.
      Settings settings = new Settings();
      settings.set(Settings.MAX_CONCURRENT_STREAMS, maxConcurrentStreams);
      response.settings(settings);
    }
    return response.build();
  }

  private MockApnsAnswer check(String method, String path, String token, Headers headers,
      byte[] body, Authentication authentication) {
    if (!path.startsWith("/3/device/")) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_PATH);
    }
    if (!method.equals("POST")) {
      return MockApnsAnswer.reject(MockApnsReason.METHOD_NOT_ALLOWED);
    }
    if (authentication == Authentication.NONE) {
      return MockApnsAnswer.reject(MockApnsReason.MISSING_PROVIDER_TOKEN);
    }
    for (String name : SINGLE_HEADERS) {
      if (headers.values(name).size() > 1) {
        return MockApnsAnswer.reject(MockApnsReason.DUPLICATE_HEADERS);
      }
    }
    if (token.isEmpty()) {
      return MockApnsAnswer.reject(MockApnsReason.MISSING_DEVICE_TOKEN);
    }
    if (!DEVICE_TOKEN.matcher(token).matches()) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_DEVICE_TOKEN);
    }
    String topic = headers.get("apns-topic");
    if (topic == null && authentication == Authentication.TOKEN) {
      return MockApnsAnswer.reject(MockApnsReason.MISSING_TOPIC);
    }
    if (topic != null && topic.isBlank()) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_TOPIC);
    }
    String bundleId = topic == null ? null : bundleId(topic);
    if (bundleId != null && !topics.isEmpty() && !topics.contains(bundleId)) {
      return MockApnsAnswer.reject(MockApnsReason.TOPIC_DISALLOWED);
    }
    if (!devices.isEmpty()) {
      Device device = devices.get(token.toLowerCase(Locale.ROOT));
      if (device == null || device.environment() != environment) {
        return MockApnsAnswer.reject(MockApnsReason.BAD_DEVICE_TOKEN);
      }
      if (bundleId != null && !device.topic().equals(bundleId)) {
        return MockApnsAnswer.reject(MockApnsReason.DEVICE_TOKEN_NOT_FOR_TOPIC);
      }
    }
    String pushType = headers.get("apns-push-type");
    if (pushType != null && !PUSH_TYPES.contains(pushType)) {
      return MockApnsAnswer.reject(MockApnsReason.INVALID_PUSH_TYPE);
    }
    // A Live Activity push goes to <bundle id>.push-type.liveactivity, and nothing else does.
    boolean liveActivityTopic = topic != null && topic.endsWith(LIVE_ACTIVITY_SUFFIX);
    if ("liveactivity".equals(pushType) != liveActivityTopic && topic != null) {
      return MockApnsAnswer.reject(liveActivityTopic
          ? MockApnsReason.INVALID_PUSH_TYPE : MockApnsReason.TOPIC_DISALLOWED);
    }
    String priority = headers.get("apns-priority");
    if (priority != null) {
      if (!Set.of("10", "5", "1").contains(priority)) {
        return MockApnsAnswer.reject(MockApnsReason.BAD_PRIORITY);
      }
      if ("background".equals(pushType) && priority.equals("10")) {
        return MockApnsAnswer.reject(MockApnsReason.BAD_PRIORITY);
      }
    }
    String expiration = headers.get("apns-expiration");
    if (expiration != null && !expiration.matches("[0-9]{1,19}")) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_EXPIRATION_DATE);
    }
    String collapseId = headers.get("apns-collapse-id");
    if (collapseId != null && collapseId.getBytes(StandardCharsets.UTF_8).length > 64) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_COLLAPSE_ID);
    }
    String apnsId = headers.get("apns-id");
    if (apnsId != null && !UUID_FORMAT.matcher(apnsId).matches()) {
      return MockApnsAnswer.reject(MockApnsReason.BAD_MESSAGE_ID);
    }
    if (body.length == 0) {
      return MockApnsAnswer.reject(MockApnsReason.PAYLOAD_EMPTY);
    }
    int limit = "voip".equals(pushType) ? 5120 : 4096;
    if (body.length > limit) {
      return MockApnsAnswer.reject(MockApnsReason.PAYLOAD_TOO_LARGE);
    }
    return null;
  }

  private static String bundleId(String topic) {
    for (String suffix : TOPIC_SUFFIXES) {
      if (topic.endsWith(suffix)) {
        return topic.substring(0, topic.length() - suffix.length());
      }
    }
    return topic;
  }

  /** Configures a {@link MockApnsServer}. */
  public static final class Builder {
    private final Map<String, ProviderTokenVerifier.TrustedKey> signingKeys = new HashMap<>();
    private final List<X509Certificate> clientCertificates = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();
    private final Map<String, Device> devices = new HashMap<>();
    private ApnsEnvironment environment = ApnsEnvironment.PRODUCTION;
    private int maxConcurrentStreams = 1000;
    private Clock clock = Clock.systemUTC();
    private boolean record = true;
    private boolean enforceTokenInterval = true;
    private int port;
    private Duration responseDelay = Duration.ZERO;

    private Builder() {}

    /**
     * Accepts provider tokens signed with a key.
     *
     * @param teamId the team id the tokens must name as {@code iss}
     * @param keyId the key id the tokens must name as {@code kid}
     * @param publicKey the public half of the .p8 key
     * @return this builder
     */
    public Builder trustSigningKey(String teamId, String keyId, ECPublicKey publicKey) {
      signingKeys.put(Objects.requireNonNull(keyId, "keyId"), new ProviderTokenVerifier.TrustedKey(
          Objects.requireNonNull(teamId, "teamId"), keyId, Objects.requireNonNull(publicKey)));
      return this;
    }

    /**
     * Accepts provider tokens signed with a generated key.
     *
     * @param key the key
     * @return this builder
     */
    public Builder trust(MockApnsCredentials.SigningKey key) {
      return trustSigningKey(key.teamId(), key.keyId(), key.publicKey());
    }

    /**
     * Accepts TLS client certificates issued by (or equal to) a certificate.
     *
     * @param certificate the client certificate or its issuer
     * @return this builder
     */
    public Builder trustClientCertificate(X509Certificate certificate) {
      clientCertificates.add(Objects.requireNonNull(certificate));
      return this;
    }

    /**
     * Accepts a generated client certificate.
     *
     * @param certificate the certificate
     * @return this builder
     */
    public Builder trust(MockApnsCredentials.ClientCertificate certificate) {
      return trustClientCertificate(certificate.certificate());
    }

    /**
     * Limits the topics (bundle ids) that may be pushed to; others get TopicDisallowed. A
     * push type's suffix ({@code .voip}, ...) is ignored. By default every topic is allowed.
     *
     * @param bundleIds the bundle ids
     * @return this builder
     */
    public Builder topics(String... bundleIds) {
      topics.addAll(List.of(bundleIds));
      return this;
    }

    /**
     * Registers a device of this server's environment. Once any device is registered, tokens
     * not registered get BadDeviceToken.
     *
     * @param deviceToken the hex token
     * @param bundleId the app it belongs to
     * @return this builder
     */
    public Builder device(String deviceToken, String bundleId) {
      return device(deviceToken, bundleId, environment);
    }

    /**
     * Registers a device of an environment; a token of the other environment gets
     * BadDeviceToken, as it does from APNs.
     *
     * @param deviceToken the hex token
     * @param bundleId the app it belongs to
     * @param tokenEnvironment the environment that issued the token
     * @return this builder
     */
    public Builder device(String deviceToken, String bundleId, ApnsEnvironment tokenEnvironment) {
      devices.put(deviceToken.toLowerCase(Locale.ROOT),
          new Device(Objects.requireNonNull(bundleId), Objects.requireNonNull(tokenEnvironment)));
      return this;
    }

    /**
     * Which environment this server plays; PRODUCTION by default.
     *
     * @param value the environment
     * @return this builder
     */
    public Builder environment(ApnsEnvironment value) {
      this.environment = Objects.requireNonNull(value);
      return this;
    }

    /**
     * The stream limit advertised per connection; 1000 by default, about what APNs advertises.
     *
     * @param value at least 1
     * @return this builder
     */
    public Builder maxConcurrentStreams(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxConcurrentStreams must be at least 1");
      }
      this.maxConcurrentStreams = value;
      return this;
    }

    /**
     * The clock provider-token ages are measured with; share a fake clock with the client.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value);
      return this;
    }

    /**
     * Whether to record received notifications (default); turn off for benchmarks.
     *
     * @param value false to keep nothing
     * @return this builder
     */
    public Builder recordNotifications(boolean value) {
      this.record = value;
      return this;
    }

    /**
     * Whether a connection whose provider token changes within 20 minutes gets
     * TooManyProviderTokenUpdates (default true).
     *
     * @param value false to allow any change
     * @return this builder
     */
    public Builder enforceTokenRefreshInterval(boolean value) {
      this.enforceTokenInterval = value;
      return this;
    }

    /**
     * Delays every answer, to play a distant APNs: about 30 to 100 ms from Europe or Asia to
     * Apple. Each waiting answer holds one of the mock's threads.
     *
     * @param value the delay; zero (default) answers at once
     * @return this builder
     */
    public Builder responseDelay(Duration value) {
      if (value.isNegative()) {
        throw new IllegalArgumentException("responseDelay must not be negative");
      }
      this.responseDelay = value;
      return this;
    }

    /**
     * The port to listen on; 0 (default) picks a free one.
     *
     * @param value the port
     * @return this builder
     */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /**
     * Starts the server on localhost.
     *
     * @return the running server
     * @throws IOException when it cannot listen
     */
    public MockApnsServer start() throws IOException {
      return new MockApnsServer(this);
    }
  }
}
