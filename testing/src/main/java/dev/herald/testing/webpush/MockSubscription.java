package dev.herald.testing.webpush;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.subscription.WebPushAddress;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A browser's push subscription on a {@link MockWebPushService}: the mock holds its private key and
 * decrypts every message sent to it, as a real browser would. Hand {@link #address()} (or
 * {@link #toJson()}) to the code under test as if a browser had reported it.
 *
 * <p>Thread-safe.
 */
public final class MockSubscription {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  // A service may hold a million subscriptions (the demo's): each keeps only raw bytes and
  // shared references, about 250 bytes, and builds its key objects when a message arrives.
  private final String id;
  private final String endpointPrefix;
  private final boolean https;
  private final KeyPairBytes keys;
  private final byte[] auth;
  private final byte[] applicationServerKey;
  private volatile boolean unsubscribed;
  private volatile Queue<MockAnswer> answers;
  /** For a pooled subscription, which the service does not keep: keeps it once it has state. */
  private final java.util.function.BiConsumer<String, MockSubscription> keep;

  /** A P-256 key pair as raw bytes: the private scalar and the uncompressed public point. */
  record KeyPairBytes(byte[] privateScalar, byte[] p256dh) {
    static KeyPairBytes generate() {
      try {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        KeyPair pair = generator.generateKeyPair();
        byte[] scalar = new byte[32];
        put(((ECPrivateKey) pair.getPrivate()).getS(), scalar, 0);
        return new KeyPairBytes(scalar, encode(((ECPublicKey) pair.getPublic()).getW()));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK has no P-256 support", e);
      }
    }
  }

  /**
   * The subscription at {@code endpointPrefix + id}; the service shares the application server
   * key, and the key pair when it draws from a pool.
   */
  MockSubscription(String id, String endpointPrefix, boolean https, byte[] applicationServerKey,
      KeyPairBytes keys, byte[] auth,
      java.util.function.BiConsumer<String, MockSubscription> keep) {
    this.id = id;
    this.endpointPrefix = endpointPrefix;
    this.https = https;
    this.applicationServerKey = applicationServerKey;
    this.keys = keys;
    if (auth == null) {
      this.auth = new byte[16];
      RANDOM.nextBytes(this.auth);
    } else {
      this.auth = auth;
    }
    this.keep = keep;
  }

  /** @return the id, the last segment of the endpoint path */
  public String id() {
    return id;
  }

  /** @return the endpoint URL on the mock, {@code http(s)://localhost:port/push/<id>} */
  public String endpoint() {
    return endpointPrefix + id;
  }

  /** @return the subscription's public key, base64url, as {@code keys.p256dh} */
  public String p256dh() {
    return B64.encodeToString(keys.p256dh());
  }

  /** @return the authentication secret, base64url, as {@code keys.auth} */
  public String auth() {
    return B64.encodeToString(auth);
  }

  /**
   * The VAPID public key this subscription was created with, which every message must be signed
   * with; empty when the subscription accepts any key.
   *
   * @return the base64url key
   */
  public Optional<String> applicationServerKey() {
    return Optional.ofNullable(applicationServerKey).map(B64::encodeToString);
  }

  /**
   * The address as Herald knows it. An {@code http} mock's address is built with
   * {@link WebPushAddress#allowingHttp}.
   *
   * @return the address
   */
  public WebPushAddress address() {
    return https
        ? WebPushAddress.of(endpoint(), p256dh(), auth())
        : WebPushAddress.allowingHttp(endpoint(), p256dh(), auth());
  }

  /**
   * The subscription as the browser's {@code PushSubscription.toJSON()} gives it:
   * {@code {"endpoint":"…","expirationTime":null,"keys":{"p256dh":"…","auth":"…"}}}.
   *
   * @return the JSON
   */
  public String toJson() {
    ObjectNode root = JSON.createObjectNode();
    root.put("endpoint", endpoint());
    root.putNull("expirationTime");
    ObjectNode keys = root.putObject("keys");
    keys.put("p256dh", p256dh());
    keys.put("auth", auth());
    return root.toString();
  }

  /** The user revoked permission: every later message gets {@code 410 Gone}. */
  public void unsubscribe() {
    unsubscribed = true;
    if (keep != null) {
      keep.accept(id, this);
    }
  }

  /** @return whether {@link #unsubscribe()} was called */
  public boolean isUnsubscribed() {
    return unsubscribed;
  }

  /**
   * Scripts the answer to the next valid message to this subscription; taken before the service's
   * own queue.
   *
   * @param answer the answer
   */
  public void enqueue(MockAnswer answer) {
    java.util.Objects.requireNonNull(answer, "answer");
    Queue<MockAnswer> queue = answers;
    if (queue == null) {
      synchronized (this) {
        queue = answers;
        if (queue == null) {
          queue = new ConcurrentLinkedQueue<>(); // only scripted subscriptions pay for a queue
          answers = queue;
        }
      }
    }
    queue.add(answer);
    if (keep != null) {
      keep.accept(id, this);
    }
  }

  MockAnswer pollAnswer() {
    Queue<MockAnswer> queue = answers;
    return queue == null ? null : queue.poll();
  }

  byte[] applicationServerKeyBytes() {
    return applicationServerKey;
  }

  /**
   * Decrypts an {@code aes128gcm} body as the browser would (RFC 8291, RFC 8188), with the JDK's
   * own crypto.
   *
   * @param body the request body
   * @return the plaintext, delimiter and padding removed
   * @throws GeneralSecurityException when the body does not decrypt; the message says why
   */
  public byte[] decrypt(byte[] body) throws GeneralSecurityException {
    return decryptRecord(body).plaintext();
  }

  /** A decrypted record: the plaintext, the padding length and the declared record size. */
  record Decrypted(byte[] plaintext, int paddingBytes, long recordSize, byte[] senderKey) {}

  Decrypted decryptRecord(byte[] body) throws GeneralSecurityException {
    if (body.length < 21) {
      throw new GeneralSecurityException("body of " + body.length
          + " bytes is shorter than the aes128gcm header");
    }
    byte[] salt = Arrays.copyOfRange(body, 0, 16);
    long recordSize = new BigInteger(1, Arrays.copyOfRange(body, 16, 20)).longValue();
    int idLength = body[20] & 0xff;
    if (recordSize < 18) {
      throw new GeneralSecurityException("record size " + recordSize + " is below 18");
    }
    if (idLength != 65 || body.length < 21 + idLength + 17) {
      throw new GeneralSecurityException("the key id must be the sender's 65-byte public key, got "
          + idLength + " bytes");
    }
    byte[] senderKey = Arrays.copyOfRange(body, 21, 86);
    int ciphertextLength = body.length - 86;
    if (ciphertextLength > recordSize) {
      throw new GeneralSecurityException("more than one record (" + ciphertextLength
          + " bytes of ciphertext, record size " + recordSize + "); Web Push allows one");
    }
    KeyAgreement agreement = KeyAgreement.getInstance("ECDH");
    agreement.init(KeyFactory.getInstance("EC").generatePrivate(
        new ECPrivateKeySpec(new BigInteger(1, keys.privateScalar()), p256Parameters())));
    agreement.doPhase(publicKey(senderKey), true);
    byte[] ecdhSecret = agreement.generateSecret();
    byte[] prkKey = hmac(auth, ecdhSecret);
    byte[] ikm = hmac(prkKey, concat("WebPush: info\0".getBytes(StandardCharsets.US_ASCII),
        keys.p256dh(), senderKey, new byte[] {1}));
    byte[] prk = hmac(salt, ikm);
    byte[] cek = Arrays.copyOf(
        hmac(prk, "Content-Encoding: aes128gcm\0\1".getBytes(StandardCharsets.US_ASCII)), 16);
    byte[] nonce = Arrays.copyOf(
        hmac(prk, "Content-Encoding: nonce\0\1".getBytes(StandardCharsets.US_ASCII)), 12);
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(cek, "AES"), new GCMParameterSpec(128, nonce));
    byte[] record = cipher.doFinal(body, 86, ciphertextLength);
    int end = record.length - 1;
    while (end >= 0 && record[end] == 0) {
      end--;
    }
    if (end < 0 || record[end] != 2) {
      throw new GeneralSecurityException("the last record's padding delimiter must be 0x02");
    }
    return new Decrypted(Arrays.copyOf(record, end), record.length - end - 1, recordSize,
        senderKey);
  }

  private static ECParameterSpec p256Parameters() throws GeneralSecurityException {
    java.security.AlgorithmParameters parameters = java.security.AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec("secp256r1"));
    return parameters.getParameterSpec(ECParameterSpec.class);
  }

  private static ECPublicKey publicKey(byte[] encoded) throws GeneralSecurityException {
    if (encoded.length != 65 || encoded[0] != 4) {
      throw new GeneralSecurityException("not an uncompressed P-256 point");
    }
    ECParameterSpec spec = p256Parameters();
    ECPoint w = new ECPoint(new BigInteger(1, Arrays.copyOfRange(encoded, 1, 33)),
        new BigInteger(1, Arrays.copyOfRange(encoded, 33, 65)));
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
  }

  static byte[] encode(ECPoint w) {
    byte[] out = new byte[65];
    out[0] = 4;
    put(w.getAffineX(), out, 1);
    put(w.getAffineY(), out, 33);
    return out;
  }

  private static void put(BigInteger value, byte[] out, int offset) {
    byte[] bytes = value.toByteArray();
    int start = Math.max(0, bytes.length - 32);
    int length = bytes.length - start;
    System.arraycopy(bytes, start, out, offset + 32 - length, length);
  }

  private static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int offset = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, offset, p.length);
      offset += p.length;
    }
    return out;
  }

  static ECPublicKey vapidPublicKey(byte[] encoded) throws GeneralSecurityException {
    return publicKey(encoded);
  }

  /** Never shows the keys. */
  @Override
  public String toString() {
    return "MockSubscription{" + id + (unsubscribed ? ", unsubscribed" : "") + "}";
  }
}
