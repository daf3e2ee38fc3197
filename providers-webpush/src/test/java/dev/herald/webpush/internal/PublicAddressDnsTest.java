package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import okhttp3.Dns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PublicAddressDnsTest {
  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
      "127.0.0.1, loopback",
      "127.255.0.9, loopback",
      "::1, loopback",
      "10.1.2.3, private",
      "172.16.0.1, private",
      "172.31.255.255, private",
      "192.168.1.1, private",
      "169.254.169.254, link-local",
      "fe80::1, link-local",
      "fc00::1, unique-local",
      "fd12:3456::1, unique-local",
      "100.64.0.1, carrier-grade NAT",
      "100.127.255.254, carrier-grade NAT",
      "224.0.0.1, multicast",
      "ff02::1, multicast",
      "0.0.0.0, unspecified",
      "::, unspecified",
      "255.255.255.255, reserved",
      "::7f00:1, IPv4-compatible",
      "64:ff9b::a00:1, NAT64 of a private",
      "2002:7f00:1::1, 6to4 of a loopback",
      "2001:db8::1, documentation",
  })
  void refusesNonPublicAddresses(String address, String kind) throws Exception {
    assertThat(PublicAddressDns.nonPublicKind(InetAddress.getByName(address)))
        .hasValueSatisfying(k -> assertThat(k).startsWith(kind));
  }

  @ParameterizedTest
  @ValueSource(strings = {"142.250.74.106", "17.57.146.20", "172.32.0.1", "100.128.0.1",
      "2a00:1450:4001:82b::200a", "64:ff9b::8efa:4a6a", "2002:8efa:4a6a::1", "11.0.0.1"})
  void admitsPublicAddresses(String address) throws Exception {
    assertThat(PublicAddressDns.nonPublicKind(InetAddress.getByName(address))).isEmpty();
  }

  @Test
  void refusesAnIpv4MappedAddressEvenWhenJavaKeepsItIpv6() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 8, 8, 8, 8};
    assertThat(PublicAddressDns.nonPublicKind(Inet6Address.getByAddress(null, mapped, -1)))
        .contains("IPv4-mapped");
  }

  @Test
  void oneInsideAddressRefusesTheWholeAnswer() {
    Dns mixed = host -> List.of(InetAddress.getByName("142.250.74.106"),
        InetAddress.getByName("127.0.0.1"));
    PublicAddressDns dns = new PublicAddressDns(mixed, Set.of("*.example.net"));

    assertThatThrownBy(() -> dns.lookup("a.example.net"))
        .isInstanceOf(UnknownHostException.class)
        .hasMessageContaining("a.example.net resolved to 127.0.0.1, a loopback address");
  }

  @Test
  void trustsOnlyExactlyAllowedNamesAndIpLiterals() throws Exception {
    Dns loopback = host -> List.of(InetAddress.getByName("127.0.0.1"));
    PublicAddressDns dns =
        new PublicAddressDns(loopback, Set.of("localhost", "*.corp.example", "[::1]"));

    assertThat(dns.lookup("localhost")).hasSize(1);
    assertThat(dns.lookup("LOCALHOST")).hasSize(1);
    assertThat(dns.lookup("::1")).hasSize(1);
    assertThatThrownBy(() -> dns.lookup("push.corp.example"))
        .isInstanceOf(PublicAddressDns.RefusedAddressException.class);
  }
}
