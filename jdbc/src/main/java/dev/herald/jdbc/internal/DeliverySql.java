package dev.herald.jdbc.internal;

import dev.herald.analytics.DeliveryRecord;
import java.util.Collections;

/**
 * Every statement of {@code JdbcDeliveryStore}, for PostgreSQL 13+; another dialect would be
 * another class like this one.
 */
public final class DeliverySql {
  /** The delivery columns, in the order every insert binds them. */
  public static final String COLUMNS = "key, delivery_id, source_id, step, player_id, device_id,"
      + " platform, variant, type, type_purpose, type_category, category, state, reason, detail, created_at, updated_at,"
      + " attempts, http_status, message_id, clicked_at, conversions, conversion_value,"
      + " type_shared_caps, brand";
  /** How many columns {@link #COLUMNS} names. */
  public static final int COLUMN_COUNT = 25;
  /** The event columns, in the order every insert binds them (seq is generated). */
  public static final String EVENT_COLUMNS = "type, at, source_id, step, delivery_id, player_id,"
      + " device_id, platform, variant, reason, detail, http_status, value";

  private final String p;
  /** Insert one row unless its key exists; returns the key when inserted. */
  public final String claim;
  /**
   * Insert rows, given as one array per column in {@link #COLUMNS} order, skipping existing keys;
   * returns the inserted keys and their row versions ({@code xmin}).
   */
  public final String claimAll;
  /** Append events, given as one array per column in {@link #EVENT_COLUMNS} order, in order. */
  public final String appendAll;
  /** Replace every column but the key, by key. */
  public final String update;
  /**
   * Writes a batch of state changes in one statement: the columns a delivery's life changes
   * (state, outcome, attempts, click, conversions), from parallel arrays joined by key. The
   * columns it leaves alone include every indexed one, so PostgreSQL can make each row's new
   * version a heap-only tuple (no index entry written). Returns the keys written and their new
   * row versions ({@code xmin}).
   */
  public final String changeAll;
  /**
   * {@link #changeAll} for rows still at a version ({@code xmin}) given in one more array: the
   * optimistic write of a batch, no row read or locked first; returns the keys written and their
   * new versions.
   */
  public final String changeAllIfVersion;
  /** One row by key. */
  public final String find;
  /** One row by key, locked until the transaction ends. */
  public final String findForUpdate;
  /** Rows by an array of keys, locked in key order (a fixed order, so batches cannot deadlock). */
  public final String findAllForUpdate;
  /** One row by delivery id. */
  public final String findById;
  /**
   * A page of a source's rows, all steps, after a key and below a bound: a range of the primary
   * key, as every key of a source begins with the same prefix ({@link #keyPrefix}).
   */
  public final String pageOfSource;
  /** A page of one step's rows, after a key and below a bound, as {@link #pageOfSource}. */
  public final String pageOfStep;
  /** A player's rows created at or after an instant, oldest first. */
  public final String ofPlayerSince;
  /** The rows of an array of players created at or after an instant, oldest first. */
  public final String ofPlayersSince;
  /** A player's row clicked last, at or after an instant. */
  public final String lastClicked;
  /** A page of a player's events, after (at, seq). */
  public final String eventsOfPlayerPage;
  /** A page of a source's events, after (at, seq). */
  public final String eventsOfSourcePage;
  /** Insert or replace a step's progress. */
  public final String saveProgress;
  /** A step's progress. */
  public final String progress;
  /** A player's rows, locked, for erasure. */
  public final String erasableOfPlayer;
  /** Anonymise one row: new key, no player, device, message id or detail. */
  public final String anonymise;
  /** Anonymise a player's events. */
  public final String anonymiseEvents;
  /** Delete a bounded batch of events older than a cutoff. */
  public final String deleteEventsBefore;
  /** Delete a bounded batch of deliveries created before a cutoff. */
  public final String deleteDeliveriesBefore;
  /**
   * A lease's current token, share-locked to the end of the transaction: a fenced write checks
   * it, and a takeover (which updates the row) waits for the write to commit.
   */
  public final String fence;

