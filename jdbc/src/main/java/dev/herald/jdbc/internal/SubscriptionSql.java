package dev.herald.jdbc.internal;

/** Every statement of {@code JdbcSubscriptionStore}, for PostgreSQL 13+. */
public final class SubscriptionSql {
  /** The device columns, in the order inserts bind them. */
  public static final String DEVICE_COLUMNS = "player_id, device_id, platform, status, address,"
      + " webpush_p256dh, webpush_auth, apns_topic, apns_environment, address_epoch,"
      + " address_since, invalidation_reason, invalidation_at, invalidation_address_key,"
      + " created_at, status_changed_at, last_seen_at, version, brand";

  /** Insert a device unless it exists. */
  public final String insertDevice;
  /** Replace a device if its version is the expected one. */
  public final String updateDevice;
  /** One device. */
  public final String findDevice;
  /** A player's devices. */
  public final String devicesOf;
  /** The devices of an array of players. */
  public final String devicesOfAll;
  /** The preferences of an array of players. */
  public final String preferencesOfAll;
  /** The owners of an array of address keys. */
  public final String ownersOfAll;
  /** Append a status change. */
  public final String appendHistory;
  /** A device's history, oldest first. */
  public final String history;
  /** An address's owner. */
  public final String ownerOf;
  /** Claim an address nobody owns. */
  public final String insertOwner;
  /** Move an address to a new owner if the epoch is the expected one. */
  public final String updateOwner;
  /** A player's preferences. */
  public final String preferences;
  /** Insert or replace a player's preferences. */
  public final String savePreferences;
  /** Erasure, in order: history, devices, ownerships, preferences. */
  public final String[] erase;

  /**
   * @param p the schema prefix for table names, or empty
   */
  public SubscriptionSql(String p) {
    String d = p + "herald_device";
    insertDevice = "INSERT INTO " + d + " (" + DEVICE_COLUMNS + ") VALUES"
        + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        + " ON CONFLICT (player_id, device_id) DO NOTHING";
    updateDevice = "UPDATE " + d + " SET platform = ?, status = ?, address = ?,"
        + " webpush_p256dh = ?, webpush_auth = ?, apns_topic = ?, apns_environment = ?,"
        + " address_epoch = ?, address_since = ?, invalidation_reason = ?, invalidation_at = ?,"
        + " invalidation_address_key = ?, created_at = ?, status_changed_at = ?,"
        + " last_seen_at = ?, version = ?, brand = ? WHERE player_id = ? AND device_id = ? AND version = ?";
    findDevice = "SELECT " + DEVICE_COLUMNS + " FROM " + d
        + " WHERE player_id = ? AND device_id = ?";
    devicesOf = "SELECT " + DEVICE_COLUMNS + " FROM " + d
        + " WHERE player_id = ? ORDER BY device_id";
    devicesOfAll = "SELECT " + DEVICE_COLUMNS + " FROM " + d + " WHERE player_id = ANY(?)"
        + " ORDER BY player_id, device_id";
    preferencesOfAll = "SELECT player_id, marketing_consent, categories, updated_at FROM " + p
        + "herald_preferences WHERE player_id = ANY(?)";
    ownersOfAll = "SELECT address_key, player_id, device_id, epoch FROM " + p
        + "herald_address_owner WHERE address_key = ANY(?)";
    appendHistory = "INSERT INTO " + p + "herald_status_change"
        + " (player_id, device_id, from_status, to_status, reason, at, detail)"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    history = "SELECT player_id, device_id, from_status, to_status, reason, at, detail FROM "
        + p + "herald_status_change WHERE player_id = ? AND device_id = ? ORDER BY seq";
    ownerOf = "SELECT address_key, player_id, device_id, epoch FROM " + p
        + "herald_address_owner WHERE address_key = ?";
    insertOwner = "INSERT INTO " + p + "herald_address_owner"
        + " (address_key, player_id, device_id, epoch) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (address_key) DO NOTHING";
    updateOwner = "UPDATE " + p + "herald_address_owner SET player_id = ?, device_id = ?,"
        + " epoch = ? WHERE address_key = ? AND epoch = ?";
    preferences = "SELECT player_id, marketing_consent, categories, updated_at FROM " + p
        + "herald_preferences WHERE player_id = ?";
    savePreferences = "INSERT INTO " + p + "herald_preferences"
        + " (player_id, marketing_consent, categories, updated_at) VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (player_id) DO UPDATE SET marketing_consent = excluded.marketing_consent,"
        + " categories = excluded.categories, updated_at = excluded.updated_at";
    erase = new String[] {
        "DELETE FROM " + p + "herald_status_change WHERE player_id = ?",
        "DELETE FROM " + d + " WHERE player_id = ?",
        "DELETE FROM " + p + "herald_address_owner WHERE player_id = ?",
        "DELETE FROM " + p + "herald_preferences WHERE player_id = ?"};
  }
}
