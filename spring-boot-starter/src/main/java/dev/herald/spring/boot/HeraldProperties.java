package dev.herald.spring.boot;

import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.subscription.Platform;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Herald's {@code herald.*} configuration properties. A provider is configured when its credential
 * is set ({@code herald.webpush.vapid.private-key} or {@code .pem-file};
 * {@code herald.apns.key-file} or {@code .key}; {@code herald.fcm.service-account-file} or
 * {@code .service-account-json}); secrets can come from the environment
 * ({@code HERALD_WEBPUSH_VAPID_PRIVATE_KEY}, {@code HERALD_FCM_SERVICE_ACCOUNT_JSON}) or from
 * files. An unset optional value keeps the library's default.
 *
 * <pre>{@code
 * herald:
 *   webpush:
 *     vapid:
 *       public-key: BOr...            # the applicationServerKey browsers subscribe with
 *       private-key: ${VAPID_PRIVATE_KEY}
 *       subject: mailto:push-ops@casino.example
 *   apns:
 *     key-file: /etc/casino/AuthKey_ABC123DEFG.p8
 *     team-id: DEF123GHIJ
 *     key-id: ABC123DEFG
 *     topic: com.example.casino
 *   fcm:
 *     service-account-file: /etc/casino/firebase-adminsdk.json
 * }</pre>
 *
 * @param enabled whether Herald is configured at all
 * @param recoverOnStart whether {@code Herald.recover()} runs when the application context starts
 *     (re-arms scheduled campaigns and delayed trigger sends kept in durable stores)
 * @param conversionWindow how long after a click a conversion is credited to it
 * @param webpush the Web Push provider
 * @param apns the APNs provider
 * @param fcm the FCM provider
 * @param dispatch concurrency, rate limits, retries and timeouts of dispatch
 * @param policy the default delivery policy (quiet hours and frequency caps) exposed as a
 *     {@code DeliveryPolicy} bean for the host's campaigns and dispatches
 */
