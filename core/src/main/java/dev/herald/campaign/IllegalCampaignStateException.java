package dev.herald.campaign;

import java.util.Objects;

/** A lifecycle change the campaign's state does not allow; nothing is changed. */
public final class IllegalCampaignStateException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /** The state the campaign was in. */
  private final CampaignState state;

  /**
   * Creates the exception.
   *
   * @param campaignId the campaign
   * @param state its current state
   * @param action what was asked, for example {@code "pause"}
   * @param allowedFrom the states the action is allowed from
   */
  public IllegalCampaignStateException(
      String campaignId, CampaignState state, String action, String allowedFrom) {
    super("campaign " + campaignId + " is " + state + ": cannot " + action
        + "; allowed only from " + allowedFrom);
    this.state = Objects.requireNonNull(state);
  }

  /** @return the campaign's state, unchanged */
  public CampaignState state() {
    return state;
  }
}
