package dev.herald.webpush;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.content.Notification;
import dev.herald.spi.PushMessage;
import dev.herald.spi.SendResult;
import dev.herald.subscription.WebPushAddress;
import dev.herald.testing.webpush.MockSubscription;
import dev.herald.testing.webpush.MockWebPushService;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Requests beyond what the HTTP client runs at once wait in the provider, bounded, and leave at
 * once when their caller gives up on them: a push service slower than the engine's deadline must
 * not make requests (each holding its encrypted body) pile up inside OkHttp's dispatcher.
 */
class WebPushQueueBoundTest {
  private static final String SUBJECT = "mailto:push-ops@casino.example";
  private final VapidKeys keys = VapidKeys.generate();
  private ServerSocket silent; // accepts connections (the kernel does) and never answers
  private WebPushAddress stuck;

  @BeforeEach
  void start() throws Exception {
    silent = new ServerSocket(0, 1000);
    MockSubscription browser;
    try (MockWebPushService mock = MockWebPushService.start()) {
      browser = mock.newSubscription(keys.publicKeyBase64Url());
    }
    stuck = WebPushAddress.allowingHttp("http://localhost:" + silent.getLocalPort() + "/push/x",
        browser.p256dh(), browser.auth());
  }

  @AfterEach
  void stop() throws Exception {
    silent.close();
  }

  private PushMessage message(int i) {
    return PushMessage.of("d-" + i, stuck,
        Notification.builder().title("Slots tournament starts in 10 minutes").build(),
        Instant.now());
  }

  @Test
  void aCancelledSendLeavesAtOnceInsteadOfWaitingInsideOkHttp() throws Exception {
    // What the engine's deadline does to a call the push service has not answered: it cancels
    // the future and starts another call in the freed slot. Before the fix each cancelled call
    // stayed in OkHttp's ready queue, with its body, until OkHttp got round to running it.
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(2);
    dispatcher.setMaxRequestsPerHost(2);
    OkHttpClient shared = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    try (WebPushProvider provider = WebPushProvider.builder().vapid(keys, SUBJECT)
        .allowHost("localhost").httpClient(shared).build()) {
      List<CompletableFuture<SendResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(provider.send(message(i)));
      }
      await(() -> dispatcher.runningCallsCount() == 2);
      for (int wave = 0; wave < 20; wave++) {
        for (CompletableFuture<SendResult> f : futures.subList(2, futures.size())) {
          f.cancel(true);
        }
        futures.subList(2, futures.size()).clear();
        for (int i = 0; i < 48; i++) {
          futures.add(provider.send(message(i)));
        }
      }
      assertThat(provider.status().requestsInFlight()).isEqualTo(2);
      assertThat(provider.status().requestsQueued()).isEqualTo(48); // the live ones only
      assertThat(dispatcher.queuedCallsCount()).isZero();
      for (CompletableFuture<SendResult> f : futures.subList(2, futures.size())) {
        f.cancel(true);
      }
      assertThat(provider.status().requestsQueued()).isZero();
      assertThat(dispatcher.queuedCallsCount()).isZero();
    } finally {
      dispatcher.executorService().shutdown();
    }
  }

  @Test
  void throughTheEnginesLaneWithAShortDeadlineTheProviderHoldsNoMoreThanTheLaneAllows()
      throws Exception {
    // The engine's ProviderLane, 20 calls in flight with a 20 ms deadline, in front of a provider
    // that runs 2 at a time against a service that never answers: every call times out, the lane
    // cancels it and starts the next.
    java.util.concurrent.ExecutorService timeouts =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(2);
    dispatcher.setMaxRequestsPerHost(2);
    OkHttpClient shared = new OkHttpClient.Builder().dispatcher(dispatcher).build();
    try (WebPushProvider provider = WebPushProvider.builder().vapid(keys, SUBJECT)
        .allowHost("localhost").httpClient(shared).build()) {
      dev.herald.internal.dispatch.ProviderLane lane = new dev.herald.internal.dispatch
          .ProviderLane(20, 1000, Duration.ofMillis(20), timeouts);
      int calls = 300;
      java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(calls);
      java.util.concurrent.atomic.AtomicInteger mostHeld = new java.util.concurrent.atomic
          .AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger timedOut = new java.util.concurrent.atomic
          .AtomicInteger();
      for (int i = 0; i < calls; i++) {
        int index = i;
        lane.submit(new dev.herald.internal.dispatch.ProviderLane.Call() {
          @Override
          public Object owner() {
            return lane;
          }

          @Override
          public CompletableFuture<SendResult> start() {
            mostHeld.accumulateAndGet(provider.status().requestsInFlight()
                + provider.status().requestsQueued(), Math::max);
            return provider.send(message(index));
          }

          @Override
          public void finished(SendResult result, Throwable error) {
            if (error instanceof java.util.concurrent.TimeoutException) {
              timedOut.incrementAndGet();
            }
            finished.countDown();
          }
        });
      }
      assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
      assertThat(timedOut.get()).isEqualTo(calls);
      // The lane's 20 plus, at most, the provider's 2 running calls that were cancelled and whose
      // end OkHttp has not reported yet.
      assertThat(mostHeld.get()).isLessThanOrEqualTo(20 + 2);
      await(() -> dispatcher.runningCallsCount() + provider.status().requestsQueued() == 0);
    } finally {
      timeouts.shutdown();
      dispatcher.executorService().shutdown();
    }
  }

  @Test
  void atMostMaxQueuedRequestsWaitAndTheRestAreToldToRetryLater() throws Exception {
    try (WebPushProvider provider = WebPushProvider.builder().vapid(keys, SUBJECT)
        .allowHost("localhost").maxConcurrentRequests(2).maxConcurrentRequestsPerHost(2)
        .maxQueuedRequests(10).build()) {
      List<CompletableFuture<SendResult>> futures = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        futures.add(provider.send(message(i)));
      }
      assertThat(futures.subList(12, 50)).allSatisfy(f -> assertThat(f.getNow(null))
          .isInstanceOfSatisfying(SendResult.RetryLater.class, r -> {
            assertThat(r.reason()).contains("10 requests").contains("maxQueuedRequests");
            assertThat(r.httpStatus()).isZero();
          }));
      assertThat(futures.subList(0, 12)).allSatisfy(f -> assertThat(f).isNotDone());
      await(() -> provider.status().requestsInFlight() == 2);
      assertThat(provider.status().requestsQueued()).isEqualTo(10);
    }
    // close() completed the waiting ones: every future completes
  }

  @Test
  void closingCompletesTheSendsStillWaiting() throws Exception {
    WebPushProvider provider = WebPushProvider.builder().vapid(keys, SUBJECT)
        .allowHost("localhost").maxConcurrentRequests(1).maxConcurrentRequestsPerHost(1).build();
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      futures.add(provider.send(message(i)));
    }
    provider.close();
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new))
        .handle((v, e) -> null).get(10, TimeUnit.SECONDS);
    assertThat(futures).allSatisfy(f -> assertThat(f).isCompletedExceptionally());
    assertThat(provider.status().requestsQueued()).isZero();
  }

  @Test
  void theQueueBoundIsValidated() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> WebPushProvider.builder().maxQueuedRequests(-1))
        .hasMessageStartingWith("maxQueuedRequests: must be between");
  }

  /** Waits for the provider's threads to reach a state (no fixed sleep: polls, gives up). */
  private static void await(BooleanSupplier condition) throws InterruptedException {
    long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > giveUp) {
        throw new AssertionError("condition not reached within 10 s");
      }
      Thread.sleep(5);
    }
  }
}
