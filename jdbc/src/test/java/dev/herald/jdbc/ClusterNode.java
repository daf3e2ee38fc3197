package dev.herald.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.Herald;
import dev.herald.dispatch.DispatchHandle;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.embedded.InMemoryPlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.PushProvider;
import dev.herald.spi.SendResult;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Platform;
import java.io.BufferedReader;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One Herald node in a process of its own, for {@link ClusterTest}: JDBC stores and
 * {@link JdbcLeases} on the test's PostgreSQL, and a mock FCM provider that answers every call
 * after 20 ms. Each call is written to the node's send log before it is "on the wire" (an
 * unbuffered append, which survives a kill -9 of the process).
 *
 * <p>Arguments: JDBC URL, schema, the campaign's id, node id, send log, number of players,
 * in-flight limit, heartbeat and expiry in milliseconds, players per chunk (0: no chunks, each
 * campaign run on one node). It prints {@code READY} once built, then obeys lines on
 * standard input: {@code recover} (prints {@code RECOVERED n}) and {@code close} (closes
 * Herald, waits for its run to end, prints {@code CLOSED} and exits).
 */
public final class ClusterNode {
  private ClusterNode() {}

  /**
   * Runs the node.
   *
   * @param args see the class comment
   * @throws Exception when the node cannot run
   */
  public static void main(String[] args) throws Exception {
    String url = args[0];
    String schema = args[1];
    String campaign = args[2];
    String nodeId = args[3];
    int players = Integer.parseInt(args[5]);
    int inFlight = Integer.parseInt(args[6]);
    Duration heartbeat = Duration.ofMillis(Long.parseLong(args[7]));
    Duration expiry = Duration.ofMillis(Long.parseLong(args[8]));
    int playersPerChunk = Integer.parseInt(args[9]);
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(8);
    config.setPoolName(nodeId);
    HikariDataSource db = new HikariDataSource(config);
    InMemoryPlayerDirectory directory = new InMemoryPlayerDirectory();
    for (int i = 0; i < players; i++) {
      directory.put(PlayerProfile.builder(ClusterTest.player(i)).build());
    }
    MockFcm fcm = new MockFcm(new FileOutputStream(args[4], true));
    Herald.Builder builder = Herald.builder();
    if (playersPerChunk > 0) {
      builder.audienceChunks(new JdbcAudienceChunks(db, schema), playersPerChunk);
    }
    Herald herald = builder
        .nodeId(nodeId)
        .leases(new JdbcLeases(db, schema))
        .leaseTimes(heartbeat, expiry)
        .subscriptionStore(new JdbcSubscriptionStore(db, schema))
        .deliveryStore(new JdbcDeliveryStore(db, schema))
        .campaignStore(new JdbcCampaignStore(db, schema))
        .triggerStore(new JdbcTriggerStore(db, schema))
        .playerDirectory(directory)
        .provider(fcm)
        .dispatchSettings(DispatchSettings.builder().maxSendsInFlightPerProvider(inFlight).build())
        .build();
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in,
        StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.equals("recover")) {
        System.out.println("RECOVERED " + herald.recover());
      } else if (line.equals("close")) {
        Optional<DispatchHandle> run = herald.campaigns().currentRun(campaign);
        herald.close();
        if (run.isPresent()) {
          run.get().completion().get(60, TimeUnit.SECONDS); // its calls on the wire settle
        }
        db.close();
        System.out.println("CLOSED");
        return;
      }
    }
  }

  /** Answers every call after 20 ms; logs the device token of each call as it starts. */
  private static final class MockFcm implements PushProvider {
    private final FileOutputStream log;
    private final ScheduledExecutorService answers = Executors.newScheduledThreadPool(4, r -> {
      Thread t = new Thread(r, "mock-fcm");
      t.setDaemon(true);
      return t;
    });

    MockFcm(FileOutputStream log) {
      this.log = log;
    }

    @Override
    public Platform platform() {
      return Platform.FCM;
    }

    @Override
    public CompletableFuture<SendResult> send(PushMessage message) {
      byte[] line = (((FcmAddress) message.address()).token() + "\n")
          .getBytes(StandardCharsets.UTF_8);
      synchronized (log) {
        try {
          log.write(line); // unbuffered: in the OS's hands before the call is on the wire
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      CompletableFuture<SendResult> answer = new CompletableFuture<>();
      answers.schedule(() -> answer.complete(SendResult.accepted(message.deliveryId(), 200)),
          20, TimeUnit.MILLISECONDS);
      return answer;
    }

    @Override
    public void close() {
      answers.shutdown(); // the answers already scheduled still come
    }
  }
}
