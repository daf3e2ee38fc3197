package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.FakeClock;
import dev.herald.Herald;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A million-device marketing campaign through the whole pipeline (consent, compliance, claims,
 * events) with an in-process provider that answers on other threads: every delivery is settled,
 * the provider never has more calls in flight than the bound, and the audience is read only as
 * fast as players are settled — it is never materialised.
 */
class MillionDeviceAudienceTest {
  private static final int PLAYERS = 1_000_000;
  private static final int MAX_PLAYERS_IN_PROGRESS = 256;
  private static final int MAX_SENDS_IN_FLIGHT = 64;

  private final FakeClock clock = new FakeClock("2026-11-22T12:00:00Z");
  private final AtomicLong generated = new AtomicLong();
  private final AtomicLong settled = new AtomicLong();
  private final AtomicLong maxLead = new AtomicLong();

  private static String id(int i) {
    return String.format("p%07d", i);
  }

  /** Profiles made on the fly as the audience is read, counting how far ahead reading gets. */
  private final PlayerDirectory directory = new PlayerDirectory() {
    @Override
    public Optional<PlayerProfile> find(String playerId) {
      return Optional.of(PlayerProfile.builder(playerId).build());
    }

    @Override
    public Stream<PlayerProfile> all() {
      return IntStream.range(0, PLAYERS).mapToObj(i -> {
        long lead = generated.incrementAndGet() - settled.get();
        maxLead.accumulateAndGet(lead, Math::max);
        return PlayerProfile.builder(id(i)).build();
      });
    }
  };

  /** Every player has one ALLOWED Android device and marketing consent. */
  private final SubscriptionStore subscriptions = new SubscriptionStore() {
    private final Instant t0 = Instant.parse("2026-01-01T00:00:00Z");

    private Device device(String player) {
      return Device.builder().playerId(player).deviceId("android").platform(Platform.FCM)
          .status(PushStatus.ALLOWED).address(new FcmAddress("token-" + player)).addressEpoch(1)
          .addressSince(t0).createdAt(t0).version(1).build();
    }

    @Override
    public Optional<Device> findDevice(String playerId, String deviceId) {
      return Optional.of(device(playerId));
    }

    @Override
    public List<Device> devicesOf(String playerId) {
      return List.of(device(playerId));
    }

    @Override
    public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Optional<AddressOwner> ownerOf(String addressKey) {
      return Optional.of(new AddressOwner(addressKey, addressKey.substring("fcm:token-".length()),
          "android", 1));
    }

    @Override
    public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<StatusChange> history(String playerId, String deviceId) {
      return List.of();
    }

    @Override
    public Optional<PushPreferences> preferences(String playerId) {
      return Optional.of(new PushPreferences(playerId, true, Set.of(), t0));
    }

    @Override
    public void savePreferences(PushPreferences preferences) {
      throw new UnsupportedOperationException();
    }
  };

  /**
   * Keeps claims (for idempotency) and the records of sends in flight; counts outcomes and events
   * instead of storing them.
   */
  private final class CountingDeliveryStore implements DeliveryStore {
    final Set<String> claimed = ConcurrentHashMap.newKeySet();
    final Map<String, DeliveryRecord> inFlight = new ConcurrentHashMap<>();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong events = new AtomicLong();

    @Override
    public boolean claim(DeliveryRecord record) {
      if (!claimed.add(record.key())) {
        return false;
      }
      if (record.state() == DeliveryState.CLAIMED) {
        inFlight.put(record.key(), record);
      }
      return true;
    }

    @Override
    public void update(DeliveryRecord record) {
      inFlight.replace(record.key(), record);
    }

    @Override
    public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
      DeliveryRecord current = inFlight.get(key);
      if (current == null) {
        return Optional.empty();
      }
      DeliveryRecord outcome = change.apply(current);
      if (outcome.state() == DeliveryState.SENDING) { // the mark of a claim batch
        inFlight.put(key, outcome);
        return Optional.of(outcome);
      }
      inFlight.remove(key); // any other change here settles the delivery
      if (outcome.state() == DeliveryState.DELIVERED) {
        delivered.incrementAndGet();
        settled.incrementAndGet();
      }
      return Optional.of(outcome);
    }

    @Override
    public Optional<DeliveryRecord> find(String key) {
      return Optional.empty();
    }

    @Override
    public Optional<DeliveryRecord> findById(String deliveryId) {
      return Optional.empty();
    }

    @Override
    public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
      return Stream.empty();
    }

    @Override
    public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
      return Stream.empty();
    }

    @Override
    public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
      return List.of();
    }

    @Override
    public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
      return Optional.empty();
    }

    @Override
    public void append(DeliveryEvent event) {
      events.incrementAndGet();
    }

    @Override
    public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
      return Stream.empty();
    }

    @Override
    public Stream<DeliveryEvent> eventsOf(String sourceId) {
      return Stream.empty();
    }

    @Override
    public void saveProgress(DispatchProgress progress) {}

    @Override
    public Optional<DispatchProgress> progress(String sourceId, String step) {
      return Optional.empty();
    }
  }

  @Test
  void millionDevicesWithBoundedWork() throws Exception {
    ExecutorService answering = Executors.newFixedThreadPool(2);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    PushProvider provider = new PushProvider() {
      @Override
      public Platform platform() {
        return Platform.FCM;
      }

      @Override
      public CompletableFuture<SendResult> send(PushMessage message) {
        peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        return CompletableFuture.supplyAsync(() -> {
          inFlight.decrementAndGet();
          return SendResult.accepted(null, 200);
        }, answering);
      }

      @Override
      public void close() {
        answering.shutdownNow();
      }
    };
    CountingDeliveryStore store = new CountingDeliveryStore();
    try (Herald herald = Herald.builder()
        .clock(clock)
        .playerDirectory(directory)
        .subscriptionStore(subscriptions)
        .deliveryStore(store)
        .provider(provider)
        .dispatchSettings(DispatchSettings.builder()
            .maxPlayersInProgress(MAX_PLAYERS_IN_PROGRESS)
            .maxSendsInFlightPerProvider(MAX_SENDS_IN_FLIGHT)
            .build())
        .build()) {
      DispatchHandle handle = herald.dispatch(DispatchRequest
          .builder("million", Audience.everyone())
          .content(DispatchFixture.content(NotificationType.PROMOTIONAL, "Big weekend"))
          .build());
      DispatchReport report = handle.completion().get(5, TimeUnit.MINUTES);

      assertThat(report.status()).isEqualTo(DispatchReport.Status.COMPLETED);
      assertThat(handle.playersRead()).isEqualTo(PLAYERS);
      assertThat(store.claimed).hasSize(PLAYERS);
      assertThat(store.delivered).hasValue(PLAYERS);
      assertThat(store.inFlight).isEmpty(); // every claimed delivery was settled
      assertThat(peak.get()).isBetween(2, MAX_SENDS_IN_FLIGHT);
      // Reading never ran more than a fixed bound ahead of settled deliveries, whatever the
      // audience: the players in progress, one page read ahead (256) and the outcomes written
      // behind (a batch of 256 being written on the write-behind thread, up to two more
      // buffered meanwhile, plus one per thread that settles while they are written).
      assertThat(maxLead.get()).isLessThanOrEqualTo(MAX_PLAYERS_IN_PROGRESS + 256 + 4 * 256);
    }
  }
}
