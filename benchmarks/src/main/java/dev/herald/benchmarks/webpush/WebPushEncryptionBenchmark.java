package dev.herald.benchmarks.webpush;

import dev.herald.webpush.internal.BouncyCastleP256;
import dev.herald.webpush.internal.JdkP256;
import dev.herald.webpush.internal.P256Engine;
import dev.herald.webpush.internal.WebPushEncryption;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Security;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import nl.martijndwars.webpush.AbstractPushService;
import nl.martijndwars.webpush.Encoding;
import nl.martijndwars.webpush.Encrypted;
import nl.martijndwars.webpush.Utils;
import org.bouncycastle.jce.interfaces.ECPublicKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Web Push message encryption (RFC 8291, aes128gcm) per second, one thread unless {@code -t} says
 * otherwise, for each P-256 engine: {@code bouncycastle} (BouncyCastle's lightweight API, Herald's
 * default) and {@code jdk} (SunEC through JCA). Each operation is what one message costs: a fresh
 * ephemeral key pair, ECDH with the subscription's key, HKDF and AES-128-GCM of a typical
 * 300-byte payload.
 *
 * <p>{@code p256Only} isolates the elliptic-curve work (key generation + ECDH) that dominates.
 * {@code webpushJava} is the same message encrypted by webpush-java 5.1.2
 * ({@code AbstractPushService.encrypt}, aes128gcm: key generation and ECDH through the JCA with the
 * BouncyCastle provider), the peer the ratio is taken against; {@code engine} does not apply to it.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar WebPushEncryptionBenchmark
 * java -jar benchmarks/target/benchmarks.jar WebPushEncryptionBenchmark -t 2 -p engine=bouncycastle
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class WebPushEncryptionBenchmark {
  /** A browser subscription key (RFC 8291 Appendix A's user agent key). */
  static final byte[] P256DH = Base64.getUrlDecoder().decode(
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4");
  static final byte[] AUTH = Base64.getUrlDecoder().decode("BTBZMqHH6r4Tts7J_aSIgg");
  /** A typical notification's JSON, about 300 bytes. */
  static final byte[] PAYLOAD = ("{\"title\":\"Slots tournament starts in 10 minutes\",\"body\":"
      + "\"€5,000 prize pool. Tap to join before the first spin.\",\"icon\":"
      + "\"https://casino.example/icons/t.png\",\"url\":\"https://casino.example/tournaments/42\","
      + "\"tag\":\"tournament-42\",\"type\":\"TOURNAMENT\",\"data\":{\"tournamentId\":\"42\","
      + "\"prizePool\":\"5000\"},\"deliveryId\":\"01JD5Z8Y3QJ7W2V6K9T4R1M0XA\"}")
      .getBytes(StandardCharsets.UTF_8);

  /** Herald's encryption with one P-256 engine. */
  @State(Scope.Benchmark)
  public static class Engine {
    @Param({"bouncycastle", "jdk"})
    public String engine;

    P256Engine p256;
    WebPushEncryption encryption;
    byte[] payload;

    @Setup
    public void setUp() {
      p256 = engine.equals("jdk") ? JdkP256.INSTANCE : BouncyCastleP256.INSTANCE;
      encryption = new WebPushEncryption(p256);
      payload = PAYLOAD.clone();
    }
  }

  /** webpush-java's inputs: the subscription key parsed once, as its {@code Notification} does. */
  @State(Scope.Benchmark)
  public static class WebPushJava {
    ECPublicKey userPublicKey;
    byte[] payload;

    @Setup
    public void setUp() throws GeneralSecurityException {
      if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
        Security.addProvider(new BouncyCastleProvider()); // webpush-java requires it
      }
      userPublicKey = (ECPublicKey) Utils.loadPublicKey(P256DH);
      payload = PAYLOAD.clone();
    }
  }

  /** One message's encryption. */
  @Benchmark
  public byte[] encrypt(Engine state) {
    return state.encryption.encrypt(state.payload, 0, P256DH, AUTH);
  }

  /** One fresh key pair and one ECDH, the elliptic-curve part of {@link #encrypt}. */
  @Benchmark
  public P256Engine.Agreement p256Only(Engine state) {
    return state.p256.agreeWithFreshKey(P256DH);
  }

  /** The same message encrypted by webpush-java. */
  @Benchmark
  public Encrypted webpushJava(WebPushJava peer) throws GeneralSecurityException {
    return AbstractPushService.encrypt(peer.payload, peer.userPublicKey, AUTH, Encoding.AES128GCM);
  }
}
