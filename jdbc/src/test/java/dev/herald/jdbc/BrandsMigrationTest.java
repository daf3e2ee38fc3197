package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryRecord;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** V2__brands.sql: rows written at schema version 1 belong to the default brand afterwards. */
class BrandsMigrationTest {
  private final DataSource db = TestDatabase.dataSource();

  @Test
  void rowsFromBeforeBrandsAreOfTheDefaultBrand() {
    String schema = "before_brands_" + System.nanoTime();
    Flyway.configure().dataSource(db).locations(HeraldSchema.LOCATION)
        .table(HeraldSchema.HISTORY_TABLE).schemas(schema).defaultSchema(schema)
        .createSchemas(true).target("1").load().migrate();
    String p = schema + ".";
    TestDatabase.execute("INSERT INTO " + p + "herald_device (player_id, device_id, platform,"
        + " status, address, address_epoch, address_since, created_at, status_changed_at,"
        + " last_seen_at, version) VALUES ('p', 'app', 'FCM', 'ALLOWED', 'token-1', 1,"
        + " now(), now(), now(), now(), 1)");
    String columns = "(key, delivery_id, source_id, step, player_id, device_id, platform,"
        + " variant, type, type_purpose, type_category, category, state, reason, detail,"
        + " created_at, updated_at, attempts, http_status, conversions, conversion_value)";
    TestDatabase.execute("INSERT INTO " + p + "herald_delivery " + columns + " VALUES"
        + " ('c||p|app', 'd1', 'c', '', 'p', 'app', 'FCM', 'default', 'PROMOTIONAL',"
        + " 'MARKETING', 'promotions', 'promotions', 'DELIVERED', '', '', now(), now(), 1, 200,"
        + " 0, 0),"
        + " ('c||q|', 'd2', 'c', '', 'q', NULL, NULL, 'default', 'PROMOTIONAL',"
        + " 'MARKETING', 'promotions', 'promotions', 'SUPPRESSED', 'NO_DEVICE', '', now(), now(),"
        + " 0, 0, 0, 0)");

    assertThat(HeraldSchema.migrate(db, schema)).as("every migration after V1").isPositive();

    Device device = new JdbcSubscriptionStore(db, schema).findDevice("p", "app").orElseThrow();
    assertThat(device.brand()).isEqualTo(Brand.DEFAULT);
    List<DeliveryRecord> records;
    try (Stream<DeliveryRecord> all = new JdbcDeliveryStore(db, schema).deliveriesOf("c")) {
      records = all.toList();
    }
    assertThat(records).hasSize(2);
    assertThat(records).filteredOn(r -> r.deviceId().isPresent())
        .extracting(DeliveryRecord::brand).containsExactly(java.util.Optional.of(Brand.DEFAULT));
    assertThat(records).filteredOn(r -> r.deviceId().isEmpty())
        .extracting(DeliveryRecord::brand).containsExactly(java.util.Optional.empty());
  }
}
