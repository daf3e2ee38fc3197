package dev.herald.campaign;

import dev.herald.content.Content;
import dev.herald.dispatch.DispatchReport;
import dev.herald.subscription.Brand;
import dev.herald.subscription.TargetDevices;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one SERVICE message to one player now — a security alert, a withdrawal notice — with an
 * idempotency key. Obtained from {@link dev.herald.Herald#transactional()}.
 *
 * <p>Transactional sends bypass marketing consent, the compliance guard, frequency caps and quiet
 * hours, but never the device status: only ALLOWED devices are sent to. Calling again with the
 * same key sends nothing and completes with the first call's report. The source of the dispatch is
 * {@code transactional:<TYPE>} and its step is the key.
 */
public interface TransactionalSends {

  /**
   * Sends to all the player's ALLOWED devices.
   *
   * @param playerId the player
   * @param content what to say; its type must be a SERVICE type
   * @param idempotencyKey unique per logical message, at most 128 characters
   * @return completes when every device's delivery is settled; the call itself waits only while
   *     a provider has {@code DispatchSettings.maxQueuedSendsPerProvider} calls waiting
   * @throws dev.herald.InvalidInputException for a MARKETING type, a blank key or player
   */
  CompletableFuture<DispatchReport> send(String playerId, Content content, String idempotencyKey);

  /**
   * Sends to the player's ALLOWED devices of one kind.
   *
   * @param playerId the player
   * @param content what to say; its type must be a SERVICE type
   * @param idempotencyKey unique per logical message, at most 128 characters
   * @param targetDevices which devices
   * @return completes when every device's delivery is settled
   */
  CompletableFuture<DispatchReport> send(
      String playerId, Content content, String idempotencyKey, TargetDevices targetDevices);

  /**
   * Sends to the player's ALLOWED devices of one kind and one brand: a withdrawal notice from
   * the site the player withdrew on reaches that site's app and browser, not the player's
   * devices of the operator's other brands.
   *
   * @param playerId the player
   * @param content what to say; its type must be a SERVICE type
   * @param idempotencyKey unique per logical message, at most 128 characters
   * @param targetDevices which devices
   * @param brand the brand whose devices are sent to
   * @return completes when every device's delivery is settled
   */
  CompletableFuture<DispatchReport> send(String playerId, Content content,
      String idempotencyKey, TargetDevices targetDevices, Brand brand);
}
