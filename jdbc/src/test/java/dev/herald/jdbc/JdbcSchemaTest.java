package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Migrations apply once, and a store refuses a schema it cannot work with, saying why. */
class JdbcSchemaTest {
  private final DataSource db = TestDatabase.dataSource();

  @Test
  void migrateAppliesOnceAndRecordsItsHistoryApartFromTheHosts() throws SQLException {
    String schema = TestDatabase.freshSchema("migrated");
    assertThat(HeraldSchema.migrate(db, schema)).as("already there: nothing to apply").isZero();
    try (Connection c = db.getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, success FROM " + schema + "."
            + HeraldSchema.HISTORY_TABLE + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
      for (String version : new String[] {"1", "6"}) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(version);
        assertThat(rs.getBoolean(2)).isTrue();
      }
      assertThat(rs.next()).isFalse();
    }
    new JdbcDeliveryStore(db, schema);
  }

  @Test
  void aSchemaNeverMigratedNamesWhatToRun() {
    TestDatabase.execute("CREATE SCHEMA empty_schema");
    assertThatThrownBy(() -> new JdbcSubscriptionStore(db, "empty_schema"))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("schema empty_schema")
        .hasMessageContaining("herald_schema_version")
        .hasMessageContaining("HeraldSchema.migrate(dataSource, \"empty_schema\")")
        .hasMessageContaining("classpath:db/herald/migration");
  }

  @Test
  void aSchemaAtAnotherVersionIsRefused() {
    String schema = TestDatabase.freshSchema("newer");
    TestDatabase.execute("UPDATE " + schema + ".herald_schema_version SET version = 7");
    assertThatThrownBy(() -> new JdbcCampaignStore(db, schema))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("is at version 7, but this herald-jdbc needs version 6")
        .hasMessageContaining("upgrade herald-jdbc");
    TestDatabase.execute("UPDATE " + schema + ".herald_schema_version SET version = 0");
    assertThatThrownBy(() -> new JdbcCampaignStore(db, schema))
        .hasMessageContaining("is at version 0").hasMessageContaining("to upgrade it");
  }

  @Test
  void aMissingTableIsNamed() {
    String schema = TestDatabase.freshSchema("dropped");
    TestDatabase.execute("DROP TABLE " + schema + ".herald_delivery_event");
    assertThatThrownBy(() -> new JdbcDeliveryStore(db, schema))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("lacks table(s) herald_delivery_event");
    new JdbcTriggerStore(db, schema); // the other stores' tables are all there
  }

  @Test
  void aTableDroppedWhileRunningGivesAClearError() {
    String schema = TestDatabase.freshSchema("dropped_later");
    JdbcTriggerStore store = new JdbcTriggerStore(db, schema);
    TestDatabase.execute("DROP TABLE " + schema + ".herald_player_activity");
    assertThatThrownBy(() -> store.lastActivity("p", "LOGIN"))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("JdbcTriggerStore: reading an activity failed (SQLSTATE 42P01)")
        .hasMessageContaining("a table is missing");
  }

  @Test
  void aLostDatabaseGivesAClearError() {
    DataSource unreachable = new org.postgresql.ds.PGSimpleDataSource() {
      {
        setServerNames(new String[] {"127.0.0.1"});
        setPortNumbers(new int[] {1}); // nothing listens on port 1
        setConnectTimeout(2);
      }
    };
    assertThatThrownBy(() -> new JdbcDeliveryStore(unreachable))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("JdbcDeliveryStore: checking the schema failed (SQLSTATE 08")
        .hasMessageContaining("the connection to the database failed");
  }

  @Test
  void aSchemaNameIsCheckedBeforeItReachesSql() {
    assertThatThrownBy(() -> HeraldSchema.migrate(db, "x; DROP TABLE y"))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("schema");
    assertThatThrownBy(() -> new JdbcCampaignStore(db, "Upper"))
        .isInstanceOf(InvalidInputException.class);
  }
}
