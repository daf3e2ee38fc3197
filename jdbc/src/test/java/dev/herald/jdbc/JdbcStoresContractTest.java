package dev.herald.jdbc;

import dev.herald.segmentation.SegmentStore;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import dev.herald.testing.CampaignStoreContract;
import dev.herald.testing.DeliveryStoreContract;
import dev.herald.testing.SegmentStoreContract;
import dev.herald.testing.SubscriptionStoreContract;
import dev.herald.testing.TriggerStoreContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.TestInstance;

/** The JDBC stores keep every contract herald-testing ships, on a real PostgreSQL. */
class JdbcStoresContractTest {

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS) // one schema per class, emptied per test
  class SubscriptionStoreTest extends SubscriptionStoreContract {
    private final String schema = TestDatabase.freshSchema("subscriptions");

    @Override
    protected SubscriptionStore newStore() {
      TestDatabase.truncate(schema);
      return new JdbcSubscriptionStore(TestDatabase.dataSource(), schema);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS) // one schema per class, emptied per test
  class DeliveryStoreTest extends DeliveryStoreContract {
    private final String schema = TestDatabase.freshSchema("deliveries");

    @Override
    protected DeliveryStore newStore() {
      TestDatabase.truncate(schema);
      return new JdbcDeliveryStore(TestDatabase.dataSource(), schema);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS) // one schema per class, emptied per test
  class CampaignStoreTest extends CampaignStoreContract {
    private final String schema = TestDatabase.freshSchema("campaigns");

    @Override
    protected CampaignStore newStore() {
      TestDatabase.truncate(schema);
      return new JdbcCampaignStore(TestDatabase.dataSource(), schema);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS) // one schema per class, emptied per test
  class SegmentStoreTest extends SegmentStoreContract {
    private final String schema = TestDatabase.freshSchema("segments");

    @Override
    protected SegmentStore newStore() {
      TestDatabase.truncate(schema);
      return new JdbcSegmentStore(TestDatabase.dataSource(), schema);
    }
  }

  @Nested
  @TestInstance(TestInstance.Lifecycle.PER_CLASS) // one schema per class, emptied per test
  class TriggerStoreTest extends TriggerStoreContract {
    private final String schema = TestDatabase.freshSchema("triggers");

    @Override
    protected TriggerStore newStore() {
      TestDatabase.truncate(schema);
      return new JdbcTriggerStore(TestDatabase.dataSource(), schema);
    }
  }
}
