package dev.herald.testing.fcm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A local FCM HTTP v1 service for tests and demos: a real HTTPS server speaking HTTP/2 (ALPN
 * {@code h2}) with a throw-away certificate, holding both Google's OAuth2 token endpoint and
 * FCM's send endpoint.
 *
 * <ul>
 *   <li><b>{@code POST /token}</b> — the JWT-bearer grant. It verifies the assertion's RS256
 *       signature against the public key of the service account named by {@code kid}, then
 *       {@code iss} (the client e-mail), {@code aud} (this endpoint or Google's canonical
 *       {@code https://oauth2.googleapis.com/token}, which Google's client libraries send),
 *       {@code scope} ({@code firebase.messaging} or {@code cloud-platform}), and that
 *       {@code iat}/{@code exp} span at most one hour around now. It answers
 *       {@code {"access_token":…,"expires_in":…,"token_type":"Bearer"}}, or Google's
 *       {@code invalid_grant}/{@code invalid_scope} errors.
 *   <li><b>{@code POST /v1/projects/{project}/messages:send}</b> — checks the bearer token (issued
 *       here, unexpired, not revoked: else 401 UNAUTHENTICATED), that it belongs to the project
 *       (else 403 PERMISSION_DENIED), and the message: known fields only, exactly one of
 *       {@code token}/{@code topic}/{@code condition}, string-only {@code data}, a valid
 *       {@code android.ttl} and {@code priority}, and a payload of at most 4096 bytes (else 400
 *       INVALID_ARGUMENT with field violations). Then it answers an error programmed with
 *       {@link #enqueue} or {@link #answer}, or {@code {"name":"projects/…/messages/…"}}.
 * </ul>
 *
 * <pre>{@code
 * try (MockFcmService fcm = MockFcmService.start()) {
 *   FcmProvider provider = FcmProvider.builder()
 *       .serviceAccount(ServiceAccount.fromJson(fcm.serviceAccountJson()))
 *       .baseUrl(fcm.baseUrl())
 *       .trustCertificate(fcm.certificate())
 *       .build();
 *   fcm.answer("dead-token", MockFcmAnswer.unregistered());
 *   ...
 *   assertThat(fcm.messages()).hasSize(2);
 * }
 * }</pre>
 *
 * <p>The service account it trusts is generated at start, with a fresh key id and a 2048-bit RSA
 * key generated once per JVM; more accounts can be added with {@link #trustServiceAccount}. Everything a client did wrong is listed in
 * {@link #refusals()}. Thread-safe; close it to stop the server.
 */
public final class MockFcmService implements AutoCloseable {
  /** Google's canonical token endpoint, accepted as the assertion audience. */
  public static final String GOOGLE_TOKEN_URI = "https://oauth2.googleapis.com/token";
  /** The largest message payload accepted, in bytes. */
  public static final int MAX_PAYLOAD_BYTES = 4096;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Headers JSON_HEADERS =
      Headers.of("Content-Type", "application/json; charset=UTF-8");
  private static final Pattern SEND_PATH = Pattern.compile("/v1/projects/([^/]+)/messages:send");
  private static final Set<String> SCOPES =
      Set.of(
          "https://www.googleapis.com/auth/firebase.messaging",
          "https://www.googleapis.com/auth/cloud-platform");
  private static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

  private final MockWebServer server;
  private final HeldCertificate certificate;
  private final Clock clock;
  private final Duration tokenLifetime;
  private final boolean recordMessages;
  private final String projectId;
  private final String serviceAccountJson;
  private final String tokenUri;
  private final SecureRandom random = new SecureRandom();

  private final Map<String, Account> accountsByKeyId = new ConcurrentHashMap<>();
  private final Map<String, Issued> issuedTokens = new ConcurrentHashMap<>();
  private final Map<String, MockFcmAnswer> answersByToken = new ConcurrentHashMap<>();
  private final Queue<MockFcmAnswer> queuedAnswers = new ConcurrentLinkedQueue<>();
  private final Queue<TokenError> queuedTokenErrors = new ConcurrentLinkedQueue<>();
  private final Queue<ReceivedFcmMessage> messages = new ConcurrentLinkedQueue<>();
  private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
  private final AtomicInteger tokenRequests = new AtomicInteger();
  private final AtomicInteger sendRequests = new AtomicInteger();
  private final AtomicLong messageIds = new AtomicLong(1_000_000);

  private record Account(String clientEmail, String projectId, RSAPublicKey publicKey) {}

  private record Issued(Account account, Instant expiresAt) {}

  private record TokenError(int status, String error, String description) {}

  private MockFcmService(Builder b) throws IOException {
    this.clock = b.clock;
    this.tokenLifetime = b.tokenLifetime;
    this.recordMessages = b.recordMessages;
    this.projectId = b.projectId;
    this.certificate =
        new HeldCertificate.Builder()
            .commonName("Herald mock FCM")
            .addSubjectAlternativeName("localhost")
            .addSubjectAlternativeName("127.0.0.1")
            .addSubjectAlternativeName("::1")
            .duration(7, TimeUnit.DAYS)
            .build();
    HandshakeCertificates serverCertificates =
        new HandshakeCertificates.Builder().heldCertificate(certificate).build();
    this.server = new MockWebServer();
    server.useHttps(serverCertificates.sslSocketFactory());
    server.setDispatcher(new FcmDispatcher());
    server.start();
    this.tokenUri = baseUrl() + "/token";

    KeyPair keys = GeneratedKey.PAIR;
    String keyId = HexFormat.of().formatHex(randomBytes(20));
    String clientEmail = "herald-mock@" + projectId + ".iam.gserviceaccount.com";
    trustServiceAccount(clientEmail, keyId, (RSAPublicKey) keys.getPublic(), projectId);
    this.serviceAccountJson =
        serviceAccountJson(projectId, clientEmail, keyId, keys, tokenUri);
  }

  /**
   * Starts a mock with the defaults: project {@code herald-mock}, the system clock, tokens valid
   * for one hour, messages recorded.
   *
   * @return the running mock
   */
  public static MockFcmService start() {
    return builder().start();
  }

  /**
   * Starts configuring a mock.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Where to send: {@code https://localhost:<port>}, for {@code FcmProvider.Builder.baseUrl}.
   *
   * @return the base URL, without a trailing slash
   */
  public String baseUrl() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  /**
   * The token endpoint, as written into {@link #serviceAccountJson()}'s {@code token_uri}.
   *
   * @return {@code https://localhost:<port>/token}
   */
  public String tokenUri() {
    return tokenUri;
  }

  /**
   * The project of the generated service account.
   *
   * @return the project id
   */
  public String projectId() {
    return projectId;
  }

  /**
   * The server's self-signed certificate; a client must trust it, in addition to its usual roots.
   *
   * @return the certificate
   */
  public X509Certificate certificate() {
    return certificate.certificate();
  }

  /**
   * The server's certificate in PEM form, for tools that read a file ({@code herald send fcm
   * --trust-cert}).
   *
   * @return the PEM text
   */
  public String certificatePem() {
    return certificate.certificatePem();
  }

  /**
   * A Google service-account JSON key this mock trusts, with a generated RSA key and
   * {@code token_uri} pointing at this mock. The same account every call.
   *
   * @return the JSON text
   */
  public String serviceAccountJson() {
    return serviceAccountJson;
  }

  /**
   * A throw-away service-account JSON key (generated RSA key, made once per JVM) whose
   * {@code token_uri} is any endpoint: for a stand-in token server other than this mock.
   *
   * @param projectId the {@code project_id}
   * @param tokenUri the {@code token_uri}
   * @return the JSON text
   */
  public static String throwAwayServiceAccountJson(String projectId, String tokenUri) {
    return serviceAccountJson(projectId, "test@" + projectId + ".iam.gserviceaccount.com",
        "0000000000000000000000000000000000000000", GeneratedKey.PAIR, tokenUri);
  }

  /**
   * Writes {@link #serviceAccountJson()} to a file, for tools that read one.
   *
   * @param file where to write
   * @return the file
   */
  public Path writeServiceAccount(Path file) {
    try {
      return Files.writeString(file, serviceAccountJson, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Trusts another service account: assertions with this {@code kid} are verified with this key.
   *
   * @param clientEmail the account's e-mail, expected as {@code iss}
   * @param privateKeyId the key id, expected as {@code kid}
   * @param publicKey the public half of the account's key
   * @param projectId the project its access tokens may send for
   */
  public void trustServiceAccount(
      String clientEmail, String privateKeyId, RSAPublicKey publicKey, String projectId) {
    accountsByKeyId.put(
        Objects.requireNonNull(privateKeyId, "privateKeyId"),
        new Account(
            Objects.requireNonNull(clientEmail, "clientEmail"),
            Objects.requireNonNull(projectId, "projectId"),
            Objects.requireNonNull(publicKey, "publicKey")));
  }

  /**
   * Answers every send to this registration token with an error, until {@link #clear()}.
   *
   * @param token the registration token
   * @param answer the error
   */
  public void answer(String token, MockFcmAnswer answer) {
    answersByToken.put(Objects.requireNonNull(token, "token"), Objects.requireNonNull(answer));
  }

  /**
   * Answers the next valid send, whatever its target, with an error; queued answers are used in
   * order and take precedence over {@link #answer per-token answers}.
   *
   * @param answer the error
   */
  public void enqueue(MockFcmAnswer answer) {
    queuedAnswers.add(Objects.requireNonNull(answer, "answer"));
  }

  /**
   * Refuses the next token request with an OAuth2 error, such as {@code (400, "invalid_grant",
   * "Invalid JWT Signature.")} or {@code (503, "temporarily_unavailable", "")}.
   *
   * @param httpStatus the HTTP status
   * @param error the OAuth2 {@code error}
   * @param description the {@code error_description}
   */
  public void enqueueTokenError(int httpStatus, String error, String description) {
    queuedTokenErrors.add(new TokenError(httpStatus, error, description));
  }

  /** Revokes every access token issued so far; the next send with one gets 401 UNAUTHENTICATED. */
  public void revokeAccessTokens() {
    issuedTokens.clear();
  }

  /**
   * The valid messages received, oldest first (empty when recording is off).
   *
   * @return a snapshot
   */
  public List<ReceivedFcmMessage> messages() {
    return List.copyOf(messages);
  }

  /**
   * What clients did wrong, one sentence per refused request (bad assertion, unknown token,
   * malformed message), oldest first.
   *
   * @return a snapshot
   */
  public List<String> refusals() {
    return List.copyOf(refusals);
  }

  /** @return how many token requests arrived, valid or not */
  public int tokenRequestCount() {
    return tokenRequests.get();
  }

  /** @return how many send requests arrived, valid or not */
  public int sendRequestCount() {
    return sendRequests.get();
  }

  /** Forgets received messages, refusals, programmed answers and counts; tokens stay valid. */
  public void clear() {
    messages.clear();
    refusals.clear();
    answersByToken.clear();
    queuedAnswers.clear();
    queuedTokenErrors.clear();
    tokenRequests.set(0);
    sendRequests.set(0);
  }

  /** Stops the server. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "MockFcmService{" + baseUrl() + ", project=" + projectId + "}";
  }

  private final class FcmDispatcher extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      // MockWebServer queues every request for takeRequest(); this mock keeps its own records,
      // so drop one entry per request to keep long runs (benchmarks) at constant memory.
      server.takeRequest(0, TimeUnit.NANOSECONDS);
      String path = request.getUrl().encodedPath();
      if (path.equals("/token")) {
        tokenRequests.incrementAndGet();
        return token(request);
      }
      Matcher send = SEND_PATH.matcher(path);
      if (send.matches()) {
        sendRequests.incrementAndGet();
        return send(request, send.group(1));
      }
      return refuse(
          MockFcmAnswer.error(404, "NOT_FOUND", null, "Not found: " + path, null, null),
          "unknown path " + path);
    }
  }

  private MockResponse token(RecordedRequest request) {
    if (!"POST".equals(request.getMethod())) {
      return tokenRefusal(
          405, "invalid_request", "use POST", "token request with " + request.getMethod());
    }
    TokenError programmed = queuedTokenErrors.poll();
    if (programmed != null) {
      return oauthError(programmed.status(), programmed.error(), programmed.description());
    }
    Map<String, String> form = parseForm(request.getBody() == null ? "" : request.getBody().utf8());
    if (!GRANT_TYPE.equals(form.get("grant_type"))) {
      return tokenRefusal(400, "unsupported_grant_type", "Invalid grant_type: "
          + form.get("grant_type"), "grant_type was " + form.get("grant_type"));
    }
    String assertion = form.get("assertion");
    if (assertion == null) {
      return tokenRefusal(400, "invalid_request", "Missing required parameter: assertion",
          "no assertion");
    }
    SignedJWT jwt;
    JWTClaimsSet claims;
    try {
      jwt = SignedJWT.parse(assertion);
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      return tokenRefusal(400, "invalid_grant", "Invalid JWT: malformed", "assertion is not a JWT");
    }
    if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
      return tokenRefusal(400, "invalid_grant", "Invalid JWT Signature.",
          "assertion alg is " + jwt.getHeader().getAlgorithm() + ", expected RS256");
    }
    Account account = jwt.getHeader().getKeyID() == null ? null
        : accountsByKeyId.get(jwt.getHeader().getKeyID());
    if (account == null) {
      return tokenRefusal(400, "invalid_grant", "Invalid grant: account not found",
          "assertion kid " + jwt.getHeader().getKeyID() + " is not a trusted key id");
    }
    try {
      if (!jwt.verify(new RSASSAVerifier(account.publicKey()))) {
        return tokenRefusal(400, "invalid_grant", "Invalid JWT Signature.",
            "assertion signature does not verify with key " + jwt.getHeader().getKeyID());
      }
    } catch (JOSEException e) {
      return tokenRefusal(400, "invalid_grant", "Invalid JWT Signature.",
          "assertion signature cannot be verified: " + e.getMessage());
    }
    if (!account.clientEmail().equals(claims.getIssuer())) {
      return tokenRefusal(400, "invalid_grant", "Invalid email or User ID",
          "assertion iss is " + claims.getIssuer() + ", expected " + account.clientEmail());
    }
    List<String> audience = claims.getAudience();
    if (audience == null || audience.size() != 1
        || !(audience.get(0).equals(tokenUri) || audience.get(0).equals(GOOGLE_TOKEN_URI))) {
      return tokenRefusal(400, "invalid_grant", "Invalid JWT: Failed audience check.",
          "assertion aud is " + audience + ", expected " + tokenUri);
    }
    Object scope = claims.getClaim("scope");
    boolean scopeOk = scope instanceof String s
        && List.of(s.split(" ")).stream().anyMatch(SCOPES::contains);
    if (!scopeOk) {
      return tokenRefusal(400, "invalid_scope",
          "Invalid OAuth scope or ID token audience provided.",
          "assertion scope is " + scope + ", expected one of " + SCOPES);
    }
    Instant now = clock.instant();
    Date iat = claims.getIssueTime();
    Date exp = claims.getExpirationTime();
    String timeframe = "Invalid JWT: Token must be a short-lived token (60 minutes) and in a"
        + " reasonable timeframe. Check your iat and exp values in the JWT claim.";
    if (iat == null || exp == null) {
      return tokenRefusal(400, "invalid_grant", timeframe, "assertion lacks iat or exp");
    }
    Duration span = Duration.between(iat.toInstant(), exp.toInstant());
    if (span.isNegative() || span.compareTo(Duration.ofHours(1)) > 0
        || iat.toInstant().isAfter(now.plusSeconds(60)) || !exp.toInstant().isAfter(now)) {
      return tokenRefusal(400, "invalid_grant", timeframe,
          "assertion iat " + iat.toInstant() + " / exp " + exp.toInstant() + " at " + now);
    }
    String accessToken =
        "ya29.mock-" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
    issuedTokens.put(accessToken, new Issued(account, now.plus(tokenLifetime)));
    ObjectNode body = JSON.createObjectNode()
        .put("access_token", accessToken)
        .put("expires_in", tokenLifetime.getSeconds())
        .put("token_type", "Bearer");
    return json(200, body.toString(), null);
  }

  private MockResponse send(RecordedRequest request, String project) {
    if (!"POST".equals(request.getMethod())) {
      return refuse(MockFcmAnswer.error(405, "INVALID_ARGUMENT", null, "Use POST", null, null),
          "send with " + request.getMethod());
    }
    String authorization = request.getHeaders().get("Authorization");
    Issued issued = authorization != null && authorization.startsWith("Bearer ")
        ? issuedTokens.get(authorization.substring("Bearer ".length()))
        : null;
    if (issued == null || !clock.instant().isBefore(issued.expiresAt())) {
      return refuse(MockFcmAnswer.unauthenticated(),
          authorization == null ? "send without Authorization"
              : issued == null ? "send with an unknown or revoked access token"
              : "send with an access token that expired at " + issued.expiresAt());
    }
    if (!issued.account().projectId().equals(project)) {
      return refuse(
          MockFcmAnswer.error(403, "PERMISSION_DENIED", null,
              "Permission 'cloudmessaging.messages.create' denied on resource"
                  + " '//cloudresourcemanager.googleapis.com/projects/" + project
                  + "' (or it may not exist).", null, null),
          "send for project " + project + " with a token of project "
              + issued.account().projectId());
    }
    String contentType = request.getHeaders().get("Content-Type");
    if (contentType == null || !contentType.startsWith("application/json")) {
      return invalid("", "Content-Type must be application/json, got " + contentType);
    }
    byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
    SendRequestCheck.Verdict verdict = SendRequestCheck.check(body, MAX_PAYLOAD_BYTES);
    if (!verdict.valid()) {
      return invalid(verdict.problemField(), verdict.problem());
    }
    if (recordMessages) {
      messages.add(new ReceivedFcmMessage(project, issued.account().clientEmail(),
          verdict.validateOnly(), readTree(body).get("message")));
    }
    MockFcmAnswer answer = queuedAnswers.poll();
    if (answer == null && verdict.targetField().equals("token")) {
      answer = answersByToken.get(verdict.targetValue());
    }
    if (answer != null) {
      return json(answer.httpStatus(), answer.body(), answer.retryAfter());
    }
    String id = verdict.validateOnly() ? "fake_message_id"
        : Long.toString(messageIds.incrementAndGet());
    return json(200, "{\"name\":\"projects/" + project + "/messages/" + id + "\"}", null);
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // unreachable: the body was just checked
    }
  }

  private MockResponse invalid(String field, String description) {
    return refuse(
        MockFcmAnswer.error(400, "INVALID_ARGUMENT", "INVALID_ARGUMENT", description, field,
            description),
        "invalid message: " + (field.isEmpty() ? "" : field + ": ") + description);
  }

  private MockResponse refuse(MockFcmAnswer answer, String why) {
    refusals.add(why);
    return json(answer.httpStatus(), answer.body(), answer.retryAfter());
  }

  private MockResponse tokenRefusal(int status, String error, String description, String why) {
    refusals.add("token request refused: " + why);
    return oauthError(status, error, description);
  }

  private static MockResponse oauthError(int status, String error, String description) {
    ObjectNode body = JSON.createObjectNode().put("error", error);
    if (description != null && !description.isEmpty()) {
      body.put("error_description", description);
    }
    return json(status, body.toString(), null);
  }

  private static MockResponse json(int status, String body, String retryAfter) {
    Headers headers = retryAfter == null ? JSON_HEADERS
        : JSON_HEADERS.newBuilder().add("Retry-After", retryAfter).build();
    return new MockResponse.Builder().code(status).headers(headers).body(body).build();
  }

  private static Map<String, String> parseForm(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      form.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return Collections.unmodifiableMap(form);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  /**
   * The generated service account's RSA key: made once per JVM, on first use (2048-bit key
   * generation takes a noticeable fraction of a second), never stored anywhere.
   */
  private static final class GeneratedKey {
    static final KeyPair PAIR = generate();

    private static KeyPair generate() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("RSA is missing from this JDK", e);
      }
    }
  }

  private static String serviceAccountJson(
      String projectId, String clientEmail, String keyId, KeyPair keys, String tokenUri) {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'})
            .encodeToString(keys.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ObjectNode json = JSON.createObjectNode()
        .put("type", "service_account")
        .put("project_id", projectId)
        .put("private_key_id", keyId)
        .put("private_key", pem)
        .put("client_email", clientEmail)
        .put("client_id", "100000000000000000001")
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .put("token_uri", tokenUri)
        .put("universe_domain", "googleapis.com");
    return json.toPrettyString();
  }

  /** Configures a {@link MockFcmService}. */
  public static final class Builder {
    private String projectId = "herald-mock";
    private Clock clock = Clock.systemUTC();
    private Duration tokenLifetime = Duration.ofSeconds(3599);
    private boolean recordMessages = true;

    private Builder() {}

    /**
     * The project of the generated service account; {@code herald-mock} by default.
     *
     * @param value a Google Cloud project id
     * @return this builder
     */
    public Builder projectId(String value) {
      this.projectId = Objects.requireNonNull(value, "projectId");
      return this;
    }

    /**
     * The clock for assertion checks and token expiry; share a fake clock with the client under
     * test.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * How long issued access tokens last ({@code expires_in}); 3599 seconds by default, as
     * Google's.
     *
     * @param value a positive duration
     * @return this builder
     */
    public Builder accessTokenLifetime(Duration value) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException("accessTokenLifetime must be positive");
      }
      this.tokenLifetime = value;
      return this;
    }

    /**
     * Whether to keep every valid message for {@link #messages()}; turn it off for load tests.
     *
     * @param value true to record (the default)
     * @return this builder
     */
    public Builder recordMessages(boolean value) {
      this.recordMessages = value;
      return this;
    }

    /**
     * Starts the server on an ephemeral port.
     *
     * @return the running mock
     */
    public MockFcmService start() {
      try {
        return new MockFcmService(this);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot start the mock FCM service", e);
      }
    }
  }
}
