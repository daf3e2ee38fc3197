package dev.herald.spi;

import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where campaigns are kept, so that scheduled and running campaigns survive a restart (see
 * {@link dev.herald.Herald#recover()}). {@code dev.herald.embedded.InMemoryCampaignStore} is the
 * default; {@code dev.herald.testing.CampaignStoreContract} checks an implementation.
 */
public interface CampaignStore {

  /**
   * Stores {@code next} if the stored version is {@code expectedVersion} (0 when the campaign must
   * not exist yet).
   *
   * @param next the new state; its version is {@code expectedVersion + 1}
   * @param expectedVersion the version the caller read, 0 for a new campaign
   * @return true when stored, false when another writer got there first
   */
  boolean save(StoredCampaign next, long expectedVersion);

  /**
   * Reads a campaign.
   *
   * @param id the campaign id
   * @return the campaign, or empty
   */
  Optional<StoredCampaign> find(String id);

  /**
   * Streams every campaign, in no particular order. The caller closes the stream.
   *
   * @return the campaigns
   */
  Stream<StoredCampaign> all();
}
