package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.campaign.Campaign;
import dev.herald.campaign.CampaignState;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.embedded.LocalLeases;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.HeraldStorageException;
import dev.herald.jdbc.JdbcAudienceChunks;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcLeases;
import dev.herald.jdbc.JdbcScheduler;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.jdbc.JdbcTriggerStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Leases;
import dev.herald.spi.Scheduler;
import dev.herald.testing.ManualScheduler;
import dev.herald.testing.MutableClock;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
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
      assertThat(migration.migrationsApplied()).as("every script of " + HeraldSchema.LOCATION)
          .isEqualTo(count(schema + "." + HeraldSchema.HISTORY_TABLE
              + " WHERE success AND version IS NOT NULL"));
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

  @Test
  void aJdbcSchedulerBeanInTheStartersSchemaIsHeraldsScheduler() {
    String schema = freshSchema();
    runner.withPropertyValues("herald.jdbc.schema=" + schema)
        .withUserConfiguration(ClusterScheduler.class).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(dev.herald.jdbc.JdbcScheduler.class);
          dev.herald.jdbc.JdbcScheduler scheduler =
              context.getBean(dev.herald.jdbc.JdbcScheduler.class);
          assertThat(context.getBean(Herald.class).scheduler()).isSameAs(scheduler);
          assertThat(count(schema + ".herald_node")).as("started by Herald: a live node")
              .isEqualTo(1);
        });
  }

  /** {@code herald.cluster.*}: leases, the db-scheduler scheduler, the node id, lease times. */
  @Nested
  class Cluster {
    private final Instant now = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void offByDefault() {
      runner.withPropertyValues("herald.jdbc.schema=" + freshSchema()).run(context -> {
        assertThat(context).hasNotFailed().hasSingleBean(JdbcDeliveryStore.class)
            .doesNotHaveBean(Leases.class)
            .doesNotHaveBean(JdbcScheduler.class);
        assertThat(context.getBean(Herald.class).scheduler())
            .isNotInstanceOf(JdbcScheduler.class);
      });
    }

    @Test
    void enabledBuildsHeraldWithJdbcLeasesTheJdbcSchedulerTheNodeIdAndTheLeaseTimes() {
      String schema = freshSchema();
      runner.withPropertyValues("herald.jdbc.schema=" + schema, "herald.cluster.enabled=true",
              "herald.cluster.node-id=node-7", "herald.cluster.lease-heartbeat=2s",
              "herald.cluster.lease-expiry=7s")
          .withBean(Clock.class, () -> Clock.fixed(now, ZoneOffset.UTC))
          .run(context -> {
            assertThat(context).hasNotFailed()
                .hasSingleBean(JdbcLeases.class)
                .hasSingleBean(JdbcScheduler.class);
            Herald herald = context.getBean(Herald.class);
            assertThat(herald.nodeId()).isEqualTo("node-7");
            assertThat(herald.scheduler()).isSameAs(context.getBean(JdbcScheduler.class));
            assertThat(strings("SELECT name FROM " + schema + ".herald_node"))
                .as("the scheduler, started by Herald, under the node id").containsExactly("node-7");

            // a run takes its lease in herald_lease, for the configured expiry, as node-7
            DispatchReport report = herald.dispatch(DispatchRequest.builder("promo",
                    Audience.players(List.of("nobody")))
                .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
                    .title("Hi").build()))
                .build()).completion().get(60, TimeUnit.SECONDS);
            assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
            assertThat(strings("SELECT owner || ' ' || (expires_at = timestamptz '"
                + now.plusSeconds(7) + "') FROM " + schema + ".herald_lease"))
                .containsExactly("node-7 true");
          });
    }

    @Test
    void enabledSharesEachCampaignRunInChunksOfTheConfiguredSize() {
      String schema = freshSchema();
      runner.withPropertyValues("herald.jdbc.schema=" + schema, "herald.cluster.enabled=true",
              "herald.cluster.players-per-chunk=2")
          .run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(JdbcAudienceChunks.class);
            Herald herald = context.getBean(Herald.class);
            herald.campaigns().create(Campaign.builder("promo", "Promo")
                .audience(Audience.players(List.of("p1", "p2", "p3", "p4", "p5")))
                .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
                    .title("Hi").build()))
                .build());
            herald.campaigns().schedule("promo");
            awaitCompleted(herald, "promo");
            assertThat(strings("SELECT chunks || ' ' || finished FROM " + schema
                + ".herald_chunk_plan WHERE source_id = 'promo'"))
                .as("five players in chunks of two: three chunks, the run finished once")
                .containsExactly("3 true");
          });
    }

    @Test
    void zeroPlayersPerChunkSendsEachRunOnOneNode() {
      String schema = freshSchema();
      runner.withPropertyValues("herald.jdbc.schema=" + schema, "herald.cluster.enabled=true",
              "herald.cluster.players-per-chunk=0")
          .run(context -> {
            assertThat(context).hasNotFailed();
            Herald herald = context.getBean(Herald.class);
            herald.campaigns().create(Campaign.builder("promo", "Promo")
                .audience(Audience.players(List.of("p1", "p2", "p3")))
                .content(Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
                    .title("Hi").build()))
                .build());
            herald.campaigns().schedule("promo");
            awaitCompleted(herald, "promo");
            assertThat(strings("SELECT source_id FROM " + schema + ".herald_chunk_plan")).isEmpty();
          });
    }

    @Test
    void aNegativeChunkSizeFailsTheStartNamingTheProperty() {
      runner.withPropertyValues("herald.jdbc.schema=" + freshSchema(),
              "herald.cluster.enabled=true", "herald.cluster.players-per-chunk=-1")
          .run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("herald.cluster.players-per-chunk");
          });
    }

    /** Waits, bounded, for a campaign run that Herald's own threads finish. */
    private void awaitCompleted(Herald herald, String id) throws InterruptedException {
      for (int i = 0; i < 600; i++) {
        if (herald.campaigns().find(id).orElseThrow().state() == CampaignState.COMPLETED) {
          return;
        }
        Thread.sleep(50);
      }
      assertThat(herald.campaigns().find(id).orElseThrow().state())
          .isEqualTo(CampaignState.COMPLETED);
    }

    @Test
    void enabledWithoutADataSourceFailsTheStartNamingTheProperty() {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(
              HeraldJdbcAutoConfiguration.class, HeraldAutoConfiguration.class))
          .withPropertyValues("herald.cluster.enabled=true")
          .run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("herald.cluster.enabled")
                .hasMessageContaining("herald-jdbc and a single DataSource");
          });
    }

    @Test
    void anExpiryBelowTwoHeartbeatsFailsTheStartNamingTheProperty() {
      runner.withPropertyValues("herald.jdbc.schema=" + freshSchema(),
              "herald.cluster.enabled=true", "herald.cluster.lease-heartbeat=10s",
              "herald.cluster.lease-expiry=15s")
          .run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .isInstanceOf(InvalidConfigurationPropertyValueException.class)
                .hasMessageContaining("herald.cluster.lease-expiry");
          });
    }

    @Test
    void theApplicationsLeasesAndSchedulerWin() {
      runner.withPropertyValues("herald.jdbc.schema=" + freshSchema(),
              "herald.cluster.enabled=true")
          .withBean("ownLeases", Leases.class, LocalLeases::new)
          .withBean("ownScheduler", Scheduler.class, () -> new ManualScheduler(
              MutableClock.at("2026-12-07T10:00:00Z")))
          .run(context -> {
            assertThat(context).hasNotFailed()
                .doesNotHaveBean(JdbcLeases.class)
                .doesNotHaveBean(JdbcScheduler.class);
            assertThat(context.getBean(Herald.class).scheduler())
                .isSameAs(context.getBean("ownScheduler"));
          });
    }

    private List<String> strings(String query) throws SQLException {
      List<String> rows = new ArrayList<>();
      try (Connection c = database().getConnection(); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(query)) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      return rows;
    }
  }

  /** A scheduler bean of the application's own, in the starter's schema. */
  @Configuration(proxyBeanMethods = false)
  static class ClusterScheduler {
    @Bean
    dev.herald.jdbc.JdbcScheduler heraldScheduler(DataSource ds,
        HeraldJdbcSchemaMigration migrated) {
      return dev.herald.jdbc.JdbcScheduler.builder(ds).schema(migrated.schema()).build();
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
