package dev.herald.jdbc;

import dev.herald.Herald;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import dev.herald.testing.MutableClock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Herald "nodes" in one JVM: each a {@code Herald} over JDBC stores of its own on one schema of
 * the test PostgreSQL, so that their process-local locks and timers do not see each other and
 * only the database is shared. They share a fake clock, a player directory and one recording FCM
 * provider.
 */
final class Nodes implements AutoCloseable {
  final MutableClock clock;
  final DataSource dataSource = TestDatabase.dataSource();
  final String schema;
  final InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
  final RecordingProvider fcm = new RecordingProvider();
  private final List<Herald> started = new CopyOnWriteArrayList<>();

  Nodes(String schemaPrefix, String now) {
    this.clock = MutableClock.at(now);
    this.schema = TestDatabase.freshSchema(schemaPrefix);
  }

  /** Starts a node; {@code configure} adds to its builder (a scheduler, say). */
  Herald start(Consumer<Herald.Builder> configure) {
    Herald.Builder b = Herald.builder()
        .clock(clock)
        .subscriptionStore(new JdbcSubscriptionStore(dataSource, schema))
        .deliveryStore(new JdbcDeliveryStore(dataSource, schema))
        .campaignStore(new JdbcCampaignStore(dataSource, schema))
        .triggerStore(new JdbcTriggerStore(dataSource, schema))
        .playerDirectory(directory)
        .provider(fcm);
    configure.accept(b);
    Herald herald = b.build();
    started.add(herald);
    return herald;
  }

  /** Players p0, p1, … with marketing consent and one Android device each, through a node. */
  List<String> subscribe(Herald herald, int count) {
    List<String> players = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = "p" + i;
      players.add(id);
      directory.put(PlayerProfile.builder(id).build());
      herald.subscriptions().updatePreferences(id, true, Set.of());
      herald.subscriptions().permissionGranted(id, "android", new FcmAddress(id + "-fcm-token"));
    }
    return players;
  }

  /** Closes every node (closing one twice is harmless). */
  @Override
  public void close() {
    started.forEach(Herald::close);
  }

  /** Accepts every message at once; records each. */
  static final class RecordingProvider implements PushProvider {
    private final ConcurrentLinkedQueue<PushMessage> sent = new ConcurrentLinkedQueue<>();

    List<PushMessage> sends() {
      return List.copyOf(sent);
    }

    /** Sends by player (the FCM token starts with the player id). */
    Map<String, Long> sendsPerPlayer() {
      return sent.stream().map(m -> ((FcmAddress) m.address()).token())
          .collect(Collectors.groupingBy(t -> t.substring(0, t.indexOf('-')),
              Collectors.counting()));
    }

    List<String> titles() {
      return sent.stream().map(m -> m.notification().title().orElse("")).toList();
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      sent.add(message);
      return CompletableFuture.completedFuture(SendResult.accepted("m", 200));
    }

    @Override
    public void close() {}
  }
}
