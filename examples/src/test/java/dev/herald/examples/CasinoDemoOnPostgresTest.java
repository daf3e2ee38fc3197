package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.herald.analytics.DeliveryStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** {@code herald demo --postgres}: the same demo on herald-jdbc over a real PostgreSQL. */
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
  }
}
