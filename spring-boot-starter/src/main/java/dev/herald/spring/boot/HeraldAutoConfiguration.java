package dev.herald.spring.boot;

import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.apns.ApnsProvider;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.InMemoryTriggerStore;
import dev.herald.fcm.FcmProvider;
import dev.herald.micrometer.MicrometerHeraldListener;
import dev.herald.micrometer.ProviderMetrics;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.ComplianceGuard;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Leases;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PushProvider;
import dev.herald.spi.Scheduler;
import dev.herald.spi.SubscriptionStore;
import dev.herald.spi.TriggerStore;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import dev.herald.webpush.WebPushProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Herald for Spring Boot: a {@link Herald} bean built from the
 * {@code herald.*} properties ({@link HeraldProperties}) and whatever host services the
 * application defines, with:
 * <ul>
 *   <li>a provider bean for each platform whose credential properties are set;
 *   <li>the in-memory stores and player directory, unless the application defines its own
 *       {@link SubscriptionStore}, {@link DeliveryStore}, {@link CampaignStore},
 *       {@link TriggerStore} or {@link PlayerDirectory};
 *   <li>{@link DispatchSettings} and a default {@link DeliveryPolicy} from the properties;
 *   <li>{@link MicrometerHeraldListener} and {@link ProviderMetrics} when {@code herald-micrometer}
 *       is present and a {@link MeterRegistry} bean exists;
 *   <li>a health indicator per provider under {@code /actuator/health/herald} when the actuator
 *       is present;
 *   <li>{@link HeraldLifecycle}: {@code recover()} on start, {@code close()} on stop.
 * </ul>
 * Every bean backs off when the application defines one of its type (or, for the health
 * contributor, its name). The application's {@link AudienceResolver}, {@link ComplianceGuard},
 * {@link Scheduler}, {@link Clock}, {@link Leases} and {@link HeraldListener} beans are used when
 * present; with {@code herald.cluster.enabled=true} (see {@link HeraldClusterProperties}),
 * {@link HeraldJdbcAutoConfiguration} supplies the leases and the scheduler.
 */
