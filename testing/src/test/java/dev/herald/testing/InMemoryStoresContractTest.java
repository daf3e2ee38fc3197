package dev.herald.testing;

import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.segmentation.SegmentStore;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import java.util.List;
import org.junit.jupiter.api.Nested;

/** The embedded stores keep the contracts the testing module ships. */
class InMemoryStoresContractTest {

  @Nested
  class SubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore newStore() {
      return new InMemorySubscriptionStore();
    }
  }

  @Nested
  class PlayerDirectoryTest extends PlayerDirectoryContract {
    @Override
    protected PlayerDirectory directoryWith(List<PlayerProfile> profiles) {
      InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
      profiles.forEach(directory::put);
      return directory;
    }
  }

  @Nested
  class DeliveryStoreTest extends DeliveryStoreContract {
    @Override
    protected DeliveryStore newStore() {
      return new InMemoryDeliveryStore();
    }
  }

  @Nested
  class CampaignStoreTest extends CampaignStoreContract {
    @Override
    protected CampaignStore newStore() {
      return new InMemoryCampaignStore();
    }
  }

  @Nested
  class SegmentStoreTest extends SegmentStoreContract {
    @Override
    protected SegmentStore newStore() {
      return SegmentStore.inMemory();
    }
  }

  @Nested
  class TriggerStoreTest extends TriggerStoreContract {
    @Override
    protected TriggerStore newStore() {
      return new InMemoryTriggerStore();
    }
  }
}
