package dev.herald.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.FakeClock;
import dev.herald.Herald;
import dev.herald.HeraldListener;
import dev.herald.InvalidInputException;
import dev.herald.TestAddresses;
import dev.herald.embedded.InMemorySubscriptionStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SubscriptionsTest {
  private final FakeClock clock = new FakeClock("2026-11-22T10:00:00Z");
  private final InMemorySubscriptionStore store = new InMemorySubscriptionStore();
  private final List<StatusChange> announced = new CopyOnWriteArrayList<>();
  private Subscriptions subs;

  private final WebPushAddress browser = TestAddresses.webPush("shared-browser");
  private final ApnsAddress iphone = ApnsAddress.production("ab".repeat(32), "com.example.casino");
  private final FcmAddress pixel = new FcmAddress("pixel-token-1");

  @BeforeEach
  void setUp() {
    Herald herald = Herald.builder()
        .clock(clock)
        .subscriptionStore(store)
        .listener(new HeraldListener() {
          @Override
          public void statusChanged(StatusChange change) {
            announced.add(change);
          }
        })
        .build();
    subs = herald.subscriptions();
  }

  private PushStatus status(String player, String device) {
    return subs.device(player, device).orElseThrow().status();
  }

  @Nested
  class NewDevices {
    @Test
    void supportedDeviceStartsAtAsk() {
      Device d = subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      assertThat(d.status()).isEqualTo(PushStatus.ASK);
      assertThat(d.address()).isEmpty();
      assertThat(d.version()).isEqualTo(1);
      assertThat(subs.history("alice", "b1"))
          .singleElement()
          .satisfies(c -> {
            assertThat(c.from()).isEmpty();
            assertThat(c.to()).isEqualTo(PushStatus.ASK);
            assertThat(c.reason()).isEqualTo(TransitionReason.DEVICE_REGISTERED);
            assertThat(c.at()).isEqualTo(clock.instant());
          });
    }

    @Test
    void unsupportedDeviceStartsAtUnsupported() {
      Device d = subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false);
      assertThat(d.status()).isEqualTo(PushStatus.UNSUPPORTED);
      assertThat(subs.history("alice", "b1")).extracting(StatusChange::reason)
          .containsExactly(TransitionReason.PUSH_UNSUPPORTED);
    }

    @Test
    void registeringAgainRecordsASessionWithoutChangingStatus() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      clock.advance(Duration.ofHours(1));
      Device d = subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      assertThat(d.status()).isEqualTo(PushStatus.ASK);
      assertThat(d.lastSeenAt()).isEqualTo(clock.instant());
      assertThat(subs.history("alice", "b1")).hasSize(1);
    }

    @Test
    void unsupportedBrowserThatGainsSupportGoesToAsk() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false);
      Device d = subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      assertThat(d.status()).isEqualTo(PushStatus.ASK);
      assertThat(subs.history("alice", "b1")).extracting(StatusChange::reason)
          .containsExactly(TransitionReason.PUSH_UNSUPPORTED, TransitionReason.PUSH_SUPPORTED);
    }

    @Test
    void askDeviceThatLosesSupportBecomesUnsupported() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      assertThat(subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false).status())
          .isEqualTo(PushStatus.UNSUPPORTED);
    }

    @Test
    void grantOnUnknownDeviceCreatesItAllowed() {
      Device d = subs.permissionGranted("alice", "b1", browser);
      assertThat(d.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(d.address()).contains(browser);
      assertThat(d.platform()).isEqualTo(Platform.WEB_PUSH);
      assertThat(d.addressSince()).contains(clock.instant());
    }

    @Test
    void denyOnUnknownDeviceCreatesItBlocked() {
      assertThat(subs.permissionDenied("alice", "i1", Platform.APNS).status())
          .isEqualTo(PushStatus.BLOCKED);
    }
  }

  @Nested
  class Permission {
    @Test
    void grantMovesAskToAllowed() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      Device d = subs.permissionGranted("alice", "b1", browser);
      assertThat(d.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(subs.history("alice", "b1")).extracting(StatusChange::to)
          .containsExactly(PushStatus.ASK, PushStatus.ALLOWED);
      assertThat(subs.sendableAddress("alice", "b1")).contains(browser);
    }

    @Test
    void denyMovesAskToBlocked() {
      subs.registerDevice("alice", "i1", Platform.APNS, true);
      assertThat(subs.permissionDenied("alice", "i1", Platform.APNS).status())
          .isEqualTo(PushStatus.BLOCKED);
      assertThat(subs.sendableAddress("alice", "i1")).isEmpty();
    }

    @Test
    void blockedPlayerWhoGrantsLaterIsAllowed() {
      subs.permissionDenied("alice", "i1", Platform.APNS);
      Device d = subs.permissionGranted("alice", "i1", iphone);
      assertThat(d.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(subs.history("alice", "i1")).extracting(StatusChange::to)
          .containsExactly(PushStatus.BLOCKED, PushStatus.ALLOWED);
    }

    @Test
    void revokingPermissionMovesAllowedToBlockedAndForgetsTheAddress() {
      subs.permissionGranted("alice", "i1", iphone);
      Device d = subs.permissionDenied("alice", "i1", Platform.APNS);
      assertThat(d.status()).isEqualTo(PushStatus.BLOCKED);
      assertThat(d.address()).isEmpty();
      assertThat(subs.sendableAddress("alice", "i1")).isEmpty();
    }

    @Test
    void grantingTheSameAddressAgainIsASessionNotATransition() {
      subs.permissionGranted("alice", "b1", browser);
      clock.advance(Duration.ofMinutes(5));
      Device d = subs.permissionGranted("alice", "b1", browser);
      assertThat(d.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(d.lastSeenAt()).isEqualTo(clock.instant());
      assertThat(d.addressSince()).contains(clock.instant().minus(Duration.ofMinutes(5)));
      assertThat(subs.history("alice", "b1")).hasSize(1);
    }

    @Test
    void grantFromUnsupportedDeviceIsRefusedAndNothingChanges() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false);
      Device before = subs.device("alice", "b1").orElseThrow();
      assertThatThrownBy(() -> subs.permissionGranted("alice", "b1", browser))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("UNSUPPORTED")
          .hasMessageContaining("permission granted")
          .hasMessageContaining("report it as supported first")
          .satisfies(e -> assertThat(((IllegalTransitionException) e).from())
              .isEqualTo(PushStatus.UNSUPPORTED));
      assertThat(subs.device("alice", "b1")).contains(before);
      assertThat(store.ownerOf(browser.key())).isEmpty();
    }

    @Test
    void denyFromUnsupportedDeviceIsRefused() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false);
      assertThatThrownBy(() -> subs.permissionDenied("alice", "b1", Platform.WEB_PUSH))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("permission denied");
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.UNSUPPORTED);
    }

    @Test
    void allowedDeviceReportingNoSupportIsRefused() {
      subs.permissionGranted("alice", "b1", browser);
      assertThatThrownBy(() -> subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("ALLOWED");
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.ALLOWED);
    }

    @Test
    void blockedDeviceReportingNoSupportIsRefused() {
      subs.permissionDenied("alice", "b1", Platform.WEB_PUSH);
      assertThatThrownBy(() -> subs.registerDevice("alice", "b1", Platform.WEB_PUSH, false))
          .isInstanceOf(IllegalTransitionException.class);
    }

    @Test
    void addressOfAnotherPlatformIsRefused() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      assertThatThrownBy(() -> subs.permissionGranted("alice", "b1", pixel))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("platform")
          .hasMessageContaining("WEB_PUSH");
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.ASK);
    }
  }

  @Nested
  class Refresh {
    @Test
    void refreshReplacesTheAddressAndKeepsAllowed() {
      subs.permissionGranted("alice", "p1", pixel);
      FcmAddress rotated = new FcmAddress("pixel-token-2");
      clock.advance(Duration.ofDays(3));
      Device d = subs.refreshAddress("alice", "p1", rotated);
      assertThat(d.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(d.address()).contains(rotated);
      assertThat(d.addressSince()).contains(clock.instant());
      assertThat(subs.sendableAddress("alice", "p1")).contains(rotated);
      assertThat(subs.history("alice", "p1")).last().satisfies(c -> {
        assertThat(c.from()).contains(PushStatus.ALLOWED);
        assertThat(c.to()).isEqualTo(PushStatus.ALLOWED);
        assertThat(c.reason()).isEqualTo(TransitionReason.ADDRESS_REFRESHED);
      });
    }

    @Test
    void refreshOfSuspendedDeviceKeepsItSuspended() {
      subs.permissionGranted("alice", "b1", browser);
      subs.permissionGranted("bob", "b1", browser);
      WebPushAddress renewed = TestAddresses.webPush("renewed");
      Device d = subs.refreshAddress("alice", "b1", renewed);
      assertThat(d.status()).isEqualTo(PushStatus.SUSPENDED);
      assertThat(d.address()).contains(renewed);
      assertThat(subs.sendableAddress("alice", "b1")).isEmpty();
      assertThat(status("bob", "b1")).isEqualTo(PushStatus.ALLOWED);
    }

    @Test
    void refreshWithoutAnAddressIsRefused() {
      subs.registerDevice("alice", "p1", Platform.FCM, true);
      assertThatThrownBy(() -> subs.refreshAddress("alice", "p1", pixel))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("ASK")
          .hasMessageContaining("no address to refresh");
      subs.permissionDenied("alice", "p1", Platform.FCM);
      assertThatThrownBy(() -> subs.refreshAddress("alice", "p1", pixel))
          .isInstanceOf(IllegalTransitionException.class)
          .hasMessageContaining("BLOCKED");
    }

    @Test
    void refreshOfUnknownDeviceNamesTheField() {
      assertThatThrownBy(() -> subs.refreshAddress("alice", "nope", pixel))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("deviceId")
          .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("deviceId");
    }

    @Test
    void refreshOntoAnotherPlayersTokenSuspendsThem() {
      subs.permissionGranted("alice", "p1", pixel);
      subs.permissionGranted("bob", "p2", new FcmAddress("bob-token"));
      subs.refreshAddress("bob", "p2", pixel);
      assertThat(status("alice", "p1")).isEqualTo(PushStatus.SUSPENDED);
      assertThat(subs.sendableAddress("bob", "p2")).contains(pixel);
    }
  }

  @Nested
  class AccountSwitch {
    @Test
    void secondPlayerOnTheSameBrowserTakesTheTokenAndSuspendsTheFirst() {
      subs.permissionGranted("alice", "b1", browser);
      Device bob = subs.permissionGranted("bob", "b1", browser);

      assertThat(bob.status()).isEqualTo(PushStatus.ALLOWED);
      Device alice = subs.device("alice", "b1").orElseThrow();
      assertThat(alice.status()).isEqualTo(PushStatus.SUSPENDED);
      assertThat(alice.address()).contains(browser);
      assertThat(store.ownerOf(browser.key()).orElseThrow().is("bob", "b1")).isTrue();
      assertThat(subs.history("alice", "b1")).last().satisfies(c -> {
        assertThat(c.from()).contains(PushStatus.ALLOWED);
        assertThat(c.to()).isEqualTo(PushStatus.SUSPENDED);
        assertThat(c.reason()).isEqualTo(TransitionReason.ACCOUNT_SWITCH);
      });
      assertThat(subs.state("alice").pushEnabled()).isFalse();
      assertThat(subs.state("bob").pushEnabled()).isTrue();
    }

    @Test
    void firstPlayerLoggingBackInTakesItBackAndSuspendsTheSecond() {
      subs.permissionGranted("alice", "b1", browser);
      subs.permissionGranted("bob", "b1", browser);
      Device alice = subs.permissionGranted("alice", "b1", browser);

      assertThat(alice.status()).isEqualTo(PushStatus.ALLOWED);
      assertThat(status("bob", "b1")).isEqualTo(PushStatus.SUSPENDED);
      assertThat(subs.history("alice", "b1")).extracting(StatusChange::to)
          .containsExactly(PushStatus.ALLOWED, PushStatus.SUSPENDED, PushStatus.ALLOWED);
      assertThat(subs.history("bob", "b1")).extracting(StatusChange::to)
          .containsExactly(PushStatus.ALLOWED, PushStatus.SUSPENDED);
    }

    @Test
    void switchWorksWithDifferentDeviceIdsForTheSameToken() {
      subs.permissionGranted("alice", "alice-app", iphone);
      subs.permissionGranted("bob", "bob-app", iphone);
      assertThat(status("alice", "alice-app")).isEqualTo(PushStatus.SUSPENDED);
      assertThat(status("bob", "bob-app")).isEqualTo(PushStatus.ALLOWED);
    }

    @Test
    void messagesQueuedForThePreviousOwnerCannotBeSent() {
      subs.permissionGranted("alice", "b1", browser);
      // A campaign resolved alice's device before the switch...
      assertThat(subs.sendableAddress("alice", "b1")).contains(browser);
      subs.permissionGranted("bob", "b1", browser);
      // ...and re-checks at send time: alice's device must not be sent to any more.
      assertThat(subs.sendableAddress("alice", "b1")).isEmpty();
      assertThat(subs.sendableAddress("bob", "b1")).contains(browser);
    }

    @Test
    void aStaleAllowedRecordIsNotSendableWhenTheOwnerMoved() {
      // Simulates a store row left ALLOWED by a crash between the ownership claim and the
      // suspension of the previous owner: the owner check still protects the new owner.
      subs.permissionGranted("alice", "b1", browser);
      store.compareAndSetOwner(1, new AddressOwner(browser.key(), "bob", "b1", 2));
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.ALLOWED);
      assertThat(subs.sendableAddress("alice", "b1")).isEmpty();
    }

    @Test
    void deniedDeviceDoesNotGetSuspendedWhenItsOldTokenIsReused() {
      subs.permissionGranted("alice", "b1", browser);
      subs.permissionDenied("alice", "b1", Platform.WEB_PUSH);
      subs.permissionGranted("bob", "b1", browser);
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.BLOCKED);
      assertThat(subs.history("alice", "b1")).extracting(StatusChange::to)
          .containsExactly(PushStatus.ALLOWED, PushStatus.BLOCKED);
    }
  }

  @Nested
  class Invalidation {
    @Test
    void deadAddressMovesDeviceToAskWithReasonAndTime() {
      subs.permissionGranted("alice", "p1", pixel);
      Instant reported = clock.advance(Duration.ofHours(2));
      Optional<Device> invalidated = subs.invalidate(pixel, "UNREGISTERED", reported);

      assertThat(invalidated).isPresent();
      Device d = subs.device("alice", "p1").orElseThrow();
      assertThat(d.status()).isEqualTo(PushStatus.ASK);
      assertThat(d.address()).isEmpty();
      assertThat(d.invalidation()).contains(
          new dev.herald.subscription.Invalidation("UNREGISTERED", reported, pixel.key()));
      assertThat(subs.sendableAddress("alice", "p1")).isEmpty();
      assertThat(subs.history("alice", "p1")).last().satisfies(c -> {
        assertThat(c.reason()).isEqualTo(TransitionReason.ADDRESS_INVALIDATED);
        assertThat(c.detail()).isEqualTo("UNREGISTERED");
      });
    }

    @Test
    void invalidatedDeviceIsSentToAgainOnlyAfterReRegistration() {
      subs.permissionGranted("alice", "p1", pixel);
      subs.invalidate(pixel, "UNREGISTERED", clock.instant());
      assertThat(subs.sendableAddress("alice", "p1")).isEmpty();
      FcmAddress fresh = new FcmAddress("pixel-token-fresh");
      subs.permissionGranted("alice", "p1", fresh);
      assertThat(subs.sendableAddress("alice", "p1")).contains(fresh);
      assertThat(subs.device("alice", "p1").orElseThrow().invalidation()).isEmpty();
    }

    @Test
    void reportOlderThanTheRegistrationIsIgnored() {
      Instant before = clock.instant();
      clock.advance(Duration.ofMinutes(1));
      subs.permissionGranted("alice", "i1", iphone);
      // Apple's timestamp predates the token's (re-)registration: the token is live again.
      assertThat(subs.invalidate(iphone, "Unregistered", before)).isEmpty();
      assertThat(status("alice", "i1")).isEqualTo(PushStatus.ALLOWED);
    }

    @Test
    void reportForAnAddressNobodyHoldsChangesNothing() {
      assertThat(subs.invalidate(pixel, "UNREGISTERED", clock.instant())).isEmpty();
      subs.permissionGranted("alice", "p1", pixel);
      subs.refreshAddress("alice", "p1", new FcmAddress("rotated"));
      assertThat(subs.invalidate(pixel, "UNREGISTERED", clock.instant())).isEmpty();
      assertThat(status("alice", "p1")).isEqualTo(PushStatus.ALLOWED);
    }

    @Test
    void reportInvalidatesOnlyTheCurrentOwnerAfterAnAccountSwitch() {
      subs.permissionGranted("alice", "b1", browser);
      subs.permissionGranted("bob", "b1", browser);
      subs.invalidate(browser, "410 Gone", clock.instant());
      assertThat(status("bob", "b1")).isEqualTo(PushStatus.ASK);
      assertThat(status("alice", "b1")).isEqualTo(PushStatus.SUSPENDED);
    }
  }

  @Nested
  class Queries {
    @Test
    void stateAnswersTheBackOfficeQuestions() {
      subs.permissionGranted("alice", "b1", browser);
      clock.advance(Duration.ofMinutes(1));
      subs.permissionGranted("alice", "i1", iphone);
      clock.advance(Duration.ofMinutes(1));
      subs.permissionDenied("alice", "p1", Platform.FCM);
      subs.updatePreferences("alice", true, List.of("Tournaments", "cashback"));

      PlayerPushState state = subs.state("alice");
      assertThat(state.pushEnabled()).isTrue();
      assertThat(state.lastSessionStatus()).contains(PushStatus.BLOCKED);
      assertThat(state.devicesOn(Platform.APNS)).extracting(Device::deviceId).containsExactly("i1");
      assertThat(state.count(Platform.FCM, PushStatus.BLOCKED)).isEqualTo(1);
      assertThat(state.reachableClasses()).containsExactlyInAnyOrder(
          DeviceClass.NATIVE, DeviceClass.WEB);
      assertThat(state.reachable(TargetDevices.WEB)).isTrue();
      assertThat(state.sendableDevices(TargetDevices.NATIVE)).extracting(Device::deviceId)
          .containsExactly("i1");
      assertThat(state.preferences().marketingConsent()).isTrue();
      assertThat(state.preferences().categories()).containsExactly("cashback", "tournaments");
      assertThat(state.preferences().optedInto("TOURNAMENTS")).isTrue();
      assertThat(state.preferences().optedInto("vip")).isFalse();

      clock.advance(Duration.ofMinutes(1));
      subs.recordSession("alice", "b1");
      assertThat(subs.state("alice").lastSessionStatus()).contains(PushStatus.ALLOWED);
    }

    @Test
    void unknownPlayerHasNoDevicesAndNoConsent() {
      PlayerPushState state = subs.state("nobody");
      assertThat(state.devices()).isEmpty();
      assertThat(state.pushEnabled()).isFalse();
      assertThat(state.lastSessionStatus()).isEmpty();
      assertThat(state.preferences().marketingConsent()).isFalse();
      assertThat(state.reachable(TargetDevices.ALL)).isFalse();
    }

    @Test
    void targetDevicesIncludePlatformsByClass() {
      assertThat(TargetDevices.NATIVE.includes(Platform.APNS)).isTrue();
      assertThat(TargetDevices.NATIVE.includes(Platform.FCM)).isTrue();
      assertThat(TargetDevices.NATIVE.includes(Platform.WEB_PUSH)).isFalse();
      assertThat(TargetDevices.WEB.includes(Platform.WEB_PUSH)).isTrue();
      assertThat(TargetDevices.WEB.includes(Platform.APNS)).isFalse();
      for (Platform p : Platform.values()) {
        assertThat(TargetDevices.ALL.includes(p)).isTrue();
      }
    }

    @Test
    void everyStoredChangeIsAnnounced() {
      subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
      subs.permissionGranted("alice", "b1", browser);
      subs.permissionGranted("bob", "b1", browser);
      assertThat(announced).extracting(c -> c.playerId() + ":" + c.to())
          .containsExactly("alice:ASK", "alice:ALLOWED", "bob:ALLOWED", "alice:SUSPENDED");
    }
  }

  @Nested
  class BadInput {
    @Test
    void blankIdsAreRefusedNamingTheField() {
      assertThatThrownBy(() -> subs.registerDevice(" ", "b1", Platform.WEB_PUSH, true))
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("playerId:");
      assertThatThrownBy(() -> subs.registerDevice("alice", "", Platform.WEB_PUSH, true))
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("deviceId:");
      assertThatThrownBy(() -> subs.permissionGranted("alice", null, browser))
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("deviceId:");
      assertThatThrownBy(() -> subs.permissionGranted("alice", "b1", null))
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("address:");
      assertThatThrownBy(() -> subs.registerDevice("a".repeat(129), "b1", Platform.FCM, true))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("at most 128 characters");
      assertThat(subs.state("alice").devices()).isEmpty();
    }

    @Test
    void platformMismatchOnRegisterIsRefused() {
      subs.registerDevice("alice", "d1", Platform.FCM, true);
      assertThatThrownBy(() -> subs.registerDevice("alice", "d1", Platform.APNS, true))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("registered on FCM, got APNS");
    }

    @Test
    void blankCategoryIsRefusedAndEarlierPreferencesKept() {
      subs.updatePreferences("alice", true, Set.of("promotions"));
      assertThatThrownBy(() -> subs.updatePreferences("alice", false, List.of("ok", " ")))
          .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("categories[]");
      assertThat(subs.state("alice").preferences().categories()).containsExactly("promotions");
      assertThat(subs.state("alice").preferences().marketingConsent()).isTrue();
    }
  }

  @Test
  void historyListsEveryTransitionInOrder() {
    subs.registerDevice("alice", "b1", Platform.WEB_PUSH, true);
    subs.permissionDenied("alice", "b1", Platform.WEB_PUSH);
    subs.permissionGranted("alice", "b1", browser);
    subs.permissionGranted("bob", "b1", browser);
    subs.permissionGranted("alice", "b1", browser);
    subs.invalidate(browser, "410", clock.instant());
    List<String> steps = new ArrayList<>();
    for (StatusChange c : subs.history("alice", "b1")) {
      steps.add(c.from().map(Enum::name).orElse("new") + ">" + c.to() + ":" + c.reason());
    }
    assertThat(steps).containsExactly(
        "new>ASK:DEVICE_REGISTERED",
        "ASK>BLOCKED:PERMISSION_DENIED",
        "BLOCKED>ALLOWED:PERMISSION_GRANTED",
        "ALLOWED>SUSPENDED:ACCOUNT_SWITCH",
        "SUSPENDED>ALLOWED:PERMISSION_GRANTED",
        "ALLOWED>ASK:ADDRESS_INVALIDATED");
  }
}
