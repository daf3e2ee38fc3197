package dev.herald.webpush.internal;

import dev.herald.InvalidInputException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Guards against server-side request forgery: a Web Push endpoint comes from a browser, so an
 * attacker can register {@code http://10.0.0.5/admin} as "their subscription" and make the server
 * POST to it. By default only {@code https} endpoints on port 443 of the known push services pass;
 * other hosts (over {@code http} or {@code https}, any port) only when the operator allowed them by
 * name. This checks names; {@link PublicAddressDns} checks what they resolve to.
 */
public final class EndpointGuard {
  /** A known push service: an exact host, or every subdomain of a suffix. */
  record KnownService(String name, String host, boolean subdomains) {
    boolean matches(String candidate) {
      return subdomains ? candidate.endsWith("." + host) : candidate.equals(host);
    }

    String pattern() {
      return subdomains ? "*." + host : host;
    }
  }

  /** The push services of Chrome and other Chromium browsers, Firefox, Safari and Edge. */
  static final List<KnownService> KNOWN_SERVICES = List.of(
      new KnownService("Firebase Cloud Messaging", "fcm.googleapis.com", false),
      new KnownService("Mozilla autopush", "push.services.mozilla.com", true),
      new KnownService("Apple Web Push", "push.apple.com", true),
      new KnownService("Windows Push Notification Services", "notify.windows.com", true));

  private static final Pattern HOST_PATTERN = Pattern.compile(
      "(\\*\\.)?([a-z0-9]([a-z0-9-]*[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*"
          + "|\\d{1,3}(\\.\\d{1,3}){3}|\\[[0-9a-f:.]+\\]");

  private final Set<String> allowedHosts;

  /**
   * A guard that also lets the given hosts through.
   *
   * @param allowedHosts normalised host names ({@link #normaliseAllowedHost}) or {@code *.suffix}
   */
  public EndpointGuard(Set<String> allowedHosts) {
    this.allowedHosts = Set.copyOf(allowedHosts);
  }

  /**
   * Validates and normalises a host an operator allows.
   *
   * @param host a host name, {@code *.example.com}, an IPv4 literal or a bracketed IPv6 literal
   * @return the lower-case form
   * @throws InvalidInputException when it is not a bare host
   */
  public static String normaliseAllowedHost(String host) {
    if (host == null || host.isBlank()) {
      throw new InvalidInputException("allowHost", "must not be blank");
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    if (h.indexOf(':') >= 0 && !h.startsWith("[") && h.chars().filter(c -> c == ':').count() > 1) {
      h = "[" + h + "]"; // a bare IPv6 literal
    }
    if (!HOST_PATTERN.matcher(h).matches()) {
      throw new InvalidInputException("allowHost",
          "must be a bare host name such as localhost, push.example.com or *.example.com"
              + " (no scheme, port or path), got " + host.strip());
    }
    return h;
  }

  /**
   * Why an endpoint is refused, or empty when it may be contacted.
   *
   * @param endpoint the subscription endpoint
   * @return the refusal, naming the host and how to allow it
   */
  public Optional<String> refusal(URI endpoint) {
    String scheme = endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
    String host = endpoint.getHost() == null ? "" : endpoint.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      return Optional.of("the endpoint names no host");
    }
    if (endpoint.getRawUserInfo() != null) {
      return Optional.of("the endpoint carries user info before the host, which no push service"
          + " uses; refusing it");
    }
    if (isAllowedByOperator(host)) {
      return scheme.equals("https") || scheme.equals("http")
          ? Optional.empty()
          : Optional.of("the endpoint scheme must be http or https, got " + scheme);
    }
    for (KnownService service : KNOWN_SERVICES) {
      if (service.matches(host)) {
        if (!scheme.equals("https")) {
          return Optional.of("the endpoint on " + service.name() + " must use https, got " + scheme);
        }
        int port = endpoint.getPort();
        return port == -1 || port == 443
            ? Optional.empty()
            : Optional.of("the endpoint on " + service.name() + " must use port 443, got " + port);
      }
    }
    return Optional.of("the endpoint host " + host + " is not a known push service ("
        + String.join(", ", KNOWN_SERVICES.stream().map(KnownService::pattern).toList())
        + "); if you trust it, allow it with WebPushProvider.Builder.allowHost(\"" + host + "\")");
  }

  private boolean isAllowedByOperator(String host) {
    if (allowedHosts.contains(host)) {
      return true;
    }
    for (String allowed : allowedHosts) {
      if (allowed.startsWith("*.") && host.endsWith(allowed.substring(1))) {
        return true;
      }
    }
    return false;
  }
}
