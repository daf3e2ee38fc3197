package dev.herald.testing.apns;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * How a {@link MockApnsServer} answers a notification that passed its checks: accept it, or
 * refuse it with one of Apple's reasons (or any status and text, to test reasons Apple may add).
 */
public final class MockApnsAnswer {
  private static final MockApnsAnswer ACCEPT = new MockApnsAnswer(200, null, null);

  private final int status;
  private final String reason;
  private final Instant timestamp;

  private MockApnsAnswer(int status, String reason, Instant timestamp) {
    this.status = status;
    this.reason = reason;
    this.timestamp = timestamp;
  }

  /** @return 200 with an {@code apns-id} */
  public static MockApnsAnswer accept() {
    return ACCEPT;
  }

  /**
   * Refuses with a documented reason. The 410 reasons carry the server clock's time as their
   * timestamp.
   *
   * @param reason the reason
   * @return the answer
   */
  public static MockApnsAnswer reject(MockApnsReason reason) {
    Objects.requireNonNull(reason, "reason");
    return new MockApnsAnswer(reason.status(), reason.text(), null);
  }

  /**
   * Refuses a token as no longer active since an instant (410 Unregistered with a timestamp).
   *
   * @param since when the token became inactive
   * @return the answer
   */
  public static MockApnsAnswer unregistered(Instant since) {
    return new MockApnsAnswer(410, MockApnsReason.UNREGISTERED.text(),
        Objects.requireNonNull(since, "since"));
  }

  /**
   * Refuses with a 410 reason and a given timestamp.
   *
   * @param reason UNREGISTERED or EXPIRED_TOKEN
   * @param timestamp the instant reported, sent in epoch milliseconds
   * @return the answer
   */
  public static MockApnsAnswer reject(MockApnsReason reason, Instant timestamp) {
    if (!reason.hasTimestamp()) {
      throw new IllegalArgumentException(reason + " carries no timestamp; only 410 reasons do");
    }
    return new MockApnsAnswer(reason.status(), reason.text(), Objects.requireNonNull(timestamp));
  }

  /**
   * Refuses with any status and reason text, such as one Apple has not documented yet.
   *
   * @param status the HTTP status, 400 to 599
   * @param reasonText the {@code reason} in the JSON body
   * @return the answer
   */
  public static MockApnsAnswer rejectWith(int status, String reasonText) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be 400 to 599, got " + status);
    }
    return new MockApnsAnswer(status, Objects.requireNonNull(reasonText, "reasonText"), null);
  }

  /** @return the HTTP status */
  public int status() {
    return status;
  }

  /** @return the reason text, empty for an accepted notification */
  public Optional<String> reason() {
    return Optional.ofNullable(reason);
  }

  /** @return the timestamp of a 410 answer, if one was given */
  public Optional<Instant> timestamp() {
    return Optional.ofNullable(timestamp);
  }

  @Override
  public String toString() {
    return status == 200 ? "accept" : status + " " + reason;
  }
}
