package dev.herald.campaign;

import dev.herald.dispatch.DispatchHandle;
import java.util.List;
import java.util.Optional;

/**
 * Creates campaigns and moves them through their lifecycle ({@link CampaignState}). Obtained from
 * {@link dev.herald.Herald#campaigns()}; thread-safe.
 *
 * <p>Runs start through the host's {@link dev.herald.spi.Scheduler}. Every run is a dispatch whose
 * source is the campaign id and whose step is empty for a one-off campaign and the occurrence
 * instant for a recurring one, so events and statistics come from
 * {@link dev.herald.analytics.Analytics#stats(String)}. A {@link Schedule.PlayerLocal} campaign
 * sends each occurrence in waves, one per zone offset in use; the occurrence is one run whose
 * step is the local date and time ({@code 2026-11-24T09:00}), and the campaign's
 * {@link CampaignSnapshot#currentStep()} names the wave in progress or, while scheduled, the next. With durable stores, a restart loses
 * nothing: {@link dev.herald.Herald#recover()} re-arms scheduled campaigns and resumes running
 * ones without sending anything twice.
 *
 * <p>An illegal change (pausing a draft, resuming a completed campaign) throws an
 * {@link IllegalCampaignStateException} and changes nothing.
 */
public interface Campaigns {

  /**
   * Creates a campaign in DRAFT and records a CAMPAIGN_CREATED event.
   *
   * @param campaign the definition
   * @return the stored campaign
   * @throws dev.herald.InvalidInputException when the id is taken, or a segment audience is used
   *     without an audience resolver
   */
  CampaignSnapshot create(Campaign campaign);

  /**
   * Replaces a draft's definition.
   *
   * @param campaign the new definition, with the draft's id
   * @return the stored campaign
   * @throws IllegalCampaignStateException when the campaign is no longer a draft
   */
  CampaignSnapshot update(Campaign campaign);

  /**
   * DRAFT → SCHEDULED: arms the scheduler for the first run (at once for {@link Schedule#now()}).
   *
   * @param id the campaign
   * @return the stored campaign
   */
  CampaignSnapshot schedule(String id);

  /**
   * RUNNING → PAUSED: stops new sends at once.
   *
   * @param id the campaign
   * @return the stored campaign
   */
  CampaignSnapshot pause(String id);

  /**
   * PAUSED → RUNNING: continues the run, sending nothing twice.
   *
   * @param id the campaign
   * @return the stored campaign
   */
  CampaignSnapshot resume(String id);

  /**
   * Stops for good: deliveries not yet sent are suppressed as CANCELLED, future runs dropped.
   *
   * @param id the campaign
   * @return the stored campaign
   */
  CampaignSnapshot cancel(String id);

  /**
   * Reads a campaign.
   *
   * @param id the campaign
   * @return the campaign, or empty
   */
  Optional<CampaignSnapshot> find(String id);

  /** @return every campaign */
  List<CampaignSnapshot> list();

  /**
   * The run in progress in this process.
   *
   * @param id the campaign
   * @return its dispatch handle, or empty when not running here
   */
  Optional<DispatchHandle> currentRun(String id);
}
