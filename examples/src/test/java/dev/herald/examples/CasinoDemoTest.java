package dev.herald.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The demo runs end to end against the mock services, and what it reports adds up. */
class CasinoDemoTest {

  @Test
  void demoRunsAndItsNumbersAddUp() throws Exception {
    StringWriter text = new StringWriter();
    CasinoDemo.DemoResult result =
        new CasinoDemo(new PrintWriter(text), 1_500, 7, false).run();
    String out = text.toString();

    DeliveryStats total = result.campaign().total();
    assertThat(total.audience()).isEqualTo(total.suppressed() + total.pending() + total.sent());
    assertThat(total.sent()).isEqualTo(total.delivered() + total.failed());
    assertThat(total.pending()).isZero();
    assertThat(total.delivered()).isPositive();
    assertThat(total.clicked()).isPositive();
    assertThat(total.suppressedByReason()).containsKeys("CONTROL_GROUP", "NO_CONSENT");
    assertThat(total.failedByReason()).containsKey("INVALID_ADDRESS");
    assertThat(result.campaign().byVariant()).containsKeys("A", "B", "control");
    assertThat(result.campaign().byVariant().get("control").sent()).isZero();

    assertThat(result.campaign().byBrand())
        .containsOnlyKeys(CasinoDemo.LUCKY_SPINS, CasinoDemo.GOLDEN_REELS);
    assertThat(result.campaign().brand(CasinoDemo.LUCKY_SPINS).delivered()).isPositive();
    assertThat(result.campaign().brand(CasinoDemo.GOLDEN_REELS).delivered()).isPositive();
    assertThat(result.oneBrand().byBrand()).containsOnlyKeys(CasinoDemo.GOLDEN_REELS);
    assertThat(result.oneBrand().total().delivered()).isPositive();
    assertThat(out).contains("no other brand's device was sent to");
    assertThat(out).contains("@lucky-spins").contains("@golden-reels");

    assertThat(out).contains("is SUSPENDED");
    assertThat(out).contains("WEB_PUSH").contains("FCM").contains("APNS");
    assertThat(out).containsPattern("security alert: [1-9] delivered");
    assertThat(out).containsPattern("promotion: +0 delivered, held back \\{.*RG_SELF_EXCLUDED=[1-9]");
    assertThat(out).contains("CANCELLED_BY_EVENT=1");
    assertThat(out).contains("campaign / variant / @brand");
  }
}
