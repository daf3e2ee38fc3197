package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.HeraldStorageException;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.jdbc.JdbcTriggerStore;
import dev.herald.spi.DeliveryStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** herald-jdbc's stores over the application's DataSource, on a real (embedded) PostgreSQL. */
class HeraldJdbcAutoConfigurationTest {
  private static final AtomicInteger SCHEMAS = new AtomicInteger();
  private static EmbeddedPostgres postgres;

  /** One PostgreSQL per test JVM, stopped when the JVM exits. */
  private static synchronized DataSource database() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException("starting embedded PostgreSQL failed", e);
      }
      EmbeddedPostgres started = postgres;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          started.close();
        } catch (IOException ignored) {
          // the JVM is exiting
        }
      }));
    }
    return postgres.getPostgresDatabase();
  }

  /** @return a schema name no other test uses */
  private static String freshSchema() {
    return "boot_" + SCHEMAS.incrementAndGet();
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(
          HeraldJdbcAutoConfiguration.class, HeraldAutoConfiguration.class))
      .withBean(DataSource.class, HeraldJdbcAutoConfigurationTest::database);

  @Test
  void withADataSourceTheJdbcStoresBackHeraldAfterTheSchemaIsMigrated() {
    String schema = freshSchema();
    runner.withPropertyValues("herald.jdbc.schema=" + schema).run(context -> {
      assertThat(context).hasNotFailed()
          .hasSingleBean(JdbcSubscriptionStore.class)
          .hasSingleBean(JdbcDeliveryStore.class)
          .hasSingleBean(JdbcCampaignStore.class)
          .hasSingleBean(JdbcTriggerStore.class)
          .doesNotHaveBean(InMemorySubscriptionStore.class)
          .doesNotHaveBean(InMemoryDeliveryStore.class)
          .doesNotHaveBean(InMemoryCampaignStore.class)
          .doesNotHaveBean(InMemoryTriggerStore.class)
          .hasSingleBean(Herald.class);
      HeraldJdbcSchemaMigration migration = context.getBean(HeraldJdbcSchemaMigration.class);
      assertThat(migration.schema()).isEqualTo(schema);
      // migration versions need not be contiguous (V1, V6, ...): the version row says where it is
      assertThat(migration.migrationsApplied()).as("a fresh schema is migrated").isPositive();
      assertThat(schemaVersion(schema)).isEqualTo(HeraldSchema.VERSION);
      context.getBean(Herald.class).subscriptions().permissionGranted("p-1", "phone",
          new dev.herald.subscription.FcmAddress("fcm-token-1"));
      assertThat(count(schema + ".herald_device")).as("Herald wrote to PostgreSQL").isEqualTo(1);
    });
    runner.withPropertyValues("herald.jdbc.schema=" + schema).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context.getBean(HeraldJdbcSchemaMigration.class).migrationsApplied())
          .as("a second start finds the schema up to date").isZero();
    });
  }

  @Test
  void theDefaultSchemaIsHerald() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(JdbcDeliveryStore.class);
      assertThat(context.getBean(HeraldJdbcSchemaMigration.class).schema()).isEqualTo("herald");
      assertThat(schemaVersion("herald")).isEqualTo(HeraldSchema.VERSION);
    });
  }

  @Test
  void anEmptySchemaMeansTheConnectionsSearchPath() {
    // the only test that uses the search path (public) of the shared database
    runner.withPropertyValues("herald.jdbc.schema=").run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(JdbcDeliveryStore.class);
      assertThat(context.getBean(HeraldJdbcSchemaMigration.class).schema()).isNull();
      assertThat(schemaVersion("public")).isEqualTo(HeraldSchema.VERSION);
    });
  }

  @Test
  void withoutHeraldJdbcOnTheClassPathTheInMemoryStoresRemain() {
    runner.withClassLoader(new FilteredClassLoader(JdbcDeliveryStore.class)).run(context ->
        assertThat(context).hasNotFailed()
            .hasSingleBean(InMemorySubscriptionStore.class)
            .hasSingleBean(InMemoryDeliveryStore.class)
            .hasSingleBean(InMemoryCampaignStore.class)
            .hasSingleBean(InMemoryTriggerStore.class)
            .doesNotHaveBean(HeraldJdbcSchemaMigration.class));
  }

  @Test
  void withoutADataSourceTheInMemoryStoresRemain() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(
            HeraldJdbcAutoConfiguration.class, HeraldAutoConfiguration.class))
        .run(context -> assertThat(context).hasNotFailed()
            .hasSingleBean(InMemoryDeliveryStore.class)
            .doesNotHaveBean(JdbcDeliveryStore.class)
            .doesNotHaveBean(HeraldJdbcSchemaMigration.class));
  }

  @Test
  void theApplicationsDeliveryStoreWins() {
    runner.withPropertyValues("herald.jdbc.schema=" + freshSchema())
        .withUserConfiguration(OwnDeliveryStore.class).run(context -> {
          assertThat(context).hasNotFailed()
              .hasSingleBean(DeliveryStore.class)
              .doesNotHaveBean(JdbcDeliveryStore.class)
              .hasSingleBean(JdbcSubscriptionStore.class)
              .hasSingleBean(JdbcTriggerStore.class);
          assertThat(context.getBean(DeliveryStore.class))
              .isSameAs(context.getBean("ownDeliveryStore"));
        });
  }

  @Test
  void disabledKeepsTheInMemoryStoresAndMigratesNothing() throws SQLException {
    String schema = freshSchema();
    runner.withPropertyValues("herald.jdbc.enabled=false", "herald.jdbc.schema=" + schema)
        .run(context -> assertThat(context).hasNotFailed()
            .hasSingleBean(InMemoryDeliveryStore.class)
            .hasSingleBean(InMemorySubscriptionStore.class)
            .doesNotHaveBean(JdbcDeliveryStore.class)
            .doesNotHaveBean(HeraldJdbcSchemaMigration.class));
    assertThat(schemaExists(schema)).isFalse();
  }

  @Test
  void withoutMigrationAMissingSchemaFailsTheStartSayingWhatToRun() throws SQLException {
    String schema = freshSchema();
    runner.withPropertyValues("herald.jdbc.migrate=false", "herald.jdbc.schema=" + schema)
        .run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOf(HeraldStorageException.class)
              .hasMessageContaining("schema " + schema)
              .hasMessageContaining(HeraldSchema.LOCATION);
        });
    assertThat(schemaExists(schema)).isFalse();
  }

  @Test
  void bootsFlywayCanRunHeraldsMigrationsInstead() {
    String schema = freshSchema();
    runner.withConfiguration(AutoConfigurations.of(FlywayAutoConfiguration.class))
        .withPropertyValues("herald.jdbc.migrate=false", "herald.jdbc.schema=" + schema,
            "spring.flyway.schemas=" + schema,
            "spring.flyway.locations=" + HeraldSchema.LOCATION)
        .run(context -> {
          assertThat(context).hasNotFailed()
              .hasSingleBean(Flyway.class)
              .hasSingleBean(JdbcDeliveryStore.class)
              .doesNotHaveBean(HeraldJdbcSchemaMigration.class);
          assertThat(schemaVersion(schema)).isEqualTo(HeraldSchema.VERSION);
        });
  }

  @Test
  void withoutFlywayTheStartFailsSayingWhatToRun() throws SQLException {
    String schema = freshSchema();
    runner.withClassLoader(new FilteredClassLoader(Flyway.class))
        .withPropertyValues("herald.jdbc.schema=" + schema).run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOf(HeraldStorageException.class)
              .hasMessageContaining("HeraldSchema.migrate(dataSource, \"" + schema + "\")");
        });
    assertThat(schemaExists(schema)).isFalse();
  }

  private static int count(String table) throws SQLException {
    try (Connection c = database().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    }
  }

  private static int schemaVersion(String schema) throws SQLException {
    try (Connection c = database().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version FROM " + schema + ".herald_schema_version")) {
      assertThat(rs.next()).as("a version row in " + schema).isTrue();
      return rs.getInt(1);
    }
  }

  private static boolean schemaExists(String schema) throws SQLException {
    try (Connection c = database().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.schemata"
            + " WHERE schema_name = '" + schema + "'")) {
      rs.next();
      return rs.getInt(1) == 1;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnDeliveryStore {
    @Bean
    DeliveryStore ownDeliveryStore() {
      return new InMemoryDeliveryStore();
    }
  }
}
