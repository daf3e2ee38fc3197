package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Lease;
import dev.herald.spi.LeaseLostException;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcLeases} on a real PostgreSQL, and the fenced writes of {@link JdbcDeliveryStore}:
 * once another node took a lease over, every write of the old owner is refused and writes
 * nothing.
 */
class JdbcLeasesTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration EXPIRY = Duration.ofSeconds(30);

  private final DataSource db = TestDatabase.dataSource();
  private final String schema = TestDatabase.freshSchema("leases");
  private final JdbcLeases leases = new JdbcLeases(db, schema);
  private final JdbcDeliveryStore store = new JdbcDeliveryStore(db, schema);

  @Test
  void aLiveLeaseIsNotTakenAndAnExpiredOneIsTakenWithAHigherToken() {
    Lease a = leases.acquire("step", "node-a", T0, EXPIRY).orElseThrow();
    assertThat(a.token()).isEqualTo(1);
    assertThat(a.expiresAt()).isEqualTo(T0.plus(EXPIRY));
    assertThat(leases.acquire("step", "node-b", T0.plusSeconds(29), EXPIRY)).isEmpty();

    Lease renewed = leases.renew(a, T0.plusSeconds(20), EXPIRY).orElseThrow();
    assertThat(renewed.token()).isEqualTo(1);
    assertThat(leases.acquire("step", "node-b", T0.plusSeconds(49), EXPIRY)).as("renewed")
        .isEmpty();

    Lease b = leases.acquire("step", "node-b", T0.plusSeconds(50), EXPIRY).orElseThrow();
    assertThat(b.token()).isEqualTo(2);
    assertThat(leases.renew(a, T0.plusSeconds(51), EXPIRY)).as("a's heartbeat after the takeover")
        .isEmpty();
    leases.release(a); // too late: changes nothing
    assertThat(leases.acquire("step", "node-c", T0.plusSeconds(51), EXPIRY)).isEmpty();

    leases.release(b);
    Lease c = leases.acquire("step", "node-c", T0.plusSeconds(51), EXPIRY).orElseThrow();
    assertThat(c.token()).as("given back: taken at once, the token still rises").isEqualTo(3);
    assertThat(leases.acquire("other", "node-a", T0, EXPIRY)).as("leases are independent")
        .hasValueSatisfying(l -> assertThat(l.token()).isEqualTo(1));
  }

  @Test
  void twoNodesTakingOneLeaseAtOnceGetItOnce() throws Exception {
    int nodes = 8;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
        nodes);
    try {
      java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
      List<java.util.concurrent.Future<Optional<Lease>>> tries = new java.util.ArrayList<>();
      for (int i = 0; i < nodes; i++) {
        String owner = "node-" + i;
        tries.add(pool.submit(() -> {
          go.await();
          return leases.acquire("race", owner, T0, EXPIRY);
        }));
      }
      go.countDown();
      long granted = 0;
      for (var f : tries) {
        granted += f.get().isPresent() ? 1 : 0;
      }
      assertThat(granted).isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aNodeWhoseLeaseWasTakenOverCannotWriteOverItsSuccessor() {
    Lease a = leases.acquire("dispatch:promo", "node-a", T0, EXPIRY).orElseThrow();
    DeliveryStore asA = store.fencedBy(a);
    DeliveryRecord claimed = record("p1", DeliveryState.CLAIMED);
    assertThat(asA.claimAll(List.of(claimed))).containsExactly(true);
    asA.saveProgress(progress("p0"));

    // node-a stalls (a GC pause) past its expiry; node-b takes the step over
    Lease b = leases.acquire("dispatch:promo", "node-b", T0.plus(EXPIRY), EXPIRY).orElseThrow();
    DeliveryStore asB = store.fencedBy(b);
    asB.modify(claimed.key(), r -> r.withState(DeliveryState.SENDING, "", "", T0.plus(EXPIRY)));
    asB.saveProgress(progress("p5"));

    // node-a wakes up: every write is refused, nothing is written
    Instant late = T0.plus(EXPIRY).plusSeconds(1);
    assertThatThrownBy(() -> asA.update(claimed.withState(DeliveryState.SENDING, "", "", late)))
        .isInstanceOf(LeaseLostException.class).hasMessageContaining("node-a");
    assertThatThrownBy(() -> asA.modify(claimed.key(),
        r -> r.withOutcome(DeliveryState.DELIVERED, "", "", late, 1, 200, "m")))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> asA.modifyAll(List.of(claimed.key()),
        r -> r.withState(DeliveryState.FAILED, "UNKNOWN", "", late)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> asA.claimAll(List.of(record("p2", DeliveryState.CLAIMED))))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> asA.claim(record("p3", DeliveryState.CLAIMED)))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> asA.saveProgress(new DispatchProgress("promo", "", T0,
        Optional.of("p9"), Optional.of(late))))
        .isInstanceOf(LeaseLostException.class);
    assertThatThrownBy(() -> asA.appendAll(List.of(DeliveryEvent.ofSource(
        EventType.CAMPAIGN_COMPLETED, late, "promo", "", "")))).isInstanceOf(
        LeaseLostException.class);

    assertThat(store.find(claimed.key())).hasValueSatisfying(r ->
        assertThat(r.state()).isEqualTo(DeliveryState.SENDING));
    assertThat(store.find(record("p2", DeliveryState.CLAIMED).key())).isEmpty();
    assertThat(store.find(record("p3", DeliveryState.CLAIMED).key())).isEmpty();
    assertThat(store.progress("promo", "")).hasValueSatisfying(p -> {
      assertThat(p.cursor()).contains("p5");
      assertThat(p.completedAt()).isEmpty();
    });
    try (Stream<DeliveryEvent> events = store.eventsOf("promo")) {
      assertThat(events).isEmpty();
    }
    // the unfenced store (clicks, conversions) is not affected
    assertThat(store.modify(claimed.key(), r -> r)).isPresent();
  }

  private static DispatchProgress progress(String cursor) {
    return new DispatchProgress("promo", "", T0, Optional.of(cursor), Optional.empty());
  }

  private static DeliveryRecord record(String player, DeliveryState state) {
    return new DeliveryRecord("promo", "", player, Optional.of("android"),
        Optional.of(Platform.FCM), DeliveryRecord.newDeliveryId(), "A",
        NotificationType.PROMOTIONAL, "promotional", state, "", "", T0, T0, 0, 0,
        Optional.empty(), Optional.empty(), 0, BigDecimal.ZERO);
  }
}
