package dev.herald.internal.dispatch;

/**
 * Where a dispatch run is. {@link RunControl} holds it and makes every transition:
 * RUNNING ⇄ PAUSED, and either of them → CANCELLED (by the host) or STOPPED (Herald closing).
 * The two ends differ in what happens to work cut off: a cancel settles it as CANCELLED, a stop
 * leaves it claimed for the run that resumes the step.
 */
enum RunState {
  /** Reading the audience and starting provider calls. */
  RUNNING,
  /** Neither reading the audience nor starting provider calls; calls on the wire finish. */
  PAUSED,
  /** Ended by the host: what was cut off is recorded as CANCELLED. */
  CANCELLED,
  /** Ended by Herald closing: what was cut off stays claimed, to be resumed. */
  STOPPED;

  /** @return whether the run has ended */
  boolean ended() {
    return this == CANCELLED || this == STOPPED;
  }

  /** @return whether work cut off by this state is settled (recorded as CANCELLED) */
  boolean settlesCutOffWork() {
    return this == CANCELLED;
  }

  /**
   * The transitions: RUNNING → PAUSED, PAUSED → RUNNING, and RUNNING or PAUSED → CANCELLED or
   * STOPPED. An ended run stays ended.
   *
   * @param to the state asked for
   * @return whether this state may move to {@code to}
   */
  boolean mayMoveTo(RunState to) {
    return switch (this) {
      case RUNNING -> to != RUNNING;
      case PAUSED -> to != PAUSED;
      case CANCELLED, STOPPED -> false;
    };
  }
}
