package dev.herald.webpush.internal;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import okhttp3.Dns;

/**
 * Resolves push service hosts and refuses any answer that is not a public unicast address:
 * loopback, private (RFC 1918), link-local, unique-local, carrier-grade NAT (100.64.0.0/10),
 * multicast, unspecified, reserved, and IPv6 forms that carry an IPv4 address (IPv4-mapped,
 * IPv4-compatible, and NAT64 or 6to4 around a non-public one).
 *
 * <p>The endpoint guard checks names; this checks what the names resolve to, at connect time, on
 * the addresses OkHttp then connects to. So neither DNS rebinding under an allowed name nor a
 * wildcard such as {@code *.example.net} admitting {@code 127.0.0.1.example.net} reaches an
 * internal address. Hosts the operator allowed by exact name ({@code allowHost("localhost")},
 * a self-hosted push service on the internal network) are trusted to resolve anywhere.
 *
 * <p>One refused address refuses the whole answer: a name that resolves partly inside is not a
 * push service. IP literals are not looked up by OkHttp; the guard admits those only when the
 * operator allowed them by exact value.
 */
public final class PublicAddressDns implements Dns {
  private final Dns delegate;
  private final Set<String> trustedHosts;

  /**
   * Wraps a resolver.
   *
   * @param delegate the resolver that answers, such as {@link Dns#SYSTEM}
   * @param allowedHosts the operator's allowed hosts; exact names are trusted, wildcards are not
   */
  public PublicAddressDns(Dns delegate, Set<String> allowedHosts) {
    this.delegate = delegate;
    Set<String> exact = new HashSet<>();
    for (String host : allowedHosts) {
      if (!host.startsWith("*.")) {
        exact.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
      }
    }
    this.trustedHosts = Set.copyOf(exact);
  }

  @Override
  public List<InetAddress> lookup(String hostname) throws UnknownHostException {
    List<InetAddress> addresses = delegate.lookup(hostname);
    if (trustedHosts.contains(hostname.toLowerCase(Locale.ROOT))) {
      return addresses;
    }
    for (InetAddress address : addresses) {
      Optional<String> kind = nonPublicKind(address);
      if (kind.isPresent()) {
        throw new RefusedAddressException(hostname, address, kind.get());
      }
    }
    return addresses;
  }

  /**
   * What kind of non-public address this is, or empty for a public unicast address.
   *
   * @param address the address
   * @return the kind, such as {@code "loopback"} or {@code "private"}
   */
  public static Optional<String> nonPublicKind(InetAddress address) {
    byte[] b = address.getAddress();
    if (address instanceof Inet4Address) {
      return ipv4Kind(b, 0);
    }
    if (address instanceof Inet6Address) {
      return ipv6Kind(b);
    }
    return Optional.of("unknown");
  }

  private static Optional<String> ipv4Kind(byte[] b, int at) {
    int a0 = b[at] & 0xff;
    int a1 = b[at + 1] & 0xff;
    int a2 = b[at + 2] & 0xff;
    if (a0 == 0) {
      return Optional.of("unspecified (0.0.0.0/8)");
    }
    if (a0 == 127) {
      return Optional.of("loopback");
    }
    if (a0 == 10 || (a0 == 172 && (a1 & 0xf0) == 16) || (a0 == 192 && a1 == 168)) {
      return Optional.of("private");
    }
    if (a0 == 100 && (a1 & 0xc0) == 64) {
      return Optional.of("carrier-grade NAT (100.64.0.0/10)");
    }
    if (a0 == 169 && a1 == 254) {
      return Optional.of("link-local");
    }
    if (a0 == 192 && a1 == 0 && a2 == 0) {
      return Optional.of("IETF protocol assignment (192.0.0.0/24)");
    }
    if (a0 == 198 && (a1 & 0xfe) == 18) {
      return Optional.of("benchmarking (198.18.0.0/15)");
    }
    if (a0 >= 224 && a0 <= 239) {
      return Optional.of("multicast");
    }
    if (a0 >= 240) {
      return Optional.of("reserved (240.0.0.0/4)");
    }
    return Optional.empty();
  }

  private static Optional<String> ipv6Kind(byte[] b) {
    boolean first80Zero = true;
    for (int i = 0; i < 10; i++) {
      first80Zero &= b[i] == 0;
    }
    if (first80Zero && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
      return Optional.of("IPv4-mapped");
    }
    if (first80Zero && b[10] == 0 && b[11] == 0) {
      boolean last32Zero = b[12] == 0 && b[13] == 0 && b[14] == 0;
      if (last32Zero && b[15] == 0) {
        return Optional.of("unspecified");
      }
      if (last32Zero && b[15] == 1) {
        return Optional.of("loopback");
      }
      return Optional.of("IPv4-compatible");
    }
    int b0 = b[0] & 0xff;
    int b1 = b[1] & 0xff;
    if (b0 == 0xff) {
      return Optional.of("multicast");
    }
    if ((b0 & 0xfe) == 0xfc) {
      return Optional.of("unique-local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0x80) {
      return Optional.of("link-local");
    }
    if (b0 == 0xfe && (b1 & 0xc0) == 0xc0) {
      return Optional.of("site-local");
    }
    if (b0 == 0x20 && b1 == 0x01 && b[2] == 0x0d && (b[3] & 0xff) == 0xb8) {
      return Optional.of("documentation (2001:db8::/32)");
    }
    if (b0 == 0x20 && b1 == 0x01 && b[2] == 0 && b[3] == 0) {
      return Optional.of("Teredo (2001::/32)");
    }
    if (b0 == 0x01 && b1 == 0 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0
        && b[7] == 0) {
      return Optional.of("discard-only (100::/64)");
    }
    if (b0 == 0x00 && b1 == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
      if (b[4] == 0 && b[5] == 1) {
        return Optional.of("local-use NAT64 (64:ff9b:1::/48)");
      }
      return ipv4Kind(b, 12).map(kind -> "NAT64 of a " + kind + " IPv4 address");
    }
    if (b0 == 0x20 && b1 == 0x02) {
      return ipv4Kind(b, 2).map(kind -> "6to4 of a " + kind + " IPv4 address");
    }
    return Optional.empty();
  }

  /** A push service host resolved to an address Herald will not connect to. */
  public static final class RefusedAddressException extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    RefusedAddressException(String host, InetAddress address, String kind) {
      super("the push service host " + host + " resolved to " + address.getHostAddress()
          + ", a " + kind + " address; Herald connects only to public addresses unless the host"
          + " is allowed by exact name with WebPushProvider.Builder.allowHost(\"" + host
          + "\")");
    }
  }
}
