package dev.herald.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.jdbc.internal.Pages;
import dev.herald.jdbc.internal.TriggerSql;
import dev.herald.spi.PendingTrigger;
import dev.herald.spi.TriggerStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A {@link TriggerStore} on PostgreSQL 13+: tables {@code herald_pending_trigger},
 * {@code herald_trigger_entry} and {@code herald_player_activity} (see docs/storage.md).
 * {@link #removePending} is one {@code DELETE}: of two racing callers exactly one sees the row go.
 * Thread-safe.
 */
public final class JdbcTriggerStore implements TriggerStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> VALUES = new TypeReference<>() {};

  private final Jdbc jdbc;
  private final TriggerSql sql;

  /**
   * A store over the tables in the connections' default schema.
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcTriggerStore(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * A store over the tables in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema, or null for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcTriggerStore(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcTriggerStore");
    this.sql = new TriggerSql(HeraldMigrations.prefix(schema));
    HeraldMigrations.check(jdbc, schema,
        "herald_pending_trigger", "herald_trigger_entry", "herald_player_activity");
  }

  @Override
  public void savePending(PendingTrigger value) {
    Checks.required(value, "pending");
    String values;
    try {
      values = JSON.writeValueAsString(value.values());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("encoding a map of strings failed", e);
    }
    jdbc.read("saving a delayed send", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.savePending)) {
        ps.setString(1, value.id());
        ps.setString(2, value.ruleId());
        ps.setString(3, value.playerId());
        ps.setString(4, value.eventId());
        ps.setString(5, value.eventType());
        Jdbc.setInstant(ps, 6, value.triggeredAt());
        Jdbc.setInstant(ps, 7, value.sendAt());
        ps.setString(8, values);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean removePending(String id) {
    if (id == null) {
      return false;
    }
    return jdbc.read("removing a delayed send", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.removePending)) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<PendingTrigger> pendingOf(String playerId) {
    if (playerId == null) {
      return List.of();
    }
    return jdbc.read("reading a player's delayed sends", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.pendingOf)) {
        ps.setString(1, playerId);
        return pending(ps);
      }
    });
  }

  @Override
  public Optional<PendingTrigger> findPending(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return jdbc.read("reading a delayed send", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.findPending)) {
        ps.setString(1, id);
        return pending(ps).stream().findFirst();
      }
    });
  }

  @Override
  public Stream<PendingTrigger> allPending() {
    return Pages.<PendingTrigger, String>stream((after, limit) ->
        jdbc.read("listing delayed sends", c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.pendingPage)) {
            ps.setString(1, after == null ? "" : after);
            ps.setInt(2, limit);
            return pending(ps);
          }
        }), PendingTrigger::id);
  }

  private static List<PendingTrigger> pending(PreparedStatement ps) throws SQLException {
    List<PendingTrigger> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Map<String, String> values;
        try {
          values = JSON.readValue(rs.getString("values"), VALUES);
        } catch (JsonProcessingException e) {
          throw new SQLException("herald_pending_trigger.values of " + rs.getString("id")
              + " is not a JSON object of strings", e);
        }
        result.add(new PendingTrigger(rs.getString("id"), rs.getString("rule_id"),
            rs.getString("player_id"), rs.getString("event_id"), rs.getString("event_type"),
            Jdbc.instant(rs, "triggered_at"), Jdbc.instant(rs, "send_at"), values));
      }
    }
    return result;
  }

  @Override
  public void recordEntry(String ruleId, String playerId, Instant at) {
    upsertLatest("recording a rule entry", sql.recordEntry,
        Checks.nonBlank(playerId, "playerId"), Checks.nonBlank(ruleId, "ruleId"), at);
  }

  @Override
  public Optional<Instant> lastEntry(String ruleId, String playerId) {
    return latest("reading a rule entry", sql.lastEntry, playerId, ruleId);
  }

  @Override
  public void recordActivity(String playerId, String eventType, Instant at) {
    upsertLatest("recording an activity", sql.recordActivity,
        Checks.nonBlank(playerId, "playerId"), Checks.nonBlank(eventType, "eventType"), at);
  }

  @Override
  public Optional<Instant> lastActivity(String playerId, String eventType) {
    return latest("reading an activity", sql.lastActivity, playerId, eventType);
  }

  private void upsertLatest(String what, String query, String player, String other, Instant at) {
    Checks.required(at, "at");
    jdbc.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setString(1, player);
        ps.setString(2, other);
        Jdbc.setInstant(ps, 3, at);
        return ps.executeUpdate();
      }
    });
  }

  private Optional<Instant> latest(String what, String query, String player, String other) {
    if (player == null || other == null) {
      return Optional.empty();
    }
    return jdbc.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setString(1, player);
        ps.setString(2, other);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Jdbc.optionalInstant(rs, "at") : Optional.<Instant>empty();
        }
      }
    });
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    return jdbc.inTransaction("erasing a player's trigger state", c -> {
      for (String query : sql.erase) {
        try (PreparedStatement ps = c.prepareStatement(query)) {
          ps.setString(1, playerId);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.erasePending)) {
        ps.setString(1, playerId);
        return ps.executeUpdate();
      }
    });
  }
}
