package dev.herald.spring.boot;

import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.dispatch.RetryPolicy;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.Leases;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

/**
 * Turns {@link HeraldProperties} into Herald's objects. Every problem becomes an
 * {@link InvalidConfigurationPropertyValueException} that names the property (and the file, for
 * file properties), which Boot's failure analyser prints at startup; secret values are never put
 * in a message.
 */
final class PropertyMapper {
  private static final String HIDDEN = "******";

  private PropertyMapper() {}

  static WebPushProvider webPush(HeraldProperties.WebPush p, Clock clock) {
    HeraldProperties.Vapid vapid = p.vapid();
    String subject = require(vapid.subject(), "herald.webpush.vapid.subject",
        "is required with a VAPID key: a mailto: or https: URL the push service can contact");
    VapidKeys keys;
    if (vapid.pemFile() != null) {
      Path file = readable(vapid.pemFile(), "herald.webpush.vapid.pem-file");
      keys = fromFile(file, "herald.webpush.vapid.pem-file", () -> VapidKeys.fromPemFile(file));
    } else {
      keys = secret("herald.webpush.vapid.private-key", () -> vapid.publicKey() == null
          ? VapidKeys.fromPrivateKeyBase64Url(vapid.privateKey())
          : VapidKeys.fromBase64Url(vapid.publicKey(), vapid.privateKey()));
    }
    WebPushProvider.Builder b = WebPushProvider.builder().clock(clock);
    apply("herald.webpush.vapid.subject", subject, () -> b.vapid(keys, subject));
    for (int i = 0; i < p.allowedHosts().size(); i++) {
      String host = p.allowedHosts().get(i);
      apply("herald.webpush.allowed-hosts[" + i + "]", host, () -> b.allowHost(host));
    }
    List<X509Certificate> trusted =
        certificates(p.trustedCertificates(), "herald.webpush.trusted-certificates");
    b.trustedCertificates(trusted.toArray(X509Certificate[]::new));
    set(p.requestTimeout(), "herald.webpush.request-timeout", b::requestTimeout);
    set(p.connectTimeout(), "herald.webpush.connect-timeout", b::connectTimeout);
    set(p.maxConcurrentRequests(), "herald.webpush.max-concurrent-requests",
        b::maxConcurrentRequests);
    return build("herald.webpush", b::build);
  }

  static ApnsProvider apns(HeraldProperties.Apns p, Clock clock) {
    String teamId = require(p.teamId(), "herald.apns.team-id",
        "is required with an APNs key: the 10-character Apple Developer team id");
    String keyId = require(p.keyId(), "herald.apns.key-id",
        "is required with an APNs key: the 10-character id of the .p8 key");
    ApnsSigningKey key;
    if (p.keyFile() != null) {
      Path file = readable(p.keyFile(), "herald.apns.key-file");
      key = fromFile(file, "herald.apns.key-file",
          () -> ApnsSigningKey.fromP8File(file, teamId, keyId));
    } else {
      key = secret("herald.apns.key", () -> ApnsSigningKey.fromPem(p.key(), teamId, keyId));
    }
    ApnsProvider.Builder b = ApnsProvider.builder().signingKey(key).clock(clock);
    if (p.endpoint() != null) {
      apply("herald.apns.endpoint", p.endpoint(), () -> b.endpoint(p.endpoint()));
    } else if (p.sandbox()) {
      b.endpoint("https://" + ApnsProvider.SANDBOX_HOST);
    }
    List<X509Certificate> trusted =
        certificates(p.trustedCertificates(), "herald.apns.trusted-certificates");
    b.trustedCertificates(trusted.toArray(X509Certificate[]::new));
    set(p.connections(), "herald.apns.connections", b::connections);
    set(p.requestTimeout(), "herald.apns.request-timeout", b::requestTimeout);
    return build("herald.apns", b::build);
  }

  static FcmProvider fcm(HeraldProperties.Fcm p, Clock clock) {
    ServiceAccount account;
    if (p.serviceAccountFile() != null) {
      Path file = readable(p.serviceAccountFile(), "herald.fcm.service-account-file");
      account = fromFile(file, "herald.fcm.service-account-file",
          () -> ServiceAccount.fromFile(file));
    } else {
      account = secret("herald.fcm.service-account-json",
          () -> ServiceAccount.fromJson(p.serviceAccountJson()));
    }
    FcmProvider.Builder b = FcmProvider.builder().serviceAccount(account).clock(clock);
    if (p.baseUrl() != null) {
      apply("herald.fcm.base-url", p.baseUrl(), () -> b.baseUrl(p.baseUrl()));
    }
    b.trustCertificates(certificates(p.trustedCertificates(), "herald.fcm.trusted-certificates"));
    set(p.requestTimeout(), "herald.fcm.request-timeout", b::requestTimeout);
    set(p.maxConcurrentRequests(), "herald.fcm.max-concurrent-requests", b::maxConcurrentRequests);
    set(p.androidChannelId(), "herald.fcm.android-channel-id", b::androidChannelId);
    return build("herald.fcm", b::build);
  }

