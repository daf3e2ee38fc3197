package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class AddressesTest {
  // The user agent key and auth secret of RFC 8291 Appendix A: a real point on P-256.
  private static final String P256DH =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";
  private static final String ENDPOINT = "https://updates.push.services.mozilla.com/wpush/v2/abc";

  @Test
  void webPushAddressAcceptsTheBrowsersForm() {
    WebPushAddress a = WebPushAddress.of(ENDPOINT, P256DH, AUTH);
    assertThat(a.endpoint().toString()).isEqualTo(ENDPOINT);
    assertThat(a.p256dh()).hasSize(65).startsWith(4);
    assertThat(a.auth()).hasSize(16);
    assertThat(a.p256dhBase64Url()).isEqualTo(P256DH);
    assertThat(a.authBase64Url()).isEqualTo(AUTH);
    assertThat(a.platform()).isEqualTo(Platform.WEB_PUSH);
    assertThat(a.key()).isEqualTo("webpush:" + ENDPOINT);
  }

  @Test
  void webPushKeysMayBeStandardBase64WithPadding() {
    byte[] raw = Base64.getUrlDecoder().decode(P256DH);
    String standard = Base64.getEncoder().encodeToString(raw);
    String auth = Base64.getEncoder().encodeToString(Base64.getUrlDecoder().decode(AUTH));
    assertThat(WebPushAddress.of(ENDPOINT, standard, auth))
        .isEqualTo(WebPushAddress.of(ENDPOINT, P256DH, AUTH));
  }

  @Test
  void webPushAddressCopiesItsKeys() {
    WebPushAddress a = WebPushAddress.of(ENDPOINT, P256DH, AUTH);
    a.p256dh()[1] ^= 1;
    a.auth()[0] ^= 1;
    assertThat(a.p256dhBase64Url()).isEqualTo(P256DH);
    assertThat(a.authBase64Url()).isEqualTo(AUTH);
  }

  @Test
  void plainHttpEndpointIsRefusedUnlessAllowed() {
    String local = "http://localhost:8080/push/1";
    assertThatThrownBy(() -> WebPushAddress.of(local, P256DH, AUTH))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("webPush.endpoint:")
        .hasMessageContaining("https");
    assertThat(WebPushAddress.allowingHttp(local, P256DH, AUTH).endpoint().getPort())
        .isEqualTo(8080);
  }

  @Test
  void endpointMustBeAnAbsoluteUrlWithAHost() {
    assertThatThrownBy(() -> WebPushAddress.of("/relative", P256DH, AUTH))
        .hasMessageStartingWith("webPush.endpoint:").hasMessageContaining("absolute");
    assertThatThrownBy(() -> WebPushAddress.of("https:///nohost", P256DH, AUTH))
        .hasMessageStartingWith("webPush.endpoint:");
    assertThatThrownBy(() -> WebPushAddress.of("ftp://push.example/x", P256DH, AUTH))
        .hasMessageContaining("scheme ftp");
    assertThatThrownBy(() -> WebPushAddress.of("https://exa mple.com/x", P256DH, AUTH))
        .hasMessageStartingWith("webPush.endpoint:").hasMessageContaining("not a valid URI");
  }

  @Test
  void p256dhMustBeA65BytePointOnTheCurve() {
    String shortKey = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[33]);
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, shortKey, AUTH))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("webPush.p256dh: expected a 65-byte uncompressed P-256 point (starting 0x04),"
            + " got 33 bytes");
    byte[] offCurve = Base64.getUrlDecoder().decode(P256DH);
    offCurve[64] ^= 1;
    String bad = Base64.getUrlEncoder().withoutPadding().encodeToString(offCurve);
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, bad, AUTH))
        .hasMessage("webPush.p256dh: is not a point on the P-256 curve");
    byte[] compressedPrefix = Base64.getUrlDecoder().decode(P256DH);
    compressedPrefix[0] = 2;
    String wrongPrefix = Base64.getUrlEncoder().encodeToString(compressedPrefix);
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, wrongPrefix, AUTH))
        .hasMessageContaining("starting 0x04");
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, "not base64!", AUTH))
        .hasMessage("webPush.p256dh: is not base64url or base64");
  }

  @Test
  void authMustBe16Bytes() {
    String eight = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[8]);
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, P256DH, eight))
        .hasMessage("webPush.auth: expected a 16-byte secret, got 8 bytes");
    assertThatThrownBy(() -> WebPushAddress.of(ENDPOINT, P256DH, ""))
        .hasMessage("webPush.auth: must not be blank");
  }

  @Test
  void subscriptionJsonIsParsed() {
    String json = "{\"endpoint\":\"" + ENDPOINT + "\",\"expirationTime\":null,"
        + "\"keys\":{\"p256dh\":\"" + P256DH + "\",\"auth\":\"" + AUTH + "\"}}";
    assertThat(WebPushAddress.fromSubscriptionJson(json, false))
        .isEqualTo(WebPushAddress.of(ENDPOINT, P256DH, AUTH));
  }

  @Test
  void malformedSubscriptionJsonNamesTheField() {
    assertThatThrownBy(() -> WebPushAddress.fromSubscriptionJson("{", false))
        .hasMessageStartingWith("subscription: is not valid JSON");
    assertThatThrownBy(() -> WebPushAddress.fromSubscriptionJson("[]", false))
        .hasMessage("subscription: must be a JSON object");
    assertThatThrownBy(() -> WebPushAddress.fromSubscriptionJson(
            "{\"endpoint\":\"" + ENDPOINT + "\",\"keys\":{\"auth\":\"" + AUTH + "\"}}", false))
        .hasMessage("subscription.keys.p256dh: is required as a JSON string");
  }

  @Test
  void aJsonErrorDoesNotEchoTheText() {
    assertThatThrownBy(() -> WebPushAddress.fromSubscriptionJson(
            "{\"endpoint\": s3cr3tAuthSecretValue}", false))
        .hasMessageStartingWith("subscription: is not valid JSON (at line 1, column")
        .hasMessageNotContaining("s3cr3t");
  }

  @Test
  void toStringDoesNotRevealTheWholeEndpoint() {
    WebPushAddress a = WebPushAddress.of(ENDPOINT + "verysecretcapabilitypath123", P256DH, AUTH);
    assertThat(a.toString()).doesNotContain("verysecretcapabilitypath123");
  }

  @Test
  void apnsTokenIsNormalisedToLowerCaseHex() {
    ApnsAddress a = ApnsAddress.sandbox("AB CD".replace(" ", "") + "ef".repeat(31), "com.x");
    assertThat(a.deviceToken()).isEqualTo("abcd" + "ef".repeat(31));
    assertThat(a.environment()).isEqualTo(ApnsEnvironment.SANDBOX);
    assertThat(a.key()).isEqualTo("apns:" + a.deviceToken());
    assertThat(a.toString()).doesNotContain(a.deviceToken());
  }

  @Test
  void apnsTokenMustBeNonEmptyEvenLengthHex() {
    assertThatThrownBy(() -> ApnsAddress.production("", "com.x"))
        .hasMessage("apns.deviceToken: must not be blank");
    assertThatThrownBy(() -> ApnsAddress.production("xyz0", "com.x"))
        .hasMessageStartingWith("apns.deviceToken: expected an even number of hex digits");
    assertThatThrownBy(() -> ApnsAddress.production("abc", "com.x"))
        .hasMessageContaining("got 3 characters");
    assertThatThrownBy(() -> ApnsAddress.production("ab".repeat(101), "com.x"))
        .hasMessageContaining("at most 200");
    assertThatThrownBy(() -> ApnsAddress.production("abcd", " "))
        .hasMessage("apns.topic: must not be blank");
    assertThatThrownBy(() -> new ApnsAddress("abcd", "com.x", null))
        .hasMessage("apns.environment: is required");
  }

  @Test
  void apnsTokenMustBeAsciiHexOnly() {
    // Issue 16: Character.digit accepted Arabic-Indic and fullwidth digits and letters.
    String valid = "ab".repeat(32);
    for (String foreign : new String[] {"\u0661\u0662", "\uFF21\uFF22", "\u0661\u0662ab",
        "\u09E6\u09E7", "ab\uFF10\uFF11"}) {
      assertThatThrownBy(() -> ApnsAddress.production(valid + foreign, "com.x"))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("apns.deviceToken: expected an even number of hex digits");
    }
    assertThat(ApnsAddress.production(valid.toUpperCase(java.util.Locale.ROOT), "com.x")
        .deviceToken()).isEqualTo(valid);
  }

  @Test
  void apnsTopicMustBeVisibleAscii() {
    // Issue 16: CR/LF reached the apns-topic header (OkHttp refused it mid-send).
    String token = "ab".repeat(32);
    for (String topic : new String[] {"com.x\r\nx-injected: 1", "com.\nx", "com.\u00e9x",
        "com x", "com.x\u0000", "com.\u0441asino", "com.x\u007f"}) {
      assertThatThrownBy(() -> ApnsAddress.production(token, topic))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageStartingWith("apns.topic: must be visible ASCII characters")
          .hasMessageNotContaining("\r").hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> ApnsAddress.production(token, "c".repeat(256)))
        .hasMessageContaining("at most 255 characters");
    assertThat(ApnsAddress.production(token, " com.example.casino.voip ").topic())
        .isEqualTo("com.example.casino.voip");
    assertThat(ApnsAddress.production(token, "com.example.casino.push-type.liveactivity").topic())
        .endsWith("liveactivity");
  }

  @Test
  void fcmTokenMustBeNonEmptyWithoutWhitespace() {
    assertThat(new FcmAddress(" tok:en ").token()).isEqualTo("tok:en");
    assertThatThrownBy(() -> new FcmAddress("")).hasMessage("fcm.token: must not be blank");
    assertThatThrownBy(() -> new FcmAddress("a b")).hasMessage("fcm.token: must not contain whitespace");
    assertThatThrownBy(() -> new FcmAddress("a".repeat(4097)))
        .hasMessageContaining("at most 4096 characters");
  }
}
