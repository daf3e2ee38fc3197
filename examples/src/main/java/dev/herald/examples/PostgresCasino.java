package dev.herald.examples;

import dev.herald.HeraldException;
import dev.herald.HeraldListener;
import dev.herald.embedded.InMemorySubscriptionStore;
import dev.herald.embedded.ProfileComplianceGuard;
import dev.herald.jdbc.ImportedPlayer;
import dev.herald.jdbc.JdbcSubscriptionStore;
import dev.herald.segmentation.sql.PlayerTable;
import dev.herald.segmentation.sql.SqlAudience;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.subscription.AddressOwner;
import dev.herald.subscription.Device;
import dev.herald.subscription.PushPreferences;
import dev.herald.subscription.StatusChange;
import dev.herald.subscription.Subscriptions;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Collectors;
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
 * whose devices, histories, address owners and preferences are then added to herald-jdbc's
 * tables by {@link JdbcSubscriptionStore#importAll}: the way a casino that adopts Herald imports
 * the devices it already has. One call per device through herald-jdbc costs a few transactions,
 * about an hour for a million players on a busy 2-core machine; the import takes minutes. The
 * profiles go into the casino's own table with {@code COPY}. After the load, every change goes
 * through Herald and its JDBC stores.
 *
 * <p>Profiles live in the casino's own table {@code casino_player}; the directory reads one row
 * per {@link PlayerDirectory#find} and pages by key for {@link PlayerDirectory#all}. Segments are
 * evaluated inside PostgreSQL ({@link SqlAudience}) over the view {@code casino_segment}, which
 * derives {@code push.enabled} from herald-jdbc's device table, so no segment index is built.
 */
final class PostgresCasino {
  /** Players per staging batch and per page of the directory. */
  static final int BATCH = 5_000;

  private final DataSource dataSource;
  private final String schema;
  private final Clock clock;
  private final JdbcSubscriptionStore heraldTables;
  private InMemorySubscriptionStore staging;
  private Subscriptions stagingSubscriptions;
  private final List<PlayerProfile> profiles = new ArrayList<>(BATCH);

  PostgresCasino(DataSource dataSource, String schema, Clock clock,
      JdbcSubscriptionStore heraldTables) {
    this.dataSource = dataSource;
    this.schema = schema;
    this.clock = clock;
    this.heraldTables = heraldTables;
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

  /**
   * Copies the batch's profiles into the casino's table, imports its subscriptions into
   * herald-jdbc's (one transaction each) and starts a new batch.
   */
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
    try (Connection c = dataSource.getConnection()) {
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(
          "COPY " + schema + ".casino_player FROM STDIN", new StringReader(players.toString()));
    } catch (SQLException | IOException e) {
      throw new HeraldException("copying players into " + schema + " failed: " + e.getMessage(),
          e);
    }
    Map<String, List<Device>> devices = staging.devicesOfAll(ids);
    List<String> addressKeys = new ArrayList<>();
    devices.values().forEach(ofPlayer -> ofPlayer.forEach(
        d -> d.address().ifPresent(a -> addressKeys.add(a.key()))));
    Map<String, List<AddressOwner>> owners = staging.ownersOfAll(addressKeys).values().stream()
        .collect(Collectors.groupingBy(AddressOwner::playerId));
    Map<String, PushPreferences> preferences = staging.preferencesOfAll(ids);
    heraldTables.importAll(ids.stream().map(id -> {
      List<Device> ofPlayer = devices.getOrDefault(id, List.of());
      List<StatusChange> history = new ArrayList<>();
      for (Device d : ofPlayer) {
        history.addAll(staging.history(id, d.deviceId()));
      }
      return new ImportedPlayer(id, ofPlayer, history, owners.getOrDefault(id, List.of()),
          Optional.ofNullable(preferences.get(id)));
    }));
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

  /** One line of COPY's text format. */
  private static void row(StringBuilder out, Object... values) {
    for (int i = 0; i < values.length; i++) {
      if (i > 0) {
        out.append('\t');
      }
      Object v = values[i];
      if (v == null) {
        out.append("\\N");
      } else if (v instanceof Instant at) {
        out.append(at.truncatedTo(ChronoUnit.MICROS));
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
