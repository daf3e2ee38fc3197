package dev.herald.jdbc;

import dev.herald.campaign.CampaignState;
import dev.herald.internal.Checks;
import dev.herald.jdbc.internal.CampaignSql;
import dev.herald.jdbc.internal.HeraldMigrations;
import dev.herald.jdbc.internal.Jdbc;
import dev.herald.jdbc.internal.Pages;
import dev.herald.spi.CampaignStore;
import dev.herald.spi.StoredCampaign;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * A {@link CampaignStore} on PostgreSQL 13+: table {@code herald_campaign} (see docs/storage.md).
 * {@link #save} is a compare-and-set on the version column. Thread-safe.
 */
public final class JdbcCampaignStore implements CampaignStore {
  private final Jdbc jdbc;
  private final CampaignSql sql;

  /**
   * A store over the tables in the connections' default schema.
   *
   * @param dataSource the database
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcCampaignStore(DataSource dataSource) {
    this(dataSource, null);
  }

  /**
   * A store over the tables in a named schema.
   *
   * @param dataSource the database
   * @param schema the schema, or null for the connections' default
   * @throws HeraldStorageException when the schema is missing, at another version or lacks a table
   */
  public JdbcCampaignStore(DataSource dataSource, String schema) {
    Checks.required(dataSource, "dataSource");
    this.jdbc = new Jdbc(dataSource, "JdbcCampaignStore");
    this.sql = new CampaignSql(HeraldMigrations.prefix(schema));
    HeraldMigrations.check(jdbc, schema, "herald_campaign");
  }

  @Override
  public boolean save(StoredCampaign next, long expectedVersion) {
    Checks.required(next, "campaign");
    if (next.version() != expectedVersion + 1) {
      throw new IllegalArgumentException("campaign.version must be expectedVersion + 1 = "
          + (expectedVersion + 1) + ", got " + next.version());
    }
    return jdbc.read("saving a campaign", c -> {
      if (expectedVersion == 0) {
        try (PreparedStatement ps = c.prepareStatement(sql.insert)) {
          ps.setString(1, next.id());
          bindFields(ps, 2, next);
          return ps.executeUpdate() == 1;
        }
      }
      try (PreparedStatement ps = c.prepareStatement(sql.update)) {
        int i = bindFields(ps, 1, next);
        ps.setString(i++, next.id());
        ps.setLong(i, expectedVersion);
        return ps.executeUpdate() == 1;
      }
    });
  }

  private static int bindFields(PreparedStatement ps, int i, StoredCampaign c)
      throws SQLException {
    ps.setString(i++, c.state().name());
    ps.setString(i++, c.definition());
    ps.setLong(i++, c.version());
    Jdbc.setInstant(ps, i++, c.createdAt());
    Jdbc.setInstant(ps, i++, c.updatedAt());
    Jdbc.setText(ps, i++, c.currentStep().orElse(null));
    Jdbc.setInstant(ps, i++, c.nextRunAt().orElse(null));
    return i;
  }

  @Override
  public Optional<StoredCampaign> find(String id) {
    if (id == null) {
      return Optional.empty();
    }
    return jdbc.read("reading a campaign", c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.find)) {
        ps.setString(1, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(campaign(rs)) : Optional.<StoredCampaign>empty();
        }
      }
    });
  }

  @Override
  public Stream<StoredCampaign> all() {
    return Pages.<StoredCampaign, String>stream((after, limit) ->
        jdbc.read("listing campaigns", c -> {
          try (PreparedStatement ps = c.prepareStatement(sql.page)) {
            ps.setString(1, after == null ? "" : after);
            ps.setInt(2, limit);
            List<StoredCampaign> page = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
              while (rs.next()) {
                page.add(campaign(rs));
              }
            }
            return page;
          }
        }), StoredCampaign::id);
  }

  private static StoredCampaign campaign(ResultSet rs) throws SQLException {
    return new StoredCampaign(rs.getString("id"), CampaignState.valueOf(rs.getString("state")),
        rs.getString("definition"), rs.getLong("version"), Jdbc.instant(rs, "created_at"),
        Jdbc.instant(rs, "updated_at"), Optional.ofNullable(rs.getString("current_step")),
        Jdbc.optionalInstant(rs, "next_run_at"));
  }
}
