package dev.herald.jdbc;

import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.jdbc.internal.SegmentSql;
import dev.herald.segmentation.SavedSegment;
import dev.herald.segmentation.SegmentStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A {@link SegmentStore} for herald-segmentation on PostgreSQL 13+: table
 * {@code herald_segment} (see docs/storage.md). Needs herald-segmentation on the class path
 * (herald-jdbc declares it optional). Thread-safe.
 */
public final class JdbcSegmentStore implements SegmentStore {
  private final Jdbc jdbc;
  private final SegmentSql sql;

  /**
   * A store over the tables in the connections' default schema.
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcSegmentStore(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * A store over the tables in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema, or null for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcSegmentStore(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcSegmentStore");
    this.sql = new SegmentSql(HeraldMigrations.prefix(schema));
    HeraldMigrations.check(jdbc, schema, "herald_segment");
  }

  @Override
  public Optional<SavedSegment> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return jdbc.read("reading a segment", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.find)) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(segment(rs)) : Optional.<SavedSegment>empty();
        }
      }
    });
  }

  @Override
  public void save(SavedSegment segment) {
    Checks.required(segment, "segment");
    jdbc.read("saving a segment", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.save)) {
        ps.setString(1, segment.id());
        ps.setString(2, segment.description());
        ps.setString(3, segment.rules());
        Jdbc.setInstant(ps, 4, segment.updatedAt());
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean delete(String id) {
    if (id == null) {
      return false;
    }
    return jdbc.read("deleting a segment", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.delete)) {
        ps.setString(1, id);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<SavedSegment> all() {
    return jdbc.read("listing segments", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.all);
          ResultSet rs = ps.executeQuery()) {
        List<SavedSegment> segments = new ArrayList<>();
        while (rs.next()) {
          segments.add(segment(rs));
        }
        return List.copyOf(segments);
      }
    });
  }

  private static SavedSegment segment(ResultSet rs) throws SQLException {
    return new SavedSegment(rs.getString("id"), rs.getString("description"),
        rs.getString("rules"), Jdbc.instant(rs, "updated_at"));
  }

  @Override
  public String toString() {
    return "JdbcSegmentStore";
  }
}
