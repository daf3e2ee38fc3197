package dev.herald.campaign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.Herald;
import dev.herald.analytics.DeliveryEvent;
import dev.herald.analytics.EventType;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.Audience;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.embedded.InMemoryAudienceChunks;
import dev.herald.spi.PlayerDirectory;
import dev.herald.spi.PlayerProfile;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.WebPushAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A campaign's audience cut into chunks that the nodes sharing an {@code AudienceChunks} send. */
class ChunkedCampaignsTest extends DispatchFixture {
  private static final int PLAYERS = 35;
  private final InMemoryAudienceChunks chunks = new InMemoryAudienceChunks();
  private final List<String> players = new ArrayList<>();
  private final Map<String, String> playerOfEndpoint = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeEach
  void chunkedHerald() {
    rebuild(b -> b.audienceChunks(chunks, 10));
    for (int i = 0; i < PLAYERS; i++) {
      String id = String.format("p%02d", i);
      players.add(id);
      WebPushAddress address = webPlayer(id);
      playerOfEndpoint.put(address.endpoint().toString(), id);
    }
  }

  private void createAndSchedule(String id, List<String> audience) {
    herald.campaigns().create(Campaign.builder(id, "Campaign " + id)
        .audience(Audience.players(audience))
        .content(content(NotificationType.PROMOTIONAL, "Promo " + id)).build());
    herald.campaigns().schedule(id);
  }

  private Map<String, Long> sendsPerPlayer() {
    return web.sent().stream()
        .map(m -> playerOfEndpoint.get(((WebPushAddress) m.address()).endpoint().toString()))
        .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
  }

  private long completedEvents(String id) {
    return herald.analytics().events(id).stream()
        .filter(e -> e.type() == EventType.CAMPAIGN_COMPLETED).count();
  }

  @Test
  void aChunkedCampaignSendsEveryPlayerOnceAndCompletesOnce() {
    createAndSchedule("chunked", players);
    scheduler.advance(Duration.ZERO);
    assertThat(sendsPerPlayer()).hasSize(PLAYERS).allSatisfy((p, n) -> assertThat(n).isOne());
    assertThat(herald.campaigns().find("chunked").orElseThrow().state())
        .isEqualTo(CampaignState.COMPLETED);
    assertThat(completedEvents("chunked")).isOne();
    assertThat(herald.analytics().stats("chunked").total().delivered()).isEqualTo(PLAYERS);
    assertThat(chunks.planned("chunked", "")).isTrue();
    assertThat(chunks.claim("chunked", "", "x", clock.instant(), Duration.ofSeconds(30)))
        .as("every chunk is done").isEmpty();
    assertThat(chunks.finish("chunked", "")).as("finished once already").isFalse();
  }

  @Test
  void eachChunkReadsTheAudienceFromItsOwnRangeNotFromTheStart() {
    AtomicLong profilesRead = new AtomicLong();
    PlayerDirectory counting = new PlayerDirectory() {
      @Override
      public Optional<PlayerProfile> find(String playerId) {
        return directory.find(playerId);
      }

      @Override
      public Stream<PlayerProfile> all() {
        return directory.all().peek(p -> profilesRead.incrementAndGet());
      }

      @Override
      public Stream<PlayerProfile> allAfter(String afterPlayerId) {
        return directory.allAfter(afterPlayerId).peek(p -> profilesRead.incrementAndGet());
      }
    };
    rebuild(b -> b.audienceChunks(chunks, 10).playerDirectory(counting));
    herald.campaigns().create(Campaign.builder("everyone", "Everyone")
        .audience(Audience.everyone())
        .content(content(NotificationType.PROMOTIONAL, "Promo")).build());
    herald.campaigns().schedule("everyone");
    scheduler.advance(Duration.ZERO);

    assertThat(sendsPerPlayer()).hasSize(PLAYERS).allSatisfy((p, n) -> assertThat(n).isOne());
    assertThat(completedEvents("everyone")).isOne();
    // the cut reads the audience once; then each of the 4 chunks reads its own 10 players and
    // the first of the next chunk (where its pass stops). From the start, the chunks would read
    // 11 + 21 + 31 + 35 more.
    assertThat(profilesRead.get()).isLessThanOrEqualTo(2L * PLAYERS + 4);
  }

  @Test
  void anAudienceNotInIdOrderIsSentAsOneChunk() {
    List<String> reversed = new ArrayList<>(players);
    Collections.reverse(reversed);
    createAndSchedule("unordered", reversed);
    scheduler.advance(Duration.ZERO);
    assertThat(sendsPerPlayer()).hasSize(PLAYERS).allSatisfy((p, n) -> assertThat(n).isOne());
    assertThat(completedEvents("unordered")).isOne();
    assertThat(herald.campaigns().find("unordered").orElseThrow().state())
        .isEqualTo(CampaignState.COMPLETED);
  }

