package dev.herald.spi;

import dev.herald.subscription.Platform;
import java.util.concurrent.CompletableFuture;

/**
 * Sends prepared messages to one platform's push service: Web Push, APNs or FCM. Implemented by
 * the {@code herald-webpush}, {@code herald-apns} and {@code herald-fcm} modules; registered on
 * the {@link dev.herald.Herald} builder.
 *
 * <p>One long-lived, thread-safe instance per credential set: it owns its connections and is
 * closed once.
 *
 * <p>Contract of {@link #send}:
 * <ul>
 *   <li>never throws; bad input and oversized payloads complete with
 *       {@link SendResult.Rejected} before any network call;
 *   <li>every push-service answer completes the future with a {@link SendResult} value;
 *   <li>the future fails only for transport trouble (connection refused or reset, timeout), and
 *       always completes: a per-request timeout turns a hang into a failure;
 *   <li>after {@link #close()} it returns an already-failed future.
 * </ul>
 */
public interface PushProvider extends AutoCloseable {

  /**
   * The platform whose addresses this provider sends to.
   *
   * @return the platform
   */
  Platform platform();

  /**
   * Sends one message asynchronously.
   *
   * @param message the message; its address must be of {@link #platform()}
   * @return a future completed with the outcome, or failed for transport trouble
   */
  CompletableFuture<SendResult> send(PushMessage message);

  /**
   * What the provider's connections, requests and credentials look like now, for metrics and
   * health checks. Cheap and non-blocking; safe to call from any thread at any time, also after
   * {@link #close()}.
   *
   * @return a snapshot; the default knows only the platform
   */
  default ProviderStatus status() {
    return ProviderStatus.unknown(platform());
  }

  /** Releases connections and threads; idempotent. Sends still in flight may fail. */
  @Override
  void close();
}
