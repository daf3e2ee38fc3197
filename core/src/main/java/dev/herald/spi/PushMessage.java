package dev.herald.spi;

import dev.herald.content.Notification;
import dev.herald.internal.Checks;
import dev.herald.subscription.DeviceAddress;
import java.time.Duration;
import java.time.Instant;

/**
 * One prepared message for one address: what a {@link PushProvider} sends.
 *
 * @param deliveryId Herald's id for this delivery, carried in the payload so a click can be
 *     reported back (at most 128 characters)
 * @param address where to send
 * @param notification the rendered content
 * @param expiresAt after this instant the message is worthless; providers derive the TTL header
 *     (Web Push, FCM) or {@code apns-expiration} from it
 */
public record PushMessage(
    String deliveryId, DeviceAddress address, Notification notification, Instant expiresAt) {

  /**
   * Validates the fields.
   *
   * @param deliveryId Herald's id for this delivery, carried in the payload so a click can be
   *     reported back (at most 128 characters)
   * @param address where to send
   * @param notification the rendered content
   * @param expiresAt after this instant the message is worthless; providers derive the TTL header
   *     (Web Push, FCM) or {@code apns-expiration} from it
   */
  public PushMessage {
    deliveryId = Checks.nonBlank(deliveryId, "deliveryId", 128);
    Checks.required(address, "address");
    Checks.required(notification, "notification");
    Checks.required(expiresAt, "expiresAt");
  }

  /**
   * A message that expires the notification's TTL after {@code now}.
   *
   * @param deliveryId the delivery id
   * @param address where to send
   * @param notification the content
   * @param now the current time
   * @return the message
   */
  public static PushMessage of(
      String deliveryId, DeviceAddress address, Notification notification, Instant now) {
    return new PushMessage(deliveryId, address, Checks.required(notification, "notification"),
        Checks.required(now, "now").plus(notification.ttl()));
  }

  /**
   * The time to live left at {@code now}, never negative.
   *
   * @param now the current time
   * @return the remaining TTL, rounded down to whole seconds
   */
  public Duration ttlAt(Instant now) {
    long seconds = Duration.between(now, expiresAt).getSeconds();
    return Duration.ofSeconds(Math.max(0, seconds));
  }
}
