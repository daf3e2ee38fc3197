package dev.herald.subscription;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import java.math.BigInteger;
import java.net.URI;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A browser's Web Push subscription: the push service endpoint, the browser's P-256 public key
 * ({@code p256dh}) and its 16-byte authentication secret ({@code auth}), as returned by
 * {@code PushSubscription.toJSON()}.
 *
 * <p>Validated on construction: the endpoint must be an absolute {@code https} URL (plain
 * {@code http} only through {@link #allowingHttp}, for local testing), {@code p256dh} a 65-byte
 * uncompressed point on P-256, and {@code auth} exactly 16 bytes. Keys are accepted in base64url
 * (the browsers' form) or standard base64, with or without padding.
 */
public final class WebPushAddress implements DeviceAddress {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Length of an uncompressed P-256 point: 0x04 followed by 32-byte x and y. */
  public static final int P256DH_LENGTH = 65;
  /** Length of the Web Push authentication secret. */
  public static final int AUTH_LENGTH = 16;

  // The checked URL as text: a parsed URI keeps five strings of its parts, about 300 bytes, which
  // a store holding a million addresses pays for nothing.
  private final String endpoint;
  private final byte[] p256dh;
  private final byte[] auth;

  private WebPushAddress(String endpoint, byte[] p256dh, byte[] auth) {
    this.endpoint = endpoint;
    this.p256dh = p256dh;
    this.auth = auth;
  }

  /**
   * Creates an address from the strings a browser reports.
   *
   * @param endpoint the push service URL; must be {@code https}
   * @param p256dh the browser's public key, base64url or base64
   * @param auth the authentication secret, base64url or base64
   * @return the validated address
   * @throws InvalidInputException naming the field that is malformed
   */
  public static WebPushAddress of(String endpoint, String p256dh, String auth) {
    return create(endpoint, p256dh, auth, false);
  }

  /**
   * Creates an address from raw key bytes.
   *
   * @param endpoint the push service URL; must be {@code https}
   * @param p256dh the browser's 65-byte uncompressed P-256 public key (copied)
   * @param auth the 16-byte authentication secret (copied)
   * @return the validated address
   * @throws InvalidInputException naming the field that is malformed
   */
  public static WebPushAddress of(URI endpoint, byte[] p256dh, byte[] auth) {
    Checks.required(endpoint, "webPush.endpoint");
    return create(endpoint.toString(), p256dh, auth, false);
  }

  /**
   * Like {@link #of(String, String, String)} but also accepts a plain {@code http} endpoint. Only
   * for tests against a local push service; real browsers always hand out {@code https}.
   *
   * @param endpoint the push service URL, {@code http} or {@code https}
   * @param p256dh the browser's public key, base64url or base64
   * @param auth the authentication secret, base64url or base64
   * @return the validated address
   */
  public static WebPushAddress allowingHttp(String endpoint, String p256dh, String auth) {
    return create(endpoint, p256dh, auth, true);
  }

  /**
   * Parses the JSON of a browser's {@code PushSubscription.toJSON()}:
   * {@code {"endpoint":"https://…","keys":{"p256dh":"…","auth":"…"}}}. A leading byte-order mark
   * is ignored. Errors name the field and, for malformed JSON, the position, never the text.
   *
   * @param json the subscription JSON
   * @param allowHttp whether a plain {@code http} endpoint is acceptable (local testing only)
   * @return the validated address
   * @throws InvalidInputException when the JSON is malformed or a field is missing or invalid
   */
  public static WebPushAddress fromSubscriptionJson(String json, boolean allowHttp) {
    Checks.nonBlank(json, "subscription");
    JsonNode root;
    try {
      root = JSON.readTree(json.startsWith("\uFEFF") ? json.substring(1) : json);
    } catch (JsonProcessingException e) {
      // Only the position: the parser's message quotes the text, which holds secrets.
      throw new InvalidInputException("subscription", "is not valid JSON (" + (e.getLocation() == null
          ? "malformed" : "at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr()) + ")");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("subscription", "must be a JSON object");
    }
    JsonNode keys = root.path("keys");
    return create(
        text(root.path("endpoint"), "subscription.endpoint"),
        text(keys.path("p256dh"), "subscription.keys.p256dh"),
        text(keys.path("auth"), "subscription.keys.auth"),
        allowHttp);
  }

  private static String text(JsonNode node, String field) {
    if (!node.isTextual()) {
      throw new InvalidInputException(field, "is required as a JSON string");
    }
    return node.asText();
  }

  private static WebPushAddress create(String endpoint, String p256dh, String auth, boolean http) {
    return create(
        endpoint,
        Checks.base64(p256dh, "webPush.p256dh"),
        Checks.base64(auth, "webPush.auth"),
        http);
  }

  private static WebPushAddress create(String endpoint, byte[] p256dh, byte[] auth, boolean http) {
    URI uri = Checks.httpUrl(endpoint, "webPush.endpoint", http);
    Checks.required(p256dh, "webPush.p256dh");
    Checks.required(auth, "webPush.auth");
    if (p256dh.length != P256DH_LENGTH || p256dh[0] != 0x04) {
      throw new InvalidInputException(
          "webPush.p256dh",
          "expected a 65-byte uncompressed P-256 point (starting 0x04), got "
              + p256dh.length
              + " bytes");
    }
    if (!P256.isOnCurve(p256dh)) {
      throw new InvalidInputException("webPush.p256dh", "is not a point on the P-256 curve");
    }
    if (auth.length != AUTH_LENGTH) {
      throw new InvalidInputException(
          "webPush.auth", "expected a 16-byte secret, got " + auth.length + " bytes");
    }
    return new WebPushAddress(uri.toString(), p256dh.clone(), auth.clone());
  }

  /**
   * The push service URL to POST messages to.
   *
   * @return the endpoint
   */
  public URI endpoint() {
    return URI.create(endpoint);
  }

  /**
   * The browser's uncompressed P-256 public key.
   *
   * @return a copy of the 65 bytes
   */
  public byte[] p256dh() {
    return p256dh.clone();
  }

  /**
   * The browser's authentication secret.
   *
   * @return a copy of the 16 bytes
   */
  public byte[] auth() {
    return auth.clone();
  }

  /**
   * The public key in the base64url form browsers use.
   *
   * @return base64url without padding
   */
  public String p256dhBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(p256dh);
  }

  /**
   * The authentication secret in the base64url form browsers use.
   *
   * @return base64url without padding
   */
  public String authBase64Url() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(auth);
  }

  @Override
  public Platform platform() {
    return Platform.WEB_PUSH;
  }

  @Override
  public String key() {
    return "webpush:" + endpoint;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebPushAddress other
        && endpoint.equals(other.endpoint)
        && Arrays.equals(p256dh, other.p256dh)
        && Arrays.equals(auth, other.auth);
  }

  @Override
  public int hashCode() {
    return Objects.hash(endpoint, Arrays.hashCode(p256dh), Arrays.hashCode(auth));
  }

  @Override
  public String toString() {
    URI uri = endpoint();
    return "WebPushAddress{" + uri.getScheme() + "://" + uri.getAuthority() + "/"
        + Addresses.abbreviate(uri.getRawPath() == null ? "" : uri.getRawPath()) + "}";
  }

  /** The P-256 curve equation, enough to check that a public key is on the curve. */
  private static final class P256 {
    private static final BigInteger P =
        new BigInteger("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff", 16);
    private static final BigInteger A = P.subtract(BigInteger.valueOf(3));
    private static final BigInteger B =
        new BigInteger("5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b", 16);

    static boolean isOnCurve(byte[] point) {
      BigInteger x = new BigInteger(1, Arrays.copyOfRange(point, 1, 33));
      BigInteger y = new BigInteger(1, Arrays.copyOfRange(point, 33, 65));
      if (x.compareTo(P) >= 0 || y.compareTo(P) >= 0) {
        return false;
      }
      BigInteger left = y.multiply(y).mod(P);
      BigInteger right = x.pow(3).add(A.multiply(x)).add(B).mod(P);
      return left.equals(right);
    }
  }
}
