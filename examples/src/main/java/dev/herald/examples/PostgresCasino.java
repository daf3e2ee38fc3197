package dev.herald.examples;

import dev.herald.HeraldException;
import dev.herald.HeraldListener;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.segmentation.sql.PlayerTable;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.ApnsAddress;
import dev.herald.subscription.Device;
import dev.herald.subscription.DeviceAddress;
import dev.herald.subscription.FcmAddress;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.Subscriptions;
import dev.herald.subscription.WebPushAddress;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.postgresql.PGConnection;

/**
 * The casino's side of {@code herald demo --postgres}: its player table, the directory and the
 * segment view over it, and the bulk load of its made-up player base, so that no player is held
 * in the heap.
 *
 * <p>The players are made as in memory, through {@link Subscriptions} (the same calls, the same
 * statuses and histories), but in batches of {@value #BATCH} against an in-memory staging store
 * whose devices, histories, address owners and preferences are then copied into herald-jdbc's
 * tables with {@code COPY}: the way a casino that adopts Herald imports the devices it already
 * has. One call per device through herald-jdbc costs a few transactions, about an hour for a
 * million players on a busy 2-core machine; the copy takes minutes. After the load, every change
 * goes through Herald and its JDBC stores.
 *
 * <p>Profiles live in the casino's own table {@code casino_player}; the directory reads one row
 * per {@link PlayerDirectory#find} and pages by key for {@link PlayerDirectory#all}. Segments are
 * evaluated inside PostgreSQL ({@link SqlAudience}) over the view {@code casino_segment}, which
 * derives {@code push.enabled} from herald-jdbc's device table, so no segment index is built.
 */
final class PostgresCasino {
  /** Players per staging batch and per page of the directory. */
  static final int BATCH = 5_000;
  private static final HexFormat HEX = HexFormat.of();

  private final DataSource dataSource;
  private final String schema;
  private final Clock clock;
  private InMemorySubscriptionStore staging;
  private Subscriptions stagingSubscriptions;
  private final List<PlayerProfile> profiles = new ArrayList<>(BATCH);

