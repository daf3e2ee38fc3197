package dev.herald.internal.dispatch;

/**
 * Which players of a step's audience one run releases, when a step is sent in several runs: the
 * waves of a local-time campaign, each releasing the players whose zone has reached the time.
 * Every run of the step streams the whole audience (bounded, by key) and walks only the players
 * placed {@link Place#NOW}; each run keeps its own progress under {@link #progressStep()}, while
 * deliveries, claims and statistics stay under the request's step.
 */
public interface Release {

  /** Where a player falls relative to this run. */
  enum Place {
    /** Released by an earlier run of the step. */
    EARLIER,
    /** Released by this run. */
    NOW,
    /** Released by a later run of the step. */
    LATER
  }

  /** @return the key this run's progress is kept under, distinct from every other run's */
  String progressStep();

  /**
   * Places a player; called for every player the run reads, in audience order, on the driver.
   *
   * @param playerId the player
   * @return whether an earlier run, this run or a later run releases them
   */
  Place place(String playerId);

  /**
   * Whether other runs of the step may go on at the same time, on this node or others (the
   * chunks of a campaign shared by several nodes). Such a run releases one range of player ids
   * (its pass ends at the first player placed {@link Place#LATER}, the audience being read in
   * ascending order), settles only its own players' calls left unknown by an earlier run, and
   * records nothing for the whole step: whoever finishes the step's last run does.
   *
   * @return false for runs that follow one another (waves); true for chunks
   */
  default boolean concurrent() {
    return false;
  }

  /**
   * The last player id before this run's range, when its range starts past the audience's
   * beginning: an ordered audience is then read from there (a seek, not a pass over the ids
   * before it).
   *
   * @return the id, or null to read the audience from its start
   */
  default String startsAfter() {
    return null;
  }
}