  static DispatchSettings dispatchSettings(HeraldProperties.Dispatch p) {
    DispatchSettings.Builder b = DispatchSettings.builder();
    String prefix = "herald.dispatch.";
    set(p.maxPlayersInProgress(), prefix + "max-players-in-progress", b::maxPlayersInProgress);
    set(p.maxSendsInFlightPerProvider(), prefix + "max-sends-in-flight-per-provider",
        b::maxSendsInFlightPerProvider);
    set(p.maxQueuedSendsPerProvider(), prefix + "max-queued-sends-per-provider",
        b::maxQueuedSendsPerProvider);
    p.rateLimits().forEach((platform, perSecond) -> apply(prefix + "rate-limits." + platform,
        perSecond, () -> b.providerRateLimit(platform, perSecond)));
    set(p.sendTimeout(), prefix + "send-timeout", b::sendTimeout);
    set(p.complianceTimeout(), prefix + "compliance-timeout", b::complianceTimeout);
    set(p.checkpointEvery(), prefix + "checkpoint-every", b::checkpointEvery);
    set(p.retryTransportFailures(), prefix + "retry-transport-failures",
        b::retryTransportFailures);
    HeraldProperties.Retry r = p.retry();
    RetryPolicy.Builder retry = RetryPolicy.builder();
    String rp = prefix + "retry.";
    set(r.maxAttempts(), rp + "max-attempts", retry::maxAttempts);
    set(r.initialBackoff(), rp + "initial-backoff", retry::initialBackoff);
    set(r.maxBackoff(), rp + "max-backoff", retry::maxBackoff);
    set(r.multiplier(), rp + "multiplier", retry::multiplier);
    set(r.jitter(), rp + "jitter", retry::jitter);
    set(r.maxRetryAfter(), rp + "max-retry-after", retry::maxRetryAfter);
    b.retryPolicy(build(prefix + "retry", retry::build));
    return build("herald.dispatch", b::build);
  }

  static DeliveryPolicy deliveryPolicy(HeraldProperties.Policy p) {
    DeliveryPolicy.Builder b = DeliveryPolicy.builder();
    HeraldProperties.QuietHoursProperties q = p.quietHours();
    if (q.start() != null || q.end() != null) {
      LocalTime start = time(q.start(), "herald.policy.quiet-hours.start");
      LocalTime end = time(q.end(), "herald.policy.quiet-hours.end");
      ZoneId zone;
      try {
        zone = ZoneId.of(q.defaultZone());
      } catch (DateTimeException e) {
        throw new InvalidConfigurationPropertyValueException("herald.policy.quiet-hours.default-zone",
            q.defaultZone(), "is not a time zone id such as Europe/Malta or UTC");
      }
      apply("herald.policy.quiet-hours", q.start() + "-" + q.end(),
          () -> b.quietHours(new QuietHours(start, end, q.mode(), zone)));
    }
    for (int i = 0; i < p.caps().size(); i++) {
      HeraldProperties.Cap cap = p.caps().get(i);
      String name = "herald.policy.caps[" + i + "]";
      if ((cap.window() == null) == (cap.localDays() == null)) {
        throw new InvalidConfigurationPropertyValueException(name + ".window", cap.window(),
            "set exactly one of window (a rolling duration) and local-days");
      }
      apply(name, cap.max(), () -> b.cap(new FrequencyCap(cap.scope(), cap.key(), cap.max(),
          cap.window() != null ? CapWindow.rolling(cap.window())
              : CapWindow.localDays(cap.localDays()))));
    }
    set(p.serviceBypassesCaps(), "herald.policy.service-bypasses-caps", b::serviceBypassesCaps);
    set(p.serviceBypassesQuietHours(), "herald.policy.service-bypasses-quiet-hours",
        b::serviceBypassesQuietHours);
    set(p.messagesPerSecond(), "herald.policy.messages-per-second", b::messagesPerSecond);
    return build("herald.policy", b::build);
  }

