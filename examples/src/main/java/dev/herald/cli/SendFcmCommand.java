package dev.herald.cli;

import dev.herald.content.Notification;
import dev.herald.fcm.FcmProvider;
import dev.herald.fcm.FcmTarget;
import dev.herald.fcm.ServiceAccount;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.FcmAddress;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code herald send fcm}: one notification through Firebase Cloud Messaging (HTTP v1) to one or
 * more registration tokens, a topic or a condition. One provider serves every target, so the
 * OAuth2 access token is obtained once.
 */
@Command(
    name = "fcm",
    mixinStandardHelpOptions = true,
    description = {
      "Send one notification through Firebase Cloud Messaging (HTTP v1).",
      "The OAuth2 token endpoint comes from the service account's token_uri.",
      "Exit codes: 0 all accepted, 1 a send rejected or failed, 2 bad usage, 3 a token is"
          + " invalid."
    },
    footer = {
      "",
      "Example, against a local mock FCM service (herald-testing's MockFcmService):",
      "  herald send fcm --service-account mock-sa.json \\",
      "      --endpoint https://localhost:8443 --trust-cert mock.pem \\",
      "      --token TOKEN --title 'Jackpot!' --data game=slots --json"
    })
final class SendFcmCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--service-account",
      required = true,
      paramLabel = "FILE",
      description = "The Google service-account JSON key file.")
  Path serviceAccount;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Targets targets;

  /** Exactly one kind of target. */
  static final class Targets {
    @Option(
        names = "--token",
        paramLabel = "TOKEN",
        required = true,
        description = "A registration token; repeat for several devices.")
    List<String> tokens;

    @Option(names = "--topic", paramLabel = "NAME", required = true,
        description = "A topic, with or without the /topics/ prefix.")
    String topic;

    @Option(names = "--condition", paramLabel = "EXPR", required = true,
        description = "A topic condition, such as \"'slots' in topics && 'vip' in topics\".")
    String condition;
  }

  @Option(names = "--title", required = true, description = "The notification title.")
  String title;

  @Option(names = "--body", description = "The notification body.")
  String body;

  @Option(
      names = "--data",
      paramLabel = "KEY=VALUE",
      description = "A custom data entry, sent as a string; repeatable.")
  Map<String, String> data = new LinkedHashMap<>();

  @Option(names = "--image", paramLabel = "URL", description = "An image URL.")
  String image;

  @Option(
      names = "--endpoint",
      paramLabel = "BASE_URL",
      description = "The FCM base URL (default: ${DEFAULT-VALUE}); set it to a mock's URL.",
      defaultValue = FcmProvider.DEFAULT_BASE_URL)
  String endpoint;

  @Option(
      names = "--trust-cert",
      paramLabel = "PEM_FILE",
      description = "Also trust this certificate (a local mock's); repeatable. TLS stays verified.")
  List<Path> trustCertificates = new ArrayList<>();

  @Option(names = "--validate-only", description = "Ask FCM to validate without delivering.")
  boolean validateOnly;

  @Option(names = "--json", description = "Print one JSON object per target.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    ServiceAccount account;
    try {
      account = ServiceAccount.fromFile(serviceAccount);
    } catch (UncheckedIOException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--service-account: cannot read " + serviceAccount);
    }
    Notification.Builder content = Notification.builder().title(title).body(body).image(image);
    data.forEach(content::data);
    Notification notification = content.build();

    FcmProvider.Builder builder =
        FcmProvider.builder().serviceAccount(account).baseUrl(endpoint).validateOnly(validateOnly);
    trustCertificates.forEach(file -> readCertificates(file).forEach(builder::trustCertificate));

    try (FcmProvider fcm = builder.build()) {
      List<SendRunner.Target> sends = new ArrayList<>();
      if (targets.tokens != null) {
        for (String token : targets.tokens) {
          FcmAddress address = new FcmAddress(token);
          sends.add(new SendRunner.Target(token, () -> fcm.send(
              PushMessage.of(deliveryId(), address, notification, Instant.now()))));
        }
      } else {
        FcmTarget target = targets.topic != null
            ? FcmTarget.topic(targets.topic)
            : FcmTarget.condition(targets.condition);
        String label = target.field() + ":" + target.value();
        sends.add(new SendRunner.Target(label, () -> fcm.send(
            target, deliveryId(), notification, Instant.now().plus(notification.ttl()))));
      }
      return new SendRunner("fcm", SendRunner.cliPolicy())
          .run(sends, json, spec.commandLine().getOut());
    }
  }

  private static String deliveryId() {
    return "cli-" + UUID.randomUUID();
  }

  private List<X509Certificate> readCertificates(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> certificates = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        certificates.add((X509Certificate) c);
      }
      if (certificates.isEmpty()) {
        throw new CertificateException("no certificate");
      }
      return certificates;
    } catch (IOException | CertificateException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--trust-cert: " + file + " is not a readable PEM certificate");
    }
  }
}
