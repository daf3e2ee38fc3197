package dev.herald.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.analytics.DispatchProgress;
import dev.herald.spi.AudienceChunk;
import dev.herald.spi.LeaseLostException;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * {@link JdbcAudienceChunks} on a real PostgreSQL: a plan is recorded once, nodes claiming at
 * once get different chunks, a dead node's chunk is claimed again after its lease expires with a
 * higher token (and the old holder can neither mark it done nor write through the fenced store),
 * and the step is finished once, when every chunk is done.
 */
class JdbcAudienceChunksTest {
  private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
  private static final Duration EXPIRY = Duration.ofSeconds(30);

  private final DataSource db = TestDatabase.dataSource();
  private final String schema = TestDatabase.freshSchema("chunks");
  private final JdbcAudienceChunks chunks = new JdbcAudienceChunks(db, schema);

  @Test
  void thePlanIsRecordedOnceAndItsChunksCoverTheAudienceInRanges() {
    assertThat(chunks.planned("promo", "")).isFalse();
    assertThat(chunks.plan("promo", "", List.of("p09", "p19"))).isTrue();
    assertThat(chunks.plan("promo", "", List.of("p04"))).as("cut already").isFalse();
    assertThat(chunks.planned("promo", "")).isTrue();
    assertThat(chunks.planned("promo", "2026-12-01T10:00:00Z")).as("another step").isFalse();

    AudienceChunk first = chunks.claim("promo", "", "a", T0, EXPIRY).orElseThrow();
    AudienceChunk second = chunks.claim("promo", "", "b", T0, EXPIRY).orElseThrow();
    AudienceChunk third = chunks.claim("promo", "", "c", T0, EXPIRY).orElseThrow();
    assertThat(chunks.claim("promo", "", "d", T0, EXPIRY)).as("all held by live nodes").isEmpty();
    assertThat(List.of(first.index(), second.index(), third.index())).containsExactly(0, 1, 2);
    assertThat(first.after()).isEmpty();
    assertThat(first.upTo()).contains("p09");
    assertThat(second.after()).contains("p09");
    assertThat(second.upTo()).contains("p19");
    assertThat(third.after()).contains("p19");
    assertThat(third.upTo()).isEmpty();
    assertThat(second.lease().name()).isEqualTo(AudienceChunk.leaseName("promo", "", 1));
    assertThat(second.lease().owner()).isEqualTo("b");
  }

  @Test
  void claimsMadeWhileAnotherClaimHoldsItsRowLockSkipToTheNextChunk() throws Exception {
    chunks.plan("promo", "", List.of("p09", "p19"));
    try (Connection c = db.getConnection()) {
      c.setAutoCommit(false);
      // another node's claim in progress: chunk 0's row locked, not yet committed
      c.createStatement().execute("SELECT 1 FROM " + schema + ".herald_chunk WHERE idx = 0"
          + " FOR UPDATE");
      AudienceChunk claimed = chunks.claim("promo", "", "b", T0, EXPIRY).orElseThrow();
      assertThat(claimed.index()).as("skipped, not waited for").isEqualTo(1);
      c.rollback();
    }
    assertThat(chunks.claim("promo", "", "c", T0, EXPIRY).orElseThrow().index()).isZero();
  }

  @Test
  void aDeadNodesChunkIsClaimedAgainAfterItsLeaseExpiresAndTheOldHolderIsFencedOut()
      throws Exception {
    chunks.plan("promo", "", List.of("p09"));
    AudienceChunk dead = chunks.claim("promo", "", "a", T0, EXPIRY).orElseThrow();
    chunks.markDone(chunks.claim("promo", "", "b", T0, EXPIRY).orElseThrow());
    assertThat(chunks.claim("promo", "", "b", T0.plusSeconds(29), EXPIRY)).isEmpty();

    AudienceChunk taken = chunks.claim("promo", "", "b", T0.plusSeconds(31), EXPIRY)
        .orElseThrow();
    assertThat(taken.index()).isEqualTo(dead.index());
    assertThat(taken.lease().token()).isGreaterThan(dead.lease().token());

    JdbcDeliveryStore store = new JdbcDeliveryStore(db, schema);
    DispatchProgress progress = new DispatchProgress("promo",
        AudienceChunk.progressStep("", dead.index()), T0, Optional.of("p05"), Optional.empty());
    assertThatThrownBy(() -> store.fencedBy(dead.lease()).saveProgress(progress))
        .isInstanceOf(LeaseLostException.class);
    assertThat(chunks.markDone(dead)).as("the old holder marks nothing").isFalse();
    assertThat(chunks.finish("promo", "")).as("a chunk is not done").isFalse();

    store.fencedBy(taken.lease()).saveProgress(progress);
    assertThat(chunks.markDone(taken)).isTrue();
    assertThat(chunks.finish("promo", "")).isTrue();
    assertThat(chunks.finish("promo", "")).as("finished once").isFalse();
    assertThat(chunks.planned("promo", "")).isTrue();
    assertThat(chunks.claim("promo", "", "c", T0.plusSeconds(99), EXPIRY)).isEmpty();
    try (Connection c = db.getConnection(); var rs = c.createStatement().executeQuery(
        "SELECT count(*) FROM " + schema + ".herald_chunk")) {
      rs.next();
      assertThat(rs.getLong(1)).as("the bounds (player ids) are gone").isZero();
    }
  }

  @Test
  void aChunkGivenBackIsClaimedAtOnce() {
    chunks.plan("promo", "", List.of());
    AudienceChunk a = chunks.claim("promo", "", "a", T0, EXPIRY).orElseThrow();
    assertThat(chunks.claim("promo", "", "b", T0, EXPIRY)).isEmpty();
    chunks.release(a);
    assertThat(chunks.claim("promo", "", "b", T0, EXPIRY)).isPresent();
  }
}