  /**
   * @param prefix the schema prefix for table names, or empty
   */
  public DeliverySql(String prefix) {
    this.p = prefix;
    String d = p + "herald_delivery";
    String e = p + "herald_delivery_event";
    claim = "INSERT INTO " + d + " (" + COLUMNS + ") VALUES ("
        + String.join(", ", Collections.nCopies(COLUMN_COUNT, "?"))
        + ") ON CONFLICT (key) DO NOTHING RETURNING key";
    claimAll = "INSERT INTO " + d + " (" + COLUMNS + ") SELECT * FROM unnest("
        + arrays("text", 15) + ", " + arrays("timestamptz", 2) + ", " + arrays("int", 2) + ", "
        + arrays("text", 1) + ", " + arrays("timestamptz", 1) + ", " + arrays("int", 1) + ", "
        + arrays("numeric", 1) + ", " + arrays("boolean", 1) + ", " + arrays("text", 1)
        + ") ON CONFLICT (key) DO NOTHING RETURNING key, xmin::text";
    // WITH ORDINALITY … ORDER BY: the sequence numbers follow the order of the arrays.
    appendAll = "INSERT INTO " + e + " (" + EVENT_COLUMNS + ") SELECT " + EVENT_COLUMNS
        + " FROM unnest(" + arrays("text", 1) + ", " + arrays("timestamptz", 1) + ", "
        + arrays("text", 9) + ", " + arrays("int", 1) + ", " + arrays("numeric", 1)
        + ") WITH ORDINALITY AS u(" + EVENT_COLUMNS + ", n) ORDER BY n";
    update = "UPDATE " + d + " SET delivery_id = ?, source_id = ?, step = ?, player_id = ?,"
        + " device_id = ?, platform = ?, variant = ?, type = ?, type_purpose = ?, type_category = ?,"
        + " category = ?, state = ?,"
        + " reason = ?, detail = ?, created_at = ?, updated_at = ?, attempts = ?,"
        + " http_status = ?, message_id = ?, clicked_at = ?, conversions = ?,"
        + " conversion_value = ?, type_shared_caps = ?, brand = ? WHERE key = ?";
    changeAll = changeAll(d, false);
    changeAllIfVersion = changeAll(d, true);
    find = "SELECT " + COLUMNS + " FROM " + d + " WHERE key = ?";
    findForUpdate = find + " FOR UPDATE";
    findAllForUpdate = "SELECT " + COLUMNS + " FROM " + d + " WHERE key = ANY(?) ORDER BY key"
        + " FOR UPDATE";
    findById = "SELECT " + COLUMNS + " FROM " + d + " WHERE delivery_id = ?";
    pageOfSource = "SELECT " + COLUMNS + " FROM " + d + " WHERE key > ? AND key < ?"
        + " AND source_id = ? ORDER BY key LIMIT ?";
    pageOfStep = "SELECT " + COLUMNS + " FROM " + d + " WHERE key > ? AND key < ?"
        + " AND source_id = ? AND step = ? ORDER BY key LIMIT ?";
    ofPlayerSince = "SELECT " + COLUMNS + " FROM " + d + " WHERE player_id = ?"
        + " AND created_at >= ? ORDER BY created_at, key";
    ofPlayersSince = "SELECT " + COLUMNS + " FROM " + d + " WHERE player_id = ANY(?)"
        + " AND created_at >= ? ORDER BY created_at, key";
    lastClicked = "SELECT " + COLUMNS + " FROM " + d + " WHERE player_id = ?"
        + " AND clicked_at >= ? ORDER BY clicked_at DESC LIMIT 1";
    eventsOfPlayerPage = "SELECT seq, " + EVENT_COLUMNS + " FROM " + e + " WHERE player_id = ?"
        + " AND (at, seq) > (?, ?) ORDER BY at, seq LIMIT ?";
    eventsOfSourcePage = "SELECT seq, " + EVENT_COLUMNS + " FROM " + e + " WHERE source_id = ?"
        + " AND (at, seq) > (?, ?) ORDER BY at, seq LIMIT ?";
    saveProgress = "INSERT INTO " + p + "herald_dispatch_progress"
        + " (source_id, step, started_at, cursor, completed_at) VALUES (?, ?, ?, ?, ?)"
        + " ON CONFLICT (source_id, step) DO UPDATE SET started_at = excluded.started_at,"
        + " cursor = excluded.cursor, completed_at = excluded.completed_at";
    progress = "SELECT source_id, step, started_at, cursor, completed_at FROM " + p
        + "herald_dispatch_progress WHERE source_id = ? AND step = ?";
    erasableOfPlayer = "SELECT key, source_id, step, delivery_id FROM " + d
        + " WHERE player_id = ? ORDER BY key FOR UPDATE";
    anonymise = "UPDATE " + d + " SET key = ?, player_id = ?, device_id = NULL,"
        + " message_id = NULL, detail = '' WHERE key = ?";
    anonymiseEvents = "UPDATE " + e + " SET player_id = NULL, device_id = NULL, detail = ''"
        + " WHERE player_id = ?";
    // SKIP LOCKED: retention never waits on (or deadlocks with) a run changing an old row; it
    // takes that row on its next batch.
    deleteEventsBefore = "DELETE FROM " + e + " WHERE seq IN (SELECT seq FROM " + e
        + " WHERE at < ? LIMIT ? FOR UPDATE SKIP LOCKED)";
    deleteDeliveriesBefore = "DELETE FROM " + d + " WHERE key IN (SELECT key FROM " + d
        + " WHERE created_at < ? LIMIT ? FOR UPDATE SKIP LOCKED)";
    fence = "SELECT token FROM " + p + "herald_lease WHERE name = ? FOR SHARE";
  }

