package dev.herald.jdbc.internal;

/** Every statement of {@code JdbcCampaignStore}, for PostgreSQL 13+. */
public final class CampaignSql {
  private static final String COLUMNS =
      "id, state, definition, version, created_at, updated_at, current_step, next_run_at";

  /** Insert a campaign unless it exists. */
  public final String insert;
  /** Replace a campaign if its version is the expected one. */
  public final String update;
  /** One campaign. */
  public final String find;
  /** A page of campaigns after an id. */
  public final String page;

  /**
   * @param p the schema prefix for table names, or empty
   */
  public CampaignSql(String p) {
    String t = p + "herald_campaign";
    insert = "INSERT INTO " + t + " (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (id) DO NOTHING";
    update = "UPDATE " + t + " SET state = ?, definition = ?, version = ?, created_at = ?,"
        + " updated_at = ?, current_step = ?, next_run_at = ? WHERE id = ? AND version = ?";
    find = "SELECT " + COLUMNS + " FROM " + t + " WHERE id = ?";
    page = "SELECT " + COLUMNS + " FROM " + t + " WHERE id > ? ORDER BY id LIMIT ?";
  }
}
