package dev.herald.trigger;

import dev.herald.internal.Attributes;
import dev.herald.internal.Checks;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Something a player did, reported by the host to {@link Triggers#report}: a deposit, a login, a
 * tournament about to end. Attributes take the same value types as profile attributes.
 *
 * <pre>{@code
 * PlayerEvent abandoned = PlayerEvent.builder("evt-981", "player-42", PlayerEventType.DEPOSIT_ABANDONED,
 *         clock.instant())
 *     .attribute("amount", 50).attribute("method", "card")
 *     .build();
 * }</pre>
 *
 * @param eventId the host's unique id for the event (a retried report with the same id sends
 *     nothing twice), at most 128 characters
 * @param playerId the player
 * @param type what happened
 * @param occurredAt when it happened
 * @param attributes details, for rule conditions and message placeholders
 */
public record PlayerEvent(String eventId, String playerId, PlayerEventType type,
    Instant occurredAt, Map<String, Object> attributes) {

  /**
   * Validates and copies.
   *
   * @param eventId the host's unique id for the event (a retried report with the same id sends
   *     nothing twice), at most 128 characters
   * @param playerId the player
   * @param type what happened
   * @param occurredAt when it happened
   * @param attributes details, for rule conditions and message placeholders
   */
  public PlayerEvent {
    eventId = Checks.nonBlank(eventId, "event.eventId", 128);
    playerId = Checks.nonBlank(playerId, "event.playerId", 128);
    Checks.required(type, "event.type");
    Checks.required(occurredAt, "event.occurredAt");
    TreeMap<String, Object> copy = new TreeMap<>();
    Checks.required(attributes, "event.attributes").forEach((k, v) -> {
      String name = Attributes.name(k, "event.attribute");
      if (v != null) {
        copy.put(name, Attributes.value(name, v));
      }
    });
    attributes = Collections.unmodifiableMap(copy);
  }

  /**
   * Starts an event.
   *
   * @param eventId the host's unique id for it
   * @param playerId the player
   * @param type what happened
   * @param occurredAt when
   * @return a builder
   */
  public static Builder builder(
      String eventId, String playerId, PlayerEventType type, Instant occurredAt) {
    return new Builder(eventId, playerId, type, occurredAt);
  }

  /**
   * One attribute.
   *
   * @param name the attribute
   * @return its value, or empty
   */
  public Optional<Object> attribute(String name) {
    return Optional.ofNullable(attributes.get(name));
  }

  /** Builds a {@link PlayerEvent}. */
  public static final class Builder {
    private final String eventId;
    private final String playerId;
    private final PlayerEventType type;
    private final Instant occurredAt;
    private final Map<String, Object> attributes = new TreeMap<>();

    private Builder(String eventId, String playerId, PlayerEventType type, Instant occurredAt) {
      this.eventId = eventId;
      this.playerId = playerId;
      this.type = type;
      this.occurredAt = occurredAt;
    }

    /**
     * @param name the attribute
     * @param value a string, boolean, number, instant or collection of strings
     * @return this builder
     */
    public Builder attribute(String name, Object value) {
      String n = Attributes.name(name, "event.attribute");
      attributes.put(n, Attributes.value(n, Checks.required(value, "event.attribute " + n)));
      return this;
    }

    /** @return the event */
    public PlayerEvent build() {
      return new PlayerEvent(eventId, playerId, type, occurredAt, attributes);
    }
  }
}
