package dev.herald.jdbc;

import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.jdbc.internal.SubscriptionRows;
import dev.herald.jdbc.internal.SubscriptionSql;
import dev.herald.spi.SubscriptionStore;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.ApnsEnvironment;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.Invalidation;
import dev.herald.subscription.Platform;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.PushStatus;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.TransitionReason;
import dev.herald.subscription.WebPushAddress;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A {@link SubscriptionStore} on PostgreSQL 13+: tables {@code herald_device},
 * {@code herald_status_change}, {@code herald_address_owner} and {@code herald_preferences} (see
 * docs/storage.md).
 *
 * <p>{@link #saveDevice} is a compare-and-set on the version column ({@code INSERT … ON CONFLICT
 * DO NOTHING} for a new device, {@code UPDATE … WHERE version = ?} otherwise) with the history row
 * in the same transaction; {@link #compareAndSetOwner} does the same on the epoch. Web Push
 * endpoints on {@code http:} (local push services in tests) read back as
 * {@link WebPushAddress#allowingHttp}. Instants are kept to the microsecond. Thread-safe.
 *
 * <p>{@link #importAll} adds the devices a host already has, many rows per statement, in one
 * transaction (docs/storage.md, "Importing the devices you already have").
 */
public final class JdbcSubscriptionStore implements SubscriptionStore {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  /** Rows of a table per insert statement of {@link #importAll}. */
  static final int IMPORT_BATCH = 2_000;

  private final Jdbc jdbc;
  private final SubscriptionSql sql;

  /**
   * A store over the tables in the connections' default schema.
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcSubscriptionStore(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * A store over the tables in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema, or null for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcSubscriptionStore(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcSubscriptionStore");
    this.sql = new SubscriptionSql(HeraldMigrations.prefix(schema));
    HeraldMigrations.check(jdbc, schema, "herald_device", "herald_status_change",
        "herald_address_owner", "herald_preferences");
  }

  @Override
  public Optional<Device> findDevice(String playerId, String deviceId) {
    if (playerId == null || deviceId == null) {
      return Optional.empty();
    }
    return jdbc.read("reading a device", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findDevice)) {
        ps.setString(1, playerId);
        ps.setString(2, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(device(rs)) : Optional.<Device>empty();
        }
      }
    });
  }

  @Override
  public List<Device> devicesOf(String playerId) {
    if (playerId == null) {
      return List.of();
    }
    return jdbc.read("reading a player's devices", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.devicesOf)) {
        ps.setString(1, playerId);
        List<Device> devices = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            devices.add(device(rs));
          }
        }
        return List.copyOf(devices);
      }
    });
  }

  @Override
  public Map<String, List<Device>> devicesOfAll(Collection<String> playerIds) {
    Checks.required(playerIds, "playerIds");
    if (playerIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.read("reading " + playerIds.size() + " players' devices", c -> {
      Array ids = c.createArrayOf("text", playerIds.toArray());
      try (PreparedStatement ps = c.prepareStatement(sql.devicesOfAll)) {
        ps.setArray(1, ids);
        Map<String, List<Device>> devices = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Device d = device(rs);
            devices.computeIfAbsent(d.playerId(), k -> new ArrayList<>()).add(d);
          }
        }
        return devices;
      } finally {
        ids.free();
      }
    });
  }

  @Override
  public Map<String, PushPreferences> preferencesOfAll(Collection<String> playerIds) {
    Checks.required(playerIds, "playerIds");
    if (playerIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.read("reading " + playerIds.size() + " players' preferences", c -> {
      Array ids = c.createArrayOf("text", playerIds.toArray());
      try (PreparedStatement ps = c.prepareStatement(sql.preferencesOfAll)) {
        ps.setArray(1, ids);
        Map<String, PushPreferences> preferences = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            PushPreferences p = preferences(rs);
            preferences.put(p.playerId(), p);
          }
        }
        return preferences;
      } finally {
        ids.free();
      }
    });
  }

  @Override
  public Map<String, AddressOwner> ownersOfAll(Collection<String> addressKeys) {
    Checks.required(addressKeys, "addressKeys");
    if (addressKeys.isEmpty()) {
      return Map.of();
    }
    return jdbc.read("reading " + addressKeys.size() + " addresses' owners", c -> {
      Array keys = c.createArrayOf("text", addressKeys.toArray());
      try (PreparedStatement ps = c.prepareStatement(sql.ownersOfAll)) {
        ps.setArray(1, keys);
        Map<String, AddressOwner> owners = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AddressOwner o = owner(rs);
            owners.put(o.addressKey(), o);
          }
        }
        return owners;
      } finally {
        keys.free();
      }
    });
  }

  @Override
  public boolean saveDevice(Device next, long expectedVersion, Optional<StatusChange> change) {
    Checks.required(next, "device");
    Checks.required(change, "change");
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("device.version must be expectedVersion + 1 = "
          + (expectedVersion + 1) + ", got " + next.version());
    }
    return jdbc.inTransaction("saving a device", c -> {
      int rows;
      if (expectedVersion == 0) {
        try (PreparedStatement ps = c.prepareStatement(sql.insertDevice)) {
          SubscriptionRows.device(next, new SubscriptionRows.Parameters(c, ps, 1));
          rows = ps.executeUpdate();
        }
      } else {
        try (PreparedStatement ps = c.prepareStatement(sql.updateDevice)) {
          SubscriptionRows.Parameters fields = new SubscriptionRows.Parameters(c, ps, 1);
          SubscriptionRows.deviceFields(next, fields);
          int i = fields.next();
          ps.setString(i++, next.playerId());
          ps.setString(i++, next.deviceId());
          ps.setLong(i, expectedVersion);
          rows = ps.executeUpdate();
        }
      }
      if (rows == 1 && change.isPresent()) {
        appendHistory(c, change.get());
      }
      return rows == 1;
    });
  }

  /**
   * Adds the subscriptions a host already has, many rows per statement: the way to load an
   * existing player base into Herald's tables, where one {@link #saveDevice} per device would cost
   * a transaction each. Each player's devices, status changes, address owners and preferences
   * are written as given: nothing is derived, no history entry is added, no listener is told.
   *
   * <p>One transaction: it commits once the stream is exhausted, and when anything fails
   * (a null player, an exception from the stream, a row that exists already) it is rolled back
   * and nothing of the import is stored. It only adds: a device, address owner or preferences
   * row that is in the tables already, or twice in the import, fails it, naming the constraint.
   * Players are validated where they are made ({@link ImportedPlayer}), before any row is
   * written.
   *
   * <p>The stream is read once, in order, and never held: at most 2,000 rows
   * of each table wait to be written, so memory stays bounded whatever the player count, given a
   * stream that makes its players as it goes (a query's cursor, a file's lines). The caller
   * closes the stream.
   *
   * @param players the players to add
   * @return how many devices were added
   * @throws dev.herald.InvalidInputException when {@code players} or one of its elements is null
   * @throws HeraldStorageException when the database refuses a row (nothing is then stored)
   */
  public long importAll(Stream<ImportedPlayer> players) {
    Checks.required(players, "players");
    return jdbc.inTransaction("importing subscriptions", c -> {
      Import batches = new Import(c);
      Iterator<ImportedPlayer> it = players.iterator();
      for (long i = 0; it.hasNext(); i++) {
        batches.add(Checks.required(it.next(), "players[" + i + "]"));
      }
      batches.flushAll();
      return batches.devicesAdded;
    });
  }

  /** The rows of an import waiting to be written, a batch per table. */
  private final class Import {
    private final Connection c;
    private final SubscriptionRows.Batch devices =
        new SubscriptionRows.Batch(SubscriptionSql.DEVICE_COLUMN_COUNT, IMPORT_BATCH);
    private final SubscriptionRows.Batch history =
        new SubscriptionRows.Batch(SubscriptionSql.HISTORY_COLUMN_COUNT, IMPORT_BATCH);
    private final SubscriptionRows.Batch owners =
        new SubscriptionRows.Batch(SubscriptionSql.OWNER_COLUMN_COUNT, IMPORT_BATCH);
    private final SubscriptionRows.Batch preferences =
        new SubscriptionRows.Batch(SubscriptionSql.PREFERENCES_COLUMN_COUNT, IMPORT_BATCH);
    private long devicesAdded;

    Import(Connection c) {
      this.c = c;
    }

    void add(ImportedPlayer player) throws SQLException {
      for (Device d : player.devices()) {
        SubscriptionRows.device(d, devices);
        endRow(devices, sql.importDevices);
        devicesAdded++;
      }
      for (StatusChange change : player.history()) {
        SubscriptionRows.statusChange(change, history);
        endRow(history, sql.importHistory);
      }
      for (AddressOwner owner : player.owners()) {
        SubscriptionRows.owner(owner, owners);
        endRow(owners, sql.importOwners);
      }
      if (player.preferences().isPresent()) {
        SubscriptionRows.preferences(player.preferences().get(), preferences);
        endRow(preferences, sql.importPreferences);
      }
    }

    private void endRow(SubscriptionRows.Batch batch, String statement) throws SQLException {
      batch.endRow();
      if (batch.full()) {
        flush(batch, statement);
      }
    }

    void flushAll() throws SQLException {
      flush(devices, sql.importDevices);
      flush(history, sql.importHistory);
      flush(owners, sql.importOwners);
      flush(preferences, sql.importPreferences);
    }

    private void flush(SubscriptionRows.Batch batch, String statement) throws SQLException {
      if (batch.rows() == 0) {
        return;
      }
      try (PreparedStatement ps = c.prepareStatement(statement)) {
        Array[] arrays = Jdbc.setArrays(c, ps, batch.columns());
        try {
          ps.executeUpdate();
        } finally {
          Jdbc.free(arrays);
        }
      }
      batch.clear();
    }
  }

  private void appendHistory(Connection c, StatusChange change) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql.appendHistory)) {
      SubscriptionRows.statusChange(change, new SubscriptionRows.Parameters(c, ps, 1));
      ps.executeUpdate();
    }
  }

  private static Device device(ResultSet rs) throws SQLException {
    Platform platform = Platform.valueOf(rs.getString("platform"));
    String text = rs.getString("address");
    DeviceAddress address = null;
    if (text != null) {
      address = switch (platform) {
        case FCM -> new FcmAddress(text);
        case APNS -> new ApnsAddress(text, rs.getString("apns_topic"),
            ApnsEnvironment.valueOf(rs.getString("apns_environment")));
        case WEB_PUSH -> webPush(text, rs.getBytes("webpush_p256dh"), rs.getBytes("webpush_auth"));
      };
    }
    String invalidationReason = rs.getString("invalidation_reason");
    return Device.builder()
        .playerId(rs.getString("player_id"))
        .deviceId(rs.getString("device_id"))
        .platform(platform)
        .brand(Brand.of(rs.getString("brand")))
        .status(PushStatus.valueOf(rs.getString("status")))
        .address(address)
        .addressEpoch(rs.getLong("address_epoch"))
        .addressSince(Jdbc.instant(rs, "address_since"))
        .invalidation(invalidationReason == null ? null : new Invalidation(invalidationReason,
            Jdbc.instant(rs, "invalidation_at"), rs.getString("invalidation_address_key")))
        .createdAt(Jdbc.instant(rs, "created_at"))
        .statusChangedAt(Jdbc.instant(rs, "status_changed_at"))
        .lastSeenAt(Jdbc.instant(rs, "last_seen_at"))
        .version(rs.getLong("version"))
        .build();
  }

  /** An endpoint stored on {@code http:} was accepted as one (a local push service): keep it. */
  private static WebPushAddress webPush(String endpoint, byte[] p256dh, byte[] auth) {
    if (endpoint.regionMatches(true, 0, "http:", 0, 5)) {
      return WebPushAddress.allowingHttp(endpoint, B64.encodeToString(p256dh),
          B64.encodeToString(auth));
    }
    return WebPushAddress.of(java.net.URI.create(endpoint), p256dh, auth);
  }

  @Override
  public Optional<AddressOwner> ownerOf(String addressKey) {
    if (addressKey == null) {
      return Optional.empty();
    }
    return jdbc.read("reading an address's owner", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.ownerOf)) {
        ps.setString(1, addressKey);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(owner(rs)) : Optional.<AddressOwner>empty();
        }
      }
    });
  }

  @Override
  public boolean compareAndSetOwner(long expectedEpoch, AddressOwner next) {
    Checks.required(next, "owner");
    if (next.epoch() != expectedEpoch + 1) {
      throw new IllegalArgumentException("owner.epoch must be expectedEpoch + 1 = "
          + (expectedEpoch + 1) + ", got " + next.epoch());
    }
    return jdbc.read("claiming an address", c -> {
      if (expectedEpoch == 0) {
        try (PreparedStatement ps = c.prepareStatement(sql.insertOwner)) {
          SubscriptionRows.owner(next, new SubscriptionRows.Parameters(c, ps, 1));
          return ps.executeUpdate() == 1;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.updateOwner)) {
        ps.setString(1, next.playerId());
        ps.setString(2, next.deviceId());
        ps.setLong(3, next.epoch());
        ps.setString(4, next.addressKey());
        ps.setLong(5, expectedEpoch);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<StatusChange> history(String playerId, String deviceId) {
    if (playerId == null || deviceId == null) {
      return List.of();
    }
    return jdbc.read("reading a device's history", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.history)) {
        ps.setString(1, playerId);
        ps.setString(2, deviceId);
        List<StatusChange> changes = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String from = rs.getString("from_status");
            changes.add(new StatusChange(rs.getString("player_id"), rs.getString("device_id"),
                from == null ? Optional.empty() : Optional.of(PushStatus.valueOf(from)),
                PushStatus.valueOf(rs.getString("to_status")),
                TransitionReason.valueOf(rs.getString("reason")), Jdbc.instant(rs, "at"),
                rs.getString("detail")));
          }
        }
        return List.copyOf(changes);
      }
    });
  }

  @Override
  public Optional<PushPreferences> preferences(String playerId) {
    if (playerId == null) {
      return Optional.empty();
    }
    return jdbc.read("reading preferences", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.preferences)) {
        ps.setString(1, playerId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(preferences(rs)) : Optional.<PushPreferences>empty();
        }
      }
    });
  }

  private static PushPreferences preferences(ResultSet rs) throws SQLException {
    Array categories = rs.getArray("categories");
    try {
      return new PushPreferences(rs.getString("player_id"), rs.getBoolean("marketing_consent"),
          Set.of((String[]) categories.getArray()), Jdbc.instant(rs, "updated_at"));
    } finally {
      categories.free();
    }
  }

  private static AddressOwner owner(ResultSet rs) throws SQLException {
    return new AddressOwner(rs.getString("address_key"), rs.getString("player_id"),
        rs.getString("device_id"), rs.getLong("epoch"));
  }

  @Override
  public void savePreferences(PushPreferences value) {
    Checks.required(value, "preferences");
    jdbc.read("saving preferences", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.savePreferences)) {
        SubscriptionRows.Parameters row = new SubscriptionRows.Parameters(c, ps, 1);
        try {
          SubscriptionRows.preferences(value, row);
          return ps.executeUpdate();
        } finally {
          row.free();
        }
      }
    });
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    return jdbc.inTransaction("erasing a player's devices", c -> {
      int devices = 0;
      for (int i = 0; i < sql.erase.length; i++) {
        try (PreparedStatement ps = c.prepareStatement(sql.erase[i])) {
          ps.setString(1, playerId);
          int rows = ps.executeUpdate();
          if (i == 1) {
            devices = rows;
          }
        }
      }
      return devices;
    });
  }
}
