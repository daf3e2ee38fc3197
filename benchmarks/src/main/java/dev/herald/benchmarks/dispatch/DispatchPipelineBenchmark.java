package dev.herald.benchmarks.dispatch;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.spi.DeliveryStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchReport;
import dev.herald.dispatch.DispatchRequest;
import dev.herald.dispatch.FrequencyCap;
import dev.herald.embedded.InMemoryDeliveryStore;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.subscription.Subscriptions;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dispatch pipeline's own cost per delivery, on one thread: a marketing campaign to 100,000
 * devices through every gate (device status, consent, the default compliance guard, a frequency
 * cap), Mustache rendering with a placeholder, the claim and the events in the in-memory stores,
 * and an in-process provider that accepts at once. The driver runs on the benchmark thread, so the
 * figure is one core's. With {@code store=claims} the delivery store keeps only the claims: that is
 * the pipeline's own cost; with {@code store=memory} it is Herald's default in-memory store.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DispatchPipelineBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class DispatchPipelineBenchmark {
  private static final int DEVICES = 100_000;

  /** Whether the template has a placeholder to render per player. */
  @Param({"true", "false"})
  public boolean personalised;

  /**
   * The delivery store: {@code memory} is Herald's default in-memory store (it keeps every record
   * and event, so its own cost and the garbage collection it causes are in the figure);
   * {@code claims} keeps only the claims, so the figure is the pipeline's own cost.
   */
  @Param({"memory", "claims"})
  public String store;

  private final InMemorySubscriptionStore subscriptions = new InMemorySubscriptionStore();
  private final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  private final AtomicLong accepted = new AtomicLong();
  private final PushProvider provider = new PushProvider() {
    private final CompletableFuture<SendResult> ok =
        CompletableFuture.completedFuture(SendResult.accepted(null, 200));

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      accepted.incrementAndGet();
      return ok;
    }

    @Override
    public void close() {}
  };
  private DispatchRequest.Builder request;
  private Herald herald;
  private int run;

  /** Registers 100,000 players with one ALLOWED device each and marketing consent. */
  @Setup(Level.Trial)
  public void players() {
    Herald setup = Herald.builder().subscriptionStore(subscriptions).build();
    Subscriptions subs = setup.subscriptions();
    for (int i = 0; i < DEVICES; i++) {
      String id = String.format("p%06d", i);
      directory.put(PlayerProfile.builder(id).attribute("first_name", "Player" + i).build());
      subs.permissionGranted(id, "android", new FcmAddress("token-" + id));
      subs.updatePreferences(id, true, Set.of());
    }
    setup.close();
    MessageTemplate template = MessageTemplate.builder()
        .type(NotificationType.PROMOTIONAL)
        .title(personalised ? "{{first_name}}, 50 free spins are waiting" : "50 free spins")
        .body("Claim them before midnight.")
        .deepLink("https://casino.example/promo/spins")
        .build();
    request = DispatchRequest.builder("bench", Audience.everyone())
        .content(Content.of(template))
        .policy(DeliveryPolicy.builder().cap(FrequencyCap.marketing(1000, Duration.ofDays(1)))
            .build());
  }

  /** A fresh delivery store per run, so every run claims 100,000 new deliveries. */
  @Setup(Level.Invocation)
  public void freshDeliveries() {
    herald = Herald.builder()
        .subscriptionStore(subscriptions)
        .playerDirectory(directory)
        .deliveryStore(store.equals("memory")
            ? new InMemoryDeliveryStore(DEVICES) // sized: not measuring table growth
            : new ClaimsOnlyStore())
        .provider(provider)
        .dispatchExecutor(Runnable::run)
        .build();
  }

  /** Closes the run's Herald. */
  @TearDown(Level.Invocation)
  public void close() {
    herald.close();
  }

  /**
   * Dispatches to all 100,000 devices; the score is microseconds per delivery.
   *
   * @return the report, so the work is not optimised away
   */
  @Benchmark
  @OperationsPerInvocation(DEVICES)
  public DispatchReport dispatch100k() {
    long before = accepted.get();
    DispatchReport report = herald.dispatch(request.step("run-" + run++).build()).completion().join();
    if (accepted.get() - before != DEVICES) {
      throw new IllegalStateException("expected " + DEVICES + " sends, got " + report.stats());
    }
    return report;
  }

  /**
   * A delivery store that keeps the claims (so idempotency still works), the records only while
   * their send is in flight, and nothing else.
   */
  static final class ClaimsOnlyStore implements DeliveryStore {
    private final Set<String> claims = ConcurrentHashMap.newKeySet(2 * DEVICES);
    private final Map<String, DeliveryRecord> inFlight = new ConcurrentHashMap<>();
    private final Map<String, DispatchProgress> progress = new ConcurrentHashMap<>();
    private final AtomicLong delivered = new AtomicLong();

    @Override
    public boolean claim(DeliveryRecord record) {
      if (!claims.add(record.key())) {
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
      DeliveryRecord current = inFlight.remove(key); // every modify here settles the delivery
      if (current == null) {
        return Optional.empty();
      }
      DeliveryRecord settled = change.apply(current);
      if (settled.state() == DeliveryState.DELIVERED) {
        delivered.incrementAndGet();
      }
      return Optional.of(settled);
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
    public void append(DeliveryEvent event) {}

    @Override
    public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
      return Stream.empty();
    }

    @Override
    public Stream<DeliveryEvent> eventsOf(String sourceId) {
      return Stream.empty();
    }

    @Override
    public void saveProgress(DispatchProgress value) {
      progress.put(value.sourceId() + '|' + value.step(), value);
    }

    @Override
    public Optional<DispatchProgress> progress(String sourceId, String step) {
      return Optional.ofNullable(progress.get(sourceId + '|' + step));
    }
  }
}
