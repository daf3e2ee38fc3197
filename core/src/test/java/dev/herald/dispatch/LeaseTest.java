package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.Herald;
import dev.herald.InvalidInputException;
import dev.herald.content.NotificationType;
import dev.herald.spi.Lease;
import dev.herald.spi.Leases;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * How a run uses its step's lease, with a scripted {@link Leases}: no run starts while another
 * node holds the lease; a heartbeat that finds the lease taken over stops the run cleanly; a run
 * stopped by {@code close()} gives its lease back. The default single-node leases need no
 * heartbeat.
 */
class LeaseTest extends DispatchFixture {
  private final ScriptedLeases leases = new ScriptedLeases();

  @Test
  void aStepWhoseLeaseAnotherNodeHoldsDoesNotRunHere() {
    leases.heldElsewhere.set(true);
    rebuild(b -> b.leases(leases).nodeId("node-b"));
    webPlayer("p1");
    DispatchHandle handle = herald.dispatch(request("promo", List.of("p1"),
        NotificationType.PROMOTIONAL).build());
    assertThat(handle.completion()).isCompleted();
    DispatchReport report = handle.completion().join();
    assertThat(report.status()).isEqualTo(DispatchReport.Status.STOPPED);
    assertThat(report.error()).hasValueSatisfying(e -> assertThat(e).contains("another node"));
    assertThat(web.sent()).isEmpty();
    assertThat(deliveries.progress("promo", "")).as("nothing written").isEmpty();
  }

  @Test
  void aHeartbeatThatFindsTheLeaseTakenOverStopsTheRunWithoutAnotherCall() throws Exception {
    rebuild(b -> b.leases(leases).nodeId("node-a")
        .leaseTimes(Duration.ofSeconds(10), Duration.ofSeconds(30))
        .dispatchSettings(DispatchSettings.builder().maxSendsInFlightPerProvider(2).build()));
    List<String> players = IntStream.range(0, 10).mapToObj(i -> "p" + i).toList();
    players.forEach(this::webPlayer);
    ConcurrentLinkedQueue<CompletableFuture<SendResult>> onTheWire =
        new ConcurrentLinkedQueue<>();
    web.answer = m -> {
      CompletableFuture<SendResult> f = new CompletableFuture<>();
      onTheWire.add(f);
      return f;
    };
    DispatchHandle run = herald.dispatch(request("promo", players, NotificationType.PROMOTIONAL)
        .build());
    assertThat(web.sent()).hasSize(2);

    leases.takenOver.set(true);
    scheduler.advance(Duration.ofSeconds(10)); // the heartbeat finds the lease gone
    onTheWire.forEach(f -> f.complete(SendResult.accepted("m", 200)));

    DispatchReport report = await(run);
    assertThat(report.status()).isEqualTo(DispatchReport.Status.STOPPED);
    assertThat(web.sent()).as("no call after the lease was lost").hasSize(2);
    assertThat(leases.released).as("a lost lease is not given back").isFalse();
  }

  @Test
  void closingHeraldGivesTheLeaseOfAStoppedRunBack() throws Exception {
    rebuild(b -> b.leases(leases).nodeId("node-a"));
    webPlayer("p1");
    CompletableFuture<SendResult> onTheWire = new CompletableFuture<>();
    web.answer = m -> onTheWire;
    DispatchHandle run = herald.dispatch(request("promo", List.of("p1"),
        NotificationType.PROMOTIONAL).build());
    assertThat(leases.renewals).isZero();
    scheduler.advance(Duration.ofSeconds(10));
    assertThat(leases.renewals).as("renewed by heartbeat").isEqualTo(1);
    herald.close();
    assertThat(leases.released).as("not while a call is on the wire").isFalse();
    onTheWire.complete(SendResult.accepted("m", 200));
    assertThat(await(run).status()).isEqualTo(DispatchReport.Status.STOPPED);
    assertThat(leases.released).isTrue();
    assertThat(deliveries.deliveriesOfPlayer("p1", clock.instant().minusSeconds(60)))
        .extracting(r -> r.state().name()).containsExactly("DELIVERED");
  }

  @Test
  void leaseTimesAreChecked() {
    assertThatThrownBy(() -> Herald.builder().leaseTimes(Duration.ofSeconds(10),
        Duration.ofSeconds(15))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("leaseExpiry");
    assertThatThrownBy(() -> Herald.builder().leaseTimes(Duration.ofMillis(10),
        Duration.ofSeconds(15))).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("leaseHeartbeatInterval");
    assertThatThrownBy(() -> Herald.builder().nodeId(" ")).isInstanceOf(
        InvalidInputException.class).hasMessageContaining("nodeId");
  }

  /** Grants unless told another node holds the lease; renewals fail once it is taken over. */
  private static final class ScriptedLeases implements Leases {
    final AtomicBoolean heldElsewhere = new AtomicBoolean();
    final AtomicBoolean takenOver = new AtomicBoolean();
    volatile boolean released;
    volatile int renewals;

    @Override
    public Optional<Lease> acquire(String name, String owner, Instant now, Duration expiry) {
      return heldElsewhere.get() ? Optional.empty()
          : Optional.of(new Lease(name, owner, 7, now.plus(expiry)));
    }

    @Override
    public Optional<Lease> renew(Lease lease, Instant now, Duration expiry) {
      renewals++;
      return takenOver.get() ? Optional.empty()
          : Optional.of(new Lease(lease.name(), lease.owner(), lease.token(), now.plus(expiry)));
    }

    @Override
    public void release(Lease lease) {
      released = true;
    }
  }
}
