package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.analytics.DeliveryStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * {@code herald demo --postgres}: the same demo on herald-jdbc over a real PostgreSQL, with the
 * players copied into the tables, the profiles read from the casino's table and the segment
 * evaluated in PostgreSQL; the same seed gives the same campaigns as in memory.
 */
class CasinoDemoOnPostgresTest {

  @Test
  void theDemoRunsOnPostgres() throws Exception {
    StringWriter text = new StringWriter();
    CasinoDemo.DemoResult result;
    try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
      HikariConfig config = new HikariConfig();
      config.setDataSource(postgres.getPostgresDatabase());
      config.setMaximumPoolSize(10);
      try (HikariDataSource pool = new HikariDataSource(config)) {
        result = new CasinoDemo(new PrintWriter(text), 300, 7, false, pool).run();
      }
    }
    String out = text.toString();
    assertThat(out).contains("Stores: PostgreSQL, schema herald_demo_");
    DeliveryStats total = result.campaign().total();
    assertThat(total.audience()).isEqualTo(total.suppressed() + total.pending() + total.sent());
    assertThat(total.pending()).isZero();
    assertThat(total.delivered()).isPositive();
    assertThat(result.campaign().byVariant()).containsKeys("A", "B", "control");
    assertThat(out).contains("CANCELLED_BY_EVENT=1");

    // The same players in memory: the same audience, held back for the same reasons (the
    // profiles' responsible-gambling flags and consent come back from PostgreSQL), the same
    // outcomes from the mocks, on both campaigns.
    CasinoDemo.DemoResult inMemory =
        new CasinoDemo(new PrintWriter(new StringWriter()), 300, 7, false).run();
    for (var pair : java.util.List.of(
        java.util.List.of(result.campaign(), inMemory.campaign()),
        java.util.List.of(result.oneBrand(), inMemory.oneBrand()))) {
      DeliveryStats onPostgres = pair.get(0).total();
      DeliveryStats inHeap = pair.get(1).total();
      assertThat(onPostgres.audience()).isEqualTo(inHeap.audience());
      assertThat(onPostgres.suppressedByReason()).isEqualTo(inHeap.suppressedByReason());
      assertThat(onPostgres.delivered()).isEqualTo(inHeap.delivered());
      assertThat(onPostgres.failedByReason()).isEqualTo(inHeap.failedByReason());
    }
  }
}
