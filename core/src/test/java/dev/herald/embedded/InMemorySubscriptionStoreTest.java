package dev.herald.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Invalidation;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.TransitionReason;
import dev.herald.subscription.WebPushAddress;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the packed rows must keep beyond the contract: an address owner is found wherever it is
 * kept (in its device's record once the device holds the address, whole before and after), every
 * address kind and far instants read back equal, and erasure leaves other players' owners alone.
 */
class InMemorySubscriptionStoreTest {
  private static final Instant T0 = Instant.parse("2026-11-20T17:30:00.123456Z");
  private static final String P256DH =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";

  private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();

  private static Device allowed(String player, String device, DeviceAddress address, long version) {
    return Device.builder().playerId(player).deviceId(device).platform(address.platform())
        .status(PushStatus.ALLOWED).address(address).addressEpoch(1).addressSince(T0)
        .createdAt(T0).version(version).build();
  }

  @Test
  void anOwnerIsFoundBeforeWhileAndAfterItsDeviceHoldsTheAddress() {
    FcmAddress first = new FcmAddress("token-1");
    FcmAddress second = new FcmAddress("token-2");
    AddressOwner claim = new AddressOwner(first.key(), "alice", "phone", 1);
    assertThat(store.compareAndSetOwner(0, claim)).isTrue(); // before the device is saved
    assertThat(store.ownerOf(first.key())).contains(claim);

    assertThat(store.saveDevice(allowed("alice", "phone", first, 1), 0, Optional.empty()))
        .isTrue();
    assertThat(store.ownerOf(first.key())).contains(claim); // now in the device's record
    AddressOwner again = new AddressOwner(first.key(), "alice", "phone", 2);
    assertThat(store.compareAndSetOwner(2, new AddressOwner(first.key(), "bob", "phone", 3)))
        .isFalse();
    assertThat(store.compareAndSetOwner(1, again)).isTrue();
    assertThat(store.ownerOf(first.key())).contains(again);

    // the token is refreshed: the old token's owner stays as it was, the new one has none yet
    assertThat(store.saveDevice(allowed("alice", "phone", second, 2), 1, Optional.empty()))
        .isTrue();
    assertThat(store.ownerOf(first.key())).contains(again);
    assertThat(store.ownerOf(second.key())).isEmpty();
    assertThat(store.ownersOfAll(java.util.List.of(first.key(), second.key())))
        .containsOnlyKeys(first.key());
  }

  @Test
  void anOwnerMovesToAnotherPlayersDeviceAndBack() {
    ApnsAddress shared = ApnsAddress.production("AB".repeat(32), "com.example.casino");
    store.saveDevice(allowed("alice", "ipad", shared, 1), 0, Optional.empty());
    store.compareAndSetOwner(0, new AddressOwner(shared.key(), "alice", "ipad", 1));
    store.saveDevice(allowed("bob", "ipad", shared, 1), 0, Optional.empty());
    AddressOwner bob = new AddressOwner(shared.key(), "bob", "ipad", 2);
    assertThat(store.compareAndSetOwner(1, bob)).isTrue();
    assertThat(store.ownerOf(shared.key())).contains(bob);
    AddressOwner alice = new AddressOwner(shared.key(), "alice", "ipad", 3);
    assertThat(store.compareAndSetOwner(2, alice)).isTrue();
    assertThat(store.ownerOf(shared.key())).contains(alice);

    assertThat(store.erasePlayer("bob")).isEqualTo(1);
    assertThat(store.ownerOf(shared.key())).contains(alice);
    assertThat(store.erasePlayer("alice")).isEqualTo(1);
    assertThat(store.ownerOf(shared.key())).isEmpty();
  }

  @Test
  void everyAddressKindAndFarInstantsReadBackEqual() {
    Instant far = Instant.parse("1066-10-14T09:00:00.000000001Z");
    WebPushAddress http = WebPushAddress.allowingHttp("http://localhost:8080/push/abc", P256DH,
        AUTH);
    Device web = Device.builder().playerId("p").deviceId("0f8fad5b-d9cb-469f-a165-70867728950e")
        .platform(Platform.WEB_PUSH).brand(Brand.of("golden-reels")).status(PushStatus.ALLOWED)
        .address(http).addressEpoch(3).addressSince(far).createdAt(T0)
        .statusChangedAt(T0.plusSeconds(400L * 24 * 3600)).lastSeenAt(far)
        .invalidation(new Invalidation("Unregistered", far, "apns:" + "ab".repeat(32)))
        .version(1).build();
    StatusChange change = new StatusChange("p", web.deviceId(), Optional.of(PushStatus.ASK),
        PushStatus.ALLOWED, TransitionReason.values()[0], far, "detail with ünïcode");
    assertThat(store.saveDevice(web, 0, Optional.of(change))).isTrue();
    assertThat(store.findDevice("p", web.deviceId())).contains(web);
    assertThat(store.history("p", web.deviceId())).containsExactly(change);

    Device apns = allowed("p", "sandbox-phone",
        ApnsAddress.sandbox("0123456789abcdef", "com.example.casino.push-type.liveactivity"), 1);
    store.saveDevice(apns, 0, Optional.empty());
    assertThat(store.devicesOf("p")).containsExactly(web, apns);
  }

  @Test
  void manyOwnersSurviveTheErasureOfOthers() {
    for (int i = 0; i < 3_000; i++) {
      FcmAddress token = new FcmAddress("token-" + i);
      store.saveDevice(allowed("player-" + i, "phone", token, 1), 0, Optional.empty());
      store.compareAndSetOwner(0, new AddressOwner(token.key(), "player-" + i, "phone", 1));
    }
    for (int i = 0; i < 3_000; i += 2) {
      assertThat(store.erasePlayer("player-" + i)).isEqualTo(1);
    }
    for (int i = 0; i < 3_000; i++) {
      String key = new FcmAddress("token-" + i).key();
      assertThat(store.ownerOf(key)).as(key).isEqualTo(i % 2 == 0 ? Optional.empty()
          : Optional.of(new AddressOwner(key, "player-" + i, "phone", 1)));
    }
  }
}
