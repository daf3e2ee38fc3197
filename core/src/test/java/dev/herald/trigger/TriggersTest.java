package dev.herald.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.FakeScheduler;
import dev.herald.content.Content;
import dev.herald.content.MessageTemplate;
import dev.herald.content.NotificationType;
import dev.herald.dispatch.DeliveryPolicy;
import dev.herald.dispatch.DispatchFixture;
import dev.herald.dispatch.DispatchSettings;
import dev.herald.dispatch.QuietHours;
import dev.herald.spi.AudienceResolver;
import dev.herald.spi.SendResult;
import dev.herald.spi.TriggerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TriggersTest extends DispatchFixture {
  private final AtomicInteger eventIds = new AtomicInteger();
  private final Set<String> vip = ConcurrentHashMap.newKeySet();
  /** Runs when a player's membership is read (a rule's segment, when its delayed send is due). */
  private volatile Runnable onMembership = () -> { };
  private final AudienceResolver resolver = new AudienceResolver() {
    @Override
    public Stream<String> members(String segmentId) {
      return vip.stream().sorted();
    }

    @Override
    public boolean contains(String segmentId, String playerId) {
      onMembership.run();
      return vip.contains(playerId);
    }
  };

  @BeforeEach
  void withSegments() {
    rebuild(b -> b.audienceResolver(resolver));
    webPlayer("alice");
    webPlayer("bob");
  }

  private PlayerEvent event(String player, PlayerEventType type, Object... attributes) {
    PlayerEvent.Builder b = PlayerEvent.builder("e" + eventIds.incrementAndGet(), player, type,
        clock.instant());
    for (int i = 0; i < attributes.length; i += 2) {
      b.attribute((String) attributes[i], attributes[i + 1]);
    }
    return b.build();
  }

  private static Content reminder() {
    return Content.of(MessageTemplate.builder().type(NotificationType.DEPOSIT_REMINDER)
        .title("Your €{{amount}} deposit is waiting").body("Event {{event_id}}").build());
  }

  private TriggerRule.Builder depositReminder() {
    return TriggerRule.builder("deposit-reminder", "Finish your deposit")
        .on(PlayerEventType.DEPOSIT_ABANDONED)
        .when(EventCondition.ge("amount", 20))
        .delay(Duration.ofMinutes(30))
        .cancelOn(PlayerEventType.DEPOSIT)
        .content(reminder());
  }

  private List<String> titles() {
    return web.sent().stream().map(m -> m.notification().title().orElseThrow()).toList();
  }

  @Nested
  class Delay {
    @Test
    void sendsAfterTheDelayWithTheEventsValues() {
      herald.triggers().define(depositReminder().build());
      List<TriggerFiring> firings = herald.triggers().report(
          event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
      assertThat(firings).singleElement().satisfies(f -> {
        assertThat(f.decision()).isEqualTo(TriggerFiring.Decision.SCHEDULED);
        assertThat(f.sendAt()).isEqualTo(clock.instant().plus(Duration.ofMinutes(30)));
      });
      scheduler.advance(Duration.ofMinutes(29));
      assertThat(web.sent()).isEmpty();
      scheduler.advance(Duration.ofMinutes(1));
      assertThat(titles()).containsExactly("Your €50 deposit is waiting");
      assertThat(web.sent().get(0).notification().body()).contains("Event e1");
      assertThat(herald.triggers().stats("deposit-reminder").total().delivered()).isEqualTo(1);
    }

    @Test
    void aDepositBeforeTheDelayCancelsTheReminder() {
      herald.triggers().define(depositReminder().build());
      herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
      herald.triggers().report(event("bob", PlayerEventType.DEPOSIT_ABANDONED, "amount", 80));
      clock.advance(Duration.ofMinutes(10));
      herald.triggers().report(event("alice", PlayerEventType.DEPOSIT, "amount", 50));
      scheduler.advance(Duration.ofHours(1));
      assertThat(titles()).containsExactly("Your €80 deposit is waiting");
      assertThat(herald.triggers().stats("deposit-reminder").total().suppressedByReason())
          .containsEntry(Triggers.CANCELLED_BY_EVENT, 1L);
    }

    @Test
    void eligibilityIsCheckedAgainWhenTheDelayedSendFires() {
      herald.triggers().define(depositReminder().build());
      herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
      herald.subscriptions().updatePreferences("alice", false, Set.of()); // consent withdrawn
      scheduler.advance(Duration.ofMinutes(30));
      assertThat(web.sent()).isEmpty();
      assertThat(herald.triggers().stats("deposit-reminder").total().suppressedByReason())
          .containsEntry("NO_CONSENT", 1L);
    }

    @Test
    void segmentIsCheckedWhenTheRuleFiresAndAgainWhenItSends() {
      herald.triggers().define(depositReminder().inSegment("vip").build());
      vip.add("alice");
      herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
      herald.triggers().report(event("bob", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
      vip.remove("alice");
      scheduler.advance(Duration.ofMinutes(30));
      assertThat(web.sent()).isEmpty();
      assertThat(herald.triggers().stats("deposit-reminder").total().suppressedByReason())
          .containsEntry(Triggers.NOT_IN_SEGMENT, 1L);
    }
  }

  @Test
  void conditionsFilterOnEventAttributes() {
    herald.triggers().define(depositReminder().delay(Duration.ZERO).build());
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 10));
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED));
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", "20"));
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT, "amount", 100));
    assertThat(web.sent()).isEmpty();
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 20.0));
    assertThat(web.sent()).hasSize(1);
  }

  @Test
  void conditionOperators() {
    var attrs = java.util.Map.<String, Object>of("amount", 50L, "method", "card",
        "at", Instant.parse("2026-01-01T00:00:00Z"), "tags", Set.of("vip"));
    assertThat(EventCondition.eq("amount", 50).test(attrs)).isTrue();
    assertThat(EventCondition.eq("amount", new java.math.BigDecimal("50.0")).test(attrs)).isTrue();
    assertThat(EventCondition.ne("method", "card").test(attrs)).isFalse();
    assertThat(EventCondition.ne("missing", "x").test(attrs)).isFalse();
    assertThat(EventCondition.lt("amount", 51).test(attrs)).isTrue();
    assertThat(EventCondition.le("amount", 50).test(attrs)).isTrue();
    assertThat(EventCondition.gt("amount", 50).test(attrs)).isFalse();
    assertThat(EventCondition.ge("at", Instant.parse("2025-12-31T00:00:00Z")).test(attrs)).isTrue();
    assertThat(EventCondition.gt("method", 3).test(attrs)).isFalse();
    assertThat(EventCondition.in("method", "paypal", "card").test(attrs)).isTrue();
    assertThat(EventCondition.eq("tags", "vip").test(attrs)).isTrue();
    assertThat(EventCondition.exists("method").test(attrs)).isTrue();
    assertThat(EventCondition.missing("method").test(attrs)).isFalse();
    assertThat(EventCondition.missing("bonus").test(attrs)).isTrue();
    assertThatThrownBy(() -> new EventCondition("a", EventCondition.Op.EQ, List.of()))
        .hasMessage("condition.values: EQ takes 1 value(s), got 0");
    assertThatThrownBy(() -> EventCondition.eq("bad name", 1))
        .hasMessageStartingWith("condition.attribute:");
  }

  @Nested
  class EntryModes {
    private TriggerRule.Builder cashback() {
      return TriggerRule.builder("cashback", "Cashback credited")
          .on(PlayerEventType.CASHBACK_CREDITED)
          .content(Content.of(MessageTemplate.builder().type(NotificationType.CASHBACK)
              .title("€{{amount}} cashback").build()));
    }

    @Test
    void everyTime() {
      herald.triggers().define(cashback().build());
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 5));
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 7));
      assertThat(titles()).containsExactly("€5 cashback", "€7 cashback");
    }

    @Test
    void oncePerPlayer() {
      herald.triggers().define(cashback().entryMode(EntryMode.oncePerPlayer()).build());
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 5));
      var second = herald.triggers().report(
          event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 7));
      herald.triggers().report(event("bob", PlayerEventType.CASHBACK_CREDITED, "amount", 9));
      assertThat(titles()).containsExactly("€5 cashback", "€9 cashback");
      assertThat(second).singleElement().satisfies(f ->
          assertThat(f.reason()).isEqualTo(Triggers.ENTRY_LIMIT));
      assertThat(herald.triggers().stats("cashback").total().suppressedByReason())
          .containsEntry(Triggers.ENTRY_LIMIT, 1L);
    }

    @Test
    void oncePerPlayerHoldsWhenEventsArriveAtOnce() throws Exception {
      // Both reports of a round meet in lastEntry unless the first is already deciding alone:
      // without per-player serialisation both would read "no entry yet" and both would send.
      AtomicReference<CyclicBarrier> meet = new AtomicReference<>();
      TriggerStore meeting = new DelegatingTriggerStore(triggerStore) {
        @Override
        public Optional<Instant> lastEntry(String ruleId, String playerId) {
          Optional<Instant> seen = super.lastEntry(ruleId, playerId);
          try {
            meet.get().await(50, TimeUnit.MILLISECONDS);
          } catch (Exception alone) {
            // the other report is held back: it decides after this one has recorded its entry
          }
          return seen;
        }
      };
      rebuild(b -> b.triggerStore(meeting));
      herald.triggers().define(cashback().entryMode(EntryMode.oncePerPlayer()).build());
      int rounds = 10;
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        for (int i = 0; i < rounds; i++) {
          String player = "racer-" + i;
          webPlayer(player);
          meet.set(new CyclicBarrier(2));
          CyclicBarrier start = new CyclicBarrier(2);
          List<Future<?>> reports = new ArrayList<>();
          for (int t = 0; t < 2; t++) {
            PlayerEvent e = event(player, PlayerEventType.CASHBACK_CREDITED, "amount", t);
            reports.add(pool.submit(() -> {
              start.await();
              return herald.triggers().report(e);
            }));
          }
          for (Future<?> f : reports) {
            f.get(30, TimeUnit.SECONDS);
          }
        }
      } finally {
        pool.shutdownNow();
      }
      assertThat(web.sent()).hasSize(rounds); // one per player, never two
    }

    @Test
    void oncePerPeriod() {
      herald.triggers().define(cashback().entryMode(EntryMode.oncePer(Duration.ofDays(1))).build());
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 1));
      clock.advance(Duration.ofHours(23));
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 2));
      clock.advance(Duration.ofHours(1));
      herald.triggers().report(event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 3));
      assertThat(titles()).containsExactly("€1 cashback", "€3 cashback");
    }

    @Test
    void reportingTheSameEventTwiceSendsOnce() {
      herald.triggers().define(cashback().build());
      PlayerEvent e = event("alice", PlayerEventType.CASHBACK_CREDITED, "amount", 5);
      herald.triggers().report(e);
      assertThat(herald.triggers().report(e)).isEmpty();
      assertThat(web.sent()).hasSize(1);
    }
  }

  @Test
  void onlyTheHighestPriorityRuleSendsWhenSeveralFire() {
    Content vipCopy = Content.of(MessageTemplate.builder().type(NotificationType.VIP_OFFER)
        .title("VIP welcome back").build());
    Content generic = Content.of(MessageTemplate.builder().type(NotificationType.PROMOTIONAL)
        .title("Welcome back").build());
    herald.triggers().define(TriggerRule.builder("generic", "g").on(PlayerEventType.LOGIN)
        .content(generic).priority(1).build());
    herald.triggers().define(TriggerRule.builder("vip", "v").on(PlayerEventType.LOGIN)
        .inSegment("vip").content(vipCopy).priority(10).build());
    vip.add("alice");
    var aliceFirings = herald.triggers().report(event("alice", PlayerEventType.LOGIN));
    herald.triggers().report(event("bob", PlayerEventType.LOGIN));
    assertThat(aliceFirings).extracting(TriggerFiring::ruleId, TriggerFiring::decision)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("vip", TriggerFiring.Decision.SENT),
            org.assertj.core.groups.Tuple.tuple("generic", TriggerFiring.Decision.SKIPPED));
    assertThat(titles()).containsExactly("VIP welcome back", "Welcome back");
    assertThat(herald.triggers().stats("generic").total().suppressedByReason())
        .containsEntry(Triggers.LOWER_PRIORITY, 1L);
  }

  @Test
  void securityAlertOnANewDeviceLogin() {
    herald.triggers().define(TriggerRule.builder("new-device", "New device login")
        .on(PlayerEventType.LOGIN_NEW_DEVICE)
        .content(Content.of(MessageTemplate.builder().type(NotificationType.SECURITY_ALERT)
            .title("New login from {{device}}").build()))
        .build());
    put(profile("alice").attribute(dev.herald.embedded.ProfileComplianceGuard.SELF_EXCLUDED, true));
    herald.triggers().report(event("alice", PlayerEventType.LOGIN_NEW_DEVICE, "device",
        "Firefox on Linux"));
    assertThat(titles()).containsExactly("New login from Firefox on Linux");
  }

  @Nested
  class Inactivity {
    private TriggerRule reactivation() {
      return TriggerRule.builder("reactivation", "We miss you")
          .inactivity(PlayerEventType.LOGIN, Duration.ofDays(14))
          .content(Content.of(MessageTemplate.builder().type(NotificationType.REACTIVATION)
              .title("We miss you").build()))
          .build();
    }

    @Test
    void scanFindsPlayersInactiveLongEnoughOncePerSpell() {
      herald.triggers().define(reactivation());
      put(profile("alice").attribute("last_login_at", clock.instant().minus(Duration.ofDays(20))));
      put(profile("bob").attribute("last_login_at", clock.instant().minus(Duration.ofDays(5))));
      assertThat(herald.triggers().scanInactivity()).isEqualTo(1);
      assertThat(herald.triggers().scanInactivity()).isZero();
      assertThat(web.sent()).hasSize(1);
      // alice comes back, then goes quiet again: a new spell, a new message
      herald.triggers().report(event("alice", PlayerEventType.LOGIN));
      clock.advance(Duration.ofDays(15));
      assertThat(herald.triggers().scanInactivity()).isEqualTo(2); // alice again, and bob now
      assertThat(web.sent()).hasSize(3);
    }

    @Test
    void playersInactiveSinceTheSameInstantEachGetTheirMessage() {
      herald.triggers().define(reactivation());
      Instant importedAt = clock.instant().minus(Duration.ofDays(20));
      put(profile("alice").attribute("last_login_at", importedAt));
      put(profile("bob").attribute("last_login_at", importedAt));

      assertThat(herald.triggers().scanInactivity()).isEqualTo(2);
      assertThat(web.sent()).extracting(m -> m.address()).hasSize(2).doesNotHaveDuplicates();
      assertThat(herald.triggers().scanInactivity()).isZero();
    }

    @Test
    void aScanWaitsWhileTheProvidersQueueIsFull() throws Exception {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder()
          .maxSendsInFlightPerProvider(1).maxQueuedSendsPerProvider(2).build()));
      herald.triggers().define(reactivation());
      int players = 12;
      for (int i = 0; i < players; i++) {
        String id = "dormant-" + i;
        webPlayer(id);
        put(profile(id).attribute("last_login_at", clock.instant().minus(Duration.ofDays(30))));
      }
      BlockingQueue<CompletableFuture<SendResult>> calls = new LinkedBlockingQueue<>();
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger mostInFlight = new AtomicInteger();
      web.answer = m -> {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        CompletableFuture<SendResult> call = new CompletableFuture<>();
        calls.add(call);
        return call;
      };
      AtomicInteger handed = new AtomicInteger(-1);
      Thread scanner = new Thread(() -> handed.set(herald.triggers().scanInactivity()), "scan");
      scanner.start();
      // one send in flight, two waiting: the scan waits for room (instead of queueing all 12)
      for (int i = 0; i < 30_000 && scanner.isAlive()
          && scanner.getState() != Thread.State.WAITING; i++) {
        scanner.join(1);
      }
      assertThat(scanner.isAlive()).as("scan still waiting").isTrue();
      assertThat(calls).hasSize(1);

      for (int i = 0; i < players; i++) {
        CompletableFuture<SendResult> call = calls.poll(30, TimeUnit.SECONDS);
        assertThat(call).as("call %d", i).isNotNull();
        inFlight.decrementAndGet();
        call.complete(SendResult.accepted("m" + i, 201));
      }
      scanner.join(30_000);
      assertThat(handed).hasValue(players);
      assertThat(mostInFlight.get()).isEqualTo(1);
    }

    @Test
    void aScanAtNightHandsPostponedMessagesOverWithoutWaitingForMorning() {
      rebuild(b -> b.dispatchSettings(DispatchSettings.builder().maxPlayersInProgress(1)
          .maxSendsInFlightPerProvider(1).maxQueuedSendsPerProvider(1).build()));
      clock.set(Instant.parse("2026-11-22T23:30:00Z"));
      for (String p : List.of("alice", "bob", "carol")) {
        webPlayer(p);
        put(profile(p).attribute("last_login_at", clock.instant().minus(Duration.ofDays(20))));
      }
      herald.triggers().define(TriggerRule.builder("reactivation", "We miss you")
          .inactivity(PlayerEventType.LOGIN, Duration.ofDays(14))
          .policy(DeliveryPolicy.builder().quietHours(QuietHours.postpone(
              java.time.LocalTime.of(22, 0), java.time.LocalTime.of(8, 0))).build())
          .content(Content.of(MessageTemplate.builder().type(NotificationType.REACTIVATION)
              .title("We miss you").build()))
          .build());

      assertThat(herald.triggers().scanInactivity()).isEqualTo(3); // returns at once, at night
      assertThat(web.sent()).isEmpty();
      scheduler.advance(Duration.ofHours(9));
      assertThat(web.sent()).hasSize(3);
    }

    @Test
    void scansRunThroughTheScheduler() {
      herald.triggers().define(reactivation());
      put(profile("alice").attribute("last_login_at", clock.instant().minus(Duration.ofDays(13))));
      var scans = herald.triggers().scheduleInactivityScans(Duration.ofHours(12));
      scheduler.advance(Duration.ofHours(12));
      assertThat(web.sent()).isEmpty();
      scheduler.advance(Duration.ofHours(12));
      assertThat(web.sent()).hasSize(1);
      scans.cancel();
      assertThat(scheduler.pending()).isLessThanOrEqualTo(1);
    }

    @Test
    void inactivityRulesTakeNoDelay() {
      assertThatThrownBy(() -> TriggerRule.builder("x", "x")
              .inactivity(PlayerEventType.LOGIN, Duration.ofDays(1))
              .delay(Duration.ofHours(1)).content(reminder()).build())
          .hasMessageStartingWith("rule.delay:");
    }
  }

  @Test
  void pendingSendsSurviveARestart() {
    herald.triggers().define(depositReminder().build());
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
    FakeScheduler fresh = new FakeScheduler(clock);
    rebuild(b -> b.scheduler(fresh));
    herald.triggers().define(depositReminder().build()); // rules are defined at startup
    assertThat(herald.recover()).isEqualTo(1);
    fresh.advance(Duration.ofMinutes(30));
    assertThat(titles()).containsExactly("Your €50 deposit is waiting");
  }

  @Test
  void aSendDueAtARestartWaitsForItsRuleToBeDefinedRatherThanBeingDropped() throws Exception {
    herald.triggers().define(depositReminder().build());
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
    FakeScheduler fresh = new FakeScheduler(clock);
    rebuild(b -> b.scheduler(fresh));
    clock.advance(Duration.ofHours(1)); // due while the process was down
    assertThat(herald.recover()).isEqualTo(1); // before the rules, as docs/embedding.md does
    // The host defines its rule while the due send is being decided (here: once it waits).
    Thread test = Thread.currentThread();
    var restarted = herald;
    CompletableFuture<Void> defined = CompletableFuture.runAsync(() -> {
      while (test.getState() != Thread.State.TIMED_WAITING) {
        Thread.onSpinWait();
      }
      restarted.triggers().define(depositReminder().build());
    });
    fresh.advance(Duration.ZERO);
    defined.get(10, TimeUnit.SECONDS);
    assertThat(titles()).as("not dropped as the send of a removed rule")
        .containsExactly("Your €50 deposit is waiting");
    assertThat(herald.recover()).isZero();
  }

  @Test
  void aDueSendTakenByAHeraldThatClosesBeforeItStartsIsKeptForTheNextStart() {
    vip.add("alice");
    herald.triggers().define(depositReminder().inSegment("vip").build());
    herald.triggers().report(event("alice", PlayerEventType.DEPOSIT_ABANDONED, "amount", 50));
    onMembership = herald::close; // closes after the send left the store, before it starts
    scheduler.advance(Duration.ofMinutes(30));
    assertThat(titles()).isEmpty();

    onMembership = () -> { };
    rebuild(b -> b.audienceResolver(resolver));
    herald.triggers().define(depositReminder().inSegment("vip").build());
    assertThat(herald.recover()).as("the send was put back").isEqualTo(1);
    scheduler.advance(Duration.ZERO);
    assertThat(titles()).containsExactly("Your €50 deposit is waiting");
  }

  @Test
  void aSegmentRuleNeedsAResolver() {
    rebuild(b -> {});
    assertThatThrownBy(() -> herald.triggers().define(depositReminder().inSegment("vip").build()))
        .hasMessageContaining("AudienceResolver");
  }

  @Test
  void eventsAreValidated() {
    assertThatThrownBy(() -> PlayerEvent.builder("", "p", PlayerEventType.LOGIN, clock.instant())
            .build())
        .hasMessage("event.eventId: must not be blank");
    assertThatThrownBy(() -> PlayerEventType.of("bad type"))
        .hasMessageStartingWith("eventType: must be upper-case");
    assertThat(PlayerEventType.of("mission_completed")).isEqualTo(new PlayerEventType(
        "MISSION_COMPLETED"));
  }
}
