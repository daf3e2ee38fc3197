package dev.herald.jdbc;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.analytics.DispatchProgress;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.content.Purpose;
import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.DeliverySql;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.jdbc.internal.Pages;
import dev.herald.jdbc.internal.RowVersions;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.Lease;
import dev.herald.spi.LeaseLostException;
import dev.herald.spi.PlayerLocks;
import dev.herald.subscription.Brand;
import dev.herald.subscription.Platform;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A {@link DeliveryStore} on PostgreSQL 13+: tables {@code herald_delivery},
 * {@code herald_delivery_event} and {@code herald_dispatch_progress} (see docs/storage.md).
 *
 * <p>A claim is {@code INSERT … ON CONFLICT (key) DO NOTHING RETURNING key}, so exactly one of
 * several concurrent claimers wins; {@link #claimAll} does the same for up to {@value #BATCH}
 * rows per statement. {@link #modify} reads under {@code SELECT … FOR UPDATE} and writes in the
 * same short transaction. {@link #modifyAll} first writes, without reading, the rows this store
 * wrote last and still holds ({@value #VERSIONS_KEPT} at most: a run's claims, then their
 * SENDING marks), if each is still the version it wrote ({@code UPDATE … WHERE xmin = ?}, as
 * optimistic concurrency on PostgreSQL goes); the rest, and any row changed since, it reads under
 * {@code SELECT … FOR UPDATE} and writes in the same transaction. Streams page by key on their own short connections.
 * Instants are kept to the microsecond (truncated). Thread-safe; holds no connection between
 * calls, except under a {@link #lockPlayer player lock}.
 *
 * <p>As {@link PlayerLocks}, it serialises one player's decisions across every node with a
 * PostgreSQL advisory lock held by a transaction: Herald's frequency-cap checks and claims, and
 * its trigger entry decisions, are exact across the cluster (see docs/scaling.md).
 *
 * <p>{@link #fencedBy} gives the view a run writes through when several nodes share the database:
 * each write's transaction first reads the run's lease from {@code herald_lease} (kept by
 * {@link JdbcLeases}) under {@code FOR SHARE} and writes only if its token is still the run's.
 */
public final class JdbcDeliveryStore implements DeliveryStore, PlayerLocks {
  /**
   * Rows per statement (and per transaction of {@link #modifyAll}): a batch goes as one array per
   * column, so no parameter limit applies; this bounds a statement's size.
   */
  static final int BATCH = 1000;
  /**
   * Rows kept as last written, with their versions, for {@link #modifyAll} to write without
   * reading: about a run's players in progress and its buffered outcomes, a few MB.
   */
  static final int VERSIONS_KEPT = 16_384;
  private static final NotificationType[] BUILT_IN_TYPES = NotificationType.builtIns();

  private final Jdbc jdbc;
  private final DeliverySql sql;
  /** The lease every write checks; null: writes are not fenced. */
  private final Lease fence;
  /** The rows this store (and its fenced views) wrote last; see {@link #modifyAll}. */
  private final RowVersions versions;

  /**
   * A store over the tables in the connections' default schema ({@code search_path}).
   *
   * @param dataSource the database; its connections are taken per call and given back
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcDeliveryStore(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * A store over the tables in a named schema.
   *
   * @param dataSource the database; its connections are taken per call and given back
   * @param schema the schema {@link HeraldSchema#migrate(DataSource, String)} migrated, or null
   *     for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcDeliveryStore(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcDeliveryStore");
    this.sql = new DeliverySql(HeraldMigrations.prefix(schema));
    this.fence = null;
    this.versions = new RowVersions(VERSIONS_KEPT);
    HeraldMigrations.check(jdbc, schema,
        "herald_delivery", "herald_delivery_event", "herald_dispatch_progress", "herald_lease");
  }

  private JdbcDeliveryStore(JdbcDeliveryStore unfenced, Lease fence) {
    this.jdbc = unfenced.jdbc;
    this.sql = unfenced.sql;
    this.fence = fence;
    this.versions = unfenced.versions;
  }

  @Override
  public DeliveryStore fencedBy(Lease lease) {
    Checks.required(lease, "lease");
    return new JdbcDeliveryStore(this, lease);
  }

  /** Inside a write's transaction: refuses it unless the fence's token is the current one. */
  private void checkFence(Connection c) throws SQLException {
    if (fence == null) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql.fence)) {
      ps.setString(1, fence.name());
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next() || rs.getLong(1) != fence.token()) {
          throw new LeaseLostException(fence);
        }
      }
    }
  }

  /** One write: a single statement, or a fence check and the statement in one transaction. */
  private <T> T write(String what, Jdbc.Work<T> work) {
    if (fence == null) {
      return jdbc.read(what, work);
    }
    return jdbc.inTransaction(what, c -> {
      checkFence(c);
      return work.run(c);
    });
  }

  /**
   * Locks a player across every node sharing the database: {@code pg_advisory_xact_lock} on a
   * hash of the player id, in a transaction on a connection bound to this thread. Until the lock
   * is closed, the calls on this thread of every Herald JDBC store built over the same
   * {@code DataSource} run in that transaction, so the decision commits as one (and is rolled
   * back when one of its calls failed). One lock at a time per thread.
   *
   * @param playerId the player
   * @return the held lock, to close on this thread
   */
  @Override
  public Held lockPlayer(String playerId) {
    return jdbc.lockPlayer(Checks.nonBlank(playerId, "playerId"));
  }

  @Override
  public boolean claim(DeliveryRecord record) {
    Checks.required(record, "record");
    return write("claiming a delivery", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.claim)) {
        bind(ps, 1, record);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public List<Boolean> claimAll(List<DeliveryRecord> records) {
    Checks.required(records, "records");
    if (records.isEmpty()) {
      return List.of();
    }
    Map<String, Long> inserted = new HashMap<>(records.size() * 2);
    // Inserted in key order: two nodes claiming overlapping batches wait on each other's unique
    // index entries in the same order, so they cannot deadlock. Each key is built once.
    List<Keyed> sorted = new ArrayList<>(records.size());
    for (DeliveryRecord r : records) {
      sorted.add(new Keyed(Checks.required(r, "records[]").key(), r));
    }
    List<String> keys = new ArrayList<>(records.size());
    for (Keyed k : sorted) {
      keys.add(k.key());
    }
    sorted.sort(Comparator.comparing(Keyed::key));
    // One transaction for the whole batch: one commit (one WAL flush) however many chunks.
    jdbc.inTransaction("claiming " + records.size() + " deliveries", c -> {
      checkFence(c);
      for (int from = 0; from < sorted.size(); from += BATCH) {
        List<Keyed> chunk = sorted.subList(from, Math.min(sorted.size(), from + BATCH));
        inserted.putAll(versionsWritten(c, sql.claimAll, columns(chunk)));
      }
      return null;
    });
    for (Keyed k : sorted) { // committed: the rows are these versions now
      Long version = inserted.get(k.key());
      if (version != null) {
        remember(k.key(), k.record(), version);
      }
    }
    List<Boolean> result = new ArrayList<>(records.size());
    for (String key : keys) {
      result.add(inserted.containsKey(key));
    }
    return result;
  }

  /**
   * Keeps a row as written, if reading it back gives the same record: its instants to the
   * microsecond, its conversion value in plain notation, its type a built-in one (a custom
   * type's settings beyond its name, purpose and category are not stored).
   */
  private void remember(String key, DeliveryRecord row, long version) {
    if (row.conversionValue().scale() < 0 || !builtIn(row.type())) {
      versions.remove(key);
      return;
    }
    Instant created = Jdbc.micros(row.createdAt());
    Instant updated = Jdbc.micros(row.updatedAt());
    Optional<Instant> clicked = row.clickedAt().map(Jdbc::micros);
    DeliveryRecord stored = created.equals(row.createdAt()) && updated.equals(row.updatedAt())
        && clicked.equals(row.clickedAt()) ? row
        : new DeliveryRecord(row.sourceId(), row.step(), row.playerId(), row.deviceId(),
            row.platform(), row.brand(), row.deliveryId(), row.variant(), row.type(),
            row.category(), row.state(), row.reason(), row.detail(), created, updated,
            row.attempts(), row.httpStatus(), row.messageId(), clicked, row.conversions(),
            row.conversionValue());
    versions.put(key, stored, version);
  }

  /** A record with its key, built once. */
  private record Keyed(String key, DeliveryRecord record) {}

  @Override
  public void update(DeliveryRecord record) {
    Checks.required(record, "record");
    int rows = write("updating a delivery", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.update)) {
        bindUpdate(ps, record);
        return ps.executeUpdate();
      }
    });
    if (rows == 0) {
      throw new IllegalArgumentException(
          "no delivery with key " + record.key() + " to update; claim it first");
    }
  }

  @Override
  public Optional<DeliveryRecord> modify(String key, UnaryOperator<DeliveryRecord> change) {
    Checks.required(change, "change");
    if (key == null) {
      return Optional.empty();
    }
    return jdbc.inTransaction("modifying a delivery", c -> {
      checkFence(c);
      DeliveryRecord current;
      try (PreparedStatement ps = c.prepareStatement(sql.findForUpdate)) {
        ps.setString(1, key);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<DeliveryRecord>empty();
          }
          current = record(rs);
        }
      }
      DeliveryRecord changed = changed(key, current, change);
      writeChanges(c, List.of(key), List.of(current), List.of(changed));
      return Optional.of(changed);
    });
  }

  @Override
  public List<DeliveryRecord> modifyAll(List<String> keys, UnaryOperator<DeliveryRecord> change) {
    Checks.required(keys, "keys");
    Checks.required(change, "change");
    if (keys.isEmpty()) {
      return List.of();
    }
    Map<String, DeliveryRecord> written = new HashMap<>(keys.size() * 2);
    for (int from = 0; from < keys.size(); from += BATCH) {
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + BATCH));
      Map<String, Long> newVersions = new HashMap<>(chunk.size() * 2);
      // Per chunk, in one transaction: the rows still as this store wrote them, written without
      // a read; the others locked (in key order), read, changed and written back; one commit.
      jdbc.inTransaction("modifying " + chunk.size() + " deliveries", c -> {
        checkFence(c);
        List<String> rest = writeUnchangedSince(c, chunk, change, written, newVersions);
        if (rest.isEmpty()) {
          return null;
        }
        List<String> found = new ArrayList<>(rest.size());
        List<DeliveryRecord> current = new ArrayList<>(rest.size());
        List<DeliveryRecord> changed = new ArrayList<>(rest.size());
        Array array = c.createArrayOf("text", rest.toArray());
        try (PreparedStatement ps = c.prepareStatement(sql.findAllForUpdate)) {
          ps.setArray(1, array);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              String key = rs.getString(1);
              DeliveryRecord before = record(rs);
              found.add(key);
              current.add(before);
              changed.add(changed(key, before, change));
            }
          }
        } finally {
          array.free();
        }
        newVersions.putAll(writeChanges(c, found, current, changed));
        for (int i = 0; i < found.size(); i++) {
          written.put(found.get(i), changed.get(i));
        }
        return null;
      });
      for (String key : chunk) { // committed: the rows written narrowly are these versions now
        Long version = newVersions.get(key);
        DeliveryRecord row = written.get(key);
        if (version != null && row != null) {
          remember(key, row, version);
        } else {
          versions.remove(key);
        }
      }
    }
    List<DeliveryRecord> result = new ArrayList<>(written.size());
    for (String key : keys) {
      DeliveryRecord r = written.get(key);
      if (r != null) {
        result.add(r);
      }
    }
    return result;
  }

  /**
   * The optimistic half of {@link #modifyAll}: the keys whose row this store wrote last are
   * changed from that row and written in one {@link DeliverySql#changeAllIfVersion} statement,
   * where the row is still the version written. A change that leaves the remembered row as it is,
   * or changes more than the columns that statement writes, goes the locked way (its row may
   * have changed since); so does every row written since by anyone else.
   *
   * @return the keys left for the locked read, in their order
   */
  private List<String> writeUnchangedSince(Connection c, List<String> keys,
      UnaryOperator<DeliveryRecord> change, Map<String, DeliveryRecord> written,
      Map<String, Long> newVersions) throws SQLException {
    List<Keyed> attempt = new ArrayList<>(keys.size());
    Map<String, Long> from = new HashMap<>(keys.size() * 2);
    for (String key : keys) {
      RowVersions.Versioned known = versions.get(key);
      if (known == null) {
        continue;
      }
      DeliveryRecord after = changed(key, known.row(), change);
      if (!after.equals(known.row()) && sameClaim(known.row(), after)) {
        attempt.add(new Keyed(key, after));
        from.put(key, known.version());
      }
    }
    if (attempt.isEmpty()) {
      return keys;
    }
    // In key order, as the locked read: two batches over the same rows wait in the same order
    attempt.sort(Comparator.comparing(Keyed::key));
    List<String> tried = new ArrayList<>(attempt.size());
    List<DeliveryRecord> rows = new ArrayList<>(attempt.size());
    List<Long> versionsFrom = new ArrayList<>(attempt.size());
    for (Keyed k : attempt) {
      tried.add(k.key());
      rows.add(k.record());
      versionsFrom.add(from.get(k.key()));
    }
    Map<String, Long> done = changeAll(c, sql.changeAllIfVersion, tried, rows, versionsFrom);
    for (int i = 0; i < tried.size(); i++) {
      if (done.containsKey(tried.get(i))) {
        written.put(tried.get(i), rows.get(i));
      }
    }
    newVersions.putAll(done);
    List<String> rest = new ArrayList<>(keys.size() - done.size());
    for (String key : keys) {
      if (!done.containsKey(key)) {
        rest.add(key);
      }
    }
    return rest;
  }

  /**
   * Writes the changed rows of a batch, locked by the caller: the rows whose change kept what a
   * claim fixed (every change Herald makes) in one {@link DeliverySql#changeAll} statement, any
   * other as a full-row update; unchanged rows not at all.
   *
   * @return the new versions of the rows written by {@link DeliverySql#changeAll}
   */
  private Map<String, Long> writeChanges(Connection c, List<String> rowKeys,
      List<DeliveryRecord> current, List<DeliveryRecord> changed) throws SQLException {
    List<DeliveryRecord> narrow = new ArrayList<>(changed.size());
    List<String> narrowKeys = new ArrayList<>(changed.size());
    List<DeliveryRecord> wide = new ArrayList<>();
    for (int i = 0; i < changed.size(); i++) {
      DeliveryRecord before = current.get(i);
      DeliveryRecord after = changed.get(i);
      if (after.equals(before)) {
        continue;
      }
      if (sameClaim(before, after)) {
        narrow.add(after);
        narrowKeys.add(rowKeys.get(i));
      } else {
        wide.add(after);
      }
    }
    Map<String, Long> versionsWritten = narrow.isEmpty() ? Map.of()
        : changeAll(c, sql.changeAll, narrowKeys, narrow, null);
    if (!wide.isEmpty()) {
      try (PreparedStatement ps = c.prepareStatement(sql.update)) {
        for (DeliveryRecord r : wide) {
          bindUpdate(ps, r);
          ps.addBatch();
        }
        ps.executeBatch();
      }
    }
    return versionsWritten;
  }

  /**
   * Runs {@link DeliverySql#changeAll}, or {@link DeliverySql#changeAllIfVersion} given the
   * versions the rows must still be at.
   *
   * @return the keys written, with their rows' new versions
   */
  private static Map<String, Long> changeAll(Connection c, String statement, List<String> rowKeys,
      List<DeliveryRecord> rows, List<Long> ifVersions) throws SQLException {
    Object[][] changed = changedColumns(rowKeys, rows);
    if (ifVersions == null) {
      return versionsWritten(c, statement, changed);
    }
    String[] versions = new String[rows.size()];
    for (int i = 0; i < versions.length; i++) {
      versions[i] = Long.toString(ifVersions.get(i));
    }
    Object[][] columns = Arrays.copyOf(changed, changed.length + 1);
    columns[changed.length] = versions;
    return versionsWritten(c, statement, columns);
  }

  /**
   * Runs a write given one array per column that returns the keys written and their rows' new
   * versions ({@code RETURNING key, xmin::text}).
   */
  private static Map<String, Long> versionsWritten(Connection c, String statement,
      Object[]... columns) throws SQLException {
    Map<String, Long> written = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(statement)) {
      Array[] arrays = Jdbc.setArrays(c, ps, columns);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          written.put(rs.getString(1), Long.parseLong(rs.getString(2)));
        }
      } finally {
        Jdbc.free(arrays);
      }
    }
    return written;
  }

  /** Whether a change kept every column {@link DeliverySql#changeAll} does not write. */
  private static boolean sameClaim(DeliveryRecord a, DeliveryRecord b) {
    return a.deliveryId().equals(b.deliveryId()) && a.sourceId().equals(b.sourceId())
        && a.step().equals(b.step()) && a.playerId().equals(b.playerId())
        && a.deviceId().equals(b.deviceId()) && a.platform().equals(b.platform())
        && a.brand().equals(b.brand()) && a.variant().equals(b.variant())
        && a.type().equals(b.type()) && a.category().equals(b.category()) && a.createdAt().equals(b.createdAt());
  }

  private static DeliveryRecord changed(
      String key, DeliveryRecord current, UnaryOperator<DeliveryRecord> change) {
    DeliveryRecord changed = Checks.required(change.apply(current), "change result");
    // The key's parts compared, not the key (built anew on every call of key()).
    boolean sameKey = changed.sourceId().equals(current.sourceId())
        && changed.step().equals(current.step()) && changed.playerId().equals(current.playerId())
        && changed.deviceId().equals(current.deviceId());
    if (!sameKey) {
      throw new IllegalArgumentException(
          "change: must keep the key " + key + ", gave " + changed.key());
    }
    return changed;
  }

  @Override
  public Optional<DeliveryRecord> find(String key) {
    return key == null ? Optional.empty() : one("reading a delivery", sql.find, key);
  }

  @Override
  public Optional<DeliveryRecord> findById(String deliveryId) {
    return deliveryId == null ? Optional.empty()
        : one("reading a delivery by id", sql.findById, deliveryId);
  }

  private Optional<DeliveryRecord> one(String what, String query, String value) {
    return jdbc.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setString(1, value);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(record(rs)) : Optional.<DeliveryRecord>empty();
        }
      }
    });
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId) {
    Checks.required(sourceId, "sourceId");
    return keyRange("reading the deliveries of a source", sql.pageOfSource,
        DeliverySql.keyPrefix(sourceId, null), sourceId, null);
  }

  @Override
  public Stream<DeliveryRecord> deliveriesOf(String sourceId, String step) {
    Checks.required(sourceId, "sourceId");
    Checks.required(step, "step");
    return keyRange("reading the deliveries of a step", sql.pageOfStep,
        DeliverySql.keyPrefix(sourceId, step), sourceId, step);
  }

  /** The rows whose keys begin with a prefix, by pages of the primary key, in key order. */
  private Stream<DeliveryRecord> keyRange(String what, String query, String prefix,
      String sourceId, String step) {
    String bound = DeliverySql.keyBound(prefix);
    return Pages.<Keyed, String>stream((after, limit) -> jdbc.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        int i = 1;
        ps.setString(i++, after == null ? prefix : after);
        ps.setString(i++, bound);
        ps.setString(i++, sourceId);
        if (step != null) {
          ps.setString(i++, step);
        }
        ps.setInt(i, limit);
        List<Keyed> page = new ArrayList<>(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            page.add(new Keyed(rs.getString(1), record(rs)));
          }
        }
        return page;
      }
    }), Keyed::key).map(Keyed::record);
  }

  @Override
  public List<DeliveryRecord> deliveriesOfPlayer(String playerId, Instant since) {
    Checks.required(since, "since");
    if (playerId == null) {
      return List.of();
    }
    return jdbc.read("reading a player's deliveries", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.ofPlayerSince)) {
        ps.setString(1, playerId);
        Jdbc.setInstant(ps, 2, since);
        return records(ps);
      }
    });
  }

  @Override
  public Map<String, List<DeliveryRecord>> deliveriesOfPlayers(Collection<String> playerIds,
      Instant since) {
    Checks.required(playerIds, "playerIds");
    Checks.required(since, "since");
    if (playerIds.isEmpty()) {
      return Map.of();
    }
    return jdbc.read("reading " + playerIds.size() + " players' deliveries", c -> {
      Array ids = c.createArrayOf("text", playerIds.toArray());
      try (PreparedStatement ps = c.prepareStatement(sql.ofPlayersSince)) {
        ps.setArray(1, ids);
        Jdbc.setInstant(ps, 2, since);
        Map<String, List<DeliveryRecord>> byPlayer = new HashMap<>();
        for (DeliveryRecord r : records(ps)) {
          byPlayer.computeIfAbsent(r.playerId(), k -> new ArrayList<>()).add(r);
        }
        return byPlayer;
      } finally {
        ids.free();
      }
    });
  }

  @Override
  public Optional<DeliveryRecord> lastClicked(String playerId, Instant since) {
    Checks.required(since, "since");
    if (playerId == null) {
      return Optional.empty();
    }
    return jdbc.read("reading a player's last click", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.lastClicked)) {
        ps.setString(1, playerId);
        Jdbc.setInstant(ps, 2, since);
        List<DeliveryRecord> found = records(ps);
        return found.isEmpty() ? Optional.<DeliveryRecord>empty() : Optional.of(found.get(0));
      }
    });
  }

  @Override
  public void append(DeliveryEvent event) {
    appendAll(List.of(Checks.required(event, "event")));
  }

  @Override
  public void appendAll(List<DeliveryEvent> events) {
    Checks.required(events, "events");
    if (events.isEmpty()) {
      return;
    }
    jdbc.inTransaction("appending " + events.size() + " events", c -> {
      checkFence(c);
      for (int from = 0; from < events.size(); from += BATCH) {
        List<DeliveryEvent> chunk = events.subList(from, Math.min(events.size(), from + BATCH));
        try (PreparedStatement ps = c.prepareStatement(sql.appendAll)) {
          Array[] arrays = Jdbc.setArrays(c, ps, eventColumns(chunk));
          try {
            ps.executeUpdate();
          } finally {
            Jdbc.free(arrays);
          }
        }
      }
      return null;
    });
  }

  /** Where a page of events ended: (at, seq). */
  private record EventCursor(Instant at, long seq) {}

  /** An event with its sequence number, for the cursor. */
  private record SequencedEvent(DeliveryEvent event, Instant at, long seq) {}

  @Override
  public Stream<DeliveryEvent> eventsOfPlayer(String playerId) {
    if (playerId == null) {
      return Stream.empty();
    }
    return events("reading a player's events", sql.eventsOfPlayerPage, playerId);
  }

  @Override
  public Stream<DeliveryEvent> eventsOf(String sourceId) {
    if (sourceId == null) {
      return Stream.empty();
    }
    return events("reading a source's events", sql.eventsOfSourcePage, sourceId);
  }

  private Stream<DeliveryEvent> events(String what, String query, String id) {
    return Pages.<SequencedEvent, EventCursor>stream((after, limit) -> jdbc.read(what, c -> {
      try (PreparedStatement ps = c.prepareStatement(query)) {
        ps.setString(1, id);
        if (after == null) {
          // Before any instant PostgreSQL can hold, and before any sequence number.
          ps.setObject(2, "-infinity", Types.OTHER);
          ps.setLong(3, Long.MIN_VALUE);
        } else {
          Jdbc.setInstant(ps, 2, after.at());
          ps.setLong(3, after.seq());
        }
        ps.setInt(4, limit);
        List<SequencedEvent> page = new ArrayList<>(limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            DeliveryEvent e = event(rs);
            page.add(new SequencedEvent(e, e.at(), rs.getLong("seq")));
          }
        }
        return page;
      }
    }), s -> new EventCursor(s.at(), s.seq())).map(SequencedEvent::event);
  }

  @Override
  public void saveProgress(DispatchProgress value) {
    Checks.required(value, "progress");
    write("saving dispatch progress", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.saveProgress)) {
        ps.setString(1, value.sourceId());
        ps.setString(2, value.step());
        Jdbc.setInstant(ps, 3, value.startedAt());
        Jdbc.setText(ps, 4, value.cursor().orElse(null));
        Jdbc.setInstant(ps, 5, value.completedAt().orElse(null));
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<DispatchProgress> progress(String sourceId, String step) {
    if (sourceId == null || step == null) {
      return Optional.empty();
    }
    return jdbc.read("reading dispatch progress", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.progress)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<DispatchProgress>empty();
          }
          return Optional.of(new DispatchProgress(rs.getString("source_id"), rs.getString("step"),
              Jdbc.instant(rs, "started_at"), Optional.ofNullable(rs.getString("cursor")),
              Jdbc.optionalInstant(rs, "completed_at")));
        }
      }
    });
  }

  @Override
  public int erasePlayer(String playerId) {
    Checks.nonBlank(playerId, "playerId");
    return jdbc.inTransaction("erasing a player's deliveries", c -> {
      List<String[]> rows = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(sql.erasableOfPlayer)) {
        ps.setString(1, playerId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rows.add(new String[] {rs.getString("key"), rs.getString("source_id"),
                rs.getString("step"), rs.getString("delivery_id")});
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.anonymise)) {
        for (String[] row : rows) {
          String pseudonym = ERASED_PLAYER_PREFIX + row[3];
          ps.setString(1, DeliveryRecord.key(row[1], row[2], pseudonym, ""));
          ps.setString(2, pseudonym);
          ps.setString(3, row[0]);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(sql.anonymiseEvents)) {
        ps.setString(1, playerId);
        ps.executeUpdate();
      }
      return rows.size();
    });
  }

  @Override
  public int deleteBefore(Instant cutoff, int maxRows) {
    Checks.required(cutoff, "cutoff");
    if (maxRows < 1) {
      throw new dev.herald.InvalidInputException("maxRows", "must be at least 1, got " + maxRows);
    }
    return jdbc.inTransaction("deleting old events and deliveries", c -> {
      int deleted = 0;
      for (String query : List.of(sql.deleteEventsBefore, sql.deleteDeliveriesBefore)) {
        try (PreparedStatement ps = c.prepareStatement(query)) {
          Jdbc.setInstant(ps, 1, cutoff);
          ps.setInt(2, maxRows);
          deleted += ps.executeUpdate();
        }
      }
      return deleted;
    });
  }

  // Rows ---------------------------------------------------------------------------------------

  /** Rows as one array per column, in {@link DeliverySql#COLUMNS} order, for claimAll. */
  private static Object[][] columns(List<Keyed> rows) {
    int n = rows.size();
    List<String> keys = new ArrayList<>(n);
    List<DeliveryRecord> records = new ArrayList<>(n);
    for (Keyed k : rows) {
      keys.add(k.key());
      records.add(k.record());
    }
    // the columns a change writes, made as for changeAll; then the ones a claim fixes
    Object[][] changed = changedColumns(keys, records);
    String[][] text = new String[11][n];
    String[] created = new String[n];
    Boolean[] sharedCaps = new Boolean[n];
    String[] brands = new String[n];
    for (int i = 0; i < n; i++) {
      DeliveryRecord r = records.get(i);
      text[0][i] = r.deliveryId();
      text[1][i] = r.sourceId();
      text[2][i] = r.step();
      text[3][i] = r.playerId();
      text[4][i] = r.deviceId().orElse(null);
      text[5][i] = r.platform().map(Enum::name).orElse(null);
      text[6][i] = r.variant();
      text[7][i] = r.type().name();
      text[8][i] = r.type().purpose().name();
      text[9][i] = r.type().category();
      text[10][i] = r.category();
      created[i] = Jdbc.text(r.createdAt());
      sharedCaps[i] = r.type().sharedCaps();
      brands[i] = r.brand().map(Brand::id).orElse(null);
    }
    return new Object[][] {changed[0], text[0], text[1], text[2], text[3], text[4], text[5],
        text[6], text[7], text[8], text[9], text[10], changed[1], changed[2], changed[3], created,
        changed[4], changed[5], changed[6], changed[7], changed[8], changed[9], changed[10],
        sharedCaps, brands};
  }

  /**
   * The columns a delivery's life changes, as one array per column in the order of
   * {@link DeliverySql#changeAll}'s arrays: key, state, reason, detail, updated_at, attempts,
   * http_status, message_id, clicked_at, conversions, conversion_value.
   */
  private static Object[][] changedColumns(List<String> rowKeys, List<DeliveryRecord> rows) {
    int n = rows.size();
    String[] keys = new String[n];
    String[] states = new String[n];
    String[] reasons = new String[n];
    String[] details = new String[n];
    String[] updated = new String[n];
    Integer[] attempts = new Integer[n];
    Integer[] statuses = new Integer[n];
    String[] messageIds = new String[n];
    String[] clicked = new String[n];
    Integer[] conversions = new Integer[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      DeliveryRecord r = rows.get(i);
      keys[i] = rowKeys.get(i);
      states[i] = r.state().name();
      reasons[i] = r.reason();
      details[i] = r.detail();
      updated[i] = Jdbc.text(r.updatedAt());
      attempts[i] = r.attempts();
      statuses[i] = r.httpStatus();
      messageIds[i] = r.messageId().orElse(null);
      clicked[i] = r.clickedAt().map(Jdbc::text).orElse(null);
      conversions[i] = r.conversions();
      values[i] = r.conversionValue().toPlainString();
    }
    return new Object[][] {keys, states, reasons, details, updated, attempts, statuses,
        messageIds, clicked, conversions, values};
  }

  /** Events as one array per column, in {@link DeliverySql#EVENT_COLUMNS} order. */
  private static Object[][] eventColumns(List<DeliveryEvent> events) {
    int n = events.size();
    String[][] text = new String[11][n];
    Integer[] statuses = new Integer[n];
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      DeliveryEvent e = Checks.required(events.get(i), "events[]");
      text[0][i] = e.type().name();
      text[1][i] = Jdbc.text(e.at());
      text[2][i] = e.sourceId();
      text[3][i] = e.step();
      text[4][i] = e.deliveryId().orElse(null);
      text[5][i] = e.playerId().orElse(null);
      text[6][i] = e.deviceId().orElse(null);
      text[7][i] = e.platform().map(Enum::name).orElse(null);
      text[8][i] = e.variant().orElse(null);
      text[9][i] = e.reason();
      text[10][i] = e.detail();
      statuses[i] = e.httpStatus();
      values[i] = e.value().map(BigDecimal::toPlainString).orElse(null);
    }
    return new Object[][] {text[0], text[1], text[2], text[3], text[4], text[5], text[6],
        text[7], text[8], text[9], text[10], statuses, values};
  }

  private static int bind(PreparedStatement ps, int i, DeliveryRecord r) throws SQLException {
    ps.setString(i++, r.key());
    return bindFields(ps, i, r);
  }

  private static void bindUpdate(PreparedStatement ps, DeliveryRecord r) throws SQLException {
    int i = bindFields(ps, 1, r);
    ps.setString(i, r.key());
  }

  /** Binds every column after the key, in {@link DeliverySql#COLUMNS} order. */
  private static int bindFields(PreparedStatement ps, int i, DeliveryRecord r)
      throws SQLException {
    ps.setString(i++, r.deliveryId());
    ps.setString(i++, r.sourceId());
    ps.setString(i++, r.step());
    ps.setString(i++, r.playerId());
    Jdbc.setText(ps, i++, r.deviceId().orElse(null));
    Jdbc.setText(ps, i++, r.platform().map(Enum::name).orElse(null));
    ps.setString(i++, r.variant());
    ps.setString(i++, r.type().name());
    ps.setString(i++, r.type().purpose().name());
    ps.setString(i++, r.type().category());
    ps.setString(i++, r.category());
    ps.setString(i++, r.state().name());
    ps.setString(i++, r.reason());
    ps.setString(i++, r.detail());
    Jdbc.setInstant(ps, i++, r.createdAt());
    Jdbc.setInstant(ps, i++, r.updatedAt());
    ps.setInt(i++, r.attempts());
    ps.setInt(i++, r.httpStatus());
    Jdbc.setText(ps, i++, r.messageId().orElse(null));
    Jdbc.setInstant(ps, i++, r.clickedAt().orElse(null));
    ps.setInt(i++, r.conversions());
    ps.setBigDecimal(i++, r.conversionValue());
    ps.setBoolean(i++, r.type().sharedCaps());
    Jdbc.setText(ps, i++, r.brand().map(Brand::id).orElse(null));
    return i;
  }

  private static List<DeliveryRecord> records(PreparedStatement ps) throws SQLException {
    List<DeliveryRecord> result = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        result.add(record(rs));
      }
    }
    return result;
  }

  /** A row of {@link DeliverySql#COLUMNS}, read by position (every delivery read selects them). */
  private static DeliveryRecord record(ResultSet rs) throws SQLException {
    String platform = rs.getString(7);
    String brand = rs.getString(25);
    return new DeliveryRecord(rs.getString(3), rs.getString(4), rs.getString(5),
        Optional.ofNullable(rs.getString(6)),
        platform == null ? Optional.empty() : Optional.of(Platform.valueOf(platform)),
        brand == null ? Optional.empty() : Optional.of(Brand.of(brand)),
        rs.getString(2), rs.getString(8), type(rs), rs.getString(12),
        DeliveryState.valueOf(rs.getString(13)), rs.getString(14), rs.getString(15),
        Jdbc.instant(rs, 16), Jdbc.instant(rs, 17), rs.getInt(18), rs.getInt(19),
        Optional.ofNullable(rs.getString(20)), Optional.ofNullable(Jdbc.instant(rs, 21)),
        rs.getInt(22), rs.getBigDecimal(23));
  }

  private static boolean builtIn(NotificationType type) {
    for (NotificationType builtIn : BUILT_IN_TYPES) {
      if (builtIn.equals(type)) {
        return true;
      }
    }
    return false;
  }

  private static NotificationType type(ResultSet rs) throws SQLException {
    String name = rs.getString(9);
    for (NotificationType builtIn : NotificationType.builtIns()) {
      if (builtIn.name().equals(name)) {
        return builtIn;
      }
    }
    NotificationType custom = NotificationType.custom(name,
        Purpose.valueOf(rs.getString(10)), rs.getString(11));
    return rs.getBoolean(24) ? custom : custom.withoutSharedCaps();
  }

  private static DeliveryEvent event(ResultSet rs) throws SQLException {
    String platform = rs.getString("platform");
    return new DeliveryEvent(EventType.valueOf(rs.getString("type")), Jdbc.instant(rs, "at"),
        rs.getString("source_id"), rs.getString("step"),
        Optional.ofNullable(rs.getString("delivery_id")),
        Optional.ofNullable(rs.getString("player_id")),
        Optional.ofNullable(rs.getString("device_id")),
        platform == null ? Optional.empty() : Optional.of(Platform.valueOf(platform)),
        Optional.ofNullable(rs.getString("variant")), rs.getString("reason"),
        rs.getString("detail"), rs.getInt("http_status"),
        Optional.ofNullable(rs.getBigDecimal("value")));
  }
}