@ConfigurationProperties("herald")
public record HeraldProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue("true") boolean recoverOnStart,
    @DefaultValue("24h") Duration conversionWindow,
    @DefaultValue WebPush webpush,
    @DefaultValue Apns apns,
    @DefaultValue Fcm fcm,
    @DefaultValue Dispatch dispatch,
    @DefaultValue Policy policy) {

  /**
   * The Web Push provider ({@code herald-webpush}).
   *
   * @param vapid the VAPID key pair and contact subject
   * @param allowedHosts extra push-service hosts endpoints may name besides the known push
   *     services (a self-hosted service, a local mock)
   * @param trustedCertificates PEM files of certificates to trust besides the platform's, for a
   *     push service with a private CA; verification is never turned off
   * @param requestTimeout the time one send may take
   * @param connectTimeout the time to establish a connection
   * @param maxConcurrentRequests the most requests in flight at once
   */
  public record WebPush(
      @DefaultValue Vapid vapid,
      @DefaultValue List<String> allowedHosts,
      @DefaultValue List<Path> trustedCertificates,
      Duration requestTimeout,
      Duration connectTimeout,
      Integer maxConcurrentRequests) {}

  /**
   * A VAPID key pair: either {@code private-key} (base64url, with or without {@code public-key})
   * or {@code pem-file}.
   *
   * @param publicKey the public key, base64url (derived from the private key when absent)
   * @param privateKey the private key, base64url; better from the environment than from a file in
   *     the repository
   * @param pemFile a PEM file holding the EC private key
   * @param subject a {@code mailto:} or {@code https:} URL the push service can contact you at
   */
  public record Vapid(String publicKey, String privateKey, Path pemFile, String subject) {

    /** Hides the private key. */
    @Override
    public String toString() {
      return "Vapid[publicKey=" + publicKey + ", privateKey=" + (privateKey == null ? null : "***")
          + ", pemFile=" + pemFile + ", subject=" + subject + "]";
    }
  }

  /**
   * The APNs provider ({@code herald-apns}) with token authentication.
   *
   * @param key the .p8 key's PEM text instead of a file (from the environment, say)
   * @param keyFile the {@code AuthKey_XXXXXXXXXX.p8} file
   * @param teamId the Apple Developer team id
   * @param keyId the key's id
   * @param topic the app's bundle id; Herald does not use it, the host reads it here to build
   *     {@code ApnsAddress}es when devices register
   * @param sandbox send every notification to the sandbox host, whatever the address says (for
   *     development builds)
   * @param endpoint send every notification to this {@code https} URL instead (a local mock)
   * @param trustedCertificates PEM files of certificates to trust besides the platform's
   * @param connections connections per host
   * @param requestTimeout the time one send may take
   */
  public record Apns(
      Path keyFile,
      String key,
      String teamId,
      String keyId,
      String topic,
      @DefaultValue("false") boolean sandbox,
      String endpoint,
      @DefaultValue List<Path> trustedCertificates,
      Integer connections,
      Duration requestTimeout) {

    /** Hides the key. */
    @Override
    public String toString() {
      return "Apns[keyFile=" + keyFile + ", key=" + (key == null ? null : "***") + ", teamId="
          + teamId + ", keyId=" + keyId + ", topic=" + topic + ", sandbox=" + sandbox + "]";
    }
  }

  /**
   * The FCM provider ({@code herald-fcm}).
   *
   * @param serviceAccountFile the service-account JSON file from the Firebase console
   * @param serviceAccountJson the same JSON as text instead of a file (from the environment)
   * @param baseUrl the FCM endpoint (a local mock); Google's by default
   * @param trustedCertificates PEM files of certificates to trust besides the platform's
   * @param requestTimeout the time one send may take
   * @param maxConcurrentRequests the most requests in flight at once
   * @param androidChannelId the Android notification channel of every message
   */
  public record Fcm(
      Path serviceAccountFile,
      String serviceAccountJson,
      String baseUrl,
      @DefaultValue List<Path> trustedCertificates,
      Duration requestTimeout,
      Integer maxConcurrentRequests,
      String androidChannelId) {

    /** Hides the service account's JSON. */
    @Override
    public String toString() {
      return "Fcm[serviceAccountFile=" + serviceAccountFile + ", serviceAccountJson="
          + (serviceAccountJson == null ? null : "***") + ", baseUrl=" + baseUrl + "]";
    }
  }

  /**
   * Dispatch settings ({@code DispatchSettings}); unset values keep Herald's defaults.
   *
   * @param maxPlayersInProgress players of one run being processed at once
   * @param maxSendsInFlightPerProvider provider calls in flight per provider
   * @param maxQueuedSendsPerProvider provider calls waiting per provider
   * @param rateLimits provider calls per second, by platform ({@code WEB_PUSH}, {@code APNS},
   *     {@code FCM})
   * @param sendTimeout how long one provider call may take before its fate is unknown
   * @param complianceTimeout how long the compliance guard may take before the send is suppressed
   * @param checkpointEvery players between progress checkpoints
   * @param retryTransportFailures whether transport failures are retried
   * @param retry the retry policy
   */
  public record Dispatch(
      Integer maxPlayersInProgress,
      Integer maxSendsInFlightPerProvider,
      Integer maxQueuedSendsPerProvider,
      @DefaultValue Map<Platform, Double> rateLimits,
      Duration sendTimeout,
      Duration complianceTimeout,
      Integer checkpointEvery,
      Boolean retryTransportFailures,
      @DefaultValue Retry retry) {}

  /**
   * The retry policy ({@code RetryPolicy}); unset values keep Herald's defaults.
   *
   * @param maxAttempts provider calls per delivery, the first included
   * @param initialBackoff the wait before the first retry
   * @param maxBackoff the longest wait between retries
   * @param multiplier how much the wait grows per retry
   * @param jitter the random share of each wait, 0 to 1
   * @param maxRetryAfter the longest Retry-After honoured
   */
  public record Retry(
      Integer maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Double multiplier,
      Double jitter,
      Duration maxRetryAfter) {}

  /**
   * The default delivery policy.
   *
   * @param quietHours quiet hours in the player's time zone; none when start and end are unset
   * @param caps frequency caps
   * @param serviceBypassesCaps whether SERVICE messages ignore the caps
   * @param serviceBypassesQuietHours whether SERVICE messages ignore quiet hours
   * @param messagesPerSecond the most provider calls per second of one dispatch
   */
  public record Policy(
      @DefaultValue QuietHoursProperties quietHours,
      @DefaultValue List<Cap> caps,
      Boolean serviceBypassesCaps,
      Boolean serviceBypassesQuietHours,
      Double messagesPerSecond) {}

  /**
   * Quiet hours.
   *
   * @param start when the quiet window opens, local time {@code HH:mm}
   * @param end when it closes, local time {@code HH:mm}
   * @param mode {@code postpone} (send when the window closes) or {@code drop}
   * @param defaultZone the time zone of players whose profile has none
   */
  public record QuietHoursProperties(
      String start,
      String end,
      @DefaultValue("postpone") QuietHours.Mode mode,
      @DefaultValue("UTC") String defaultZone) {}

  /**
   * One frequency cap: at most {@code max} messages per player within the window.
   *
   * @param scope {@code marketing}, {@code type} or {@code category}
   * @param key the notification type or category, for those scopes
   * @param max the most messages in the window
   * @param window a rolling window ({@code 24h}, {@code 7d}); or set local-days
   * @param localDays a window of local calendar days in the player's time zone instead
   */
  public record Cap(
      @DefaultValue("marketing") FrequencyCap.Scope scope,
      @DefaultValue("") String key,
      int max,
      Duration window,
      Integer localDays) {}
}
