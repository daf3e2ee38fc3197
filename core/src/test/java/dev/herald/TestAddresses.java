package dev.herald;

import dev.herald.subscription.WebPushAddress;
import java.math.BigInteger;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;

/** Valid addresses for tests. */
public final class TestAddresses {
  private TestAddresses() {}

  /** A fresh, valid P-256 uncompressed public point. */
  public static byte[] p256dh() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
      byte[] point = new byte[65];
      point[0] = 4;
      put(key.getW().getAffineX(), point, 1);
      put(key.getW().getAffineY(), point, 33);
      return point;
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  private static void put(BigInteger value, byte[] into, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, into, offset + 32 - length, length);
  }

  public static WebPushAddress webPush(String id) {
    return WebPushAddress.of(
        URI.create("https://fcm.googleapis.com/fcm/send/" + id), p256dh(), new byte[16]);
  }
}
