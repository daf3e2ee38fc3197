package dev.herald.testing.webpush;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A local Web Push service for tests and demos: a real HTTP server (HTTP/2 over TLS with
 * {@link Builder#https()}, HTTP/1.1 otherwise) that speaks RFC 8030 and checks what it receives as
 * a strict push service would.
 *
 * <p>For every {@code POST /push/<id>} it:
 * <ol>
 *   <li>answers {@code 404} for an unknown subscription and {@code 410} for one that
 *       {@linkplain MockSubscription#unsubscribe() unsubscribed};
 *   <li>verifies the VAPID header ({@code Authorization: vapid t=…, k=…}, RFC 8292): ES256 JWS
 *       signature by {@code k}, {@code aud} equal to the endpoint's origin including a non-default
 *       port, {@code exp} in the future and at most 24 hours ahead, {@code sub} a {@code mailto:}
 *       or {@code https:} URL, and {@code k} equal to the subscription's
 *       {@code applicationServerKey}: {@code 401} when missing, {@code 403} when wrong;
 *   <li>checks the headers ({@code TTL} required, {@code Urgency} and {@code Topic} well formed,
 *       {@code Content-Encoding: aes128gcm}): {@code 400} otherwise;
 *   <li>refuses a body over 4096 bytes with {@code 413};
 *   <li>decrypts the body with the subscription's private key (RFC 8291): {@code 400} when it does
 *       not decrypt;
 *   <li>answers with the next scripted {@link MockAnswer}, if any, else {@code 201 Created} with a
 *       {@code Location}, and records the message ({@link #takeMessage}, {@link #messages()}).
 * </ol>
 *
 * <pre>{@code
 * try (MockWebPushService push = MockWebPushService.builder().https().start()) {
 *   MockSubscription browser = push.newSubscription(vapidKeys.publicKeyBase64Url());
 *   WebPushProvider provider = WebPushProvider.builder()
 *       .vapid(vapidKeys, "mailto:ops@casino.example")
 *       .allowHost(push.host())
 *       .trustedCertificates(push.certificate())
 *       .build();
 *   provider.send(PushMessage.of("d-1", browser.address(), notification, Instant.now())).join();
 *   ReceivedWebPush received = push.takeMessage(Duration.ofSeconds(5));
 *   assertThat(received.json().get("title").asText()).isEqualTo("Hello");
 * }
 * }</pre>
 *
 * <p>Thread-safe; listens on an ephemeral port of {@code localhost}.
 */
public final class MockWebPushService implements AutoCloseable {
  /** The largest body a push service must accept (RFC 8030 §7.2); larger ones get 413. */
  public static final int MAX_BODY_BYTES = 4096;

  private static final Pattern VAPID = Pattern.compile(
      "vapid\\s+(?:t=([^,\\s]+)\\s*,\\s*k=([^,\\s]+)|k=([^,\\s]+)\\s*,\\s*t=([^,\\s]+))\\s*",
      Pattern.CASE_INSENSITIVE);
  private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final List<String> URGENCIES = List.of("very-low", "low", "normal", "high");
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MockWebServer server = new MockWebServer();
  private final boolean https;
  private final HeldCertificate certificate;
  private final Clock clock;
  private final boolean tolerateAudienceWithoutPort;
  private final int retainedMessages;
  private final Map<String, MockSubscription> subscriptions = new ConcurrentHashMap<>();
  private final Queue<MockAnswer> answers = new ConcurrentLinkedQueue<>();
  private final BlockingQueue<ReceivedWebPush> messages = new LinkedBlockingQueue<>();
  private final AtomicLong requestCount = new AtomicLong();
  private final Map<Integer, AtomicLong> statusCounts = new ConcurrentHashMap<>();
  private final String endpointPrefix;
  /**
   * The senders' keys that pooled subscriptions name by number (1 up; 0 is none), at most 255.
   */
  private final List<byte[]> senderKeys = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final MockSubscription.KeyPairBytes[] keyPool;
  private final AtomicLong subscriptionCount = new AtomicLong();
  /** Signs pooled subscriptions' ids and derives their authentication secrets. */
  private final byte[] subscriptionSecret = new byte[32];

  private MockWebPushService(Builder b) throws IOException {
    this.https = b.https;
    this.clock = b.clock;
    this.tolerateAudienceWithoutPort = b.tolerateAudienceWithoutPort;
    this.retainedMessages = b.retainedMessages;
    RANDOM.nextBytes(subscriptionSecret);
    if (b.keyPairs > 0) {
      keyPool = new MockSubscription.KeyPairBytes[b.keyPairs];
      Arrays.setAll(keyPool, i -> MockSubscription.KeyPairBytes.generate());
    } else {
      keyPool = null;
    }
    if (https) {
      this.certificate = new HeldCertificate.Builder()
          .commonName("Herald mock Web Push service")
          .addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1")
          .ecdsa256()
          .build();
      HandshakeCertificates serverCertificates =
          new HandshakeCertificates.Builder().heldCertificate(certificate).build();
      server.useHttps(serverCertificates.sslSocketFactory());
      server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    } else {
      this.certificate = null;
      server.setProtocols(List.of(Protocol.HTTP_1_1));
    }
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        return handle(request);
      }
    });
    server.start(InetAddress.getByName("localhost"), 0);
    this.endpointPrefix = baseUrl() + "push/";
  }

  /**
   * Starts configuring a mock.
   *
   * @return a builder: plain HTTP/1.1, the system clock
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a plain-HTTP mock with the defaults.
   *
   * @return the running mock
   * @throws IOException when no port can be bound
   */
  public static MockWebPushService start() throws IOException {
    return builder().start();
  }

  /**
   * Creates a subscription that accepts messages signed with any VAPID key (as browsers allow
   * when {@code applicationServerKey} is omitted).
   *
   * @return the subscription
   */
  public MockSubscription newSubscription() {
    return register(null);
  }

  /**
   * Creates a subscription bound to a VAPID public key, as
   * {@code pushManager.subscribe({applicationServerKey})} does: a message signed with another key,
   * or without VAPID, is refused with 403 or 401.
   *
   * @param applicationServerKey the VAPID public key, base64url (65-byte uncompressed point)
   * @return the subscription
   */
  public MockSubscription newSubscription(String applicationServerKey) {
    Objects.requireNonNull(applicationServerKey, "applicationServerKey");
    byte[] key = Base64.getUrlDecoder().decode(applicationServerKey.replace('+', '-')
        .replace('/', '_').replace("=", ""));
    if (key.length != 65 || key[0] != 4) {
      throw new IllegalArgumentException(
          "applicationServerKey must be a 65-byte uncompressed P-256 point in base64url");
    }
    return register(key);
  }

  private MockSubscription register(byte[] applicationServerKey) {
    int sender = applicationServerKey == null ? 0 : senderNumber(applicationServerKey);
    if (keyPool == null || sender < 0) {
      byte[] random = new byte[18];
      RANDOM.nextBytes(random);
      String id = B64.encodeToString(random);
      MockSubscription subscription = new MockSubscription(id, endpointPrefix, https,
          applicationServerKey, keyPool == null ? MockSubscription.KeyPairBytes.generate()
              : keyPool[(int) (subscriptionCount.getAndIncrement() % keyPool.length)], null, null);
      subscriptions.put(id, subscription);
      return subscription;
    }
    // Pooled: the service keeps nothing per subscription (a million of them would cost about
    // 170 bytes each). The id carries a number, the sender's key number and a MAC; the key pair
    // follows from the number and the authentication secret from the id, as a push service may
    // keep a subscription's state in its endpoint URL. A subscription that is scripted or
    // unsubscribed is kept whole from then on.
    long number = subscriptionCount.getAndIncrement();
    byte[] raw = new byte[18];
    for (int i = 0; i < 8; i++) {
      raw[i] = (byte) (number >>> (56 - 8 * i));
    }
    raw[8] = (byte) sender;
    System.arraycopy(mac("id", raw, 9), 0, raw, 9, 9);
    return pooled(B64.encodeToString(raw), raw);
  }

  /** The number of a sender's key, adding it; -1 when 255 keys are known already. */
  private synchronized int senderNumber(byte[] key) {
    for (int i = 0; i < senderKeys.size(); i++) {
      if (Arrays.equals(senderKeys.get(i), key)) {
        return i + 1;
      }
    }
    if (senderKeys.size() == 255) {
      return -1;
    }
    senderKeys.add(key);
    return senderKeys.size();
  }

  private MockSubscription pooled(String id, byte[] raw) {
    long number = 0;
    for (int i = 0; i < 8; i++) {
      number = number << 8 | (raw[i] & 0xff);
    }
    int sender = raw[8] & 0xff;
    return new MockSubscription(id, endpointPrefix, https,
        sender == 0 ? null : senderKeys.get(sender - 1),
        keyPool[(int) Long.remainderUnsigned(number, keyPool.length)],
        Arrays.copyOf(mac("auth", raw, 18), 16), subscriptions::putIfAbsent);
  }

  /** The subscription an id names: one kept whole, or a pooled one rebuilt from its id. */
  private MockSubscription subscription(String id) {
    MockSubscription kept = subscriptions.get(id);
    if (kept != null || keyPool == null) {
      return kept;
    }
    byte[] raw;
    try {
      raw = Base64.getUrlDecoder().decode(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (raw.length != 18 || (raw[8] & 0xff) > senderKeys.size()
        || !java.security.MessageDigest.isEqual(Arrays.copyOfRange(raw, 9, 18),
            Arrays.copyOf(mac("id", raw, 9), 9))) {
      return null;
    }
    return pooled(id, raw);
  }

  private byte[] mac(String purpose, byte[] data, int length) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(subscriptionSecret, "HmacSHA256"));
      mac.update(purpose.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      mac.update(data, 0, length);
      return mac.doFinal();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("this JDK has no HmacSHA256", e);
    }
  }

  /**
   * Scripts the answer to the next valid message to any subscription (after a subscription's own
   * scripted answers). Answers are used once each, in order.
   *
   * @param answers the answers
   */
  public void enqueue(MockAnswer... answers) {
    for (MockAnswer answer : answers) {
      this.answers.add(Objects.requireNonNull(answer, "answer"));
    }
  }

  /**
   * Waits for the next message the mock accepted.
   *
   * @param timeout how long to wait
   * @return the message
   * @throws InterruptedException when interrupted
   * @throws AssertionError when none arrives in time
   */
  public ReceivedWebPush takeMessage(Duration timeout) throws InterruptedException {
    ReceivedWebPush message = messages.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (message == null) {
      throw new AssertionError("no Web Push message arrived within " + timeout);
    }
    return message;
  }

  /**
   * The messages received and not yet taken, oldest first (at most the retained number).
   *
   * @return a snapshot
   */
  public List<ReceivedWebPush> messages() {
    return new ArrayList<>(messages);
  }

  /** @return how many requests reached the mock, whatever the answer */
  public long requestCount() {
    return requestCount.get();
  }

  /**
   * How many requests got a status.
   *
   * @param status an HTTP status
   * @return the count
   */
  public long answeredCount(int status) {
    AtomicLong count = statusCounts.get(status);
    return count == null ? 0 : count.get();
  }

  /** @return the host subscriptions' endpoints name: {@code localhost} */
  public String host() {
    return server.getHostName();
  }

  /** @return the port the mock listens on */
  public int port() {
    return server.getPort();
  }

  /** @return the base URL, for example {@code https://localhost:53123/} */
  public URI baseUrl() {
    return server.url("/").uri();
  }

  /** @return whether the mock speaks TLS (and HTTP/2) */
  public boolean isHttps() {
    return https;
  }

  /**
   * The mock's self-signed certificate, for the sender to trust (for Herald,
   * {@code WebPushProvider.Builder.trustedCertificates}).
   *
   * @return the certificate
   * @throws IllegalStateException when the mock is plain HTTP
   */
  public X509Certificate certificate() {
    if (certificate == null) {
      throw new IllegalStateException("this mock is plain HTTP; build it with https()");
    }
    return certificate.certificate();
  }

  /** Stops the server. */
  @Override
  public void close() throws IOException {
    server.close();
  }

  @Override
  public String toString() {
    return "MockWebPushService{" + baseUrl() + ", "
        + (keyPool == null ? subscriptions.size() : subscriptionCount.get()) + " subscriptions}";
  }

  private MockResponse handle(RecordedRequest request) {
    requestCount.incrementAndGet();
    // MockWebServer keeps every request for takeRequest(); this mock records its own, so drop it
    // to keep memory flat under load.
    try {
      server.takeRequest(0, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    MockResponse response;
    try {
      response = verifyAndAnswer(request);
    } catch (RuntimeException e) {
      response = json(MockAnswer.status(500, "mock failure: " + e));
    }
    statusCounts.computeIfAbsent(response.getCode(), k -> new AtomicLong()).incrementAndGet();
    return response;
  }

  private MockResponse verifyAndAnswer(RecordedRequest request) {
    HttpUrl url = request.getUrl();
    List<String> segments = url.pathSegments();
    if (!"POST".equals(request.getMethod())) {
      return json(MockAnswer.status(405, "use POST"));
    }
    if (segments.size() != 2 || !segments.get(0).equals("push")) {
      return json(MockAnswer.status(404, "no push resource at " + url.encodedPath()));
    }
    MockSubscription subscription = subscription(segments.get(1));
    if (subscription == null) {
      return json(MockAnswer.notFound());
    }
    if (subscription.isUnsubscribed()) {
      return json(MockAnswer.gone());
    }
    Headers headers = request.getHeaders();
    Instant now = clock.instant();
    ReceivedWebPush.Builder received = new ReceivedWebPush.Builder();
    received.subscriptionId = subscription.id();
    received.receivedAt = now;
    received.protocol = request.getVersion();

    String authorization = headers.get("Authorization");
    if (authorization == null) {
      if (subscription.applicationServerKeyBytes() != null) {
        return json(MockAnswer.status(401,
            "VAPID authorization is required: the subscription has an applicationServerKey"));
      }
    } else {
      String problem = verifyVapid(authorization, url, subscription, now, received);
      if (problem != null) {
        return json(MockAnswer.forbidden("BadJwtToken").withBody(
            "{\"reason\":\"BadJwtToken\",\"message\":\"" + problem.replace("\"", "'") + "\"}"));
      }
    }

    List<String> ttl = headers.values("TTL");
    if (ttl.size() != 1) {
      return json(MockAnswer.badRequest("exactly one TTL header is required (RFC 8030 §5.2)"));
    }
    try {
      received.ttlSeconds = Long.parseLong(ttl.get(0).strip());
      if (received.ttlSeconds < 0) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      return json(MockAnswer.badRequest("TTL must be a non-negative integer of seconds"));
    }
    List<String> urgency = headers.values("Urgency");
    if (urgency.size() > 1 || (urgency.size() == 1 && !URGENCIES.contains(urgency.get(0)))) {
      return json(MockAnswer.badRequest("Urgency must be one of " + URGENCIES));
    }
    received.urgency = urgency.isEmpty() ? null : urgency.get(0);
    List<String> topic = headers.values("Topic");
    if (topic.size() > 1 || (topic.size() == 1 && !TOPIC.matcher(topic.get(0)).matches())) {
      return json(MockAnswer.badRequest(
          "Topic must be at most 32 characters of the base64url alphabet"));
    }
    received.topic = topic.isEmpty() ? null : topic.get(0);

    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    received.bodyBytes = body.length;
    if (body.length > MAX_BODY_BYTES) {
      return json(MockAnswer.payloadTooLarge().withBody("{\"code\":413,\"message\":\"body is "
          + body.length + " bytes, the limit is " + MAX_BODY_BYTES + "\"}"));
    }
    if (body.length > 0) {
      if (!"aes128gcm".equals(headers.get("Content-Encoding"))) {
        return json(MockAnswer.badRequest(
            "Content-Encoding must be aes128gcm (RFC 8291), got " + headers.get("Content-Encoding")));
      }
      try {
        MockSubscription.Decrypted decrypted = subscription.decryptRecord(body);
        if (received.vapidPublicKey != null
            && B64.encodeToString(decrypted.senderKey()).equals(received.vapidPublicKey)) {
          return json(MockAnswer.badRequest(
              "the ECDH key must differ from the VAPID key (RFC 8292 §3.2)"));
        }
        received.plaintext = decrypted.plaintext();
        received.paddingBytes = decrypted.paddingBytes();
        received.recordSize = decrypted.recordSize();
        received.senderPublicKey = B64.encodeToString(decrypted.senderKey());
      } catch (GeneralSecurityException | RuntimeException e) {
        return json(MockAnswer.badRequest("the payload does not decrypt: " + e.getMessage()));
      }
    }

    MockAnswer scripted = subscription.pollAnswer();
    if (scripted == null) {
      scripted = answers.poll();
    }
    if (scripted != null) {
      received.answeredStatus = scripted.status();
      record(received.build());
      return json(scripted);
    }
    received.answeredStatus = 201;
    record(received.build());
    return new MockResponse.Builder()
        .code(201)
        .addHeader("Location", baseUrl() + "message/" + UUID.randomUUID())
        .addHeader("TTL", Long.toString(received.ttlSeconds))
        .build();
  }

  /** Returns what is wrong with the VAPID header, or null when it is valid. */
  private String verifyVapid(String authorization, HttpUrl url, MockSubscription subscription,
      Instant now, ReceivedWebPush.Builder received) {
    Matcher m = VAPID.matcher(authorization.strip());
    if (!m.matches()) {
      return "Authorization must be 'vapid t=<jwt>, k=<key>' (RFC 8292 §3)";
    }
    String token = m.group(1) != null ? m.group(1) : m.group(4);
    String key = m.group(2) != null ? m.group(2) : m.group(3);
    byte[] keyBytes;
    try {
      keyBytes = Base64.getUrlDecoder().decode(key);
    } catch (IllegalArgumentException e) {
      return "k is not base64url";
    }
    if (subscription.applicationServerKeyBytes() != null
        && !Arrays.equals(keyBytes, subscription.applicationServerKeyBytes())) {
      return "k is not the applicationServerKey the subscription was created with";
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(token);
      if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
        return "the JWT must be signed with ES256, got " + jwt.getHeader().getAlgorithm();
      }
      if (!jwt.verify(new ECDSAVerifier(MockSubscription.vapidPublicKey(keyBytes)))) {
        return "the JWT signature does not verify with k (a JOSE R||S ES256 signature is required)";
      }
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException | JOSEException | GeneralSecurityException e) {
      return "the JWT is malformed: " + e.getMessage();
    }
    String origin = url.scheme() + "://" + url.host()
        + (url.port() == HttpUrl.defaultPort(url.scheme()) ? "" : ":" + url.port());
    List<String> audience = claims.getAudience();
    String hostOnly = url.scheme() + "://" + url.host();
    boolean audienceOk = audience.contains(origin)
        || (tolerateAudienceWithoutPort && audience.contains(hostOnly));
    if (!audienceOk) {
      return "aud " + audience + " is not the push resource's origin " + origin;
    }
    if (claims.getExpirationTime() == null) {
      return "exp is required";
    }
    Instant exp = claims.getExpirationTime().toInstant();
    if (!exp.isAfter(now)) {
      return "the JWT expired at " + exp;
    }
    if (exp.isAfter(now.plus(Duration.ofHours(24)))) {
      return "exp " + exp + " is more than 24 hours ahead (RFC 8292 §2)";
    }
    String subject = claims.getSubject();
    if (subject == null || !(subject.startsWith("mailto:") || subject.startsWith("https:"))) {
      return "sub must be a mailto: or https: URL, got " + subject;
    }
    received.vapidToken = token;
    received.vapidPublicKey = key;
    received.vapidAudience = audience.get(0);
    received.vapidSubject = subject;
    received.vapidExpiresAt = exp;
    return null;
  }

  private void record(ReceivedWebPush message) {
    while (messages.size() >= retainedMessages) {
      messages.poll();
    }
    messages.offer(message);
  }

  private static MockResponse json(MockAnswer answer) {
    MockResponse.Builder response = new MockResponse.Builder().code(answer.status());
    answer.headers().forEach(response::addHeader);
    return response.body(answer.body()).build();
  }

  /** Configures a {@link MockWebPushService}. */
  public static final class Builder {
    private boolean https;
    private Clock clock = Clock.systemUTC();
    private boolean tolerateAudienceWithoutPort;
    private int retainedMessages = 10_000;
    private int keyPairs;

    private Builder() {}

    /**
     * Serves HTTPS with a fresh self-signed certificate for {@code localhost}, negotiating HTTP/2
     * (as real push services do); trust {@link MockWebPushService#certificate()} in the sender.
     *
     * @return this builder
     */
    public Builder https() {
      this.https = true;
      return this;
    }

    /**
     * The clock for checking VAPID {@code exp}; pass the sender's fake clock in tests.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Accepts a VAPID {@code aud} that drops the port (as webpush-java 5.1.2 does), for racing
     * other libraries in benchmarks. Real push services on a non-default port would not.
     *
     * @return this builder
     */
    public Builder tolerateAudienceWithoutPort() {
      this.tolerateAudienceWithoutPort = true;
      return this;
    }

    /**
     * How many received messages to keep for {@link MockWebPushService#messages()}; older ones are
     * dropped.
     *
     * @param value at least 1; default 10,000
     * @return this builder
     */
    public Builder retainedMessages(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("retainedMessages must be at least 1, got " + value);
      }
      this.retainedMessages = value;
      return this;
    }

    /**
     * Lets new subscriptions take their P-256 key pair from a pool of {@code value} pairs, in
     * turn, instead of generating one each as a browser does. Each subscription still gets its
     * own authentication secret, so every message's content key differs, and every message is
     * still decrypted and checked. For load tests and the demo: generating a key pair costs about
     * a millisecond of CPU, which dominates creating a million subscriptions. With a pool the
     * service keeps nothing per subscription (its endpoint's id carries a signed number, from
     * which the key pair and the secret follow) until one is scripted or unsubscribed.
     *
     * @param value how many key pairs, at least 1; by default every subscription has its own
     * @return this builder
     */
    public Builder subscriptionKeyPairs(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("subscriptionKeyPairs must be at least 1, got " + value);
      }
      this.keyPairs = value;
      return this;
    }

    /**
     * Starts the mock on an ephemeral port of {@code localhost}.
     *
     * @return the running mock
     * @throws IOException when no port can be bound
     */
    public MockWebPushService start() throws IOException {
      return new MockWebPushService(this);
    }
  }
}
