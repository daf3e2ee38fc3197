package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.InvalidInputException;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.InputFuzzer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes what browsers and operators hand the Web Push side: subscription JSON and VAPID keys.
 * Only {@link InvalidInputException} may come out, its message never quoting a secret, and each
 * case finishes within the fuzzer's bound. {@code mvn verify} runs a short seeded budget;
 * {@code mvn -Pfuzz verify} a long one with a fresh seed.
 */
class InputFuzzTest {
  private static final VapidKeys BROWSER = VapidKeys.generate(); // stands in for the browser's key
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String SUBSCRIPTION = """
      {"endpoint":"https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-x_y",\
      "expirationTime":null,"keys":{"p256dh":"%s","auth":"%s"}}"""
      .formatted(BROWSER.publicKeyBase64Url(), AUTH);

  @Test
  void subscriptionJsonOnlyEverFailsWithInvalidInputAndNeverEchoesTheSecret() {
    assertThat(WebPushAddress.fromSubscriptionJson(SUBSCRIPTION, false).authBase64Url())
        .isEqualTo(AUTH);
    InputFuzzer.fromSystemProperties(600).run(List.of(SUBSCRIPTION, "\uFEFF" + SUBSCRIPTION),
        input -> {
          for (boolean allowHttp : new boolean[] {false, true}) {
            try {
              WebPushAddress address = WebPushAddress.fromSubscriptionJson(input, allowHttp);
              assertThat(address.toString()).doesNotContain(address.authBase64Url());
            } catch (InvalidInputException e) {
              assertThat(e.getMessage()).doesNotContain(AUTH).hasSizeLessThan(1000);
            }
          }
        });
  }

  @Test
  void vapidKeysOnlyEverFailWithInvalidInputAndNeverEchoThePrivateKey() {
    VapidKeys keys = VapidKeys.generate();
    String privateKey = keys.exportPrivateKeyBase64Url();
    String pem = keys.exportPrivateKeyPem();
    InputFuzzer.fromSystemProperties(600).run(List.of(pem, privateKey), input -> {
      expectOnlyInvalidInput(() -> VapidKeys.fromPem(input), privateKey);
      expectOnlyInvalidInput(() -> VapidKeys.fromPrivateKeyBase64Url(input), privateKey);
      expectOnlyInvalidInput(() -> VapidKeys.fromBase64Url(keys.publicKeyBase64Url(), input),
          privateKey);
      expectOnlyInvalidInput(() -> VapidKeys.fromBase64Url(input, privateKey), privateKey);
    });
  }

  private static void expectOnlyInvalidInput(Runnable parse, String secret) {
    try {
      parse.run();
    } catch (InvalidInputException e) {
      assertThat(e.getMessage()).doesNotContain(secret).hasSizeLessThan(1000);
    }
  }
}
