package dev.herald.content;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.internal.Utf8Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link ContentKind#LIVE_ACTIVITY} push tells an iOS Live Activity: which activity, the
 * event (update or end), the new content state, and when the activity goes stale or leaves the
 * Lock Screen. APNs receives it as the {@code aps} keys {@code timestamp}, {@code event},
 * {@code content-state}, {@code stale-date} and {@code dismissal-date}.
 *
 * <p><b>Which devices.</b> A Live Activity has a push token of its own, which the app sends to the
 * backend when the activity starts. Register it as a device of the player whose id is the
 * activity id (or the activity id, a slash and anything, when the player follows the same
 * activity on two devices), with {@code ApnsAddress.liveActivity(token, bundleId)}. A Live
 * Activity push reaches exactly those devices of each player in the audience; other content never
 * reaches them.
 *
 * <pre>{@code
 * LiveActivity goal = LiveActivity.update("match-8812")
 *     .contentState(Map.of("home", 2, "away", 1, "minute", 67))
 *     .timestamp(goalScoredAt)
 *     .staleDate(goalScoredAt.plus(Duration.ofMinutes(10)))
 *     .build();
 * }</pre>
 *
 * <p>The content state is the same for every player (it is not a template), and its JSON must
 * match the app's {@code ActivityAttributes.ContentState}. Starting an activity remotely
 * (push-to-start) is not sent through dispatch; use {@code ApnsProvider.send(ApnsNotification)}.
 * Immutable.
 */
public final class LiveActivity {
  /** The longest activity id accepted, in characters. */
  public static final int MAX_ACTIVITY_ID_CHARS = 128;

  /** What the push does to the activity. */
  public enum Event {
    /** New content for a running activity ({@code "event": "update"}). */
    UPDATE("update"),
    /** The activity ends ({@code "event": "end"}), showing its final content until dismissed. */
    END("end");

    private final String apsValue;

    Event(String apsValue) {
      this.apsValue = apsValue;
    }

    /** @return the value of {@code aps.event}: {@code "update"} or {@code "end"} */
    public String apsValue() {
      return apsValue;
    }
  }

  private final String activityId;
  private final Event event;
  private final String contentStateJson;
  private final Instant timestamp;
  private final Instant staleDate;
  private final Instant dismissalDate;

  private LiveActivity(Builder b) {
    this.activityId = b.activityId;
    this.event = b.event;
    this.contentStateJson = b.contentStateJson;
    this.timestamp = b.timestamp;
    this.staleDate = b.staleDate;
    this.dismissalDate = b.dismissalDate;
  }

  /**
   * Starts an update to a running activity.
   *
   * @param activityId the activity, as the player's Live Activity devices are named
   * @return a builder; the content state is required
   */
  public static Builder update(String activityId) {
    return new Builder(activityId, Event.UPDATE);
  }

  /**
   * Starts the end of an activity.
   *
   * @param activityId the activity, as the player's Live Activity devices are named
   * @return a builder; the (final) content state is required
   */
  public static Builder end(String activityId) {
    return new Builder(activityId, Event.END);
  }

  /** @return the activity id the player's Live Activity devices are named by */
  public String activityId() {
    return activityId;
  }

  /** @return UPDATE or END */
  public Event event() {
    return event;
  }

  /** @return the content state as compact JSON (an object), as sent in {@code content-state} */
  public String contentStateJson() {
    return contentStateJson;
  }

  /**
   * The time of the change this push reports ({@code aps.timestamp}); the device ignores a push
   * older than the state it shows, so a late retry never overwrites a newer score.
   *
   * @return the timestamp, or empty to use the time of the send
   */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  /** @return when the system shows the activity as out of date ({@code stale-date}) */
  public Optional<Instant> staleDate() {
    return Optional.ofNullable(staleDate);
  }

  /** @return when an ended activity leaves the Lock Screen ({@code dismissal-date}); END only */
  public Optional<Instant> dismissalDate() {
    return Optional.ofNullable(dismissalDate);
  }

