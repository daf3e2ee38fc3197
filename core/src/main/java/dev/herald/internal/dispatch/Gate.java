package dev.herald.internal.dispatch;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.content.Notification;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.Device;
import dev.herald.subscription.PlayerPushState;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One check a player passes on the way to a provider call. {@link Gates} holds a run's gates as
 * an ordered list, in the order the {@code dev.herald.dispatch} package documents, and walks a
 * {@link Visit} through them.
 */
interface Gate {

  /**
   * Checks the player.
   *
   * @param visit the player's pass through the gates, which a gate may narrow (the devices still
   *     in play) or fill in (the notification, the claimed deliveries)
   * @return {@link Verdict#PASS} to go on to the next gate, or why not
   */
  Verdict check(Visit visit);

  /** What a gate decided. */
  sealed interface Verdict {
    /** On to the next gate; after the last one, the claimed deliveries are sent. */
    Verdict PASS = new Pass();
    /** Nothing more to do: the gate recorded what it decided (or there was nothing to record). */
    Verdict DECIDED = new Decided();
    /** The run stopped: nothing is recorded and the player is read again when the step resumes. */
    Verdict LEFT = new Left();

    /** On to the next gate. */
    record Pass() implements Verdict {}

    /** Nothing more to do. */
    record Decided() implements Verdict {}

    /** Left for a resumed run. */
    record Left() implements Verdict {}

    /**
     * Every device still in play is suppressed with this reason.
     *
     * @param reason the suppression reason
     * @param detail detail text, or {@code ""}
     */
    record Suppress(String reason, String detail) implements Verdict {}

    /**
     * Quiet hours: the player goes through every gate again at {@code until}.
     *
     * @param until when the quiet hours end
     */
    record Postpone(Instant until) implements Verdict {}

    /**
     * The verdict comes later (the compliance guard answers asynchronously).
     *
     * @param verdict completes with the verdict, never exceptionally
     */
    record Later(CompletableFuture<Verdict> verdict) implements Verdict {}
  }

  /** One player's pass through the gates. */
  final class Visit {
    final String playerId;
    final Optional<PlayerProfile> profile;
    final PlayerPushState state;
    /**
     * {@link dev.herald.subscription.Subscriptions#changeCount} read before {@link #state}, and
     * when: while the count holds, the claim batch's address check trusts the state's devices.
     */
    final long stateChanges;
    final Instant stateReadAt;
    final Variants.Assignment assignment;
    /** The devices still in play: targeted, not yet decided, and (after gate 1) sendable. */
    List<Device> devices;
    /** Read when the player lock is taken: caps, quiet hours and expiry use one instant. */
    Instant now;
    Optional<ZoneId> zone = Optional.empty();
    Notification notification;
    List<Delivery> claimed = List.of();
    /**
     * The player's deliveries created since {@link #recentSince}, read ahead with the player's
     * page of the audience after {@link PendingClaims#mark()} gave {@link #recentMark}; null when
     * not read ahead (the cap gate reads the store).
     */
    List<DeliveryRecord> recent;
    Instant recentSince;
    long recentMark;

    Visit(String playerId, Optional<PlayerProfile> profile, PlayerPushState state,
        long stateChanges, Instant stateReadAt, Variants.Assignment assignment) {
      this.playerId = playerId;
      this.profile = profile;
      this.state = state;
      this.stateChanges = stateChanges;
      this.stateReadAt = stateReadAt;
      this.assignment = assignment;
    }
  }
}
