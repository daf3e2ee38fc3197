package dev.herald.benchmarks.webpush;

import dev.herald.webpush.internal.BouncyCastleP256;
import dev.herald.webpush.internal.JdkP256;
import dev.herald.webpush.internal.P256Engine;
import dev.herald.webpush.internal.WebPushEncryption;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
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
 * Web Push message encryption (RFC 8291, aes128gcm) per second on one thread, for each P-256
 * engine: {@code bouncycastle} (BouncyCastle's lightweight API, Herald's default) and {@code jdk}
 * (SunEC through JCA). Each operation is what one message costs: a fresh ephemeral key pair, ECDH
 * with the subscription's key, HKDF and AES-128-GCM of a typical 300-byte payload.
 *
 * <p>{@code p256Only} isolates the elliptic-curve work (key generation + ECDH) that dominates.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WebPushEncryptionBenchmark</pre>
 */
@State(Scope.Benchmark)
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

  @Param({"bouncycastle", "jdk"})
  public String engine;

  private P256Engine p256;
  private WebPushEncryption encryption;
  private byte[] payload;

  @Setup
  public void setUp() {
    p256 = engine.equals("jdk") ? JdkP256.INSTANCE : BouncyCastleP256.INSTANCE;
    encryption = new WebPushEncryption(p256);
    payload = ("{\"title\":\"Slots tournament starts in 10 minutes\",\"body\":\"€5,000 prize pool."
        + " Tap to join before the first spin.\",\"icon\":\"https://casino.example/icons/t.png\","
        + "\"url\":\"https://casino.example/tournaments/42\",\"tag\":\"tournament-42\","
        + "\"type\":\"TOURNAMENT\",\"data\":{\"tournamentId\":\"42\",\"prizePool\":\"5000\"},"
        + "\"deliveryId\":\"01JD5Z8Y3QJ7W2V6K9T4R1M0XA\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** One message's encryption. */
  @Benchmark
  public byte[] encrypt() {
    return encryption.encrypt(payload, 0, P256DH, AUTH);
  }

  /** One fresh key pair and one ECDH, the elliptic-curve part of {@link #encrypt()}. */
  @Benchmark
  public P256Engine.Agreement p256Only() {
    return p256.agreeWithFreshKey(P256DH);
  }
}
