package dev.herald.examples.boot;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.analytics.DeliveryStats;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.Device;
import dev.herald.subscription.WebPushAddress;
import dev.herald.webpush.WebPushProvider;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** Registers browsers' Web Push subscriptions and sends promotions. */
@RestController
class PushController {
  private final Herald herald;
  private final DeliveryPolicy defaultPolicy;
  private final WebPushProvider webPush;
  private final InMemoryPlayerDirectory players;

  PushController(Herald herald, DeliveryPolicy defaultPolicy, WebPushProvider webPush,
      InMemoryPlayerDirectory players) {
    this.herald = herald;
    this.defaultPolicy = defaultPolicy;
    this.webPush = webPush;
    this.players = players;
  }

  /** The key the page passes to {@code pushManager.subscribe({applicationServerKey})}. */
  @GetMapping("/push/vapid-public-key")
  Map<String, String> vapidPublicKey() {
    return Map.of("publicKey", webPush.vapidKeys().publicKeyBase64Url());
  }

  /**
   * What the page posts after the browser granted permission.
   *
   * @param deviceId the page's stable id for this browser
   * @param marketingConsent whether the player agreed to promotions
   * @param subscription {@code PushSubscription.toJSON()}
   */
  record Registration(String deviceId, boolean marketingConsent, JsonNode subscription) {}

  @PostMapping("/players/{playerId}/web-push-subscriptions")
  ResponseEntity<Map<String, String>> register(
      @PathVariable String playerId, @RequestBody Registration registration) {
    if (registration.subscription() == null) {
      throw new InvalidInputException("subscription", "is required: PushSubscription.toJSON()");
    }
    WebPushAddress address =
        WebPushAddress.fromSubscriptionJson(registration.subscription().toString(), false);
    // This demo keeps players in the starter's in-memory directory; a real backend defines a
    // PlayerDirectory bean over its CRM instead.
    players.put(PlayerProfile.builder(playerId).build());
    herald.subscriptions().updatePreferences(playerId, registration.marketingConsent(), Set.of());
    Device device =
        herald.subscriptions().permissionGranted(playerId, registration.deviceId(), address);
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(Map.of("deviceId", device.deviceId(), "status", device.status().name()));
  }

  /**
   * A promotion to a list of players.
   *
   * @param id the campaign id; sending the same id again sends nothing twice
   * @param title the notification's title
   * @param body its text
   * @param players who gets it
   */
  record Promotion(String id, String title, String body, List<String> players) {}

  /** The outcome of a promotion. */
  record PromotionResult(String id, String status, long audience, long delivered, long failed,
      long suppressed, Map<String, Long> suppressedByReason) {
    static PromotionResult of(DispatchReport report) {
      DeliveryStats s = report.stats();
      return new PromotionResult(report.sourceId(), report.status().name(), s.audience(),
          s.delivered(), s.failed(), s.suppressed(), s.suppressedByReason());
    }
  }

  /**
   * Sends a promotion under the default policy of {@code herald.policy.*} (quiet hours, caps).
   * A small audience finishes within moments, so the answer waits up to 30 seconds for the
   * outcome; a larger one answers 202 and keeps going.
   */
  @PostMapping("/promotions")
  ResponseEntity<?> promote(@RequestBody Promotion promotion)
      throws InterruptedException, ExecutionException {
    if (promotion.players() == null || promotion.players().isEmpty()) {
      throw new InvalidInputException("players", "must name at least one player");
    }
    DispatchRequest request = DispatchRequest
        .builder(promotion.id(), Audience.players(promotion.players()))
        .content(Content.of(MessageTemplate.builder()
            .type(NotificationType.PROMOTIONAL)
            .title(promotion.title())
            .body(promotion.body())
            .build()))
        .policy(defaultPolicy)
        .build();
    CompletableFuture<DispatchReport> completion = herald.dispatch(request).completion();
    try {
      return ResponseEntity.ok(PromotionResult.of(completion.get(30, TimeUnit.SECONDS)));
    } catch (TimeoutException stillRunning) {
      return ResponseEntity.accepted().body(Map.of("id", promotion.id(), "status", "RUNNING"));
    }
  }

  @ExceptionHandler(InvalidInputException.class)
  ResponseEntity<Map<String, String>> badInput(InvalidInputException e) {
    return ResponseEntity.badRequest().body(Map.of("field", e.field(), "error", e.getMessage()));
  }
}