  private static LocalTime time(String value, String property) {
    require(value, property, "is required for quiet hours, as HH:mm");
    try {
      return LocalTime.parse(value);
    } catch (DateTimeException e) {
      throw new InvalidConfigurationPropertyValueException(property, value,
          "is not a local time such as 22:00");
    }
  }

  /** Reads PEM certificates, one or more per file. */
  static List<X509Certificate> certificates(List<Path> files, String property) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      String name = property + "[" + i + "]";
      Path file = readable(files.get(i), name);
      try (InputStream in = Files.newInputStream(file)) {
        for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          certificates.add((X509Certificate) c);
        }
      } catch (IOException | CertificateException e) {
        throw new InvalidConfigurationPropertyValueException(name, file,
            "the file " + file + " holds no readable PEM certificate: " + e.getMessage());
      }
      if (certificates.isEmpty()) {
        throw new InvalidConfigurationPropertyValueException(name, file,
            "the file " + file + " holds no PEM certificate");
      }
    }
    return certificates;
  }

  private static Path readable(Path file, String property) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new InvalidConfigurationPropertyValueException(property, file,
          "the file " + file.toAbsolutePath() + " does not exist or cannot be read");
    }
    return file;
  }

  private static String require(String value, String property, String reason) {
    if (value == null || value.isBlank()) {
      throw new InvalidConfigurationPropertyValueException(property, value, reason);
    }
    return value;
  }

  interface IoSupplier<T> {
    T get() throws IOException;
  }

  /** Reads a credential file; the message names the property and the file, never its content. */
  private static <T> T fromFile(Path file, String property, IoSupplier<T> read) {
    try {
      return read.get();
    } catch (IOException | UncheckedIOException e) {
      throw new InvalidConfigurationPropertyValueException(property, file,
          "the file " + file.toAbsolutePath() + " cannot be read: " + e.getClass().getSimpleName());
    } catch (InvalidInputException e) {
      throw new InvalidConfigurationPropertyValueException(property, file,
          "the file " + file.toAbsolutePath() + " is not valid: " + e.getMessage());
    }
  }

  /** Parses a secret given as text; the message names the property, never the value. */
  private static <T> T secret(String property, Supplier<T> parse) {
    try {
      return parse.get();
    } catch (InvalidInputException e) {
      throw new InvalidConfigurationPropertyValueException(property, HIDDEN, e.getMessage());
    }
  }

  /**
   * The node id and lease times from {@code herald.cluster.*}, and the leases.
   *
   * @param leases the leases bean, or null
   * @throws InvalidConfigurationPropertyValueException when the cluster is enabled without leases
   */
  static void cluster(HeraldClusterProperties p, Leases leases, AudienceChunks chunks,
      Herald.Builder b) {
    if (p.enabled() && leases == null) {
      throw new InvalidConfigurationPropertyValueException("herald.cluster.enabled", true,
          "a cluster needs leases shared by its nodes: add herald-jdbc and a single DataSource"
          + " bean (the starter then registers JdbcLeases and JdbcScheduler; herald.jdbc.enabled"
          + " must not be false), or define a Leases bean");
    }
    if (leases != null) {
      b.leases(leases);
      try {
        b.leaseTimes(p.leaseHeartbeat(), p.leaseExpiry());
      } catch (InvalidInputException e) {
        boolean heartbeat = e.field().equals("leaseHeartbeatInterval");
        throw new InvalidConfigurationPropertyValueException(
            heartbeat ? "herald.cluster.lease-heartbeat" : "herald.cluster.lease-expiry",
            heartbeat ? p.leaseHeartbeat() : p.leaseExpiry(), e.getMessage());
      }
    }
    set(p.nodeIdIfSet(), "herald.cluster.node-id", b::nodeId);
    if (chunks != null && p.playersPerChunk() != 0) {
      apply("herald.cluster.players-per-chunk", p.playersPerChunk(),
          () -> b.audienceChunks(chunks, p.playersPerChunk()));
    }
  }

  private static <T> void set(T value, String property, Consumer<T> setter) {
    if (value != null) {
      apply(property, value, () -> setter.accept(value));
    }
  }

  static void apply(String property, Object value, Runnable setter) {
    try {
      setter.run();
    } catch (InvalidInputException e) {
      throw new InvalidConfigurationPropertyValueException(property, value, e.getMessage());
    }
  }

  private static <T> T build(String prefix, Supplier<T> build) {
    try {
      return build.get();
    } catch (InvalidInputException e) {
      throw new InvalidConfigurationPropertyValueException(prefix + "." + e.field(), null,
          e.getMessage());
    }
  }
}
