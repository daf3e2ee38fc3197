package dev.herald.jdbc.internal;

/** Every statement of {@code JdbcSubscriptionStore}, for PostgreSQL 13+. */
public final class SubscriptionSql {
  /** The device columns, in the order inserts bind them. */
  public static final String DEVICE_COLUMNS = "player_id, device_id, platform, status, address,"
      + " webpush_p256dh, webpush_auth, apns_topic, apns_environment, address_epoch,"
      + " address_since, invalidation_reason, invalidation_at, invalidation_address_key,"
      + " created_at, status_changed_at, last_seen_at, version, brand";
  /** The type of each of {@link #DEVICE_COLUMNS}, in order. */
  private static final String[] DEVICE_TYPES = {"text", "text", "text", "text", "text", "bytea",
      "bytea", "text", "text", "bigint", "timestamptz", "text", "timestamptz", "text",
      "timestamptz", "timestamptz", "timestamptz", "bigint", "text"};
  /** How many columns {@link #DEVICE_COLUMNS} names. */
  public static final int DEVICE_COLUMN_COUNT = DEVICE_TYPES.length;
  /** The status change columns, in the order inserts bind them (seq is generated). */
  public static final String HISTORY_COLUMNS =
      "player_id, device_id, from_status, to_status, reason, at, detail";
  private static final String[] HISTORY_TYPES =
      {"text", "text", "text", "text", "text", "timestamptz", "text"};
  /** How many columns {@link #HISTORY_COLUMNS} names. */
  public static final int HISTORY_COLUMN_COUNT = HISTORY_TYPES.length;
  /** The address owner columns, in the order inserts bind them. */
  public static final String OWNER_COLUMNS = "address_key, player_id, device_id, epoch";
  private static final String[] OWNER_TYPES = {"text", "text", "text", "bigint"};
  /** How many columns {@link #OWNER_COLUMNS} names. */
  public static final int OWNER_COLUMN_COUNT = OWNER_TYPES.length;
  /** The preferences columns, in the order inserts bind them. */
  public static final String PREFERENCES_COLUMNS =
      "player_id, marketing_consent, categories, updated_at";
  // categories: one array literal per row, made an array by the insert's select
  private static final String[] PREFERENCES_TYPES = {"text", "boolean", "text", "timestamptz"};
  /** How many columns {@link #PREFERENCES_COLUMNS} names. */
  public static final int PREFERENCES_COLUMN_COUNT = PREFERENCES_TYPES.length;

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
  /** Insert devices given as one array per column ({@link SubscriptionRows.Batch}). */
  public final String importDevices;
  /** Append status changes given as one array per column, in order. */
  public final String importHistory;
  /** Insert address owners given as one array per column. */
  public final String importOwners;
  /** Insert preferences given as one array per column. */
  public final String importPreferences;
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
    appendHistory = "INSERT INTO " + p + "herald_status_change (" + HISTORY_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?, ?, ?, ?)";
    history = "SELECT player_id, device_id, from_status, to_status, reason, at, detail FROM "
        + p + "herald_status_change WHERE player_id = ? AND device_id = ? ORDER BY seq";
    ownerOf = "SELECT address_key, player_id, device_id, epoch FROM " + p
        + "herald_address_owner WHERE address_key = ?";
    insertOwner = "INSERT INTO " + p + "herald_address_owner (" + OWNER_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (address_key) DO NOTHING";
    updateOwner = "UPDATE " + p + "herald_address_owner SET player_id = ?, device_id = ?,"
        + " epoch = ? WHERE address_key = ? AND epoch = ?";
    preferences = "SELECT player_id, marketing_consent, categories, updated_at FROM " + p
        + "herald_preferences WHERE player_id = ?";
    savePreferences = "INSERT INTO " + p + "herald_preferences (" + PREFERENCES_COLUMNS + ")"
        + " VALUES (?, ?, ?, ?)"
        + " ON CONFLICT (player_id) DO UPDATE SET marketing_consent = excluded.marketing_consent,"
        + " categories = excluded.categories, updated_at = excluded.updated_at";
    // No ON CONFLICT: an import adds rows; one that exists fails it (and rolls it back).
    importDevices = "INSERT INTO " + d + " (" + DEVICE_COLUMNS + ") SELECT * FROM unnest("
        + arrays(DEVICE_TYPES) + ")";
    // WITH ORDINALITY … ORDER BY: the sequence numbers follow the order of the arrays.
    importHistory = "INSERT INTO " + p + "herald_status_change (" + HISTORY_COLUMNS + ") SELECT "
        + HISTORY_COLUMNS + " FROM unnest(" + arrays(HISTORY_TYPES) + ") WITH ORDINALITY AS u("
        + HISTORY_COLUMNS + ", n) ORDER BY n";
    importOwners = "INSERT INTO " + p + "herald_address_owner (" + OWNER_COLUMNS + ") SELECT *"
        + " FROM unnest(" + arrays(OWNER_TYPES) + ")";
    importPreferences = "INSERT INTO " + p + "herald_preferences (" + PREFERENCES_COLUMNS + ")"
        + " SELECT player_id, marketing_consent, categories::text[], updated_at FROM unnest("
        + arrays(PREFERENCES_TYPES) + ") AS u(" + PREFERENCES_COLUMNS + ")";
    erase = new String[] {
        "DELETE FROM " + p + "herald_status_change WHERE player_id = ?",
        "DELETE FROM " + d + " WHERE player_id = ?",
        "DELETE FROM " + p + "herald_address_owner WHERE player_id = ?",
        "DELETE FROM " + p + "herald_preferences WHERE player_id = ?"};
  }

  /** An array parameter per column type: {@code ?::type[], …}. */
  private static String arrays(String[] types) {
    StringBuilder out = new StringBuilder();
    for (String type : types) {
      out.append(out.length() == 0 ? "" : ", ").append("?::").append(type).append("[]");
    }
    return out.toString();
  }
}
