package dev.herald.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.DeliveryRecord;
import dev.herald.analytics.DeliveryState;
import dev.herald.content.NotificationType;
import dev.herald.spi.DeliveryStore;
import dev.herald.spi.SendResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Claims and events reach the store in batches, without weakening what the single calls
 * promised: a claim is durable before its provider call, and caps stay exact across runs.
 */
class ClaimBatchTest extends DispatchFixture {
  private final List<Integer> claimBatches = new CopyOnWriteArrayList<>();
  private final List<Integer> eventBatches = new CopyOnWriteArrayList<>();

  /** The fixture's store, counting the batch calls. */
  private final DeliveryStore counting = new ForwardingDeliveryStore(deliveries) {
    @Override
    public boolean claim(DeliveryRecord record) {
      claimBatches.add(1);
      return super.claim(record);
    }

    @Override
    public List<Boolean> claimAll(List<DeliveryRecord> records) {
      claimBatches.add(records.size());
      return super.claimAll(records);
    }

    @Override
    public void append(DeliveryEvent event) {
      eventBatches.add(1);
      super.append(event);
    }

    @Override
    public void appendAll(List<DeliveryEvent> events) {
      eventBatches.add(events.size());
      super.appendAll(events);
    }
  };

  private List<String> players(int n) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ids.add(String.format("p%05d", i));
      webPlayer(ids.get(i));
    }
    return ids;
  }

  @Test
  void claimsAreWrittenInBatchesEachDurableBeforeItsCall() {
    List<String> audience = players(1000);
    rebuild(b -> b.deliveryStore(counting));
    List<String> notClaimedAtSend = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      DeliveryRecord r = deliveries.findById(m.deliveryId()).orElse(null);
      if (r == null || r.state() != DeliveryState.SENDING) {
        notClaimedAtSend.add(m.deliveryId());
      }
      return CompletableFuture.completedFuture(SendResult.accepted("ok", 201));
    };
    DispatchReport report = run(request("batched", audience, NotificationType.PROMOTIONAL)
        .build());

    assertThat(report.stats().delivered()).isEqualTo(1000);
    assertThat(notClaimedAtSend).isEmpty();
    assertThat(claimBatches.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
    assertThat(claimBatches).hasSizeLessThanOrEqualTo(1000 / 100 + 1);
    // events: one per claim sent and one per delivery, in batches
    assertThat(eventBatches.stream().mapToInt(Integer::intValue).sum()).isGreaterThan(2000);
    assertThat(eventBatches).hasSizeLessThan(20);
    assertThat(herald.analytics().events("batched")).hasSizeGreaterThan(2000);
  }

  /** Two campaigns race for the same players under a cap of one: batching keeps it exact. */
  @Test
  void capsStayExactWhenTwoRunsBatchTheirClaimsAtOnce() throws Exception {
    List<String> audience = players(2000);
    rebuild(b -> b.dispatchExecutor(command -> new Thread(command, "driver").start()));
    DeliveryPolicy oneADay = DeliveryPolicy.builder()
        .cap(FrequencyCap.marketing(1, Duration.ofDays(1))).build();
    DispatchHandle first = herald.dispatch(request("first", audience,
        NotificationType.PROMOTIONAL).policy(oneADay).build());
    DispatchHandle second = herald.dispatch(request("second", audience,
        NotificationType.PROMOTIONAL).policy(oneADay).build());
    long sent = await(first).stats().sent() + await(second).stats().sent();

    Map<String, Integer> perPlayer = new HashMap<>();
    web.sent().forEach(m -> perPlayer.merge(
        deliveries.findById(m.deliveryId()).orElseThrow().playerId(), 1, Integer::sum));
    assertThat(perPlayer).hasSize(2000).allSatisfy((p, n) -> assertThat(n).isEqualTo(1));
    assertThat(sent).isEqualTo(2000);
  }
}
