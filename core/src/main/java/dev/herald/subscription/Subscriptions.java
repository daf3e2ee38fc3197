package dev.herald.subscription;

import dev.herald.HeraldException;
import dev.herald.HeraldListener;
import dev.herald.InvalidInputException;
import dev.herald.internal.Checks;
import dev.herald.internal.Listeners;
import dev.herald.spi.SubscriptionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The push subscription state machine: what clients report (a device seen, permission granted or
 * denied, a token refreshed, preferences chosen) and what push services report (an address is
 * dead) move devices between {@link PushStatus statuses}. Obtained from
 * {@link dev.herald.Herald#subscriptions()}; thread-safe.
 *
 * <h2>Transitions</h2>
 * <pre>
 *   (new) ──registerDevice(supported)──▶ ASK        (new) ──registerDevice(unsupported)──▶ UNSUPPORTED
 *   UNSUPPORTED ──registerDevice(supported)──▶ ASK   ASK ──registerDevice(unsupported)──▶ UNSUPPORTED
 *   ASK | BLOCKED | SUSPENDED | ALLOWED | (new) ──permissionGranted(address)──▶ ALLOWED
 *   ASK | ALLOWED | SUSPENDED | BLOCKED | (new) ──permissionDenied──▶ BLOCKED
 *   ALLOWED ──refreshAddress──▶ ALLOWED (new address)   SUSPENDED ──refreshAddress──▶ SUSPENDED
 *   ALLOWED ──another player's device claims the address──▶ SUSPENDED
 *   ALLOWED ──invalidate (provider says the address is dead)──▶ ASK, address cleared
 * </pre>
 * Anything else — a grant or denial from an UNSUPPORTED device, a refresh of a device without an
 * address, an ALLOWED device turning unsupported — is refused with an
 * {@link IllegalTransitionException} and nothing is stored.
 *
 * <h2>Account switch</h2>
 * When player B registers an address that player A's device holds (B logged in on A's browser or
 * app), the address moves to B and A's device becomes SUSPENDED; when A logs in there again and
 * the client reports the address for A, it moves back and B's device is SUSPENDED. Ownership is
 * decided by a compare-and-set on the address's {@link AddressOwner#epoch() epoch}, and every
 * device write is ordered by that epoch, so concurrent registrations of one address end with
 * exactly one ALLOWED owner whatever the interleaving. {@link #sendableAddress} re-checks the
 * owner, so sends queued for a previous owner never reach the new one.
 *
 * <h2>Brands</h2>
 * Every device belongs to one {@link Brand}: the overloads that take a brand create new devices
 * in it and refuse a known device of another brand; the others keep a known device's brand and
 * create new devices in {@link Brand#DEFAULT}. See {@code docs/brands.md}.
 *
 * <h2>Invalidation</h2>
 * A dead address (APNs 410, FCM UNREGISTERED, Web Push 404/410) takes the device back to ASK with
 * the provider's reason and time recorded, and the address is never sent to again; a report
 * older than the address's registration (Apple's timestamp predates a re-registration) is ignored.
 */
public final class Subscriptions {
  private static final Logger log = LoggerFactory.getLogger(Subscriptions.class);
  private static final int MAX_ATTEMPTS = 128;

  private final SubscriptionStore store;
  private final Clock clock;
  private final HeraldListener listener;
  /** Bumped after each stored change to a device or an address's owner, by stripe of player. */
  private final AtomicLongArray changes = new AtomicLongArray(1024);

  private Subscriptions(SubscriptionStore store, Clock clock, HeraldListener listener) {
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Creates the state machine over a store. {@link dev.herald.Herald} does this for you; use it
   * directly only to manage subscriptions without the rest of Herald.
   *
   * @param store where devices are kept
   * @param clock the time source for every timestamp
   * @param listener told of every stored change
   * @return the state machine
   */
  public static Subscriptions create(
      SubscriptionStore store, Clock clock, HeraldListener listener) {
    return new Subscriptions(store, clock, listener);
  }

  /**
   * A client reports a device: at app start or page load, before any permission prompt. A new
   * device starts at ASK, or UNSUPPORTED when {@code pushSupported} is false; for a known device
   * this records a session and moves UNSUPPORTED to ASK when the device now supports push.
   *
   * @param playerId the logged-in player
   * @param deviceId the client's stable id for the app install or browser profile
   * @param platform the push service the device would use
   * @param pushSupported whether the client can receive push at all
   * @return the stored device
   * @throws IllegalTransitionException when a device with an address reports no push support
   * @throws InvalidInputException for blank ids or a platform that differs from the stored one
   */
  public Device registerDevice(
      String playerId, String deviceId, Platform platform, boolean pushSupported) {
    return register(null, playerId, deviceId, platform, pushSupported);
  }

  /**
   * {@link #registerDevice(String, String, Platform, boolean)} for a device of a brand: a new
   * device is created in {@code brand}; a known device must belong to it.
   *
   * @param brand the site or app the device belongs to
   * @param playerId the logged-in player
   * @param deviceId the client's stable id for the app install or browser profile
   * @param platform the push service the device would use
   * @param pushSupported whether the client can receive push at all
   * @return the stored device
   * @throws IllegalTransitionException when a device with an address reports no push support
   * @throws InvalidInputException for blank ids, or a platform or brand that differs from the
   *     stored one
   */
  public Device registerDevice(
      Brand brand, String playerId, String deviceId, Platform platform, boolean pushSupported) {
    return register(Checks.required(brand, "brand"), playerId, deviceId, platform, pushSupported);
  }

  private Device register(
      Brand brand, String playerId, String deviceId, Platform platform, boolean pushSupported) {
    String player = playerId(playerId);
    String device = deviceId(deviceId);
    Checks.required(platform, "platform");
    return update(player, device, platform, brand, (current, now) -> {
      if (current == null) {
        PushStatus status = pushSupported ? PushStatus.ASK : PushStatus.UNSUPPORTED;
        return Step.to(
            newDevice(player, device, platform, brand, now).status(status).build(),
            pushSupported ? TransitionReason.DEVICE_REGISTERED : TransitionReason.PUSH_UNSUPPORTED,
            "");
      }
      if (pushSupported && current.status() == PushStatus.UNSUPPORTED) {
        return Step.to(
            current.toBuilder().status(PushStatus.ASK).statusChangedAt(now).lastSeenAt(now).build(),
            TransitionReason.PUSH_SUPPORTED,
            "");
      }
      if (!pushSupported && current.status() == PushStatus.ASK) {
        return Step.to(
            current.toBuilder()
                .status(PushStatus.UNSUPPORTED).statusChangedAt(now).lastSeenAt(now).build(),
            TransitionReason.PUSH_UNSUPPORTED,
            "");
      }
      if (!pushSupported && current.status() != PushStatus.UNSUPPORTED) {
        throw new IllegalTransitionException(player, device, current.status(),
            "reporting no push support",
            "a device that was asked or holds an address reports permission denied instead");
      }
      return Step.session(current, now);
    });
  }

  /**
   * A client reports that the player granted permission and the push service gave an address.
   * The device becomes ALLOWED; if another player's device held the address, that device becomes
   * SUSPENDED (account switch). A device not seen before is created on the way.
   *
   * @param playerId the logged-in player
   * @param deviceId the client's device id
   * @param address the subscription, device token or registration token
   * @return the stored device, normally ALLOWED (SUSPENDED when a concurrent registration of the
   *     same address by another player won)
   * @throws IllegalTransitionException when the device reported that it does not support push
   * @throws InvalidInputException for blank ids or an address of another platform
   */
  public Device permissionGranted(String playerId, String deviceId, DeviceAddress address) {
    return grant(null, playerId, deviceId, address);
  }

  /**
   * {@link #permissionGranted(String, String, DeviceAddress)} for a device of a brand: a new
   * device is created in {@code brand}; a known device must belong to it. The address must come
   * from that brand's app or site (its VAPID key, APNs topic or Firebase project), since the
   * brand's provider sends to it.
   *
   * @param brand the site or app the device belongs to
   * @param playerId the logged-in player
   * @param deviceId the client's device id
   * @param address the subscription, device token or registration token
   * @return the stored device, normally ALLOWED
   * @throws IllegalTransitionException when the device reported that it does not support push
   * @throws InvalidInputException for blank ids, an address of another platform, or a known
   *     device of another brand
   */
  public Device permissionGranted(
      Brand brand, String playerId, String deviceId, DeviceAddress address) {
    return grant(Checks.required(brand, "brand"), playerId, deviceId, address);
  }

  private Device grant(Brand brand, String playerId, String deviceId, DeviceAddress address) {
    String player = playerId(playerId);
    String device = deviceId(deviceId);
    Checks.required(address, "address");
    Optional<Device> existing = store.findDevice(player, device);
    existing.ifPresent(d -> {
      checkPlatform(d, address.platform());
      checkBrand(d, brand);
      if (d.status() == PushStatus.UNSUPPORTED) {
        throw new IllegalTransitionException(player, device, d.status(), "permission granted",
            "the device reported no push support; report it as supported first");
      }
    });
    if (existing.isPresent() && isCurrentOwner(existing.get(), address)) {
      return update(player, device, address.platform(), brand,
          (current, now) -> Step.session(current, now));
    }
    return claim(player, device, address, brand, TransitionReason.PERMISSION_GRANTED);
  }

  /**
   * A client reports that the player denied permission, or revoked it. The device becomes BLOCKED
   * and its address is forgotten. A device not seen before is created on the way.
   *
   * @param playerId the logged-in player
   * @param deviceId the client's device id
   * @param platform the device's platform
   * @return the stored device
   * @throws IllegalTransitionException when the device reported that it does not support push
   */
  public Device permissionDenied(String playerId, String deviceId, Platform platform) {
    return deny(null, playerId, deviceId, platform);
  }

  /**
   * {@link #permissionDenied(String, String, Platform)} for a device of a brand: a new device is
   * created in {@code brand}; a known device must belong to it.
   *
   * @param brand the site or app the device belongs to
   * @param playerId the logged-in player
   * @param deviceId the client's device id
   * @param platform the device's platform
   * @return the stored device
   * @throws IllegalTransitionException when the device reported that it does not support push
   * @throws InvalidInputException for a known device of another platform or brand
   */
  public Device permissionDenied(
      Brand brand, String playerId, String deviceId, Platform platform) {
    return deny(Checks.required(brand, "brand"), playerId, deviceId, platform);
  }

  private Device deny(Brand brand, String playerId, String deviceId, Platform platform) {
    String player = playerId(playerId);
    String device = deviceId(deviceId);
    Checks.required(platform, "platform");
    return update(player, device, platform, brand, (current, now) -> {
      if (current == null) {
        return Step.to(
            newDevice(player, device, platform, brand, now).status(PushStatus.BLOCKED).build(),
            TransitionReason.PERMISSION_DENIED, "");
      }
      if (current.status() == PushStatus.UNSUPPORTED) {
        throw new IllegalTransitionException(player, device, current.status(), "permission denied",
            "the device reported no push support, so there is no permission to deny");
      }
      if (current.status() == PushStatus.BLOCKED) {
        return Step.session(current, now);
      }
      return Step.to(
          current.toBuilder()
              .status(PushStatus.BLOCKED).address(null).addressEpoch(0).addressSince(null)
              .statusChangedAt(now).lastSeenAt(now).build(),
          TransitionReason.PERMISSION_DENIED, "");
    });
  }

  /**
   * A client reports a new address for a device that already has one (FCM token rotation, a
   * renewed Web Push subscription). The status is kept.
   *
   * @param playerId the logged-in player
   * @param deviceId the client's device id
   * @param newAddress the new address
   * @return the stored device
   * @throws IllegalTransitionException when the device has no address to refresh (ASK, BLOCKED,
   *     UNSUPPORTED): report {@link #permissionGranted} instead
   * @throws InvalidInputException for an unknown device or an address of another platform
   */
  public Device refreshAddress(String playerId, String deviceId, DeviceAddress newAddress) {
    String player = playerId(playerId);
    String device = deviceId(deviceId);
    Checks.required(newAddress, "address");
    Device current = store.findDevice(player, device).orElseThrow(() -> unknownDevice(device));
    checkPlatform(current, newAddress.platform());
    switch (current.status()) {
      case ALLOWED -> {
        if (isCurrentOwner(current, newAddress)) {
          return update(player, device, newAddress.platform(), (d, now) -> Step.session(d, now));
        }
        return claim(player, device, newAddress, null, TransitionReason.ADDRESS_REFRESHED);
      }
      case SUSPENDED -> {
        // The address belongs to whoever is logged in there now; only remember it.
        return update(player, device, newAddress.platform(), (d, now) -> {
          if (d.status() != PushStatus.SUSPENDED) {
            throw new IllegalTransitionException(player, device, d.status(), "address refresh",
                "the device changed status concurrently; retry");
          }
          return Step.to(
              d.toBuilder().address(newAddress).addressEpoch(0).addressSince(now)
                  .lastSeenAt(now).build(),
              TransitionReason.ADDRESS_REFRESHED, "");
        });
      }
      default -> throw new IllegalTransitionException(player, device, current.status(),
          "address refresh", "the device has no address to refresh; report permission granted");
    }
  }

  /**
   * A push service reports that an address is dead. The device owning it leaves ALLOWED for ASK,
   * with the reason and time recorded, and is never sent to again until the client registers a
   * new address. Reports for an address no device holds any more, or older than the address's
   * registration, change nothing.
   *
   * @param address the dead address
   * @param reason the provider's reason, for example {@code "Unregistered"}
   * @param at when the provider says the address died
   * @return the device that was invalidated, or empty when nothing changed
   */
  public Optional<Device> invalidate(DeviceAddress address, String reason, Instant at) {
    Checks.required(address, "address");
    String why = Checks.nonBlank(reason, "reason", 512);
    Checks.required(at, "at");
    Optional<AddressOwner> owner = store.ownerOf(address.key());
    if (owner.isEmpty()) {
      return Optional.empty();
    }
    AddressOwner o = owner.get();
    Device before = store.findDevice(o.playerId(), o.deviceId()).orElse(null);
    Device after = update(o.playerId(), o.deviceId(), address.platform(), (current, now) -> {
      if (current == null || current.status() != PushStatus.ALLOWED
          || !holds(current, address.key())
          || at.isBefore(current.addressSince().orElseThrow())) {
        return Step.keep(current);
      }
      return Step.to(
          current.toBuilder()
              .status(PushStatus.ASK).address(null).addressEpoch(0).addressSince(null)
              .invalidation(new Invalidation(why, at, address.key()))
              .statusChangedAt(now).build(),
          TransitionReason.ADDRESS_INVALIDATED, why);
    });
    return after != null && (before == null || after.version() != before.version())
        ? Optional.of(after)
        : Optional.empty();
  }

  /**
   * A client reports a session (the player opened the app or site) on a known device.
   *
   * @param playerId the logged-in player
   * @param deviceId the device
   * @return the stored device with {@link Device#lastSeenAt()} now
   * @throws InvalidInputException for an unknown device
   */
  public Device recordSession(String playerId, String deviceId) {
    String player = playerId(playerId);
    String device = deviceId(deviceId);
    Device current = store.findDevice(player, device).orElseThrow(() -> unknownDevice(device));
    return update(player, device, current.platform(), (d, now) -> Step.session(d, now));
  }

  /**
   * Records a player's marketing consent and category opt-ins, for example from a soft-onboarding
   * prompt that offers "promotions", "tournaments" and "cashback".
   *
   * @param playerId the player
   * @param marketingConsent whether the player agreed to marketing pushes
   * @param categories the categories opted into (replacing earlier ones)
   * @return the stored preferences
   */
  public PushPreferences updatePreferences(
      String playerId, boolean marketingConsent, Collection<String> categories) {
    PushPreferences preferences = new PushPreferences(
        playerId(playerId), marketingConsent,
        new java.util.HashSet<>(Checks.required(categories, "categories")), clock.instant());
    store.savePreferences(preferences);
    return preferences;
  }

  /**
   * Everything about one player's reachability: devices, preferences, last-session status.
   *
   * @param playerId the player
   * @return the state; a player never seen has no devices and no preferences
   */
  public PlayerPushState state(String playerId) {
    String player = playerId(playerId);
    return new PlayerPushState(
        player,
        store.devicesOf(player),
        store.preferences(player).orElseGet(() -> PushPreferences.none(player)));
  }

  /**
   * The state of several players, as {@link #state} reads each, in two store reads for all of them
   * ({@link SubscriptionStore#devicesOfAll}, {@link SubscriptionStore#preferencesOfAll}).
   *
   * @param playerIds the players, distinct
   * @return the state of each player, players never seen included
   */
  public Map<String, PlayerPushState> states(Collection<String> playerIds) {
    List<String> players = new ArrayList<>(playerIds.size());
    for (String id : playerIds) {
      players.add(playerId(id));
    }
    Map<String, List<Device>> devices = store.devicesOfAll(players);
    Map<String, PushPreferences> preferences = store.preferencesOfAll(players);
    Map<String, PlayerPushState> states = new HashMap<>(players.size() * 2);
    for (String player : players) {
      PushPreferences p = preferences.get(player);
      states.put(player, new PlayerPushState(player, devices.getOrDefault(player, List.of()),
          p != null ? p : PushPreferences.none(player)));
    }
    return states;
  }

  /**
   * The owners of several addresses, in one store read ({@link SubscriptionStore#ownersOfAll}):
   * the half of {@link #sendableAddress} that dispatch reads again just before a batch of sends,
   * for devices it read moments earlier with {@link #states} (after their {@link #changeCount}).
   *
   * @param addressKeys {@link DeviceAddress#key()} of each address
   * @return by address key, the owner of each address that has one
   */
  public Map<String, AddressOwner> owners(Collection<String> addressKeys) {
    return addressKeys.isEmpty() ? Map.of() : store.ownersOfAll(addressKeys);
  }

  /**
   * A number that grows after every change this instance stores to the player's devices or to the
   * ownership of their addresses (counted per stripe of players, so it may grow for others' changes
   * too). Dispatch reads it when it checks addresses in bulk and again as each call starts: while it
   * is unchanged, nothing here changed the device since the check, so the call need not read it
   * again.
   *
   * @param playerId the player
   * @return the player's stripe's change count
   */
  public long changeCount(String playerId) {
    return changes.get(stripe(playerId(playerId)));
  }

  private void changed(String playerId) {
    changes.incrementAndGet(stripe(playerId));
  }

  private static int stripe(String playerId) {
    return (playerId.hashCode() & 0x7fffffff) % 1024;
  }

  /**
   * One device.
   *
   * @param playerId the player
   * @param deviceId the device
   * @return the device, or empty
   */
  public Optional<Device> device(String playerId, String deviceId) {
    return store.findDevice(playerId(playerId), deviceId(deviceId));
  }

  /**
   * A device's history, oldest first.
   *
   * @param playerId the player
   * @param deviceId the device
   * @return every stored change
   */
  public List<StatusChange> history(String playerId, String deviceId) {
    return store.history(playerId(playerId), deviceId(deviceId));
  }

  /**
   * The address to send to right now, re-read from the store: present only when the device is
   * ALLOWED and still owns its address. Dispatch calls this at send time so a message queued
   * before an account switch never reaches the new owner.
   *
   * @param playerId the player
   * @param deviceId the device
   * @return the address, or empty when the device must not be sent to
   */
  public Optional<DeviceAddress> sendableAddress(String playerId, String deviceId) {
    return store.findDevice(playerId(playerId), deviceId(deviceId))
        .filter(Device::isSendable)
        .flatMap(Device::address)
        .filter(a -> store.ownerOf(a.key()).map(o -> o.is(playerId, deviceId)).orElse(false));
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Claims {@code address} for the device and settles ownership with the previous owner; see the
   * class Javadoc. Each device write is conditional on the epoch, so the outcome does not depend
   * on how concurrent claims interleave.
   */
  private Device claim(String player, String device, DeviceAddress address, Brand brand,
      TransitionReason why) {
    String key = address.key();
    Optional<AddressOwner> previous;
    long epoch;
    int attempts = 0;
    while (true) {
      previous = store.ownerOf(key);
      long expected = previous.map(AddressOwner::epoch).orElse(0L);
      epoch = expected + 1;
      if (store.compareAndSetOwner(expected, new AddressOwner(key, player, device, epoch))) {
        changed(player);
        previous.ifPresent(o -> changed(o.playerId()));
        break;
      }
      checkAttempts(++attempts, "address ownership");
    }
    boolean tookOver = previous.isPresent() && !previous.get().is(player, device);
    long claimed = epoch;
    Device mine = update(player, device, address.platform(), brand, (current, now) -> {
      if (current != null && holds(current, key) && current.addressEpoch() > claimed) {
        return Step.keep(current); // a later claim already decided this device's fate
      }
      Device.Builder next = current == null
          ? newDevice(player, device, address.platform(), brand, now)
          : current.toBuilder();
      boolean sameAddressKept = current != null && current.status() == PushStatus.ALLOWED
          && holds(current, key);
      next.status(PushStatus.ALLOWED).address(address).addressEpoch(claimed)
          .addressSince(sameAddressKept ? current.addressSince().orElse(now) : now)
          .invalidation(null).lastSeenAt(now);
      if (current == null || current.status() != PushStatus.ALLOWED) {
        next.statusChangedAt(now);
      }
      return Step.to(next.build(), why,
          tookOver ? "address taken over from another player's device" : "");
    });
    if (tookOver) {
      suspend(previous.get().playerId(), previous.get().deviceId(), address, claimed);
    }
    // A claim that came after ours may have tried to suspend this device before it held the
    // address; if we are no longer the owner, step aside now.
    AddressOwner owner = store.ownerOf(key).orElseThrow();
    if (!owner.is(player, device)) {
      mine = suspendIfAt(player, device, address, claimed, owner.epoch());
    }
    return mine;
  }

  private void suspend(String player, String device, DeviceAddress address, long epoch) {
    update(player, device, address.platform(), (current, now) -> {
      if (current == null || !holds(current, address.key())
          || current.addressEpoch() >= epoch || current.status() != PushStatus.ALLOWED) {
        return Step.keep(current);
      }
      return Step.to(
          current.toBuilder().status(PushStatus.SUSPENDED).addressEpoch(epoch)
              .statusChangedAt(now).build(),
          TransitionReason.ACCOUNT_SWITCH, "address claimed by another player's device");
    });
  }

  private Device suspendIfAt(
      String player, String device, DeviceAddress address, long claimed, long newerEpoch) {
    return update(player, device, address.platform(), (current, now) -> {
      if (current == null || !holds(current, address.key())
          || current.addressEpoch() != claimed || current.status() != PushStatus.ALLOWED) {
        return Step.keep(current);
      }
      return Step.to(
          current.toBuilder().status(PushStatus.SUSPENDED).addressEpoch(newerEpoch)
              .statusChangedAt(now).build(),
          TransitionReason.ACCOUNT_SWITCH, "address claimed by another player's device");
    });
  }

  private boolean isCurrentOwner(Device device, DeviceAddress address) {
    return device.status() == PushStatus.ALLOWED
        && device.address().map(address::equals).orElse(false)
        && store.ownerOf(address.key())
            .map(o -> o.is(device.playerId(), device.deviceId()) && o.epoch() == device.addressEpoch())
            .orElse(false);
  }

  private static boolean holds(Device device, String key) {
    return device.address().map(a -> a.key().equals(key)).orElse(false);
  }

  /** One compare-and-set loop over a device; {@code decide} sees null for a missing device. */
  private Device update(String player, String device, Platform platform, Decide decide) {
    return update(player, device, platform, null, decide);
  }

  /**
   * {@link #update(String, String, Platform, Decide)} that also checks a known device's brand;
   * a null brand is not checked (the client did not name one).
   */
  private Device update(String player, String device, Platform platform, Brand brand,
      Decide decide) {
    int attempts = 0;
    while (true) {
      Device current = store.findDevice(player, device).orElse(null);
      if (current != null) {
        checkPlatform(current, platform);
        checkBrand(current, brand);
      }
      Instant now = clock.instant();
      Step step = decide.apply(current, now);
      if (step.next == null || step.next == current) {
        return current;
      }
      long expected = current == null ? 0 : current.version();
      Device next = step.next.toBuilder().version(expected + 1).build();
      Optional<StatusChange> change = step.reason == null
          ? Optional.empty()
          : Optional.of(new StatusChange(player, device,
              Optional.ofNullable(current).map(Device::status), next.status(), step.reason, now,
              step.detail));
      if (store.saveDevice(next, expected, change)) {
        changed(player);
        change.ifPresent(this::announce);
        return next;
      }
      checkAttempts(++attempts, "device " + device);
    }
  }

  private void announce(StatusChange change) {
    log.debug("player {} device {}: {} -> {} ({})", change.playerId(), change.deviceId(),
        change.from().map(Enum::name).orElse("new"), change.to(), change.reason());
    Listeners.safely(listener, l -> l.statusChanged(change));
  }

  private static void checkAttempts(int attempts, String what) {
    if (attempts >= MAX_ATTEMPTS) {
      throw new HeraldException("gave up updating " + what + " after " + attempts
          + " concurrent modifications; check that the SubscriptionStore's compare-and-set"
          + " compares versions correctly");
    }
    Thread.onSpinWait();
  }

  private static void checkPlatform(Device device, Platform platform) {
    if (device.platform() != platform) {
      throw new InvalidInputException("platform", "device " + device.deviceId()
          + " is registered on " + device.platform() + ", got " + platform);
    }
  }

  private static void checkBrand(Device device, Brand brand) {
    if (brand != null && !device.brand().equals(brand)) {
      throw new InvalidInputException("brand", "device " + device.deviceId()
          + " belongs to brand " + device.brand() + ", got " + brand
          + "; a device id belongs to one app or site");
    }
  }

  private static Device.Builder newDevice(
      String player, String device, Platform platform, Brand brand, Instant now) {
    return Device.builder().playerId(player).deviceId(device).platform(platform)
        .brand(brand == null ? Brand.DEFAULT : brand)
        .createdAt(now).statusChangedAt(now).lastSeenAt(now);
  }

  private static InvalidInputException unknownDevice(String device) {
    return new InvalidInputException(
        "deviceId", "unknown device " + device + "; report it with registerDevice first");
  }

  private static String playerId(String value) {
    return Checks.nonBlank(value, "playerId", Device.MAX_PLAYER_ID_CHARS);
  }

  private static String deviceId(String value) {
    return Checks.nonBlank(value, "deviceId", Device.MAX_DEVICE_ID_CHARS);
  }

  @FunctionalInterface
  private interface Decide {
    Step apply(Device current, Instant now);
  }

  /** The result of a decision: the next device (or null / the current one for no write). */
  private record Step(Device next, TransitionReason reason, String detail) {
    static Step keep(Device current) {
      return new Step(current, null, "");
    }

    static Step to(Device next, TransitionReason reason, String detail) {
      return new Step(next, reason, detail);
    }

    static Step session(Device current, Instant now) {
      return new Step(current.toBuilder().lastSeenAt(now).build(), null, "");
    }
  }
}
