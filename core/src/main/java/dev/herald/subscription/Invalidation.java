package dev.herald.subscription;

import dev.herald.internal.Checks;
import java.time.Instant;

/**
 * A push service's report that a device's address is dead (APNs {@code Unregistered}, FCM
 * {@code UNREGISTERED}, Web Push 404/410), as recorded on the device.
 *
 * @param reason the provider's reason, for example {@code "Unregistered"} or {@code "410 Gone"}
 * @param at when the provider says the address stopped being valid (or when it answered)
 * @param addressKey the {@link DeviceAddress#key()} of the address that died
 */
public record Invalidation(String reason, Instant at, String addressKey) {
  /**
   * Validates the fields.
   *
   * @param reason the provider's reason, for example {@code "Unregistered"} or {@code "410 Gone"}
   * @param at when the provider says the address stopped being valid (or when it answered)
   * @param addressKey the {@link DeviceAddress#key()} of the address that died
   */
  public Invalidation {
    reason = Checks.nonBlank(reason, "invalidation.reason", 512);
    Checks.required(at, "invalidation.at");
    addressKey = Checks.nonBlank(addressKey, "invalidation.addressKey");
  }
}
