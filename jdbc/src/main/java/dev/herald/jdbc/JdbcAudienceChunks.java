package dev.herald.jdbc;

import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.AudienceChunks;
import dev.herald.spi.Lease;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * {@link AudienceChunks} on PostgreSQL 13+, so that every node sends part of one campaign run:
 * the plan in {@code herald_chunk_plan}, one row per chunk in {@code herald_chunk}, and each
 * chunk's lease in {@code herald_lease}, where {@link JdbcLeases} keeps the leases of whole steps
 * and {@link JdbcDeliveryStore#fencedBy} checks them. Register it on every node with those two
 * over the same schema:
 *
 * <pre>{@code
 * Herald herald = Herald.builder()
 *     .deliveryStore(new JdbcDeliveryStore(dataSource))
 *     .leases(new JdbcLeases(dataSource))
 *     .audienceChunks(new JdbcAudienceChunks(dataSource), 5_000)
 *     // ... the other JDBC stores, the providers
 *     .build();
 * }</pre>
 *
 * <p>A claim is one transaction: the first chunk of the step that is not done and whose lease is
 * free or expired, {@code SELECT … FOR UPDATE SKIP LOCKED} (so that nodes claiming at once take
 * different chunks without waiting for each other), then the chunk's lease taken as
 * {@link JdbcLeases} takes one, raising its fencing token. Marking a chunk done reads its lease
 * {@code FOR SHARE} and writes only while the token is the caller's. Finishing the step deletes
 * its chunk rows (their bounds are player ids) and keeps the plan row, marked finished.
 * Thread-safe; holds no connection between calls.
 */
public final class JdbcAudienceChunks implements AudienceChunks {
  private final Jdbc jdbc;
  private final JdbcLeases leases;
  private final String planned;
  private final String insertPlan;
  private final String insertChunk;
  private final String claim;
  private final String leaseToken;
  private final String markDone;
  private final String finish;
  private final String deleteChunks;

  /**
   * Chunks in the connections' default schema ({@code search_path}).
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcAudienceChunks(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * Chunks in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema {@link HeraldSchema#migrate(DataSource, String)} migrated, or null
   *     for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcAudienceChunks(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcAudienceChunks");
    this.leases = new JdbcLeases(dataSource, schema);
    String p = HeraldMigrations.prefix(schema);
    String plans = p + "herald_chunk_plan";
    String chunks = p + "herald_chunk";
    String lease = p + "herald_lease";
    this.planned = "SELECT 1 FROM " + plans + " WHERE source_id = ? AND step = ?";
    this.insertPlan = "INSERT INTO " + plans + " (source_id, step, chunks) VALUES (?, ?, ?)"
        + " ON CONFLICT DO NOTHING";
    this.insertChunk = "INSERT INTO " + chunks + " (source_id, step, idx, after_id, up_to_id,"
        + " lease_name) VALUES (?, ?, ?, ?, ?, ?)";
    this.claim = "SELECT c.idx, c.after_id, c.up_to_id, c.lease_name FROM " + chunks + " c"
        + " WHERE c.source_id = ? AND c.step = ? AND NOT c.done AND NOT EXISTS (SELECT 1 FROM "
        + lease + " l WHERE l.name = c.lease_name AND l.expires_at > ?)"
        + " ORDER BY c.idx LIMIT 1 FOR UPDATE OF c SKIP LOCKED";
    this.leaseToken = "SELECT token, owner FROM " + lease + " WHERE name = ? FOR SHARE";
    this.markDone = "UPDATE " + chunks + " SET done = true WHERE source_id = ? AND step = ?"
        + " AND idx = ?";
    this.finish = "UPDATE " + plans + " p SET finished = true WHERE p.source_id = ?"
        + " AND p.step = ? AND NOT p.finished AND NOT EXISTS (SELECT 1 FROM " + chunks
        + " c WHERE c.source_id = p.source_id AND c.step = p.step AND NOT c.done)";
    this.deleteChunks = "DELETE FROM " + chunks + " WHERE source_id = ? AND step = ?";
    HeraldMigrations.check(jdbc, schema, "herald_chunk_plan", "herald_chunk", "herald_lease");
  }

  @Override
  public boolean planned(String sourceId, String step) {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    return jdbc.read("reading the chunk plan of " + sourceId, c -> {
      try (PreparedStatement ps = c.prepareStatement(planned)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public boolean plan(String sourceId, String step, List<String> upperBounds) {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.required(upperBounds, "upperBounds");
    return jdbc.inTransaction("planning the chunks of " + sourceId, c -> {
      try (PreparedStatement ps = c.prepareStatement(insertPlan)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        ps.setInt(3, upperBounds.size() + 1);
        if (ps.executeUpdate() == 0) {
          return false; // another node cut the audience first (it waited for that commit)
        }
      }
      try (PreparedStatement ps = c.prepareStatement(insertChunk)) {
        for (int i = 0; i <= upperBounds.size(); i++) {
          ps.setString(1, sourceId);
          ps.setString(2, step);
          ps.setInt(3, i);
          ps.setString(4, i == 0 ? null : upperBounds.get(i - 1));
          ps.setString(5, i == upperBounds.size() ? null : upperBounds.get(i));
          ps.setString(6, AudienceChunk.leaseName(sourceId, step, i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return true;
    });
  }

  @Override
  public Optional<AudienceChunk> claim(String sourceId, String step, String owner, Instant now,
      Duration expiry) {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    Checks.nonBlank(owner, "owner");
    Checks.required(now, "now");
    Checks.required(expiry, "expiry");
    return jdbc.inTransaction("claiming a chunk of " + sourceId, c -> {
      int index;
      String after;
      String upTo;
      String leaseName;
      try (PreparedStatement ps = c.prepareStatement(claim)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        Jdbc.setInstant(ps, 3, now);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<AudienceChunk>empty();
          }
          index = rs.getInt(1);
          after = rs.getString(2);
          upTo = rs.getString(3);
          leaseName = rs.getString(4);
        }
      }
      // Empty only if the lease's old owner renewed it since the read: the chunk is still its
      Optional<Lease> lease = leases.acquire(c, leaseName, owner, now, expiry);
      return lease.map(l -> new AudienceChunk(sourceId, step, index, Optional.ofNullable(after),
          Optional.ofNullable(upTo), l));
    });
  }

  @Override
  public boolean markDone(AudienceChunk chunk) {
    Checks.required(chunk, "chunk");
    return jdbc.inTransaction("marking chunk " + chunk.index() + " of " + chunk.sourceId()
        + " done", c -> {
          // Read FOR SHARE: a claim of the chunk by another node (which updates this row)
          // waits for this transaction, or this one sees its token
          try (PreparedStatement ps = c.prepareStatement(leaseToken)) {
            ps.setString(1, chunk.lease().name());
            try (ResultSet rs = ps.executeQuery()) {
              if (!rs.next() || rs.getLong(1) != chunk.lease().token()
                  || !rs.getString(2).equals(chunk.lease().owner())) {
                return false;
              }
            }
          }
          try (PreparedStatement ps = c.prepareStatement(markDone)) {
            ps.setString(1, chunk.sourceId());
            ps.setString(2, chunk.step());
            ps.setInt(3, chunk.index());
            return ps.executeUpdate() == 1;
          }
        });
  }

  @Override
  public void release(AudienceChunk chunk) {
    leases.release(Checks.required(chunk, "chunk").lease());
  }

  @Override
  public boolean finish(String sourceId, String step) {
    Checks.nonBlank(sourceId, "sourceId");
    Checks.required(step, "step");
    return jdbc.inTransaction("finishing the chunks of " + sourceId, c -> {
      try (PreparedStatement ps = c.prepareStatement(finish)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        if (ps.executeUpdate() == 0) {
          return false;
        }
      }
      // The chunks' bounds are player ids: kept no longer than the run needs them
      try (PreparedStatement ps = c.prepareStatement(deleteChunks)) {
        ps.setString(1, sourceId);
        ps.setString(2, step);
        ps.executeUpdate();
      }
      return true;
    });
  }
}
