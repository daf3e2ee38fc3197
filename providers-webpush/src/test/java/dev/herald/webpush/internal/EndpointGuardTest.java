package dev.herald.webpush.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class EndpointGuardTest {
  private final EndpointGuard defaults = new EndpointGuard(Set.of());

  @ParameterizedTest
  @ValueSource(strings = {
      "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bH",
      "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABh",
      "https://web.push.apple.com/QGuQyavXutnMH",
      "https://wns2-by3p.notify.windows.com/w/?token=BQYAAAB",
      "https://FCM.GoogleAPIs.com:443/fcm/send/x"})
  void letsTheKnownPushServicesThroughOverHttps(String endpoint) {
    assertThat(defaults.refusal(URI.create(endpoint))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "https://evil.example/push",
      "https://169.254.169.254/latest/meta-data",
      "https://localhost:8080/push/1",
      "https://fcm.googleapis.com.evil.example/x",
      "https://evilfcm.googleapis.com/x",
      "https://notpush.apple.com/x",
      "https://push.services.mozilla.com.attacker.net/x"})
  void refusesOtherHostsByDefault(String endpoint) {
    assertThat(defaults.refusal(URI.create(endpoint))).hasValueSatisfying(reason ->
        assertThat(reason).contains("is not a known push service").contains("allowHost"));
  }

  @Test
  void refusesPlainHttpAndUserInfoOnKnownServices() {
    assertThat(defaults.refusal(URI.create("http://fcm.googleapis.com/fcm/send/x")))
        .hasValue("the endpoint on Firebase Cloud Messaging must use https, got http");
    assertThat(defaults.refusal(URI.create("https://user@fcm.googleapis.com/fcm/send/x")))
        .hasValueSatisfying(r -> assertThat(r).contains("user info"));
  }

  @Test
  void allowedHostsPassOverHttpOrHttps() {
    EndpointGuard guard = new EndpointGuard(Set.of(
        EndpointGuard.normaliseAllowedHost("LocalHost"),
        EndpointGuard.normaliseAllowedHost("*.push.example.com"),
        EndpointGuard.normaliseAllowedHost("127.0.0.1")));
    assertThat(guard.refusal(URI.create("http://localhost:8080/push/1"))).isEmpty();
    assertThat(guard.refusal(URI.create("https://localhost:8443/push/1"))).isEmpty();
    assertThat(guard.refusal(URI.create("http://127.0.0.1:9/push/1"))).isEmpty();
    assertThat(guard.refusal(URI.create("https://eu.push.example.com/p/1"))).isEmpty();
    assertThat(guard.refusal(URI.create("https://push.example.com.evil.net/p/1"))).isPresent();
    assertThat(guard.refusal(URI.create("ftp://localhost/p/1"))).isPresent();
    assertThat(guard.refusal(URI.create("https://10.0.0.5/admin"))).isPresent();
  }

  @ParameterizedTest
  @ValueSource(strings = {"https://localhost", "localhost:8080", "host/path", "*", "a b", ""})
  void allowHostTakesBareHostsOnly(String host) {
    assertThatThrownBy(() -> EndpointGuard.normaliseAllowedHost(host))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("allowHost: ");
  }
}