  /**
   * What every key of a source's deliveries begins with, or of one of its steps. A key is the
   * source, step, player and device, each escaped (a backslash or '|' gets a backslash before it)
   * and joined by '|' ({@link DeliveryRecord#key(String, String, String, String)}), so the
   * escaped source (and step) followed by '|' begins the keys of that source (and step) and of
   * no other.
   *
   * @param sourceId the source
   * @param step the step, or null for every step of the source
   * @return the prefix, ending with '|'
   */
  public static String keyPrefix(String sourceId, String step) {
    String key = DeliveryRecord.key(sourceId, step == null ? "" : step, "", "");
    return key.substring(0, key.length() - (step == null ? 2 : 1));
  }

  /**
   * The least string above every string that begins with a prefix ending with '|' (in byte
   * order, the keys' collation "C"): the prefix with its '|' made the next character, '}'.
   *
   * @param prefix a {@link #keyPrefix}
   * @return the bound
   */
  public static String keyBound(String prefix) {
    return prefix.substring(0, prefix.length() - 1) + '}';
  }

  /** {@code n} array parameters of an element type: {@code ?::type[], …}. */
  /**
   * @param ifVersion whether the rows are written only if still at the version ({@code xmin})
   *     given in one more array
   */
  private static String changeAll(String table, boolean ifVersion) {
    return "UPDATE " + table + " AS d SET state = u.state, reason = u.reason,"
        + " detail = u.detail, updated_at = u.updated_at, attempts = u.attempts,"
        + " http_status = u.http_status, message_id = u.message_id, clicked_at = u.clicked_at,"
        + " conversions = u.conversions, conversion_value = u.conversion_value"
        + " FROM unnest(" + arrays("text", 4) + ", " + arrays("timestamptz", 1) + ", "
        + arrays("int", 2) + ", " + arrays("text", 1) + ", " + arrays("timestamptz", 1) + ", "
        + arrays("int", 1) + ", " + arrays("numeric", 1)
        + (ifVersion ? ", " + arrays("text", 1) : "") + ")"
        + " AS u(key, state, reason, detail, updated_at, attempts, http_status, message_id,"
        + " clicked_at, conversions, conversion_value" + (ifVersion ? ", version" : "") + ")"
        + " WHERE d.key = u.key" + (ifVersion ? " AND d.xmin = u.version::xid" : "")
        + " RETURNING d.key, d.xmin::text";
  }

  private static String arrays(String type, int n) {
    return String.join(", ", Collections.nCopies(n, "?::" + type + "[]"));
  }
}
