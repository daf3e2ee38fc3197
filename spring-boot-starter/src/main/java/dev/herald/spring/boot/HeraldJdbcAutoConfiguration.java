package dev.herald.spring.boot;

import dev.herald.jdbc.JdbcAudienceChunks;
import dev.herald.jdbc.JdbcCampaignStore;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.jdbc.JdbcLeases;
import dev.herald.jdbc.JdbcScheduler;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.jdbc.JdbcTriggerStore;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Leases;
import dev.herald.spi.Scheduler;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import java.time.Clock;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * herald-jdbc's PostgreSQL stores over the application's {@link DataSource}, when
 * {@code herald-jdbc} is on the class path and a single {@code DataSource} bean exists (unless
 * {@code herald.jdbc.enabled=false}); ordered before {@link HeraldAutoConfiguration}, whose
 * in-memory stores then back off. Each store backs off when the application defines a bean of
 * its SPI type.
 *
 * <p>Herald's migrations run on start ({@link HeraldJdbcSchemaMigration}, into schema
 * {@code herald.jdbc.schema}, default {@code herald}) before the stores are built, unless
 * {@code herald.jdbc.migrate=false}: then the application runs them, e.g. by adding
 * {@code classpath:db/herald/migration} to {@code spring.flyway.locations}, and each store checks
 * on creation that the schema is there. The store beans depend on database initialization, so
 * Boot's Flyway (or SQL initialization) runs before they are built.
 *
 * <p>With {@code herald.cluster.enabled=true}, {@link ClusterConfiguration} adds
 * {@link JdbcLeases}, a {@link JdbcScheduler} and {@link JdbcAudienceChunks}, for several instances on one database.
 */
