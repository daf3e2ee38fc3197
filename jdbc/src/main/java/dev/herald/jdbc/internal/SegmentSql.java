package dev.herald.jdbc.internal;

/** Every statement of {@code JdbcSegmentStore}, for PostgreSQL 13+. */
public final class SegmentSql {
  /** One segment. */
  public final String find;
  /** Insert or replace a segment. */
  public final String save;
  /** Delete a segment. */
  public final String delete;
  /** Every segment, by id. */
  public final String all;

  /**
   * @param p the schema prefix for table names, or empty
   */
  public SegmentSql(String p) {
    String t = p + "herald_segment";
    find = "SELECT id, description, rules, updated_at FROM " + t + " WHERE id = ?";
    save = "INSERT INTO " + t + " (id, description, rules, updated_at) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (id) DO UPDATE SET description = excluded.description,"
        + " rules = excluded.rules, updated_at = excluded.updated_at";
    delete = "DELETE FROM " + t + " WHERE id = ?";
    all = "SELECT id, description, rules, updated_at FROM " + t + " ORDER BY id";
  }
}
