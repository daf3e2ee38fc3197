package dev.herald.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Invalidation;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.TransitionReason;
import dev.herald.subscription.WebPushAddress;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SubscriptionStore} must keep. Extend it in your own tests and return a
 * fresh, empty store from {@link #newStore()}:
 *
 * <pre>{@code
 * class JdbcSubscriptionStoreTest extends SubscriptionStoreContract {
 *   protected SubscriptionStore newStore() { return new JdbcSubscriptionStore(freshSchema()); }
 * }
 * }</pre>
 *
 * <p>It checks round trips of every field, the compare-and-set semantics of
 * {@link SubscriptionStore#saveDevice} and {@link SubscriptionStore#compareAndSetOwner} (including
 * under concurrent writers: no lost updates), and that history is appended with, and only with, a
 * successful save.
 *
 * <p>Instants keep at least microseconds (one with nanoseconds reads back exactly or truncated to
 * the microsecond); a Web Push endpoint on {@code http:}, accepted through
 * {@link WebPushAddress#allowingHttp} (a local push service), reads back as such rather than
 * failing the {@code https} check; {@link SubscriptionStore#erasePlayer} removes everything
 * the store holds about a player and nothing about anyone else.
 */
public abstract class SubscriptionStoreContract {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final String P256DH =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";

  private SubscriptionStore store;

  /**
   * Creates the store under test, empty.
   *
   * @return a new, empty store
   */
  protected abstract SubscriptionStore newStore();

  @BeforeEach
  void createStore() {
    store = newStore();
  }

  private static Device.Builder device(String player, String device, Platform platform) {
    return Device.builder().playerId(player).deviceId(device).platform(platform)
        .status(PushStatus.ASK).createdAt(T0);
  }

  private static StatusChange change(String player, String device, PushStatus to) {
    return new StatusChange(player, device, Optional.empty(), to,
        TransitionReason.DEVICE_REGISTERED, T0, "");
  }

  @Test
  void unknownDevicesPlayersAndAddressesAreEmpty() {
    assertThat(store.findDevice("p", "d")).isEmpty();
    assertThat(store.devicesOf("p")).isEmpty();
    assertThat(store.ownerOf("fcm:t")).isEmpty();
    assertThat(store.history("p", "d")).isEmpty();
    assertThat(store.preferences("p")).isEmpty();
  }

  @Test
  void everyFieldOfEveryAddressTypeSurvivesARoundTrip() {
    WebPushAddress web = WebPushAddress.of(
        "https://updates.push.services.mozilla.com/wpush/v2/x", P256DH, "BTBZMqHH6r4Tts7J_aSIgg");
    List<Device> devices = List.of(
        device("p", "web", Platform.WEB_PUSH).status(PushStatus.ALLOWED).address(web)
            .addressEpoch(3).addressSince(T0.plusSeconds(1)).statusChangedAt(T0.plusSeconds(2))
            .lastSeenAt(T0.plusSeconds(3)).version(1).build(),
        device("p", "ios", Platform.APNS).status(PushStatus.SUSPENDED)
            .address(ApnsAddress.sandbox("ab".repeat(32), "com.example.casino"))
            .addressEpoch(7).addressSince(T0).version(1).build(),
        device("p", "android", Platform.FCM)
            .invalidation(new Invalidation("UNREGISTERED", T0.plusMillis(1234), "fcm:old"))
            .version(1).build(),
        device("p", "blocked", Platform.FCM).status(PushStatus.BLOCKED).version(1).build(),
        device("p", "old", Platform.WEB_PUSH).status(PushStatus.UNSUPPORTED).version(1).build());
    for (Device d : devices) {
      assertThat(store.saveDevice(d, 0, Optional.empty())).isTrue();
      assertThat(store.findDevice(d.playerId(), d.deviceId())).contains(d);
    }
    assertThat(store.devicesOf("p")).containsExactlyInAnyOrderElementsOf(devices);
    assertThat(store.devicesOf("someone-else")).isEmpty();
  }

  @Test
  void theBrandSurvivesARoundTripAndAnUpdate() {
    Brand lucky = Brand.of("lucky-spins");
    Device d = device("p", "web", Platform.WEB_PUSH).brand(lucky).version(1).build();
    assertThat(store.saveDevice(d, 0, Optional.empty())).isTrue();
    Device other = device("p", "app", Platform.FCM).version(1).build();
    assertThat(store.saveDevice(other, 0, Optional.empty())).isTrue();
    assertThat(store.findDevice("p", "web").orElseThrow().brand()).isEqualTo(lucky);
    assertThat(store.findDevice("p", "app").orElseThrow().brand()).isEqualTo(Brand.DEFAULT);
    Device blocked = d.toBuilder().status(PushStatus.BLOCKED).version(2).build();
    assertThat(store.saveDevice(blocked, 1, Optional.empty())).isTrue();
    assertThat(store.findDevice("p", "web")).contains(blocked);
    assertThat(store.devicesOf("p")).extracting(Device::brand)
        .containsExactlyInAnyOrder(lucky, Brand.DEFAULT);
  }

  @Test
  void bulkReadsGiveWhatTheSingleReadsGive() {
    Device a1 = device("a", "phone", Platform.FCM).status(PushStatus.ALLOWED)
        .address(new FcmAddress("token-a")).addressEpoch(1).addressSince(T0).version(1).build();
    Device a2 = device("a", "tablet", Platform.FCM).version(1).build();
    Device b1 = device("b", "phone", Platform.FCM).version(1).build();
    for (Device d : List.of(a1, a2, b1)) {
      store.saveDevice(d, 0, Optional.empty());
    }
    store.compareAndSetOwner(0, new AddressOwner("fcm:token-a", "a", "phone", 1));
    PushPreferences prefs = new PushPreferences("a", true, Set.of("promotions"), T0);
    store.savePreferences(prefs);

    List<String> players = List.of("a", "b", "nobody");
    assertThat(store.devicesOfAll(players).get("a")).containsExactlyInAnyOrder(a1, a2);
    assertThat(store.devicesOfAll(players).get("b")).containsExactly(b1);
    assertThat(store.devicesOfAll(players).getOrDefault("nobody", List.of())).isEmpty();
    assertThat(store.devicesOfAll(List.of())).isEmpty();
    assertThat(store.preferencesOfAll(players)).containsOnlyKeys("a").containsEntry("a", prefs);
    assertThat(store.ownersOfAll(List.of("fcm:token-a", "fcm:unknown")))
        .containsOnlyKeys("fcm:token-a")
        .containsEntry("fcm:token-a", store.ownerOf("fcm:token-a").orElseThrow());
  }

  @Test
  void insertSucceedsOnceOnly() {
    Device d = device("p", "d", Platform.FCM).version(1).build();
    assertThat(store.saveDevice(d, 0, Optional.of(change("p", "d", PushStatus.ASK)))).isTrue();
    Device other = device("p", "d", Platform.FCM).status(PushStatus.BLOCKED).version(1).build();
    assertThat(store.saveDevice(other, 0, Optional.of(change("p", "d", PushStatus.BLOCKED))))
        .isFalse();
    assertThat(store.findDevice("p", "d")).contains(d);
    assertThat(store.history("p", "d")).hasSize(1);
  }

  @Test
  void replaceComparesTheVersionAndAppendsHistoryOnlyOnSuccess() {
    Device v1 = device("p", "d", Platform.FCM).version(1).build();
    store.saveDevice(v1, 0, Optional.of(change("p", "d", PushStatus.ASK)));
    Device v2 = v1.toBuilder().status(PushStatus.BLOCKED).version(2).build();
    StatusChange blocked = new StatusChange("p", "d", Optional.of(PushStatus.ASK),
        PushStatus.BLOCKED, TransitionReason.PERMISSION_DENIED, T0.plusSeconds(5), "denied");
    assertThat(store.saveDevice(v2, 1, Optional.of(blocked))).isTrue();

    Device stale = v1.toBuilder().status(PushStatus.UNSUPPORTED).version(2).build();
    assertThat(store.saveDevice(stale, 1, Optional.of(change("p", "d", PushStatus.UNSUPPORTED))))
        .isFalse();
    assertThat(store.findDevice("p", "d")).contains(v2);
    assertThat(store.history("p", "d")).containsExactly(change("p", "d", PushStatus.ASK), blocked);

    Device v3 = v2.toBuilder().lastSeenAt(T0.plusSeconds(9)).version(3).build();
    assertThat(store.saveDevice(v3, 2, Optional.empty())).isTrue();
    assertThat(store.history("p", "d")).hasSize(2);
  }

  @Test
  void historyIsKeptPerDevice() {
    store.saveDevice(device("p", "a", Platform.FCM).version(1).build(), 0,
        Optional.of(change("p", "a", PushStatus.ASK)));
    store.saveDevice(device("p", "b", Platform.FCM).version(1).build(), 0,
        Optional.of(change("p", "b", PushStatus.ASK)));
    assertThat(store.history("p", "a")).extracting(StatusChange::deviceId).containsExactly("a");
  }

  @Test
  void ownershipIsClaimedByCompareAndSetOnTheEpoch() {
    String key = new FcmAddress("token").key();
    AddressOwner alice = new AddressOwner(key, "alice", "d", 1);
    assertThat(store.compareAndSetOwner(0, alice)).isTrue();
    assertThat(store.compareAndSetOwner(0, new AddressOwner(key, "bob", "d", 1))).isFalse();
    assertThat(store.ownerOf(key)).contains(alice);
    AddressOwner bob = new AddressOwner(key, "bob", "d", 2);
    assertThat(store.compareAndSetOwner(1, bob)).isTrue();
    assertThat(store.compareAndSetOwner(1, new AddressOwner(key, "carol", "d", 2))).isFalse();
    assertThat(store.ownerOf(key)).contains(bob);
    assertThat(store.ownerOf(new FcmAddress("other").key())).isEmpty();
  }

  @Test
  void preferencesAreReplaced() {
    store.savePreferences(new PushPreferences("p", true, Set.of("promotions"), T0));
    PushPreferences later = new PushPreferences("p", false, Set.of("security", "vip"), T0.plusSeconds(60));
    store.savePreferences(later);
    assertThat(store.preferences("p")).contains(later);
    assertThat(store.preferences("q")).isEmpty();
  }

  @Test
  void concurrentWritersNeverLoseAnUpdate() throws Exception {
    store.saveDevice(device("p", "d", Platform.FCM).version(1).build(), 0, Optional.empty());
    int threads = 4;
    int incrementsEach = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<Integer>> wins = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        wins.add(pool.submit(() -> {
          start.await();
          int done = 0;
          while (done < incrementsEach) {
            Device current = store.findDevice("p", "d").orElseThrow();
            Device next = current.toBuilder()
                .lastSeenAt(current.lastSeenAt().plusSeconds(1))
                .version(current.version() + 1).build();
            if (store.saveDevice(next, current.version(), Optional.empty())) {
              done++;
            }
          }
          return done;
        }));
      }
      int total = 0;
      for (Future<Integer> f : wins) {
        total += f.get(60, TimeUnit.SECONDS);
      }
      Device last = store.findDevice("p", "d").orElseThrow();
      assertThat(last.version()).isEqualTo(1L + total);
      assertThat(last.lastSeenAt()).isEqualTo(T0.plusSeconds(total));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentClaimsProduceOneOwnerPerEpoch() throws Exception {
    String key = new FcmAddress("contested").key();
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier start = new CyclicBarrier(threads);
    try {
      List<Future<List<Long>>> claimed = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String player = "p" + t;
        claimed.add(pool.submit(() -> {
          start.await();
          List<Long> epochs = new ArrayList<>();
          while (epochs.size() < 100) {
            long expected = store.ownerOf(key).map(AddressOwner::epoch).orElse(0L);
            if (store.compareAndSetOwner(expected, new AddressOwner(key, player, "d", expected + 1))) {
              epochs.add(expected + 1);
            }
          }
          return epochs;
        }));
      }
      List<Long> all = new ArrayList<>();
      for (Future<List<Long>> f : claimed) {
        all.addAll(f.get(60, TimeUnit.SECONDS));
      }
      assertThat(all).doesNotHaveDuplicates().hasSize(threads * 100);
      assertThat(store.ownerOf(key).orElseThrow().epoch()).isEqualTo(threads * 100L);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anHttpWebPushEndpointReadsBackAsAllowingHttp() {
    WebPushAddress local = WebPushAddress.allowingHttp(
        "http://localhost:8080/push/abc", P256DH, "BTBZMqHH6r4Tts7J_aSIgg");
    Device d = device("p", "web", Platform.WEB_PUSH).status(PushStatus.ALLOWED).address(local)
        .addressEpoch(1).addressSince(T0).version(1).build();
    assertThat(store.saveDevice(d, 0, Optional.empty())).isTrue();
    assertThat(store.findDevice("p", "web")).contains(d);
    assertThat(store.devicesOf("p")).containsExactly(d);
  }

  @Test
  void instantsKeepAtLeastMicroseconds() {
    Instant precise = T0.plusNanos(987_654_321);
    Device d = device("p", "d", Platform.FCM).createdAt(precise)
        .statusChangedAt(precise.plusNanos(1_000)).lastSeenAt(precise.plusNanos(2_000))
        .version(1).build();
    store.saveDevice(d, 0, Optional.of(new StatusChange("p", "d", Optional.empty(),
        PushStatus.ASK, TransitionReason.DEVICE_REGISTERED, precise, "")));
    Device read = store.findDevice("p", "d").orElseThrow();
    assertThat(read.createdAt()).isIn(precise, precise.truncatedTo(ChronoUnit.MICROS));
    assertThat(read.statusChangedAt()).isIn(precise.plusNanos(1_000),
        precise.plusNanos(1_000).truncatedTo(ChronoUnit.MICROS));
    assertThat(read.lastSeenAt()).isIn(precise.plusNanos(2_000),
        precise.plusNanos(2_000).truncatedTo(ChronoUnit.MICROS));
    assertThat(store.history("p", "d").get(0).at())
        .isIn(precise, precise.truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void erasingAPlayerRemovesTheirDevicesHistoryAddressesAndPreferences() {
    FcmAddress alicesToken = new FcmAddress("alice-token");
    FcmAddress bobsToken = new FcmAddress("bob-token");
    for (String player : List.of("alice", "bob")) {
      FcmAddress token = player.equals("alice") ? alicesToken : bobsToken;
      Device d = device(player, "phone", Platform.FCM).status(PushStatus.ALLOWED).address(token)
          .addressEpoch(1).addressSince(T0).version(1).build();
      store.saveDevice(d, 0, Optional.of(change(player, "phone", PushStatus.ALLOWED)));
      store.saveDevice(device(player, "tablet", Platform.FCM).version(1).build(), 0,
          Optional.of(change(player, "tablet", PushStatus.ASK)));
      store.compareAndSetOwner(0, new AddressOwner(token.key(), player, "phone", 1));
      store.savePreferences(new PushPreferences(player, true, Set.of("vip"), T0));
    }

    assertThat(store.erasePlayer("alice")).isEqualTo(2);

    assertThat(store.devicesOf("alice")).isEmpty();
    assertThat(store.findDevice("alice", "phone")).isEmpty();
    assertThat(store.history("alice", "phone")).isEmpty();
    assertThat(store.history("alice", "tablet")).isEmpty();
    assertThat(store.ownerOf(alicesToken.key())).isEmpty();
    assertThat(store.preferences("alice")).isEmpty();
    assertThat(store.devicesOf("bob")).hasSize(2);
    assertThat(store.history("bob", "phone")).hasSize(1);
    assertThat(store.ownerOf(bobsToken.key())).isPresent();
    assertThat(store.preferences("bob")).isPresent();
    assertThat(store.erasePlayer("alice")).isZero();
    // the address can be claimed afresh
    assertThat(store.compareAndSetOwner(0, new AddressOwner(alicesToken.key(), "carol", "d", 1)))
        .isTrue();
  }
}