@AutoConfiguration(before = HeraldAutoConfiguration.class, afterName = {
    // the DataSource bean and the application's own Flyway migrations (Boot 3.x, then 4.x names)
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@ConditionalOnClass(JdbcDeliveryStore.class)
@ConditionalOnSingleCandidate(DataSource.class)
@ConditionalOnProperty(prefix = "herald", name = {"enabled", "jdbc.enabled"},
    matchIfMissing = true)
@EnableConfigurationProperties(HeraldJdbcProperties.class)
public class HeraldJdbcAutoConfiguration {

  /** Created by Spring Boot. */
  public HeraldJdbcAutoConfiguration() {}

  /**
   * @param dataSource the application's database
   * @param properties the properties
   * @return Herald's schema, migrated
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnProperty(prefix = "herald.jdbc", name = "migrate", matchIfMissing = true)
  // a host that excluded flyway-core runs the migrations itself; the stores say so if it did not
  @ConditionalOnClass(name = "org.flywaydb.core.Flyway")
  public HeraldJdbcSchemaMigration heraldJdbcSchemaMigration(
      DataSource dataSource, HeraldJdbcProperties properties) {
    return new HeraldJdbcSchemaMigration(dataSource, properties.schemaOrSearchPath());
  }

  /**
   * @param dataSource the application's database
   * @param properties the properties
   * @param migration the migration, when it runs here: the store is built after it
   * @return the PostgreSQL subscription store, unless the application defines one
   */
  @Bean
  @DependsOnDatabaseInitialization
  @ConditionalOnMissingBean(SubscriptionStore.class)
  public JdbcSubscriptionStore heraldSubscriptionStore(DataSource dataSource,
      HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
    return new JdbcSubscriptionStore(dataSource, schema(properties, migration));
  }

  /**
   * @param dataSource the application's database
   * @param properties the properties
   * @param migration the migration, when it runs here: the store is built after it
   * @return the PostgreSQL delivery store, unless the application defines one
   */
  @Bean
  @DependsOnDatabaseInitialization
  @ConditionalOnMissingBean(DeliveryStore.class)
  public JdbcDeliveryStore heraldDeliveryStore(DataSource dataSource,
      HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
    return new JdbcDeliveryStore(dataSource, schema(properties, migration));
  }

  /**
   * @param dataSource the application's database
   * @param properties the properties
   * @param migration the migration, when it runs here: the store is built after it
   * @return the PostgreSQL campaign store, unless the application defines one
   */
  @Bean
  @DependsOnDatabaseInitialization
  @ConditionalOnMissingBean(CampaignStore.class)
  public JdbcCampaignStore heraldCampaignStore(DataSource dataSource,
      HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
    return new JdbcCampaignStore(dataSource, schema(properties, migration));
  }

  /**
   * @param dataSource the application's database
   * @param properties the properties
   * @param migration the migration, when it runs here: the store is built after it
   * @return the PostgreSQL trigger store, unless the application defines one
   */
  @Bean
  @DependsOnDatabaseInitialization
  @ConditionalOnMissingBean(TriggerStore.class)
  public JdbcTriggerStore heraldTriggerStore(DataSource dataSource,
      HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
    return new JdbcTriggerStore(dataSource, schema(properties, migration));
  }

  /**
   * Leases and the cluster-safe scheduler, with {@code herald.cluster.enabled=true}: several
   * instances of the application share Herald's work on this database (see
   * {@link HeraldClusterProperties}). Each bean backs off when the application defines a bean of
   * its SPI type.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "herald.cluster", name = "enabled", havingValue = "true")
  @EnableConfigurationProperties(HeraldClusterProperties.class)
  public static class ClusterConfiguration {
    /** Created by Spring. */
    public ClusterConfiguration() {}

    /**
     * @param dataSource the application's database
     * @param properties the properties
     * @param migration the migration, when it runs here: the leases are built after it
     * @return the leases in {@code herald_lease}, unless the application defines {@link Leases}
     */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnMissingBean(Leases.class)
    public JdbcLeases heraldLeases(DataSource dataSource, HeraldJdbcProperties properties,
        ObjectProvider<HeraldJdbcSchemaMigration> migration) {
      return new JdbcLeases(dataSource, schema(properties, migration));
    }

    /**
     * @param dataSource the application's database
     * @param properties the properties
     * @param migration the migration, when it runs here: the chunks are built after it
     * @return the chunks of campaign runs in {@code herald_chunk}, shared by the nodes, unless the
     *     application defines {@link AudienceChunks}
     */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnMissingBean(AudienceChunks.class)
    public JdbcAudienceChunks heraldAudienceChunks(DataSource dataSource,
        HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
      return new JdbcAudienceChunks(dataSource, schema(properties, migration));
    }

    /**
     * A db-scheduler scheduler: timers that survive restarts and fire once across the nodes,
     * and the count of live nodes that rate budgets are split by. Herald starts it when built;
     * it is stopped when the context closes.
     *
     * @param dataSource the application's database
     * @param properties the properties
     * @param cluster the {@code herald.cluster.*} properties
     * @param migration the migration, when it runs here: the scheduler is built after it
     * @param clock the application's clock, if any (Herald's too)
     * @return the scheduler, unless the application defines a {@link Scheduler}
     */
    @Bean
    @DependsOnDatabaseInitialization
    @ConditionalOnMissingBean(Scheduler.class)
    public JdbcScheduler heraldScheduler(DataSource dataSource, HeraldJdbcProperties properties,
        HeraldClusterProperties cluster, ObjectProvider<HeraldJdbcSchemaMigration> migration,
        ObjectProvider<Clock> clock) {
      JdbcScheduler.Builder b = JdbcScheduler.builder(dataSource)
          .schema(schema(properties, migration))
          .clock(clock.getIfUnique(Clock::systemUTC));
      PropertyMapper.apply("herald.cluster.scheduler-polling-interval",
          cluster.schedulerPollingInterval(),
          () -> b.pollingInterval(cluster.schedulerPollingInterval()));
      if (cluster.nodeIdIfSet() != null) {
        PropertyMapper.apply("herald.cluster.node-id", cluster.nodeIdIfSet(),
            () -> b.nodeName(cluster.nodeIdIfSet()));
      }
      return b.build();
    }
  }

  /** Runs the migration first when it is a bean here, then names the schema the stores use. */
  private static String schema(
      HeraldJdbcProperties properties, ObjectProvider<HeraldJdbcSchemaMigration> migration) {
    migration.ifAvailable(m -> { });
    return properties.schemaOrSearchPath();
  }
}
