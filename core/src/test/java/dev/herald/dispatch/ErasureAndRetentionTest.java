package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.InvalidInputException;
import dev.herald.PlayerErasure;
import dev.herald.analytics.CampaignStats;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.content.NotificationType;
import dev.herald.spi.PendingTrigger;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** herald.erasePlayer reaches every store and leaves the statistics as they were. */
class ErasureAndRetentionTest extends DispatchFixture {

  @Test
  void erasingAPlayerKeepsCampaignStatisticsAndLeavesNothingOfThem() {
    List<String> players = List.of("alice", "bob", "carol");
    players.forEach(this::webPlayer);
    run(request("promo", players, NotificationType.PROMOTIONAL).build());
    String alicesDelivery = deliveries.find(DeliveryRecord.key("promo", "", "alice", "browser"))
        .orElseThrow().deliveryId();
    herald.analytics().recordClick(alicesDelivery, "open");
    herald.analytics().recordConversion("alice", "deposit", new BigDecimal("20"));
    triggerStore.savePending(new PendingTrigger("t1", "rule", "alice", "e1", "DEPOSIT_ABANDONED",
        clock.instant(), clock.instant().plusSeconds(600), Map.of()));
    CampaignStats before = herald.analytics().stats("promo");

    PlayerErasure erased = herald.erasePlayer("alice");

    assertThat(erased).isEqualTo(new PlayerErasure(1, 1, 1));
    assertThat(herald.analytics().stats("promo")).isEqualTo(before);
    assertThat(subscriptionStore.devicesOf("alice")).isEmpty();
    assertThat(subscriptionStore.preferences("alice")).isEmpty();
    assertThat(herald.analytics().communicationLog("alice")).isEmpty();
    assertThat(herald.analytics().events("promo")).noneMatch(e -> e.playerId().isPresent()
        && e.playerId().get().equals("alice"));
    assertThat(triggerStore.pendingOf("alice")).isEmpty();
    assertThat(herald.analytics().delivery(alicesDelivery).orElseThrow().playerId())
        .doesNotContain("alice");
    assertThat(subscriptionStore.devicesOf("bob")).hasSize(1);
    assertThat(herald.analytics().communicationLog("bob")).isNotEmpty();
    assertThatThrownBy(() -> herald.erasePlayer(" ")).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void retentionDeletesOldDeliveriesAndEventsInBatches() {
    List<String> players = List.of("p1", "p2", "p3", "p4", "p5");
    players.forEach(this::webPlayer);
    run(request("old", players, NotificationType.PROMOTIONAL).build());
    clock.advance(Duration.ofDays(200));
    run(request("new", players, NotificationType.PROMOTIONAL).build());
    long eventsOfNew = herald.analytics().events("new").size();

    long deleted = herald.deleteOlderThan(Duration.ofDays(180), 2);

    assertThat(deleted).isGreaterThanOrEqualTo(5);
    assertThat(herald.analytics().stats("old").total().audience()).isZero();
    assertThat(herald.analytics().events("old")).isEmpty();
    assertThat(herald.analytics().stats("new").total().delivered()).isEqualTo(5);
    assertThat(herald.analytics().events("new")).hasSize((int) eventsOfNew);
    assertThatThrownBy(() -> herald.deleteOlderThan(Duration.ofHours(1), 100))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> herald.deleteOlderThan(Duration.ofDays(30), 0))
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("batchSize");
  }
}
