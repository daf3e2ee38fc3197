package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
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
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link JdbcSubscriptionStore#importAll}: what it adds, what it refuses, how it streams. */
class JdbcSubscriptionImportTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.123456789Z");
  private static final String P256DH =
      "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
  private static final String AUTH = "BTBZMqHH6r4Tts7J_aSIgg";

  private static Device.Builder device(String player, String device, Platform platform) {
    return Device.builder().playerId(player).deviceId(device).platform(platform)
        .status(PushStatus.ASK).createdAt(T0).version(1);
  }

  private static StatusChange change(String player, String device, Optional<PushStatus> from,
      PushStatus to, TransitionReason reason, Instant at, String detail) {
    return new StatusChange(player, device, from, to, reason, at, detail);
  }

  /** Every kind of device row, history, owner and preferences the tables hold. */
  private static final FcmAddress ANDROID =
      new FcmAddress("fcm-token:with\\backslash,{brace}\"quote\"");

  private static List<ImportedPlayer> everyKindOfPlayer() {
    WebPushAddress web = WebPushAddress.of(
        "https://updates.push.services.mozilla.com/wpush/v2/x", P256DH, AUTH);
    WebPushAddress local = WebPushAddress.allowingHttp("http://localhost:8080/push/abc", P256DH,
        AUTH);
    ApnsAddress ios = ApnsAddress.sandbox("ab".repeat(32), "com.example.casino");
    FcmAddress android = ANDROID;
    List<Device> alices = List.of(
        device("alice", "web", Platform.WEB_PUSH).status(PushStatus.ALLOWED).address(web)
            .addressEpoch(3).addressSince(T0.plusSeconds(1)).statusChangedAt(T0.plusSeconds(2))
            .lastSeenAt(T0.plusSeconds(3)).brand(Brand.of("lucky-slots")).version(4).build(),
        device("alice", "ios", Platform.APNS).status(PushStatus.SUSPENDED).address(ios)
            .addressEpoch(7).addressSince(T0).build(),
        device("alice", "android", Platform.FCM).status(PushStatus.ALLOWED).address(android)
            .addressEpoch(1).addressSince(T0).build(),
        device("alice", "old", Platform.FCM)
            .invalidation(new Invalidation("UNREGISTERED", T0.plusMillis(1234), "fcm:old"))
            .build(),
        device("alice", "blocked", Platform.FCM).status(PushStatus.BLOCKED).build());
    List<StatusChange> alicesHistory = List.of(
        change("alice", "web", Optional.empty(), PushStatus.ASK,
            TransitionReason.DEVICE_REGISTERED, T0, ""),
        change("alice", "web", Optional.of(PushStatus.ASK), PushStatus.ALLOWED,
            TransitionReason.PERMISSION_GRANTED, T0.plusSeconds(1), "granted \"at\" login\t1"),
        change("alice", "blocked", Optional.empty(), PushStatus.BLOCKED,
            TransitionReason.PERMISSION_DENIED, T0, "denied"));
    List<AddressOwner> alicesOwners = List.of(
        new AddressOwner(web.key(), "alice", "web", 3),
        new AddressOwner(ios.key(), "alice", "ios", 7),
        new AddressOwner(android.key(), "alice", "android", 1));
    PushPreferences alicesPreferences = new PushPreferences("alice", true,
        Set.of("bonus", "a,b", "quote\"d", "back\\slash", "{brace}", "NULL"), T0);
    Device bobs = device("bob", "laptop", Platform.WEB_PUSH).status(PushStatus.ALLOWED)
        .address(local).addressEpoch(1).addressSince(T0).build();
    return List.of(
        new ImportedPlayer("alice", alices, alicesHistory, alicesOwners,
            Optional.of(alicesPreferences)),
        new ImportedPlayer("bob", List.of(bobs), List.of(),
            List.of(new AddressOwner(local.key(), "bob", "laptop", 1)),
            Optional.of(new PushPreferences("bob", false, Set.of(), T0))),
        ImportedPlayer.of("carol", List.of(device("carol", "tv", Platform.FCM).build())),
        new ImportedPlayer("dave", List.of(), List.of(), List.of(),
            Optional.of(new PushPreferences("dave", true, Set.of("news"), T0))));
  }

  @Test
  void importedSubscriptionsReadBackAsTheSameSavedOneByOne() {
    JdbcSubscriptionStore saved = new JdbcSubscriptionStore(TestDatabase.dataSource(),
        TestDatabase.freshSchema("saved"));
    String importedSchema = TestDatabase.freshSchema("imported");
    JdbcSubscriptionStore imported = new JdbcSubscriptionStore(TestDatabase.dataSource(),
        importedSchema);
    List<ImportedPlayer> players = everyKindOfPlayer();
    for (ImportedPlayer p : players) {
      for (Device d : p.devices()) {
        for (long v = 1; v <= d.version(); v++) {
          assertThat(saved.saveDevice(d.toBuilder().version(v).build(), v - 1, Optional.empty()))
              .isTrue();
        }
      }
      for (StatusChange c : p.history()) {
        // history is appended with a save: a device's save that changes nothing but its version
        Device current = saved.findDevice(c.playerId(), c.deviceId()).orElseThrow();
        Device same = current.toBuilder().version(current.version() + 1).build();
        assertThat(saved.saveDevice(same, current.version(), Optional.of(c))).isTrue();
      }
      for (AddressOwner o : p.owners()) {
        for (long epoch = 1; epoch <= o.epoch(); epoch++) {
          assertThat(saved.compareAndSetOwner(epoch - 1, new AddressOwner(o.addressKey(),
              o.playerId(), o.deviceId(), epoch))).isTrue();
        }
      }
      p.preferences().ifPresent(saved::savePreferences);
    }

    assertThat(imported.importAll(players.stream())).isEqualTo(7);

    for (ImportedPlayer p : players) {
      String id = p.playerId();
      List<Device> back = imported.devicesOf(id);
      // the saved devices went through one more version per history entry
      assertThat(back).extracting(Device::deviceId)
          .containsExactlyElementsOf(saved.devicesOf(id).stream().map(Device::deviceId).toList());
      for (Device d : back) {
        Device savedOne = saved.findDevice(id, d.deviceId()).orElseThrow();
        assertThat(d).isEqualTo(savedOne.toBuilder().version(d.version()).build());
        assertThat(imported.findDevice(id, d.deviceId())).contains(d);
        assertThat(imported.history(id, d.deviceId())).isEqualTo(saved.history(id, d.deviceId()));
        d.address().ifPresent(a ->
            assertThat(imported.ownerOf(a.key())).isEqualTo(saved.ownerOf(a.key())));
      }
      // as given, but for the instants kept to the microsecond
      assertThat(back).extracting(Device::version).containsExactlyElementsOf(
          p.devices().stream().sorted(java.util.Comparator.comparing(Device::deviceId))
              .map(Device::version).toList());
      assertThat(imported.preferences(id)).isEqualTo(saved.preferences(id));
      assertThat(imported.preferences(id).map(PushPreferences::categories))
          .isEqualTo(p.preferences().map(PushPreferences::categories));
    }
    assertThat(imported.history("alice", "web")).extracting(StatusChange::detail)
        .containsExactly("", "granted \"at\" login\t1");
    assertThat(imported.findDevice("alice", "android").orElseThrow().address())
        .contains(new FcmAddress("fcm-token:with\\backslash,{brace}\"quote\""));
  }

  @Test
  void aPlayerThatBreaksARuleNamesTheFieldAndTheRule() {
    Device d = device("p", "d", Platform.FCM).build();
    assertThatThrownBy(() -> ImportedPlayer.of("q", List.of(d)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("devices[0].playerId: must be the player's id 'q', got 'p'");
    assertThatThrownBy(() -> ImportedPlayer.of("p", List.of(d, d)))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("devices[1].deviceId: must be unique");
    assertThatThrownBy(() -> ImportedPlayer.of("p",
        List.of(device("p", "d", Platform.FCM).version(0).build())))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("devices[0].version: must be at least 1");
    assertThatThrownBy(() -> new ImportedPlayer("p", List.of(d), List.of(change("p", "other",
        Optional.empty(), PushStatus.ASK, TransitionReason.DEVICE_REGISTERED, T0, "")),
        List.of(), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("history[0].deviceId: must be one of the player's devices");
    assertThatThrownBy(() -> new ImportedPlayer("p", List.of(d), List.of(),
        List.of(new AddressOwner("fcm:t", "p", "other", 1)), Optional.empty()))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("owners[0].deviceId: must be one of the player's devices");
    assertThatThrownBy(() -> new ImportedPlayer("p", List.of(d), List.of(), List.of(),
        Optional.of(new PushPreferences("q", true, Set.of(), T0))))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith("preferences.playerId: must be the player's id 'p'");
    assertThatThrownBy(() -> ImportedPlayer.of("p", null))
        .isInstanceOf(InvalidInputException.class).hasMessage("devices: is required");
  }

  /** Players of one device, an owner and preferences each, made as the stream is read. */
  private static ImportedPlayer numbered(int i) {
    String player = "player-" + i;
    FcmAddress token = new FcmAddress("token-" + i);
    Device d = device(player, "phone", Platform.FCM).status(PushStatus.ALLOWED).address(token)
        .addressEpoch(1).addressSince(T0).build();
    return new ImportedPlayer(player, List.of(d), List.of(change(player, "phone",
        Optional.empty(), PushStatus.ALLOWED, TransitionReason.PERMISSION_GRANTED, T0, "")),
        List.of(new AddressOwner(token.key(), player, "phone", 1)),
        Optional.of(new PushPreferences(player, true, Set.of("bonus"), T0)));
  }

  @Test
  void aBadPlayerAfterRowsWereWrittenRollsTheWholeImportBack() {
    String schema = TestDatabase.freshSchema("import_bad");
    CountingDataSource counting = new CountingDataSource(TestDatabase.dataSource());
    JdbcSubscriptionStore store = new JdbcSubscriptionStore(counting, schema);
    int bad = 2 * JdbcSubscriptionStore.IMPORT_BATCH + 5;
    counting.reset();
    Stream<ImportedPlayer> players = IntStream.range(0, bad + 10).mapToObj(i -> i == bad
        ? ImportedPlayer.of("player-" + i, List.of(device("someone-else", "d", Platform.FCM)
            .build()))
        : numbered(i));

    assertThatThrownBy(() -> store.importAll(players))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage("devices[0].playerId: must be the player's id 'player-" + bad
            + "', got 'someone-else'");
    assertThat(counting.executions.get()).as("batches written before the bad player")
        .isGreaterThanOrEqualTo(8);
    assertThat(rows(schema)).containsExactly(0L, 0L, 0L, 0L);
  }

  @Test
  void aNullPlayerOrARowThatExistsFailsTheImportWithNothingStored() {
    String schema = TestDatabase.freshSchema("import_conflict");
    JdbcSubscriptionStore store = new JdbcSubscriptionStore(TestDatabase.dataSource(), schema);
    assertThatThrownBy(() -> store.importAll(Stream.of(numbered(0), numbered(1), null)))
        .isInstanceOf(InvalidInputException.class).hasMessage("players[2]: is required");
    assertThat(rows(schema)).containsExactly(0L, 0L, 0L, 0L);

    Device existing = numbered(7).devices().get(0);
    assertThat(store.saveDevice(existing, 0, Optional.empty())).isTrue();
    assertThatThrownBy(() -> store.importAll(IntStream.range(0, 10).mapToObj(
        JdbcSubscriptionImportTest::numbered)))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("importing subscriptions failed (SQLSTATE 23505)")
        .hasMessageContaining("herald_device_pkey")
        .hasMessageNotContaining("token-");
    assertThat(rows(schema)).containsExactly(1L, 0L, 0L, 0L);
    assertThat(store.devicesOf(existing.playerId())).singleElement()
        .returns(existing.address(), Device::address).returns(1L, Device::version);

    // the same player twice in one import: the second of each row conflicts with the first
    assertThatThrownBy(() -> store.importAll(Stream.of(numbered(1), numbered(1))))
        .isInstanceOf(HeraldStorageException.class)
        .hasMessageContaining("(SQLSTATE 23505)");
    assertThat(rows(schema)).containsExactly(1L, 0L, 0L, 0L);
  }

  @Test
  void aLargeImportWritesEachBatchAsSoonAsItIsFull() {
    String schema = TestDatabase.freshSchema("import_large");
    CountingDataSource counting = new CountingDataSource(TestDatabase.dataSource());
    JdbcSubscriptionStore store = new JdbcSubscriptionStore(counting, schema);
    int players = 100_000;
    int batch = JdbcSubscriptionStore.IMPORT_BATCH;
    counting.reset();
    List<Long> pendingWhenMade = new ArrayList<>();
    AtomicLong mostPending = new AtomicLong();
    Stream<ImportedPlayer> stream = IntStream.range(0, players).mapToObj(i -> {
      // four rows a player, one per table, so every table fills its batch at the same player:
      // after player i - 1 was added, i / batch batches of each table are written
      long written = counting.executions.get() / 4 * (long) batch;
      long pending = i - written;
      mostPending.accumulateAndGet(pending, Math::max);
      if (i % 25_000 == 0) {
        pendingWhenMade.add(pending);
      }
      return numbered(i);
    });

    assertThat(store.importAll(stream)).isEqualTo(players);

    assertThat(mostPending.get()).as("players made but not yet written, at most")
        .isLessThanOrEqualTo(batch);
    assertThat(pendingWhenMade).hasSize(4).allMatch(p -> p < batch);
    assertThat(counting.executions.get()).isEqualTo(4L * (players / batch));
    assertThat(counting.transactions.get()).isEqualTo(1);
    assertThat(rows(schema)).containsExactly((long) players, (long) players, (long) players,
        (long) players);
    assertThat(store.findDevice("player-99999", "phone").flatMap(Device::address))
        .isEqualTo(numbered(99_999).devices().get(0).address());
    assertThat(store.ownerOf(new FcmAddress("token-54321").key()).map(AddressOwner::playerId))
        .contains("player-54321");
  }

  /** The rows of herald_device, herald_status_change, herald_address_owner, herald_preferences. */
  private static List<Long> rows(String schema) {
    List<Long> counts = new ArrayList<>();
    try (Connection c = TestDatabase.dataSource().getConnection();
        Statement s = c.createStatement()) {
      for (String table : List.of("herald_device", "herald_status_change",
          "herald_address_owner", "herald_preferences")) {
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + schema + "." + table)) {
          rs.next();
          counts.add(rs.getLong(1));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return counts;
  }
}