  PostgresCasino(DataSource dataSource, String schema, Clock clock) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.clock = clock;
    execute("CREATE TABLE " + schema + ".casino_player ("
        + " player_id text COLLATE \"C\" PRIMARY KEY, locale text, time_zone text,"
        + " first_name text, country text, vip_level bigint, balance numeric,"
        + " deposit_count bigint, registered_at timestamptz, last_login_at timestamptz,"
        + " rg_self_excluded boolean, rg_cooling_off_until timestamptz,"
        + " rg_deposit_limit boolean)");
    // push.enabled is "at least one device ALLOWED", as HeraldAttributes computes it in memory
    execute("CREATE VIEW " + schema + ".casino_segment AS SELECT p.player_id, p.country,"
        + " p.vip_level, p.last_login_at, EXISTS (SELECT 1 FROM " + schema + ".herald_device d"
        + " WHERE d.player_id = p.player_id AND d.status = 'ALLOWED') AS push_enabled"
        + " FROM " + schema + ".casino_player p");
    newBatch();
  }

  /** The mapping of the segment view: the attributes the demo's rule names. */
  PlayerTable segmentTable() {
    return PlayerTable.builder(schema + ".casino_segment", "player_id")
        .column("push.enabled", "push_enabled")
        .column("country", "country")
        .column("vip_level", "vip_level")
        .column("last_login_at", "last_login_at")
        .build();
  }

  /** The subscriptions of the batch being made: an in-memory staging store, copied on flush. */
  Subscriptions subscriptions() {
    return stagingSubscriptions;
  }

  /** Adds a player's profile to the batch; copies the batch when it is full. */
  void add(PlayerProfile profile) {
    profiles.add(profile);
  }

  /** Whether the batch is full. */
  boolean full() {
    return profiles.size() >= BATCH;
  }

  /** Copies the batch's profiles and subscriptions into PostgreSQL and starts a new batch. */
  void flush() {
    if (profiles.isEmpty()) {
      return;
    }
    List<String> ids = profiles.stream().map(PlayerProfile::playerId).toList();
    StringBuilder players = new StringBuilder();
    for (PlayerProfile p : profiles) {
      row(players, p.playerId(), p.locale().map(Locale::toLanguageTag).orElse(null),
          p.timeZone().map(ZoneId::getId).orElse(null), p.string("first_name").orElse(null),
          p.string("country").orElse(null), p.number("vip_level").orElse(null),
          p.number("balance").orElse(null), p.number("deposit_count").orElse(null),
          p.instant("registered_at").orElse(null), p.instant("last_login_at").orElse(null),
          p.bool(ProfileComplianceGuard.SELF_EXCLUDED).orElse(null),
          p.instant(ProfileComplianceGuard.COOLING_OFF_UNTIL).orElse(null),
          p.bool(ProfileComplianceGuard.DEPOSIT_LIMIT_REACHED).orElse(null));
    }
    StringBuilder devices = new StringBuilder();
    StringBuilder history = new StringBuilder();
    List<String> addressKeys = new ArrayList<>();
    for (List<Device> ofPlayer : staging.devicesOfAll(ids).values()) {
      for (Device d : ofPlayer) {
        device(devices, d);
        d.address().ifPresent(a -> addressKeys.add(a.key()));
        for (StatusChange c : staging.history(d.playerId(), d.deviceId())) {
          row(history, c.playerId(), c.deviceId(), c.from().map(Enum::name).orElse(null),
              c.to().name(), c.reason().name(), c.at(), c.detail());
        }
      }
    }
    StringBuilder owners = new StringBuilder();
    for (AddressOwner o : staging.ownersOfAll(addressKeys).values()) {
      row(owners, o.addressKey(), o.playerId(), o.deviceId(), o.epoch());
    }
    StringBuilder preferences = new StringBuilder();
    for (PushPreferences p : staging.preferencesOfAll(ids).values()) {
      row(preferences, p.playerId(), p.marketingConsent(), p.categories(), p.updatedAt());
    }
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      var copy = c.unwrap(PGConnection.class).getCopyAPI();
      copy.copyIn("COPY " + schema + ".casino_player FROM STDIN",
          new StringReader(players.toString()));
      copy.copyIn("COPY " + schema + ".herald_device (player_id, device_id, platform, status,"
          + " address, webpush_p256dh, webpush_auth, apns_topic, apns_environment,"
          + " address_epoch, address_since, invalidation_reason, invalidation_at,"
          + " invalidation_address_key, created_at, status_changed_at, last_seen_at, version,"
          + " brand) FROM STDIN", new StringReader(devices.toString()));
      copy.copyIn("COPY " + schema + ".herald_status_change (player_id, device_id, from_status,"
          + " to_status, reason, at, detail) FROM STDIN", new StringReader(history.toString()));
      copy.copyIn("COPY " + schema + ".herald_address_owner (address_key, player_id, device_id,"
          + " epoch) FROM STDIN", new StringReader(owners.toString()));
      copy.copyIn("COPY " + schema + ".herald_preferences (player_id, marketing_consent,"
          + " categories, updated_at) FROM STDIN", new StringReader(preferences.toString()));
      c.commit();
    } catch (SQLException | IOException e) {
      throw new HeraldException("copying players into " + schema + " failed: " + e.getMessage(),
          e);
    }
    newBatch();
  }

  /** After the load: fresh planner statistics for the tables just filled. */
  void analyze() {
    for (String table : List.of("casino_player", "herald_device", "herald_address_owner",
        "herald_preferences", "herald_status_change")) {
      execute("ANALYZE " + schema + "." + table);
    }
  }

  private void newBatch() {
    profiles.clear();
    staging = new InMemorySubscriptionStore();
    stagingSubscriptions = Subscriptions.create(staging, clock, new HeraldListener() {});
  }

  private static void device(StringBuilder out, Device d) {
    DeviceAddress address = d.address().orElse(null);
    String text = null;
    byte[] p256dh = null;
    byte[] auth = null;
    String topic = null;
    String environment = null;
    if (address instanceof FcmAddress fcm) {
      text = fcm.token();
    } else if (address instanceof ApnsAddress apns) {
      text = apns.deviceToken();
      topic = apns.topic();
      environment = apns.environment().name();
    } else if (address instanceof WebPushAddress web) {
      text = web.endpoint().toString();
      p256dh = web.p256dh();
      auth = web.auth();
    }
    var invalidation = d.invalidation();
    row(out, d.playerId(), d.deviceId(), d.platform().name(), d.status().name(), text, p256dh,
        auth, topic, environment, d.addressEpoch(), d.addressSince().orElse(null),
        invalidation.map(i -> i.reason()).orElse(null),
        invalidation.map(i -> i.at()).orElse(null),
        invalidation.map(i -> i.addressKey()).orElse(null), d.createdAt(), d.statusChangedAt(),
        d.lastSeenAt(), d.version(), d.brand().id());
  }

  /** One line of COPY's text format. */
  private static void row(StringBuilder out, Object... values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      Object v = values[i];
      if (v == null) {
        out.append("\\N");
      } else if (v instanceof byte[] bytes) {
        out.append("\\\\x").append(HEX.formatHex(bytes));
      } else if (v instanceof Instant at) {
        out.append(at.truncatedTo(ChronoUnit.MICROS));
      } else if (v instanceof java.util.Collection<?> set) {
        StringBuilder array = new StringBuilder("{");
        for (Object element : set) {
          array.append(array.length() == 1 ? "" : ",").append('"')
              .append(element.toString().replace("\\", "\\\\").replace("\"", "\\\""))
              .append('"');
        }
        escape(out, array.append('}').toString());
      } else {
        escape(out, v.toString());
      }
    }
    out.append('\n');
  }

  private static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      char ch = text.charAt(i);
      switch (ch) {
        case '\\' -> out.append("\\\\");
        case '\t' -> out.append("\\t");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        default -> out.append(ch);
      }
    }
  }

  private void execute(String sql) {
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new HeraldException("demo schema: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------- the directory

  /** The casino's player directory over {@code casino_player}: a row per read, pages by key. */
  PlayerDirectory directory() {
    String select = "SELECT player_id, locale, time_zone, first_name, country, vip_level,"
        + " balance, deposit_count, registered_at, last_login_at, rg_self_excluded,"
        + " rg_cooling_off_until, rg_deposit_limit FROM " + schema + ".casino_player";
    return new PlayerDirectory() {
      @Override
      public Optional<PlayerProfile> find(String playerId) {
        List<PlayerProfile> found = query(select + " WHERE player_id = ?", playerId, 1);
        return found.stream().findFirst();
      }

      @Override
      public Stream<PlayerProfile> all() {
        return allAfter(null);
      }

      @Override
      public Stream<PlayerProfile> allAfter(String afterPlayerId) {
        String page = select + " WHERE player_id > ? ORDER BY player_id LIMIT " + BATCH;
        Spliterator<PlayerProfile> pages = new Spliterators.AbstractSpliterator<>(
            Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
          private List<PlayerProfile> current = List.of();
          private int next;
          private String after = afterPlayerId == null ? "" : afterPlayerId;
          private boolean done;

          @Override
          public boolean tryAdvance(Consumer<? super PlayerProfile> action) {
            if (next == current.size()) {
              if (done) {
                return false;
              }
              current = query(page, after, BATCH);
              next = 0;
              done = current.size() < BATCH;
              if (current.isEmpty()) {
                return false;
              }
              after = current.get(current.size() - 1).playerId();
            }
            action.accept(current.get(next++));
            return true;
          }
        };
        return StreamSupport.stream(pages, false);
      }

      private List<PlayerProfile> query(String sql, String parameter, int expected) {
        try (Connection c = dataSource.getConnection();
            PreparedStatement ps = c.prepareStatement(sql)) {
          ps.setString(1, parameter);
          List<PlayerProfile> found = new ArrayList<>(Math.min(expected, 64));
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              found.add(profile(rs));
            }
          }
          return found;
        } catch (SQLException e) {
          throw new HeraldException("reading casino_player failed: " + e.getMessage(), e);
        }
      }
    };
  }

  private static PlayerProfile profile(ResultSet rs) throws SQLException {
    PlayerProfile.Builder p = PlayerProfile.builder(rs.getString("player_id"));
    String locale = rs.getString("locale");
    if (locale != null) {
      p.locale(Locale.forLanguageTag(locale));
    }
    String zone = rs.getString("time_zone");
    if (zone != null) {
      p.timeZone(ZoneId.of(zone));
    }
    put(p, "first_name", rs.getString("first_name"));
    put(p, "country", rs.getString("country"));
    put(p, "vip_level", longOrNull(rs, "vip_level"));
    BigDecimal balance = rs.getBigDecimal("balance");
    put(p, "balance", balance);
    put(p, "deposit_count", longOrNull(rs, "deposit_count"));
    put(p, "registered_at", instant(rs, "registered_at"));
    put(p, "last_login_at", instant(rs, "last_login_at"));
    put(p, ProfileComplianceGuard.SELF_EXCLUDED, boolOrNull(rs, "rg_self_excluded"));
    put(p, ProfileComplianceGuard.COOLING_OFF_UNTIL, instant(rs, "rg_cooling_off_until"));
    put(p, ProfileComplianceGuard.DEPOSIT_LIMIT_REACHED, boolOrNull(rs, "rg_deposit_limit"));
    return p.build();
  }

  private static void put(PlayerProfile.Builder p, String name, Object value) {
    if (value != null) {
      p.attribute(name, value);
    }
  }

  private static Long longOrNull(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static Boolean boolOrNull(ResultSet rs, String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    java.time.OffsetDateTime t = rs.getObject(column, java.time.OffsetDateTime.class);
    return t == null ? null : t.toInstant();
  }
}
