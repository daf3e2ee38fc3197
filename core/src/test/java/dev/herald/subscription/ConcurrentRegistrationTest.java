package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.FakeClock;
import dev.herald.HeraldListener;
import dev.herald.TestAddresses;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.spi.SubscriptionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Two or more players registering one address at the same time end with one consistent owner. */
class ConcurrentRegistrationTest {
  private final FakeClock clock = new FakeClock("2026-11-22T10:00:00Z");

  @Test
  void manyPlayersRacingForOneTokenEndWithExactlyOneAllowedOwner() throws Exception {
    int players = 6;
    ExecutorService pool = Executors.newFixedThreadPool(players);
    try {
      for (int round = 0; round < 150; round++) {
        InMemorySubscriptionStore store = new InMemorySubscriptionStore();
        Subscriptions subs = Subscriptions.create(store, clock, HeraldListener.NONE);
        WebPushAddress token = TestAddresses.webPush("race-" + round);
        CyclicBarrier start = new CyclicBarrier(players);
        List<Future<Device>> results = new ArrayList<>();
        for (int p = 0; p < players; p++) {
          String player = "player-" + p;
          results.add(pool.submit(() -> {
            start.await();
            // Each player logs in twice, as a flapping shared device would.
            subs.permissionGranted(player, "browser", token);
            return subs.permissionGranted(player, "browser", token);
          }));
        }
        for (Future<Device> f : results) {
          f.get(30, TimeUnit.SECONDS);
        }
        assertSingleOwner(store, subs, token, players);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void assertSingleOwner(
      SubscriptionStore store, Subscriptions subs, DeviceAddress token, int players) {
    AddressOwner owner = store.ownerOf(token.key()).orElseThrow();
    int allowed = 0;
    for (int p = 0; p < players; p++) {
      String player = "player-" + p;
      Device d = subs.device(player, "browser").orElseThrow();
      if (owner.is(player, "browser")) {
        assertThat(d.status()).as("owner %s", player).isEqualTo(PushStatus.ALLOWED);
        assertThat(subs.sendableAddress(player, "browser")).contains(token);
      } else {
        assertThat(d.status()).as("non-owner %s", player).isEqualTo(PushStatus.SUSPENDED);
        assertThat(subs.sendableAddress(player, "browser")).isEmpty();
      }
      if (d.status() == PushStatus.ALLOWED) {
        allowed++;
      }
    }
    assertThat(allowed).isEqualTo(1);
  }

  /**
   * The hardest interleaving: alice claims the token first, but before she writes her device bob
   * claims it and tries to suspend her device, which does not hold the token yet. Alice must
   * notice on her own re-check and step aside.
   */
  @Test
  void laterClaimThatOvertakesAnEarlierOneStillWins() throws Exception {
    CountDownLatch alicePaused = new CountDownLatch(1);
    CountDownLatch bobDone = new CountDownLatch(1);
    InMemorySubscriptionStore memory = new InMemorySubscriptionStore();
    SubscriptionStore pausing = new DelegatingStore(memory) {
      @Override
      public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
        if (next.playerId().equals("alice") && next.status() == PushStatus.ALLOWED
            && alicePaused.getCount() > 0) {
          alicePaused.countDown();
          try {
            bobDone.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return super.saveDevice(next, expectedVersion, change);
      }
    };
    Subscriptions subs = Subscriptions.create(pausing, clock, HeraldListener.NONE);
    WebPushAddress token = TestAddresses.webPush("overtaken");

    Thread alice = new Thread(() -> subs.permissionGranted("alice", "b", token));
    alice.start();
    assertThat(alicePaused.await(10, TimeUnit.SECONDS)).isTrue();
    Device bob = subs.permissionGranted("bob", "b", token);
    bobDone.countDown();
    alice.join(10_000);

    assertThat(bob.status()).isEqualTo(PushStatus.ALLOWED);
    assertThat(subs.device("bob", "b").orElseThrow().status()).isEqualTo(PushStatus.ALLOWED);
    assertThat(subs.device("alice", "b").orElseThrow().status()).isEqualTo(PushStatus.SUSPENDED);
    assertThat(memory.ownerOf(token.key()).orElseThrow().is("bob", "b")).isTrue();
    assertThat(subs.sendableAddress("alice", "b")).isEmpty();
  }

  /** Forwards every call; tests override one method to inject a pause. */
  private static class DelegatingStore implements SubscriptionStore {
    private final SubscriptionStore delegate;

    DelegatingStore(SubscriptionStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Device> findDevice(String playerId, String deviceId) {
      return delegate.findDevice(playerId, deviceId);
    }

    @Override
    public List<Device> devicesOf(String playerId) {
      return delegate.devicesOf(playerId);
    }

    @Override
    public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
      return delegate.saveDevice(next, expectedVersion, change);
    }

    @Override
    public Optional<AddressOwner> ownerOf(String addressKey) {
      return delegate.ownerOf(addressKey);
    }

    @Override
    public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
      return delegate.compareAndSetOwner(expectedEpoch, next);
    }

    @Override
    public List<StatusChange> history(String playerId, String deviceId) {
      return delegate.history(playerId, deviceId);
    }

    @Override
    public Optional<PushPreferences> preferences(String playerId) {
      return delegate.preferences(playerId);
    }

    @Override
    public void savePreferences(PushPreferences preferences) {
      delegate.savePreferences(preferences);
    }
  }
}
