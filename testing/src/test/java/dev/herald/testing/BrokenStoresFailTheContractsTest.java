package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.Device;
import dev.herald.subscription.WebPushAddress;
import java.text.Collator;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The tightened contracts catch the mistakes an SQL store makes: each broken store below passes
 * everything but one rule, and the contract run against it must fail exactly there. (The broken
 * stores are static nested classes that run only when this test asks: Surefire, given a
 * {@code -Dtest} pattern that reaches nested classes, reports them skipped.)
 */
class BrokenStoresFailTheContractsTest {

  /** Enables a broken store's contract run only inside {@link #failedTests}. */
  static final class OnlyWhenAsked implements ExecutionCondition {
    static final String PARAMETER = "herald.testing.runBrokenStores";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      return context.getConfigurationParameter(PARAMETER).isPresent()
          ? ConditionEvaluationResult.enabled("run by BrokenStoresFailTheContractsTest")
          : ConditionEvaluationResult.disabled("a deliberately broken store: run only by"
              + " BrokenStoresFailTheContractsTest, which expects it to fail");
    }
  }

  private static List<String> failedTests(Class<?> contractTest) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectClass(contractTest))
        .configurationParameter(OnlyWhenAsked.PARAMETER, "true")
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    // A launcher of its own, registering no listener found on the class path: the failures it
    // runs into are this test's evidence, not failures of the build.
    LauncherConfig config = LauncherConfig.builder()
        .enableTestExecutionListenerAutoRegistration(false)
        .enableLauncherSessionListenerAutoRegistration(false)
        .enableLauncherDiscoveryListenerAutoRegistration(false)
        .enablePostDiscoveryFilterAutoRegistration(false)
        .build();
    LauncherFactory.create(config).execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    assertThat(summary.getTestsSucceededCount()).as("the rest of the contract passes")
        .isPositive();
    return summary.getFailures().stream()
        .map(f -> f.getTestIdentifier().getDisplayName().replace("()", "")).toList();
  }

  @Test
  void aDirectorySortedByALanguageCollationFails() {
    assertThat(failedTests(CollatedDirectoryTest.class)).containsExactlyInAnyOrder(
        "ordersIdsByJavaStringOrderNotByALanguageCollation",
        "streamsThePlayersAfterAnIdInAscendingIdOrder",
        "streamsTheIdsAfterAnIdInAscendingIdOrder");
  }

  @Test
  void aDeliveryStoreKeepingMillisecondsFails() {
    assertThat(failedTests(MillisecondDeliveryStoreTest.class))
        .containsExactly("instantsKeepAtLeastMicroseconds");
  }

  @Test
  void aDeliveryStoreOrderingEventsByTimeAloneFails() {
    assertThat(failedTests(TimeOnlyOrderDeliveryStoreTest.class))
        .containsExactly("eventsAreOldestFirstAndInAppendOrderAtEqualTimes");
  }

  @Test
  void aSubscriptionStoreThatForgetsAllowingHttpFails() {
    assertThat(failedTests(HttpForgettingSubscriptionStoreTest.class))
        .containsExactly("anHttpWebPushEndpointReadsBackAsAllowingHttp");
  }

  /** Sorts as PostgreSQL's en_US.UTF-8 (or MySQL's default) collation would. */
  @ExtendWith(OnlyWhenAsked.class)
  static final class CollatedDirectoryTest extends PlayerDirectoryContract {
    @Override
    protected PlayerDirectory directoryWith(List<PlayerProfile> profiles) {
      Collator collator = Collator.getInstance(Locale.US);
      List<PlayerProfile> sorted = new ArrayList<>(profiles);
      sorted.sort(Comparator.comparing(PlayerProfile::playerId, collator));
      return new PlayerDirectory() {
        @Override
        public Optional<PlayerProfile> find(String playerId) {
          return sorted.stream().filter(p -> p.playerId().equals(playerId)).findFirst();
        }

        @Override
        public Stream<PlayerProfile> all() {
          return sorted.stream();
        }
      };
    }
  }

  /** Keeps instants as a DATETIME(3) column would: milliseconds. */
  @ExtendWith(OnlyWhenAsked.class)
  static final class MillisecondDeliveryStoreTest extends DeliveryStoreContract {
    @Override
    protected DeliveryStore newStore() {
      return new ForwardingDeliveryStore(new InMemoryDeliveryStore()) {
        @Override
        public boolean claim(DeliveryRecord r) {
          return super.claim(millis(r));
        }

        @Override
        public List<Boolean> claimAll(List<DeliveryRecord> records) {
          return super.claimAll(records.stream().map(MillisecondDeliveryStoreTest::millis)
              .toList());
        }

        @Override
        public void append(DeliveryEvent e) {
          super.append(new DeliveryEvent(e.type(), e.at().truncatedTo(ChronoUnit.MILLIS),
              e.sourceId(), e.step(), e.deliveryId(), e.playerId(), e.deviceId(), e.platform(),
              e.variant(), e.reason(), e.detail(), e.httpStatus(), e.value()));
        }

        @Override
        public void appendAll(List<DeliveryEvent> events) {
          defaultAppendAll(events); // through append above
        }
      };
    }

    private static DeliveryRecord millis(DeliveryRecord r) {
      return new DeliveryRecord(r.sourceId(), r.step(), r.playerId(), r.deviceId(),
          r.platform(), r.brand(), r.deliveryId(), r.variant(), r.type(), r.category(), r.state(),
          r.reason(), r.detail(), r.createdAt().truncatedTo(ChronoUnit.MILLIS),
          r.updatedAt().truncatedTo(ChronoUnit.MILLIS), r.attempts(), r.httpStatus(),
          r.messageId(), r.clickedAt().map(t -> t.truncatedTo(ChronoUnit.MILLIS)),
          r.conversions(), r.conversionValue());
    }
  }

  /**
   * Orders events by time alone ({@code ORDER BY at} without a sequence column): ties come back
   * as the database happens to return them, here by type name.
   */
  @ExtendWith(OnlyWhenAsked.class)
  static final class TimeOnlyOrderDeliveryStoreTest extends DeliveryStoreContract {
    private static final Comparator<DeliveryEvent> BY_TIME_ONLY =
        Comparator.comparing(DeliveryEvent::at).thenComparing(e -> e.type().name());

    @Override
    protected DeliveryStore newStore() {
      return new ForwardingDeliveryStore(new InMemoryDeliveryStore()) {
        @Override
        public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
          return super.eventsOfPlayer(playerId).sorted(BY_TIME_ONLY);
        }

        @Override
        public Stream<DeliveryEvent> eventsOf(String sourceId) {
          return super.eventsOf(sourceId).sorted(BY_TIME_ONLY);
        }
      };
    }
  }

  /** Reads Web Push addresses back through the https-only factory. */
  @ExtendWith(OnlyWhenAsked.class)
  static final class HttpForgettingSubscriptionStoreTest extends SubscriptionStoreContract {
    @Override
    protected SubscriptionStore newStore() {
      return new ForwardingSubscriptionStore(new InMemorySubscriptionStore()) {
        private Device reread(Device d) {
          if (d.address().orElse(null) instanceof WebPushAddress web) {
            return d.toBuilder().address(WebPushAddress.of(web.endpoint().toString(),
                web.p256dhBase64Url(), web.authBase64Url())).build();
          }
          return d;
        }

        @Override
        public Optional<Device> findDevice(String playerId, String deviceId) {
          return super.findDevice(playerId, deviceId).map(this::reread);
        }

        @Override
        public List<Device> devicesOf(String playerId) {
          return super.devicesOf(playerId).stream().map(this::reread).toList();
        }

        @Override
        public Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
          return defaultDevicesOfAll(playerIds); // through devicesOf above
        }
      };
    }
  }
}
