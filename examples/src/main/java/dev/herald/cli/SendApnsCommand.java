package dev.herald.cli;

import dev.herald.InvalidInputException;
import dev.herald.apns.ApnsClientCertificate;
import dev.herald.apns.ApnsNotification;
import dev.herald.apns.ApnsPayload;
import dev.herald.apns.ApnsPriority;
import dev.herald.apns.ApnsProvider;
import dev.herald.apns.ApnsPushType;
import dev.herald.apns.ApnsSigningKey;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald send apns}: one notification to one or more Apple device tokens, over APNs'
 * HTTP/2 API with a .p8 key or a PKCS#12 certificate.
 */
@Command(
    name = "apns",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Send one notification to Apple devices through APNs (HTTP/2 over TLS).",
      "Authenticate with a .p8 key (--key, --team-id, --key-id) or a PKCS#12 certificate"
          + " (--cert, --cert-password). Prints one line per device token; with --json, one"
          + " JSON object per line.",
      "Exit codes: 0 all accepted, 1 a send rejected or failed, 2 bad usage, 3 a token is"
          + " invalid."
    })
final class SendApnsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--device-token", paramLabel = "HEX", required = true,
      description = "A device token as hex; repeat for several devices.")
  List<String> deviceTokens;

  @Option(names = "--topic", paramLabel = "BUNDLE_ID", required = true,
      description = "The app's bundle id (with the push type's suffix, such as .voip).")
  String topic;

  @Option(names = "--team-id", paramLabel = "TEAM_ID",
      description = "The 10-character team id, for --key.")
  String teamId;

  @Option(names = "--key-id", paramLabel = "KEY_ID",
      description = "The 10-character key id, for --key.")
  String keyId;

  @Option(names = "--key", paramLabel = "FILE.p8",
      description = "The APNs authentication key (token authentication).")
  Path key;

  @Option(names = "--cert", paramLabel = "FILE.p12",
      description = "The APNs client certificate (certificate authentication).")
  Path cert;

  @Option(names = "--cert-password", paramLabel = "PASSWORD",
      defaultValue = "${env:HERALD_APNS_CERT_PASSWORD}",
      description = "The PKCS#12 password; default: the HERALD_APNS_CERT_PASSWORD variable.")
  String certPassword;

  @Option(names = "--sandbox",
      description = "Send to the sandbox (development builds) instead of production.")
  boolean sandbox;

  @Option(names = "--endpoint", paramLabel = "https://HOST:PORT",
      description = "Send to this server instead of Apple's, such as a local mock.")
  String endpoint;

  @Option(names = "--port", paramLabel = "443|2197",
      description = "The port of Apple's hosts: 443 (default) or 2197.")
  Integer port;

  @Option(names = "--trust-cert", paramLabel = "FILE.pem",
      description = "Also trust this server certificate (for a mock); repeatable.")
  List<Path> trustCerts = new ArrayList<>();

  @Option(names = "--title", description = "The alert title (required except for background"
      + " pushes).")
  String title;

  @Option(names = "--body", description = "The alert body.")
  String body;

  @Option(names = "--push-type", paramLabel = "TYPE", defaultValue = "alert",
      description = "alert (default), background, voip, complication, fileprovider, mdm,"
          + " liveactivity, location or pushtotalk.")
  String pushType;

  @Option(names = "--priority", paramLabel = "10|5|1",
      description = "10 immediately (default), 5 considering power, 1 prioritising power;"
          + " background pushes always use 5.")
  Integer priority;

  @Option(names = "--collapse-id", paramLabel = "ID",
      description = "Replaces an earlier notification with the same id (at most 64 bytes).")
  String collapseId;

  @Option(names = "--expiration", paramLabel = "WHEN",
      description = "When APNs stops trying: UNIX seconds, an ISO-8601 instant such as"
          + " 2026-11-23T10:00:00Z, or 0 to try once.")
  String expiration;

  @Option(names = "--badge", description = "The app icon badge number.")
  Integer badge;

  @Option(names = "--sound", description = "A sound in the app bundle, or default.")
  String sound;

  @Option(names = "--json", description = "Print one JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    List<ApnsNotification> notifications = notifications();
    try (ApnsProvider provider = provider()) {
      List<SendRunner.Target> targets = new ArrayList<>();
      for (ApnsNotification n : notifications) {
        targets.add(new SendRunner.Target(n.address().deviceToken(), () -> provider.send(n)));
      }
      return new SendRunner("apns", SendRunner.cliPolicy())
          .run(targets, json, spec.commandLine().getOut());
    }
  }

  /** Builds every notification first, so bad input fails before anything is sent. */
  private List<ApnsNotification> notifications() {
    ApnsPushType type = ApnsPushType.fromHeaderValue(pushType);
    if (title == null && type != ApnsPushType.BACKGROUND) {
      throw new InvalidInputException(
          "--title", "is required for " + type.headerValue() + " notifications");
    }
    ApnsPayload.Builder payload = ApnsPayload.builder()
        .alertTitle(title)
        .alertBody(body)
        .badge(badge)
        .sound(sound)
        .contentAvailable(type == ApnsPushType.BACKGROUND);
    ApnsPayload built = payload.build();
    ApnsEnvironment environment = sandbox ? ApnsEnvironment.SANDBOX : ApnsEnvironment.PRODUCTION;
    List<ApnsNotification> result = new ArrayList<>();
    for (String token : deviceTokens) {
      ApnsNotification.Builder b = ApnsNotification.builder(
              new ApnsAddress(token, topic, environment))
          .pushType(type)
          .collapseId(collapseId)
          .payload(built);
      if (priority != null) {
        b.priority(ApnsPriority.of(priority));
      }
      if (expiration != null) {
        b.expiration(expiration(expiration));
      }
      result.add(b.build());
    }
    return result;
  }

  private ApnsProvider provider() throws IOException {
    if (key != null && cert != null) {
      throw new InvalidInputException("--key/--cert",
          "use --key (token authentication) or --cert (certificate authentication), not both");
    }
    if (sandbox && endpoint != null) {
      throw new InvalidInputException(
          "--sandbox/--endpoint", "use --sandbox or --endpoint, not both");
    }
    ApnsProvider.Builder b = ApnsProvider.builder();
    if (key != null) {
      if (teamId == null || keyId == null) {
        throw new InvalidInputException(
            teamId == null ? "--team-id" : "--key-id", "is required with --key");
      }
      b.signingKey(ApnsSigningKey.fromP8File(
          HeraldCommand.readableFile(spec, "--key", key), teamId, keyId));
    } else if (cert != null) {
      if (certPassword == null) {
        throw new InvalidInputException("--cert-password",
            "is required with --cert (or set HERALD_APNS_CERT_PASSWORD)");
      }
      b.clientCertificate(ApnsClientCertificate.fromPkcs12File(
          HeraldCommand.readableFile(spec, "--cert", cert), certPassword.toCharArray()));
    } else {
      throw new InvalidInputException("credentials",
          "give --key FILE.p8 with --team-id and --key-id, or --cert FILE.p12 with"
              + " --cert-password");
    }
    if (endpoint != null) {
      if (port != null) {
        throw new InvalidInputException("--port", "applies to Apple's hosts; put the port in"
            + " --endpoint instead");
      }
      b.endpoint(endpoint);
    } else if (port != null) {
      b.port(port);
    }
    for (Path pem : trustCerts) {
      b.trustedCertificates(certificate(HeraldCommand.readableFile(spec, "--trust-cert", pem)));
    }
    return b.build();
  }

  private static Instant expiration(String value) {
    String v = value.strip();
    if (v.matches("[0-9]{1,12}")) {
      return Instant.ofEpochSecond(Long.parseLong(v));
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException("--expiration",
          "expected UNIX seconds, an ISO-8601 instant such as 2026-11-23T10:00:00Z, or 0; got "
              + value);
    }
  }

  private static X509Certificate certificate(Path pem) throws IOException {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (CertificateException e) {
      throw new InvalidInputException("--trust-cert", pem + " is not a PEM X.509 certificate");
    }
  }
}
