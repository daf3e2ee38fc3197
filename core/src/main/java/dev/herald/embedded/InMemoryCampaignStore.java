package dev.herald.embedded;

import dev.herald.internal.Checks;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.StoredCampaign;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** A thread-safe {@link CampaignStore} in memory: the default when the host supplies none. */
public final class InMemoryCampaignStore implements CampaignStore {
  private final Map<String, StoredCampaign> campaigns = new ConcurrentHashMap<>();

  /** Creates an empty store. */
  public InMemoryCampaignStore() {}

  @Override
  public boolean save(StoredCampaign next, long expectedVersion) {
    Checks.required(next, "campaign");
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("campaign.version must be expectedVersion + 1 = "
          + (expectedVersion + 1) + ", got " + next.version());
    }
    if (expectedVersion == 0) {
      return campaigns.putIfAbsent(next.id(), next) == null;
    }
    boolean[] swapped = {false};
    campaigns.computeIfPresent(next.id(), (id, current) -> {
      if (current.version() == expectedVersion) {
        swapped[0] = true;
        return next;
      }
      return current;
    });
    return swapped[0];
  }

  @Override
  public Optional<StoredCampaign> find(String id) {
    return id == null ? Optional.empty() : Optional.ofNullable(campaigns.get(id));
  }

  @Override
  public Stream<StoredCampaign> all() {
    return List.copyOf(campaigns.values()).stream();
  }
}