  @Test
  void aCancelledCampaignRecordsTheChunksNotSentAsCancelledAndCompletesOnce() {
    List<CompletableFuture<SendResult>> held = new CopyOnWriteArrayList<>();
    List<PushMessage> heldMessages = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      CompletableFuture<SendResult> answer = new CompletableFuture<>();
      held.add(answer);
      heldMessages.add(m);
      return answer;
    };
    createAndSchedule("cancelled", players);
    scheduler.advance(Duration.ZERO);
    assertThat(held).as("the first chunk on the wire").hasSize(10);
    herald.campaigns().cancel("cancelled");
    for (int i = 0; i < held.size(); i++) {
      held.get(i).complete(SendResult.accepted(heldMessages.get(i).deliveryId(), 201));
    }
    assertThat(web.sent()).as("no chunk sent after the cancel").hasSize(10);
    var stats = herald.analytics().stats("cancelled").total();
    assertThat(stats.delivered()).isEqualTo(10);
    assertThat(stats.suppressed()).as("the other chunks' players, CANCELLED")
        .isEqualTo(PLAYERS - 10);
    assertThat(herald.analytics().events("cancelled")).filteredOn(
        e -> e.type() == EventType.CAMPAIGN_COMPLETED).singleElement()
        .satisfies(e -> assertThat(e.detail()).isEqualTo("cancelled"));
    assertThat(herald.campaigns().find("cancelled").orElseThrow().state())
        .isEqualTo(CampaignState.CANCELLED);
  }

  @Test
  void chunksSentAfterTheStepsTimeToLiveExpireFromTheStepsStartNotTheirOwn() {
    List<CompletableFuture<SendResult>> held = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      CompletableFuture<SendResult> answer = new CompletableFuture<>();
      held.add(answer);
      return answer; // the first chunk stays on the wire: its node sends nothing more
    };
    herald.campaigns().create(Campaign.builder("short", "Short-lived")
        .audience(Audience.players(players))
        .content(dev.herald.content.Content.of(dev.herald.content.MessageTemplate.builder()
            .type(NotificationType.PROMOTIONAL).title("Happy hour").ttl(Duration.ofHours(1))
            .build()))
        .build());
    herald.campaigns().schedule("short");
    scheduler.advance(Duration.ZERO);
    assertThat(web.sent()).hasSize(10);
    clock.advance(Duration.ofHours(2)); // past the message's time to live
    web.answer = m -> CompletableFuture.completedFuture(SendResult.accepted(m.deliveryId(), 201));
    Herald second = newHerald(b -> b.audienceChunks(chunks, 10));
    try {
      second.recover(); // sends the other chunks, which start now
      assertThat(web.sent()).as("nothing sent after the step's messages expired").hasSize(10);
      var stats = second.analytics().stats("short").total();
      String expired = dev.herald.analytics.Suppression.EXPIRED;
      assertThat(stats.failedByReason().getOrDefault(expired, 0L)
          + stats.suppressedByReason().getOrDefault(expired, 0L)).isEqualTo(PLAYERS - 10);
    } finally {
      second.close();
    }
  }

  @Test
  void aSecondNodeSendsTheChunksTheFirstDoesNotHoldAndTheLastChunkDoneCompletesTheCampaign() {
    // The first node's sends to the first chunk (p00..p09) hang until released
    List<CompletableFuture<SendResult>> held = new CopyOnWriteArrayList<>();
    List<PushMessage> heldMessages = new CopyOnWriteArrayList<>();
    web.answer = m -> {
      String player = playerOfEndpoint.get(((WebPushAddress) m.address()).endpoint().toString());
      if (player.compareTo("p09") <= 0) {
        CompletableFuture<SendResult> answer = new CompletableFuture<>();
        held.add(answer);
        heldMessages.add(m);
        return answer;
      }
      return CompletableFuture.completedFuture(SendResult.accepted(m.deliveryId(), 201));
    };
    createAndSchedule("shared", players);
    scheduler.advance(Duration.ZERO);
    assertThat(held).as("the first node sends its chunk").hasSize(10);
    assertThat(web.sent()).hasSize(10);

    Herald second = newHerald(b -> b.audienceChunks(chunks, 10));
    try {
      second.recover(); // the campaign is RUNNING: the second node helps
      assertThat(web.sent()).as("the other three chunks, by the second node").hasSize(PLAYERS);
      assertThat(completedEvents("shared")).as("a chunk is still in progress").isZero();
      assertThat(herald.campaigns().find("shared").orElseThrow().state())
          .isEqualTo(CampaignState.RUNNING);

      for (int i = 0; i < held.size(); i++) {
        held.get(i).complete(SendResult.accepted(heldMessages.get(i).deliveryId(), 201));
      }
      assertThat(herald.campaigns().find("shared").orElseThrow().state())
          .isEqualTo(CampaignState.COMPLETED);
      assertThat(completedEvents("shared")).isOne();
      assertThat(sendsPerPlayer()).hasSize(PLAYERS).allSatisfy((p, n) -> assertThat(n).isOne());
      assertThat(herald.analytics().stats("shared").total().delivered()).isEqualTo(PLAYERS);
    } finally {
      second.close();
    }
  }
}