  /**
   * Whether a device id names this activity: it is the activity id, or starts with the activity
   * id and a slash ({@code match-8812/ipad}).
   *
   * @param deviceId the id of one of the player's Live Activity devices
   * @return true when a push for this activity is meant for that device
   */
  public boolean matchesDeviceId(String deviceId) {
    String id = Checks.required(deviceId, "deviceId");
    return id.equals(activityId)
        || (id.length() > activityId.length() && id.startsWith(activityId)
            && id.charAt(activityId.length()) == '/');
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LiveActivity a && activityId.equals(a.activityId) && event == a.event
        && contentStateJson.equals(a.contentStateJson) && Objects.equals(timestamp, a.timestamp)
        && Objects.equals(staleDate, a.staleDate) && Objects.equals(dismissalDate, a.dismissalDate);
  }

  @Override
  public int hashCode() {
    return Objects.hash(activityId, event, contentStateJson, timestamp, staleDate, dismissalDate);
  }

  @Override
  public String toString() {
    return "LiveActivity{" + activityId + ", " + event.apsValue() + "}";
  }

  /** Builds a {@link LiveActivity}; setters validate their argument. Not thread-safe. */
  public static final class Builder {
    private final String activityId;
    private final Event event;
    private String contentStateJson;
    private Instant timestamp;
    private Instant staleDate;
    private Instant dismissalDate;

    private Builder(String activityId, Event event) {
      this.activityId = Checks.nonBlank(activityId, "liveActivity.activityId",
          MAX_ACTIVITY_ID_CHARS);
      if (this.activityId.contains("/")) {
        throw new InvalidInputException("liveActivity.activityId",
            "must not contain '/', which separates the activity id from a device suffix");
      }
      this.event = event;
    }

    /**
     * Sets the content state from plain values: strings, numbers, booleans, lists and maps.
     *
     * @param state the state, keyed as the app's {@code ContentState} properties
     * @return this builder
     * @throws InvalidInputException naming {@code liveActivity.contentState} when a value is not
     *     JSON-like or the JSON exceeds {@value Notification#MAX_DATA_BYTES} bytes
     */
    public Builder contentState(Map<String, ?> state) {
      Checks.required(state, "liveActivity.contentState");
      return contentState(Utf8Json.toNode(state, "liveActivity.contentState"));
    }

    /**
     * Sets the content state from JSON text.
     *
     * @param json a JSON object
     * @return this builder
     * @throws InvalidInputException naming {@code liveActivity.contentState} when the text is not
     *     a JSON object or exceeds {@value Notification#MAX_DATA_BYTES} bytes
     */
    public Builder contentStateJson(String json) {
      Checks.nonBlank(json, "liveActivity.contentState");
      try {
        return contentState(Utf8Json.mapper().readTree(json));
      } catch (JsonProcessingException e) {
        throw new InvalidInputException("liveActivity.contentState",
            "is not valid JSON: " + e.getOriginalMessage());
      }
    }

    private Builder contentState(JsonNode node) {
      if (node == null || !node.isObject()) {
        throw new InvalidInputException("liveActivity.contentState", "must be a JSON object");
      }
      String json = new String(Utf8Json.bytes(node), StandardCharsets.UTF_8);
      Checks.maxUtf8Bytes(json, "liveActivity.contentState", Notification.MAX_DATA_BYTES);
      this.contentStateJson = json;
      return this;
    }

    /**
     * @param value the time of the change the push reports, or null for the time of the send
     * @return this builder
     */
    public Builder timestamp(Instant value) {
      this.timestamp = value;
      return this;
    }

    /**
     * @param value when the activity shows as out of date, or null
     * @return this builder
     */
    public Builder staleDate(Instant value) {
      this.staleDate = value;
      return this;
    }

    /**
     * Sets when an ended activity leaves the Lock Screen (by default the system keeps it up to
     * four hours); only for {@link Event#END}.
     *
     * @param value the instant, or null for the system's default
     * @return this builder
     * @throws InvalidInputException when this is an update
     */
    public Builder dismissalDate(Instant value) {
      if (value != null && event != Event.END) {
        throw new InvalidInputException("liveActivity.dismissalDate",
            "applies to an end event only; use LiveActivity.end(activityId)");
      }
      this.dismissalDate = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the Live Activity fields
     * @throws InvalidInputException when the content state is missing
     */
    public LiveActivity build() {
      if (contentStateJson == null) {
        throw new InvalidInputException("liveActivity.contentState",
            "is required: the app decodes it into its ActivityAttributes.ContentState");
      }
      return new LiveActivity(this);
    }
  }
}
