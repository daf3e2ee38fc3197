package dev.herald.internal.campaign;

import dev.herald.InvalidInputException;
import dev.herald.campaign.TransactionalSends;
import dev.herald.content.Content;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.internal.Checks;
import dev.herald.internal.dispatch.Dispatcher;
import dev.herald.subscription.Brand;
import dev.herald.subscription.TargetDevices;
import java.util.concurrent.CompletableFuture;

/** The {@link TransactionalSends} implementation: a one-player dispatch keyed by the caller. */
public final class TransactionalService implements TransactionalSends {
  private final Dispatcher dispatcher;

  /**
   * Creates the service.
   *
   * @param dispatcher runs the sends
   */
  public TransactionalService(Dispatcher dispatcher) {
    this.dispatcher = dispatcher;
  }

  @Override
  public CompletableFuture<DispatchReport> send(
      String playerId, Content content, String idempotencyKey) {
    return send(playerId, content, idempotencyKey, TargetDevices.ALL);
  }

  @Override
  public CompletableFuture<DispatchReport> send(String playerId, Content content,
      String idempotencyKey, TargetDevices targetDevices) {
    return start(playerId, content, idempotencyKey, targetDevices, null);
  }

  @Override
  public CompletableFuture<DispatchReport> send(String playerId, Content content,
      String idempotencyKey, TargetDevices targetDevices, Brand brand) {
    return start(playerId, content, idempotencyKey, targetDevices,
        Checks.required(brand, "brand"));
  }

  /** Starts the one-player run; a null brand targets every brand. */
  private CompletableFuture<DispatchReport> start(String playerId, Content content,
      String idempotencyKey, TargetDevices targetDevices, Brand brand) {
    Checks.nonBlank(playerId, "playerId");
    Checks.required(content, "content");
    NotificationType type = content.defaultTemplate().type();
    if (type.isMarketing()) {
      throw new InvalidInputException("content.type", type + " is a MARKETING type; "
          + "transactional sends are for SERVICE messages — use a campaign or trigger instead");
    }
    DispatchRequest request = DispatchRequest
        .builder("transactional:" + type.name(), Audience.player(playerId))
        .step(Checks.nonBlank(idempotencyKey, "idempotencyKey", 128))
        .content(content)
        .targetDevices(Checks.required(targetDevices, "targetDevices"))
        .brand(brand)
        .build();
    return dispatcher.start(request, true, false).completion();
  }
}
