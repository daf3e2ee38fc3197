package dev.herald.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.HeraldException;
import dev.herald.HeraldListener;
import dev.herald.apns.ApnsProvider;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.CapWindow;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.dispatch.QuietHours;
import dev.herald.embedded.InMemoryCampaignStore;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.fcm.FcmProvider;
import dev.herald.micrometer.MicrometerHeraldListener;
import dev.herald.micrometer.ProviderMetrics;
import dev.herald.spi.PushProvider;
import dev.herald.spi.StoredCampaign;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.Platform;
import dev.herald.testing.apns.MockApnsCredentials;
import dev.herald.testing.fcm.MockFcmService;
import dev.herald.webpush.VapidKeys;
import dev.herald.webpush.WebPushProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.CompositeHealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class HeraldAutoConfigurationTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(HeraldAutoConfiguration.class));

  @TempDir
  Path dir;

  private static final VapidKeys VAPID = VapidKeys.generate();

  private static String[] webPush() {
    return new String[] {
        "herald.webpush.vapid.private-key=" + VAPID.exportPrivateKeyBase64Url(),
        "herald.webpush.vapid.subject=mailto:ops@casino.example"};
  }

  private String[] apns() throws IOException {
    MockApnsCredentials.SigningKey key = MockApnsCredentials.signingKey("TEAM123456", "KEY1234567");
    return new String[] {
        "herald.apns.key-file=" + key.writeP8(dir),
        "herald.apns.team-id=TEAM123456",
        "herald.apns.key-id=KEY1234567",
        "herald.apns.topic=com.example.casino"};
  }

  private String[] fcm() throws IOException {
    Path file = dir.resolve("firebase-adminsdk.json");
    Files.writeString(file, MockFcmService.throwAwayServiceAccountJson(
        "casino-test", "https://oauth2.googleapis.com/token"));
    return new String[] {"herald.fcm.service-account-file=" + file};
  }

  @Test
  void withoutPropertiesThereIsAHeraldOnInMemoryStoresAndNoProvider() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(Herald.class);
      assertThat(context).doesNotHaveBean(PushProvider.class);
      assertThat(context).hasSingleBean(InMemorySubscriptionStore.class);
      assertThat(context).hasSingleBean(InMemoryDeliveryStore.class);
      assertThat(context).hasSingleBean(InMemoryCampaignStore.class);
      assertThat(context).hasSingleBean(HeraldLifecycle.class);
      assertThat(context).doesNotHaveBean(MicrometerHeraldListener.class);
      Herald herald = context.getBean(Herald.class);
      for (Platform platform : Platform.values()) {
        assertThat(herald.provider(platform)).isEmpty();
      }
      assertThat(herald.deliveryStore()).isSameAs(context.getBean(InMemoryDeliveryStore.class));
    });
  }

  @Test
  void heraldEnabledFalseConfiguresNothing() {
    runner.withPropertyValues("herald.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean(Herald.class));
  }

  @Test
  void webPushPropertiesMakeAWebPushProvider() {
    runner.withPropertyValues(webPush()).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(WebPushProvider.class);
      assertThat(context).doesNotHaveBean(ApnsProvider.class);
      assertThat(context).doesNotHaveBean(FcmProvider.class);
      WebPushProvider provider = context.getBean(WebPushProvider.class);
      assertThat(provider.vapidKeys()).isEqualTo(VAPID);
      assertThat(context.getBean(Herald.class).provider(Platform.WEB_PUSH)).containsSame(provider);
      assertThat(context.getBean(HeraldProperties.class).toString())
          .as("the properties' toString hides the key")
          .doesNotContain(VAPID.exportPrivateKeyBase64Url());
    });
  }

  @Test
  void apnsPropertiesMakeAnApnsProvider() throws IOException {
    runner.withPropertyValues(apns()).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(ApnsProvider.class);
      assertThat(context).doesNotHaveBean(WebPushProvider.class);
      assertThat(context.getBean(Herald.class).provider(Platform.APNS))
          .containsSame(context.getBean(ApnsProvider.class));
      assertThat(context.getBean(HeraldProperties.class).apns().topic())
          .isEqualTo("com.example.casino");
    });
  }

  @Test
  void fcmPropertiesMakeAnFcmProvider() throws IOException {
    runner.withPropertyValues(fcm()).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(FcmProvider.class);
      assertThat(context.getBean(FcmProvider.class).projectId()).isEqualTo("casino-test");
      assertThat(context.getBean(Herald.class).provider(Platform.FCM))
          .containsSame(context.getBean(FcmProvider.class));
    });
  }

  @Test
  void fcmServiceAccountCanComeFromTheEnvironmentAsJson() {
    runner.withPropertyValues("herald.fcm.service-account-json=" + MockFcmService
            .throwAwayServiceAccountJson("casino-env", "https://oauth2.googleapis.com/token"))
        .run(context -> {
          assertThat(context.getBean(FcmProvider.class).projectId()).isEqualTo("casino-env");
          assertThat(context.getBean(HeraldProperties.class).toString())
              .doesNotContain("PRIVATE KEY");
        });
  }

  @Test
  void allThreeProvidersTogether() throws IOException {
    runner.withPropertyValues(webPush()).withPropertyValues(apns()).withPropertyValues(fcm())
        .run(context -> {
          Herald herald = context.getBean(Herald.class);
          assertThat(herald.provider(Platform.WEB_PUSH)).isPresent();
          assertThat(herald.provider(Platform.APNS)).isPresent();
          assertThat(herald.provider(Platform.FCM)).isPresent();
        });
  }

  @Configuration(proxyBeanMethods = false)
  static class HostBeans {
    @Bean
    WebPushProvider hostWebPush() {
      return WebPushProvider.builder()
          .vapid(VapidKeys.generate(), "mailto:host@casino.example").build();
    }

    @Bean
    SubscriptionStore hostSubscriptionStore() {
      return new InMemorySubscriptionStore();
    }
  }

  @Test
  void theHostsBeansWin() {
    runner.withPropertyValues(webPush()).withUserConfiguration(HostBeans.class).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).hasSingleBean(WebPushProvider.class);
      assertThat(context).hasBean("hostWebPush");
      assertThat(context).doesNotHaveBean("heraldWebPushProvider");
      assertThat(context).doesNotHaveBean("heraldSubscriptionStore");
      Herald herald = context.getBean(Herald.class);
      assertThat(herald.provider(Platform.WEB_PUSH))
          .containsSame(context.getBean("hostWebPush", PushProvider.class));
      assertThat(herald.subscriptionStore()).isSameAs(context.getBean("hostSubscriptionStore"));
    });
  }

  @Test
  void theHostsHeraldWins() {
    runner.withBean("hostHerald", Herald.class, () -> Herald.builder().build())
        .run(context -> {
          assertThat(context).hasSingleBean(Herald.class);
          assertThat(context).hasBean("hostHerald");
          assertThat(context).hasSingleBean(HeraldLifecycle.class);
        });
  }

  @Test
  void aMissingCredentialFileFailsStartupNamingThePropertyAndTheFile() {
    Path missing = dir.resolve("AuthKey_KEY1234567.p8");
    runner.withPropertyValues("herald.apns.key-file=" + missing, "herald.apns.team-id=TEAM123456",
        "herald.apns.key-id=KEY1234567").run(context -> {
          assertThat(context).hasFailed();
          assertThat(rootCause(context.getStartupFailure()))
              .isInstanceOf(InvalidConfigurationPropertyValueException.class)
              .hasMessageContaining("herald.apns.key-file")
              .hasMessageContaining(missing.toString());
        });
    Path missingJson = dir.resolve("firebase-adminsdk.json");
    runner.withPropertyValues("herald.fcm.service-account-file=" + missingJson).run(context ->
        assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.fcm.service-account-file")
            .hasMessageContaining(missingJson.toString()));
    Path missingPem = dir.resolve("vapid.pem");
    runner.withPropertyValues("herald.webpush.vapid.pem-file=" + missingPem,
        "herald.webpush.vapid.subject=mailto:ops@casino.example").run(context ->
        assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.webpush.vapid.pem-file")
            .hasMessageContaining(missingPem.toString()));
  }

  @Test
  void aMissingTrustedCertificateFileFailsStartupNamingIt() {
    Path missing = dir.resolve("mock-ca.pem");
    runner.withPropertyValues(webPush())
        .withPropertyValues("herald.webpush.trusted-certificates=" + missing)
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.webpush.trusted-certificates[0]")
            .hasMessageContaining(missing.toString()));
  }

  @Test
  void aMalformedSecretFailsNamingThePropertyButNotTheValue() {
    runner.withPropertyValues("herald.webpush.vapid.private-key=not-a-key-SECRET",
        "herald.webpush.vapid.subject=mailto:ops@casino.example").run(context -> {
          Throwable cause = rootCause(context.getStartupFailure());
          assertThat(cause).hasMessageContaining("herald.webpush.vapid.private-key");
          assertThat(cause.getMessage()).doesNotContain("SECRET");
        });
  }

  @Test
  void aKeyWithoutItsCompanionsFailsNamingTheMissingProperty() {
    runner.withPropertyValues(
            "herald.webpush.vapid.private-key=" + VAPID.exportPrivateKeyBase64Url())
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.webpush.vapid.subject"));
    runner.withPropertyValues("herald.apns.key=-----BEGIN PRIVATE KEY-----")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.apns.team-id"));
  }

  @Test
  void dispatchSettingsAndTheDefaultPolicyComeFromProperties() {
    runner.withPropertyValues(
        "herald.dispatch.max-players-in-progress=500",
        "herald.dispatch.send-timeout=5s",
        "herald.dispatch.rate-limits.APNS=250",
        "herald.dispatch.retry.max-attempts=2",
        "herald.policy.quiet-hours.start=22:00",
        "herald.policy.quiet-hours.end=08:30",
        "herald.policy.quiet-hours.default-zone=Europe/Malta",
        "herald.policy.quiet-hours.mode=drop",
        "herald.policy.caps[0].max=3",
        "herald.policy.caps[0].window=24h",
        "herald.policy.caps[1].scope=type",
        "herald.policy.caps[1].key=VIP_OFFER",
        "herald.policy.caps[1].max=1",
        "herald.policy.caps[1].local-days=7").run(context -> {
          assertThat(context).hasNotFailed();
          DispatchSettings settings = context.getBean(DispatchSettings.class);
          assertThat(settings.maxPlayersInProgress()).isEqualTo(500);
          assertThat(settings.sendTimeout()).isEqualTo(Duration.ofSeconds(5));
          assertThat(settings.providerRateLimit(Platform.APNS)).hasValue(250);
          assertThat(settings.retryPolicy().maxAttempts()).isEqualTo(2);
          DeliveryPolicy policy = context.getBean(DeliveryPolicy.class);
          assertThat(policy.quietHours()).contains(new QuietHours(LocalTime.of(22, 0),
              LocalTime.of(8, 30), QuietHours.Mode.DROP, ZoneId.of("Europe/Malta")));
          assertThat(policy.caps()).containsExactly(
              FrequencyCap.marketing(3, CapWindow.rolling(Duration.ofHours(24))),
              FrequencyCap.type(NotificationType.VIP_OFFER, 1, CapWindow.localDays(7)));
        });
  }

  @Test
  void anOutOfRangeSettingFailsNamingTheProperty() {
    runner.withPropertyValues("herald.dispatch.max-players-in-progress=0")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .isInstanceOf(InvalidConfigurationPropertyValueException.class)
            .hasMessageContaining("herald.dispatch.max-players-in-progress"));
    runner.withPropertyValues("herald.policy.quiet-hours.start=22:00")
        .run(context -> assertThat(rootCause(context.getStartupFailure()))
            .hasMessageContaining("herald.policy.quiet-hours.end"));
  }

  @Test
  void withAMeterRegistryHeraldIsMetered() {
    runner.withPropertyValues(webPush())
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .run(context -> {
          assertThat(context).hasSingleBean(MicrometerHeraldListener.class);
          assertThat(context).hasSingleBean(ProviderMetrics.class);
          Herald herald = context.getBean(Herald.class);
          assertThat(herald.listener()).isSameAs(context.getBean(MicrometerHeraldListener.class));
          MeterRegistry registry = context.getBean(MeterRegistry.class);
          context.getBean(ProviderMetrics.class).bindTo(registry); // Boot's actuator would
          assertThat(registry.get(ProviderMetrics.IN_FLIGHT).tag("provider", "web_push").gauge()
              .value()).isZero();
        });
  }

  @Test
  void theHostsListenersHearEventsBesideTheMetrics() {
    AtomicInteger changes = new AtomicInteger();
    HeraldListener counting = new HeraldListener() {
      @Override
      public void statusChanged(dev.herald.subscription.StatusChange change) {
        changes.incrementAndGet();
      }
    };
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
        .withBean("countingListener", HeraldListener.class, () -> counting)
        .run(context -> {
          Herald herald = context.getBean(Herald.class);
          herald.subscriptions().permissionGranted("p-1", "phone",
              new dev.herald.subscription.FcmAddress("fcm-token-1"));
          assertThat(changes).hasValue(1);
          assertThat(context.getBean(MeterRegistry.class)
              .get(MicrometerHeraldListener.STATUS_CHANGES).counter().count()).isEqualTo(1);
        });
  }

  @Test
  void healthHasOneIndicatorPerProvider() throws IOException {
    runner.withPropertyValues(webPush()).withPropertyValues(fcm()).run(context -> {
      CompositeHealthContributor herald =
          context.getBean("heraldHealthContributor", CompositeHealthContributor.class);
      assertThat(herald.getContributor("webpush")).isInstanceOf(HealthIndicator.class);
      assertThat(herald.getContributor("fcm")).isInstanceOf(HealthIndicator.class);
      assertThat(herald.getContributor("apns")).isNull();
      var health = ((HealthIndicator) herald.getContributor("webpush")).health();
      assertThat(health.getStatus()).isEqualTo(Status.UP);
      assertThat(health.getDetails()).containsEntry("credentialsLoaded", true)
          .containsEntry("platform", "WEB_PUSH");
    });
    runner.withPropertyValues(webPush()).withPropertyValues("management.health.herald.enabled=false")
        .run(context -> assertThat(context).doesNotHaveBean("heraldHealthContributor"));
  }

  @Test
  void healthHasOneIndicatorPerProviderOfEveryBrand() {
    runner.withUserConfiguration(TwoBrandsHerald.class).run(context -> {
      CompositeHealthContributor herald =
          context.getBean("heraldHealthContributor", CompositeHealthContributor.class);
      assertThat(herald.getContributor("fcm")).isInstanceOf(HealthIndicator.class);
      assertThat(herald.getContributor("fcm-golden-reels")).isInstanceOf(HealthIndicator.class);
      assertThat(herald.getContributor("webpush-golden-reels")).isNull();
    });
  }

  /** A host's own Herald serving the default brand and Golden Reels. */
  @Configuration
  static class TwoBrandsHerald {
    @Bean
    Herald herald() {
      return Herald.builder().provider(idle(Platform.FCM))
          .provider(dev.herald.subscription.Brand.of("golden-reels"), idle(Platform.FCM))
          .build();
    }

    static PushProvider idle(Platform platform) {
      return new PushProvider() {
        @Override
        public Platform platform() {
          return platform;
        }

        @Override
        public java.util.concurrent.CompletableFuture<dev.herald.spi.SendResult> send(
            dev.herald.spi.PushMessage message) {
          return java.util.concurrent.CompletableFuture.failedFuture(
              new IllegalStateException("not for sending"));
        }

        @Override
        public void close() {}
      };
    }
  }

  /** Counts the reads recover() makes of the campaign store. */
  static final class CountingCampaignStore implements dev.herald.spi.CampaignStore {
    final AtomicInteger reads = new AtomicInteger();
    private final InMemoryCampaignStore delegate = new InMemoryCampaignStore();

    @Override
    public boolean save(StoredCampaign next, long expectedVersion) {
      return delegate.save(next, expectedVersion);
    }

    @Override
    public java.util.Optional<StoredCampaign> find(String id) {
      return delegate.find(id);
    }

    @Override
    public Stream<StoredCampaign> all() {
      reads.incrementAndGet();
      return delegate.all();
    }
  }

  @Test
  void theContextRecoversHeraldOnStartAndClosesItOnStop() {
    CountingCampaignStore campaigns = new CountingCampaignStore();
    runner.withBean(dev.herald.spi.CampaignStore.class, () -> campaigns).run(context -> {
      assertThat(campaigns.reads).as("recover() read the campaigns").hasValue(1);
      Herald herald = context.getBean(Herald.class);
      assertThat(context.getBean(HeraldLifecycle.class).isRunning()).isTrue();
      context.stop();
      assertThatThrownBy(herald::recover).isInstanceOf(HeraldException.class)
          .hasMessageContaining("closed");
    });
    CountingCampaignStore untouched = new CountingCampaignStore();
    runner.withBean(dev.herald.spi.CampaignStore.class, () -> untouched)
        .withPropertyValues("herald.recover-on-start=false")
        .run(context -> assertThat(untouched.reads).hasValue(0));
  }

  @Test
  void heraldStopsAfterTheWebServerStopsTakingRequests() {
    // Boot's WebServerGracefulShutdownLifecycle runs at DEFAULT_PHASE - 1024 and
    // WebServerStartStopLifecycle at DEFAULT_PHASE - 2048; lower phases stop later.
    assertThat(HeraldLifecycle.PHASE)
        .isLessThan(org.springframework.context.SmartLifecycle.DEFAULT_PHASE - 2048);
  }

  private static Throwable rootCause(Throwable failure) {
    assertThat(failure).as("startup failure").isNotNull();
    Throwable t = failure;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
