package dev.herald.examples;

import dev.herald.Herald;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.Subscriptions;
import dev.herald.subscription.WebPushAddress;
import java.io.PrintWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * The subscription part of the demo: players register browsers and apps, grant and deny
 * permission, switch accounts on a shared browser, and a push service reports a dead token.
 */
public final class SubscriptionDemo {
  private final PrintWriter out;

  /**
   * Creates the demo.
   *
   * @param out where to print
   */
  public SubscriptionDemo(PrintWriter out) {
    this.out = out;
  }

  /** Runs the flow and prints each device's status and history. */
  public void run() {
    try (Herald herald = Herald.builder().build()) {
      Subscriptions subs = herald.subscriptions();
      WebPushAddress sharedBrowser = WebPushAddress.of(
          java.net.URI.create("https://fcm.googleapis.com/fcm/send/demo-shared-browser"),
          p256dh(), authSecret());

      out.println("== Subscriptions ==");
      subs.registerDevice("alice", "browser-1", Platform.WEB_PUSH, true);
      step("alice opens the casino in her browser", subs.device("alice", "browser-1"));
      subs.permissionGranted("alice", "browser-1", sharedBrowser);
      step("alice allows notifications", subs.device("alice", "browser-1"));
      subs.updatePreferences("alice", true, Set.of("promotions", "tournaments"));

      subs.permissionGranted("bob", "browser-1", sharedBrowser);
      step("bob logs in on the same browser", subs.device("bob", "browser-1"));
      step("  …so alice's browser is", subs.device("alice", "browser-1"));

      subs.permissionGranted("alice", "browser-1", sharedBrowser);
      step("alice logs back in", subs.device("alice", "browser-1"));
      step("  …so bob's browser is", subs.device("bob", "browser-1"));

      subs.registerDevice("carol", "iphone", Platform.APNS, true);
      subs.permissionDenied("carol", "iphone", Platform.APNS);
      step("carol denies on her iPhone", subs.device("carol", "iphone"));
      subs.permissionGranted("carol", "iphone",
          ApnsAddress.production("a".repeat(64), "com.example.casino"));
      step("carol changes her mind in Settings", subs.device("carol", "iphone"));

      subs.registerDevice("dave", "old-browser", Platform.WEB_PUSH, false);
      step("dave's browser has no push support", subs.device("dave", "old-browser"));

      FcmAddress erinToken = new FcmAddress("erin-android-registration-token");
      subs.permissionGranted("erin", "pixel", erinToken);
      subs.invalidate(erinToken, "UNREGISTERED", Instant.now());
      step("FCM reports erin's token unregistered", subs.device("erin", "pixel"));

      out.println();
      out.println("alice: push enabled=" + subs.state("alice").pushEnabled()
          + ", last session " + subs.state("alice").lastSessionStatus().orElseThrow()
          + ", categories " + subs.state("alice").preferences().categories());
      out.println("bob:   push enabled=" + subs.state("bob").pushEnabled());
      out.println();
      out.println("History of alice's browser:");
      List<StatusChange> history = subs.history("alice", "browser-1");
      for (StatusChange c : history) {
        out.printf("  %-9s -> %-9s %s%n",
            c.from().map(Enum::name).orElse("(new)"), c.to(), c.reason());
      }
    }
    out.flush();
  }

  private void step(String what, java.util.Optional<Device> device) {
    out.printf("%-42s %s%n", what, device.map(d -> d.status().name()).orElse("?"));
  }

  /** A real P-256 public key, as a browser would send it. */
  private static byte[] p256dh() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      ECPublicKey key = (ECPublicKey) generator.generateKeyPair().getPublic();
      byte[] point = new byte[65];
      point[0] = 4;
      copy(key.getW().getAffineX(), point, 1);
      copy(key.getW().getAffineY(), point, 33);
      return point;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no P-256", e);
    }
  }

  private static void copy(BigInteger value, byte[] into, int offset) {
    byte[] bytes = value.toByteArray();
    int length = Math.min(bytes.length, 32);
    System.arraycopy(bytes, bytes.length - length, into, offset + 32 - length, length);
  }

  private static byte[] authSecret() {
    byte[] auth = new byte[16];
    new java.security.SecureRandom().nextBytes(auth);
    return auth;
  }
}