@AutoConfiguration(afterName = {
    // a MeterRegistry bean exists by then (Boot 3.x, then Boot 4.x names)
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    // a DataSource and its Flyway migrations exist by then, for herald-jdbc's stores
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration"})
@ConditionalOnClass(Herald.class)
@ConditionalOnProperty(prefix = "herald", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties({HeraldProperties.class, HeraldClusterProperties.class})
public class HeraldAutoConfiguration {

  /** Created by Spring Boot. */
  public HeraldAutoConfiguration() {}

  // Stores. With herald-jdbc and a DataSource, HeraldJdbcAutoConfiguration (ordered before this
  // class) registers the PostgreSQL stores and the in-memory defaults below back off (each is
  // @ConditionalOnMissingBean of its SPI type), as they do for a host's own store beans.

  /**
   * @return the in-memory subscription store, unless the application defines one
   */
  @Bean
  @ConditionalOnMissingBean(SubscriptionStore.class)
  public InMemorySubscriptionStore heraldSubscriptionStore() {
    return new InMemorySubscriptionStore();
  }

  /**
   * @return the in-memory delivery store, unless the application defines one
   */
  @Bean
  @ConditionalOnMissingBean(DeliveryStore.class)
  public InMemoryDeliveryStore heraldDeliveryStore() {
    return new InMemoryDeliveryStore();
  }

  /**
   * @return the in-memory campaign store, unless the application defines one
   */
  @Bean
  @ConditionalOnMissingBean(CampaignStore.class)
  public InMemoryCampaignStore heraldCampaignStore() {
    return new InMemoryCampaignStore();
  }

  /**
   * @return the in-memory trigger store, unless the application defines one
   */
  @Bean
  @ConditionalOnMissingBean(TriggerStore.class)
  public InMemoryTriggerStore heraldTriggerStore() {
    return new InMemoryTriggerStore();
  }

  /**
   * @return the in-memory player directory, unless the application defines one
   */
  @Bean
  @ConditionalOnMissingBean(PlayerDirectory.class)
  public InMemoryPlayerDirectory heraldPlayerDirectory() {
    return new InMemoryPlayerDirectory();
  }

  /**
   * @param properties the properties
   * @return dispatch settings from {@code herald.dispatch.*}
   */
  @Bean
  @ConditionalOnMissingBean
  public DispatchSettings heraldDispatchSettings(HeraldProperties properties) {
    return PropertyMapper.dispatchSettings(properties.dispatch());
  }

  /**
   * @param properties the properties
   * @return the default delivery policy from {@code herald.policy.*}, for the application's
   *     campaigns and dispatches
   */
  @Bean
  @ConditionalOnMissingBean
  public DeliveryPolicy heraldDeliveryPolicy(HeraldProperties properties) {
    return PropertyMapper.deliveryPolicy(properties.policy());
  }

  /**
   * The Herald, built from the beans of the application context.
   *
   * @param properties the properties
   * @param providers the provider beans
   * @param subscriptionStore the subscription store
   * @param deliveryStore the delivery store
   * @param campaignStore the campaign store
   * @param triggerStore the trigger store
   * @param playerDirectory the player directory
   * @param dispatchSettings the dispatch settings
   * @param listeners the listener beans, told of every event in order
   * @param audienceResolver the application's audience resolver, if any
   * @param complianceGuard the application's compliance guard, if any
   * @param scheduler the application's scheduler, if any
   * @param clock the application's clock, if any
   * @param cluster the {@code herald.cluster.*} properties
   * @param leases the leases ({@code JdbcLeases} with {@code herald.cluster.enabled}), if any
   * @param chunks the chunks of campaign runs ({@code JdbcAudienceChunks} with
   *     {@code herald.cluster.enabled}), if any
   * @return the Herald; closed by {@link HeraldLifecycle}, and on context close
   */
  @Bean
  @ConditionalOnMissingBean
  public Herald herald(HeraldProperties properties, ObjectProvider<PushProvider> providers,
      SubscriptionStore subscriptionStore, DeliveryStore deliveryStore,
      CampaignStore campaignStore, TriggerStore triggerStore, PlayerDirectory playerDirectory,
      DispatchSettings dispatchSettings, ObjectProvider<HeraldListener> listeners,
      ObjectProvider<AudienceResolver> audienceResolver,
      ObjectProvider<ComplianceGuard> complianceGuard, ObjectProvider<Scheduler> scheduler,
      ObjectProvider<Clock> clock, HeraldClusterProperties cluster,
      ObjectProvider<Leases> leases, ObjectProvider<AudienceChunks> chunks) {
    Herald.Builder b = Herald.builder()
        .clock(clock.getIfUnique(Clock::systemUTC))
        .subscriptionStore(subscriptionStore)
        .deliveryStore(deliveryStore)
        .campaignStore(campaignStore)
        .triggerStore(triggerStore)
        .playerDirectory(playerDirectory)
        .dispatchSettings(dispatchSettings)
        .conversionWindow(properties.conversionWindow())
        .listener(CompositeHeraldListener.of(listeners.orderedStream().toList()));
    audienceResolver.ifUnique(b::audienceResolver);
    complianceGuard.ifUnique(b::complianceGuard);
    scheduler.ifUnique(b::scheduler);
    PropertyMapper.cluster(cluster, leases.getIfUnique(), chunks.getIfUnique(), b);
    providers.orderedStream().forEach(b::provider);
    return b.build();
  }

  /**
   * @param herald the Herald
   * @param properties the properties
   * @return the lifecycle that recovers Herald on start and closes it on stop
   */
  @Bean
  @ConditionalOnMissingBean
  public HeraldLifecycle heraldLifecycle(Herald herald, HeraldProperties properties) {
    return new HeraldLifecycle(herald, properties.recoverOnStart());
  }

  /** The Web Push provider, when a VAPID key is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(WebPushProvider.class)
  @Conditional(WebPushConfiguration.Configured.class)
  public static class WebPushConfiguration {
    /** Created by Spring. */
    public WebPushConfiguration() {}

    /**
     * @param properties the properties
     * @param clock the application's clock, if any
     * @return the provider
     */
    @Bean
    @ConditionalOnMissingBean
    public WebPushProvider heraldWebPushProvider(
        HeraldProperties properties, ObjectProvider<Clock> clock) {
      return PropertyMapper.webPush(properties.webpush(), clock.getIfUnique(Clock::systemUTC));
    }

    static final class Configured extends AnyNestedCondition {
      Configured() {
        super(ConfigurationPhase.REGISTER_BEAN);
      }

      @ConditionalOnProperty("herald.webpush.vapid.private-key")
      static final class PrivateKey {}

      @ConditionalOnProperty("herald.webpush.vapid.pem-file")
      static final class PemFile {}
    }
  }

  /** The APNs provider, when a signing key is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ApnsProvider.class)
  @Conditional(ApnsConfiguration.Configured.class)
  public static class ApnsConfiguration {
    /** Created by Spring. */
    public ApnsConfiguration() {}

    /**
     * @param properties the properties
     * @param clock the application's clock, if any
     * @return the provider
     */
    @Bean
    @ConditionalOnMissingBean
    public ApnsProvider heraldApnsProvider(
        HeraldProperties properties, ObjectProvider<Clock> clock) {
      return PropertyMapper.apns(properties.apns(), clock.getIfUnique(Clock::systemUTC));
    }

    static final class Configured extends AnyNestedCondition {
      Configured() {
        super(ConfigurationPhase.REGISTER_BEAN);
      }

      @ConditionalOnProperty("herald.apns.key-file")
      static final class KeyFile {}

      @ConditionalOnProperty("herald.apns.key")
      static final class Key {}
    }
  }

  /** The FCM provider, when a service account is configured. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(FcmProvider.class)
  @Conditional(FcmConfiguration.Configured.class)
  public static class FcmConfiguration {
    /** Created by Spring. */
    public FcmConfiguration() {}

    /**
     * @param properties the properties
     * @param clock the application's clock, if any
     * @return the provider
     */
    @Bean
    @ConditionalOnMissingBean
    public FcmProvider heraldFcmProvider(
        HeraldProperties properties, ObjectProvider<Clock> clock) {
      return PropertyMapper.fcm(properties.fcm(), clock.getIfUnique(Clock::systemUTC));
    }

    static final class Configured extends AnyNestedCondition {
      Configured() {
        super(ConfigurationPhase.REGISTER_BEAN);
      }

      @ConditionalOnProperty("herald.fcm.service-account-file")
      static final class File {}

      @ConditionalOnProperty("herald.fcm.service-account-json")
      static final class Json {}
    }
  }

  /** Micrometer meters, when herald-micrometer is present and a registry exists. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({MeterRegistry.class, MicrometerHeraldListener.class})
  @ConditionalOnBean(MeterRegistry.class)
  public static class MetricsConfiguration {
    /** Created by Spring. */
    public MetricsConfiguration() {}

    /**
     * @param registry the registry
     * @return the listener that records Herald's events
     */
    @Bean
    @ConditionalOnMissingBean
    public MicrometerHeraldListener heraldMetricsListener(MeterRegistry registry) {
      return new MicrometerHeraldListener(registry);
    }

    /**
     * @param herald the Herald
     * @return gauges over its providers' status, bound by Boot to every registry
     */
    @Bean
    @ConditionalOnMissingBean
    public ProviderMetrics heraldProviderMetrics(Herald herald) {
      return ProviderMetrics.of(herald);
    }
  }

  /** Health indicators, when the actuator is present (Spring Boot 3.x's health API). */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthContributor")
  @ConditionalOnProperty(prefix = "management.health.herald", name = "enabled",
      matchIfMissing = true)
  public static class HealthConfiguration {
    /** Created by Spring. */
    public HealthConfiguration() {}

    /**
     * @param herald the Herald
     * @return one indicator per registered provider, under {@code herald/<platform>}, or
     *     {@code herald/<platform>-<brand>} for a brand other than the default one
     */
    @Bean
    @ConditionalOnMissingBean(name = "heraldHealthContributor")
    public CompositeHealthContributor heraldHealthContributor(Herald herald) {
      Map<String, HealthContributor> indicators = new LinkedHashMap<>();
      for (Brand brand : herald.brands()) {
        for (Platform platform : Platform.values()) {
          String name = platform.name().toLowerCase(Locale.ROOT).replace("_", "")
              + (brand.isDefault() ? "" : "-" + brand.id());
          herald.provider(platform, brand).ifPresent(p -> indicators.put(name,
              new ProviderHealthIndicator(p)));
        }
      }
      return CompositeHealthContributor.fromMap(indicators);
    }
  }
}
