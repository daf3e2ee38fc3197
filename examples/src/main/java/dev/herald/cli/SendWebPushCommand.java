package dev.herald.cli;

import dev.herald.InvalidInputException;
import dev.herald.content.Notification;
import dev.herald.content.Urgency;
import dev.herald.spi.PushMessage;
import dev.herald.subscription.WebPushAddress;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code herald send webpush}: one notification to one browser subscription. */
@Command(
    name = "webpush",
    mixinStandardHelpOptions = true,
    description = {
      "Send one Web Push notification (RFC 8030, aes128gcm, VAPID) and print the outcome.",
      "Exit codes: 0 accepted, 1 a send rejected or failed, 2 bad usage, 3 the subscription is"
          + " invalid (404/410)."
    })
final class SendWebPushCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Either the three parts of a subscription or its JSON. */
  static final class Target {
    @ArgGroup(exclusive = false)
    Parts parts;

    @Option(names = "--subscription", paramLabel = "FILE_OR_JSON",
        description = "The browser's PushSubscription.toJSON(): inline JSON or a file holding it.")
    String subscription;
  }

  /** The subscription given field by field. */
  static final class Parts {
    @Option(names = "--endpoint", required = true, paramLabel = "URL",
        description = "The push service endpoint URL.")
    String endpoint;

    @Option(names = "--p256dh", required = true, paramLabel = "KEY",
        description = "The subscription's public key (keys.p256dh), base64url.")
    String p256dh;

    @Option(names = "--auth", required = true, paramLabel = "SECRET",
        description = "The subscription's authentication secret (keys.auth), base64url.")
    String auth;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target;

  @Option(names = "--vapid-public-key", paramLabel = "KEY",
      description = "The VAPID public key (checked against the private key; derived when omitted).")
  String vapidPublicKey;

  @Option(names = "--vapid-private-key", required = true, paramLabel = "KEY",
      defaultValue = "${env:HERALD_VAPID_PRIVATE_KEY}",
      description = "The VAPID private key: base64url, or a PEM file. "
          + "Defaults to the HERALD_VAPID_PRIVATE_KEY environment variable.")
  String vapidPrivateKey;

  @Option(names = "--subject", required = true, paramLabel = "URL",
      description = "The VAPID contact: mailto:you@example.com or an https: URL (not localhost).")
  String subject;

  @Option(names = "--title", required = true, description = "The notification title.")
  String title;

  @Option(names = "--body", description = "The notification text.")
  String body;

  @Option(names = "--url", description = "Where a click leads.")
  String url;

  @Option(names = "--icon", description = "The icon URL.")
  String icon;

  @Option(names = "--ttl", paramLabel = "SECONDS", defaultValue = "86400",
      description = "How long the push service keeps trying, in seconds (default ${DEFAULT-VALUE}).")
  long ttlSeconds;

  @Option(names = "--urgency", defaultValue = "normal", paramLabel = "URGENCY",
      description = "very-low, low, normal or high (default ${DEFAULT-VALUE}).")
  String urgency;

  @Option(names = "--topic", description = "Replaces an undelivered message with the same topic "
      + "(at most 32 characters of A-Z a-z 0-9 - _).")
  String topic;

  @Option(names = "--delivery-id", description = "The delivery id put in the payload "
      + "(default: a random one).")
  String deliveryId;

  @Option(names = "--allow-host", paramLabel = "HOST",
      description = "Let a host that is not a known push service through, over http or https "
          + "(for a local test service). Repeatable.")
  List<String> allowHosts = new ArrayList<>();

  @Option(names = "--json", description = "Print one JSON object per line.")
  boolean json;

  @Override
  public Integer call() throws InterruptedException {
    boolean allowHttp = !allowHosts.isEmpty();
    WebPushAddress address = address(allowHttp);
    VapidKeys keys = vapidKeys();
    Notification notification = Notification.builder()
        .title(title)
        .body(body)
        .deepLink(url)
        .icon(icon)
        .ttl(ttl())
        .urgency(urgency())
        .collapseKey(checkedTopic())
        .build();
    WebPushProvider.Builder builder = WebPushProvider.builder().vapid(keys, subject);
    allowHosts.forEach(builder::allowHost);
    String id = deliveryId == null ? "cli-" + UUID.randomUUID() : deliveryId;
    PrintWriter out = spec.commandLine().getOut();
    try (WebPushProvider provider = builder.build()) {
      checkEndpoint(provider, address, keys);
      PushMessage message = PushMessage.of(id, address, notification, Instant.now());
      return new SendRunner("webpush", SendRunner.cliPolicy())
          .run(List.of(new SendRunner.Target(label(address), () -> provider.send(message))),
              json, out);
    }
  }

  private WebPushAddress address(boolean allowHttp) {
    if (target.subscription != null) {
      // The value is never echoed: it is either the subscription, whose auth secret it holds,
      // or a path to it. A byte-order mark (pasted from an editor) is not part of either.
      String text = withoutByteOrderMark(target.subscription).strip();
      if (!text.startsWith("{")) {
        try {
          text = Files.readString(Path.of(text), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
          throw new InvalidInputException("--subscription",
              "is neither subscription JSON (starting with {) nor the path of a readable file");
        }
      }
      return WebPushAddress.fromSubscriptionJson(text, allowHttp);
    }
    Parts p = target.parts;
    return allowHttp
        ? WebPushAddress.allowingHttp(p.endpoint, p.p256dh, p.auth)
        : WebPushAddress.of(p.endpoint, p.p256dh, p.auth);
  }

  private static String withoutByteOrderMark(String value) {
    return value.startsWith("\uFEFF") ? value.substring(1) : value;
  }

  private VapidKeys vapidKeys() {
    if (vapidPrivateKey == null || vapidPrivateKey.isBlank()) {
      throw new InvalidInputException("--vapid-private-key",
          "is required (or set HERALD_VAPID_PRIVATE_KEY); generate a pair with herald vapid-keys");
    }
    String key = vapidPrivateKey.strip();
    VapidKeys keys;
    if (key.startsWith("-----BEGIN")) {
      keys = VapidKeys.fromPem(key);
    } else if (isFile(key)) {
      try {
        String content = Files.readString(Path.of(key), StandardCharsets.US_ASCII).strip();
        keys = content.startsWith("-----BEGIN")
            ? VapidKeys.fromPem(content) : VapidKeys.fromPrivateKeyBase64Url(content);
      } catch (IOException e) {
        throw new InvalidInputException("--vapid-private-key", "cannot read the file " + key);
      }
    } else {
      keys = VapidKeys.fromPrivateKeyBase64Url(key);
    }
    if (vapidPublicKey != null) {
      keys = VapidKeys.fromBase64Url(vapidPublicKey, keys.exportPrivateKeyBase64Url());
    }
    return keys;
  }

  /**
   * Refuses, before any request, an endpoint the provider's guard would refuse, in the CLI's
   * terms: a host that is not a known push service is let through with {@code --allow-host}.
   */
  private void checkEndpoint(WebPushProvider provider, WebPushAddress address, VapidKeys keys) {
    Optional<String> refusal = provider.endpointRefusal(address.endpoint());
    if (refusal.isEmpty()) {
      return;
    }
    String option = target.subscription != null ? "--subscription" : "--endpoint";
    String host = address.endpoint().getHost();
    if (host != null) {
      // Would allowing the host be enough? Ask the guard rather than parse its message.
      try (WebPushProvider allowing =
          WebPushProvider.builder().vapid(keys, subject).allowHost(host).build()) {
        if (allowing.endpointRefusal(address.endpoint()).isEmpty()) {
          throw new InvalidInputException(option, "the endpoint host " + host + " is not a known"
              + " push service; if you trust it, add --allow-host " + host);
        }
      }
    }
    throw new InvalidInputException(option, refusal.get());
  }

  private static boolean isFile(String value) {
    try {
      return Files.isRegularFile(Path.of(value));
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private Duration ttl() {
    if (ttlSeconds < 0) {
      throw new InvalidInputException("--ttl", "must not be negative, got " + ttlSeconds);
    }
    return Duration.ofSeconds(ttlSeconds);
  }

  private Urgency urgency() {
    String u = urgency.strip().toLowerCase(Locale.ROOT);
    for (Urgency value : Urgency.values()) {
      if (value.headerValue().equals(u) || value.name().equalsIgnoreCase(u)) {
        return value;
      }
    }
    throw new InvalidInputException("--urgency",
        "must be very-low, low, normal or high, got " + urgency);
  }

  /** The endpoint's origin and the end of its path: enough to recognise, not enough to use. */
  private static String label(WebPushAddress address) {
    String path = address.endpoint().getRawPath() == null ? "" : address.endpoint().getRawPath();
    String tail = path.length() > 8 ? "…" + path.substring(path.length() - 8) : path;
    return address.endpoint().getScheme() + "://" + address.endpoint().getRawAuthority() + tail;
  }

  private String checkedTopic() {
    if (topic != null && !WebPushProvider.isValidTopic(topic)) {
      throw new InvalidInputException("--topic", "must be 1 to 32 characters of the base64url "
          + "alphabet (A-Z a-z 0-9 - _), got " + topic.length() + " characters");
    }
    return topic;
  }
}
