package dev.herald.jdbc.internal;

/** Every statement of {@code JdbcTriggerStore}, for PostgreSQL 13+. */
public final class TriggerSql {
  private static final String COLUMNS =
      "id, rule_id, player_id, event_id, event_type, triggered_at, send_at, \"values\"";

  /** Insert or replace a delayed send. */
  public final String savePending;
  /** Remove a delayed send; one row when this call removed it. */
  public final String removePending;
  /** A player's delayed sends. */
  public final String pendingOf;
  /** A delayed send by id. */
  public final String findPending;
  /** A page of delayed sends after an id. */
  public final String pendingPage;
  /** Record a rule entry, keeping the latest instant. */
  public final String recordEntry;
  /** A player's last entry into a rule. */
  public final String lastEntry;
  /** Record an activity, keeping the latest instant. */
  public final String recordActivity;
  /** A player's last activity of a type. */
  public final String lastActivity;
  /** Erasure, in order: entries, activity; then {@link #erasePending}. */
  public final String[] erase;
  /** Delete a player's delayed sends. */
  public final String erasePending;

  /**
   * @param p the schema prefix for table names, or empty
   */
  public TriggerSql(String p) {
    String t = p + "herald_pending_trigger";
    savePending = "INSERT INTO " + t + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?,"
        + " ?::jsonb) ON CONFLICT (id) DO UPDATE SET rule_id = excluded.rule_id,"
        + " player_id = excluded.player_id, event_id = excluded.event_id,"
        + " event_type = excluded.event_type, triggered_at = excluded.triggered_at,"
        + " send_at = excluded.send_at, \"values\" = excluded.\"values\"";
    removePending = "DELETE FROM " + t + " WHERE id = ?";
    pendingOf = "SELECT " + COLUMNS + " FROM " + t + " WHERE player_id = ? ORDER BY id";
    findPending = "SELECT " + COLUMNS + " FROM " + t + " WHERE id = ?";
    pendingPage = "SELECT " + COLUMNS + " FROM " + t + " WHERE id > ? ORDER BY id LIMIT ?";
    recordEntry = "INSERT INTO " + p + "herald_trigger_entry (player_id, rule_id, at)"
        + " VALUES (?, ?, ?) ON CONFLICT (player_id, rule_id)"
        + " DO UPDATE SET at = GREATEST(" + p + "herald_trigger_entry.at, excluded.at)";
    lastEntry = "SELECT at FROM " + p + "herald_trigger_entry WHERE player_id = ?"
        + " AND rule_id = ?";
    recordActivity = "INSERT INTO " + p + "herald_player_activity (player_id, event_type, at)"
        + " VALUES (?, ?, ?) ON CONFLICT (player_id, event_type)"
        + " DO UPDATE SET at = GREATEST(" + p + "herald_player_activity.at, excluded.at)";
    lastActivity = "SELECT at FROM " + p + "herald_player_activity WHERE player_id = ?"
        + " AND event_type = ?";
    erase = new String[] {
        "DELETE FROM " + p + "herald_trigger_entry WHERE player_id = ?",
        "DELETE FROM " + p + "herald_player_activity WHERE player_id = ?"};
    erasePending = "DELETE FROM " + t + " WHERE player_id = ?";
  }
}
