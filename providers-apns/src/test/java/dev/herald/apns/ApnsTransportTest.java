package dev.herald.apns;

import static dev.herald.apns.ApnsFixtures.KEY;
import static dev.herald.apns.ApnsFixtures.await;
import static dev.herald.apns.ApnsFixtures.message;
import static dev.herald.apns.ApnsFixtures.randomToken;
import static dev.herald.apns.ApnsFixtures.tokenProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.spi.SendResult;
import dev.herald.spi.SendResult.Outcome;
import dev.herald.testing.apns.MockApnsFault;
import dev.herald.testing.apns.MockApnsNotification;
import dev.herald.testing.apns.MockApnsServer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Many notifications at once, stream limits, and connections that misbehave. */
class ApnsTransportTest {

  private static List<CompletableFuture<SendResult>> sendMany(ApnsProvider provider, int n) {
    List<CompletableFuture<SendResult>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(provider.send(message(randomToken())));
    }
    return futures;
  }

  private static void allAccepted(List<CompletableFuture<SendResult>> futures) throws Exception {
    for (CompletableFuture<SendResult> f : futures) {
      assertThat(f.get(90, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ACCEPTED);
    }
  }

  /**
   * A provider for many notifications at once: the request timeout bounds each notification from
   * send to answer, waiting for a stream included, and the mock serves each stream on a thread
   * of its own, which is slow on a busy machine; the bound is generous so the test checks
   * behaviour, not speed.
   */
  private static ApnsProvider.Builder bulkProvider(MockApnsServer server) {
    return tokenProvider(server).requestTimeout(Duration.ofSeconds(60));
  }

  @Test
  void multiplexesManyConcurrentNotificationsOnOneConnection() throws Exception {
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).recordNotifications(false)
            .start();
        ApnsProvider provider = bulkProvider(server).connections(1).build()) {
      allAccepted(sendMany(provider, 2000));

      assertThat(server.requestCount()).isEqualTo(2000);
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void aLowServerStreamLimitQueuesNotificationsInsteadOfOpeningConnections() throws Exception {
    // OkHttp opens a new connection whenever a connection's streams are all taken. Herald hands
    // it only as many requests as the server's advertised limit, so one connection is enough.
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).maxConcurrentStreams(3)
            .recordNotifications(false).start();
        ApnsProvider provider = bulkProvider(server).connections(1)
            .maxConcurrentStreams(500).build()) {
      allAccepted(sendMany(provider, 300));

      assertThat(server.connectionCount()).isEqualTo(1);
      assertThat(provider.waitingCount()).isZero();
    }
  }

  @Test
  void usesExactlyTheConfiguredNumberOfConnections() throws Exception {
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).maxConcurrentStreams(5)
            .recordNotifications(false).start();
        ApnsProvider provider = bulkProvider(server).connections(3).build()) {
      allAccepted(sendMany(provider, 600));

      assertThat(server.connectionCount()).isEqualTo(3);
    }
  }

  @Test
  void aLightLoadUsesOneConnection() throws Exception {
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).recordNotifications(false)
            .start();
        ApnsProvider provider = tokenProvider(server).connections(4).build()) {
      for (int i = 0; i < 20; i++) {
        assertThat(await(provider.send(message(randomToken()))).outcome())
            .isEqualTo(Outcome.ACCEPTED);
      }
      assertThat(server.connectionCount()).isEqualTo(1);
    }
  }

  @Test
  void goAwayLosesNoNotification() throws Exception {
    // The mock drains every connection (GOAWAY) right after its first answer. Streams it had not
    // read are refused and Herald sends them again on a new connection; streams it had read may
    // have been delivered, so they fail instead of being sent twice.
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).start();
        ApnsProvider provider = tokenProvider(server)
            .maxConcurrentStreams(50).build()) {
      await(provider.send(message(randomToken()))); // a warm connection with room for 50 streams
      server.reset();
      server.fault(MockApnsFault.GO_AWAY_AFTER_RESPONSE);

      Map<String, CompletableFuture<SendResult>> byApnsId = new HashMap<>();
      for (int i = 0; i < 200; i++) {
        var m = dev.herald.spi.PushMessage.of("goaway-" + i,
            dev.herald.subscription.ApnsAddress.production(randomToken(), ApnsFixtures.TOPIC),
            ApnsFixtures.notification(), java.time.Instant.now());
        byApnsId.put(ApnsProvider.toApnsNotification(m, java.time.Instant.now()).apnsId()
            .orElseThrow().toString(), provider.send(m));
      }

      Set<String> accepted = new HashSet<>();
      Set<String> maybeDelivered = new HashSet<>();
      Set<String> notDelivered = new HashSet<>();
      for (Map.Entry<String, CompletableFuture<SendResult>> e : byApnsId.entrySet()) {
        try {
          assertThat(e.getValue().get(30, TimeUnit.SECONDS).outcome())
              .isEqualTo(Outcome.ACCEPTED);
          accepted.add(e.getKey());
        } catch (ExecutionException failure) {
          assertThat(failure.getCause()).isInstanceOf(IOException.class);
          String text = failure.getCause().getMessage();
          if (text.contains("may or may not have been delivered")) {
            maybeDelivered.add(e.getKey());
          } else {
            // Refused on every attempt (four connections in a row drained before reading it).
            assertThat(text).contains("refused the notification 4 times").contains("not delivered");
            notDelivered.add(e.getKey());
          }
        }
      }
      List<String> receivedIds = server.received().stream()
          .map(n -> n.apnsId().orElseThrow()).collect(Collectors.toList());
      assertThat(accepted.size() + maybeDelivered.size() + notDelivered.size()).isEqualTo(200);
      assertThat(receivedIds).as("nothing sent twice").doesNotHaveDuplicates();
      assertThat(receivedIds).as("every accepted one arrived").containsAll(accepted);
      assertThat(receivedIds).as("'may have been delivered' means it arrived")
          .containsAll(maybeDelivered);
      for (String id : notDelivered) {
        assertThat(receivedIds).as("'not delivered' means it never arrived").doesNotContain(id);
      }
      assertThat(server.connectionCount()).isGreaterThan(1);
      assertThat(accepted).isNotEmpty();
    }
  }

  @Test
  void aConnectionDroppedMidFlightFailsTheNotificationsInFlightAndRecovers() throws Exception {
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).start();
        ApnsProvider provider = tokenProvider(server).build()) {
      await(provider.send(message(randomToken())));
      server.fault(MockApnsFault.DROP_CONNECTION);

      List<CompletableFuture<SendResult>> futures = sendMany(provider, 10);
      int failed = 0;
      for (CompletableFuture<SendResult> f : futures) {
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // Those on a dropped connection fail with an IOException; one that waited for a
          // connection through the drops may reach its deadline first (a slow machine).
          assertThat(e.getCause()).isInstanceOfAny(
              IOException.class, java.util.concurrent.TimeoutException.class);
          if (e.getCause() instanceof IOException) {
            failed++;
          }
        }
      }
      assertThat(failed).isPositive();
      for (MockApnsNotification n : server.received().subList(1, server.received().size())) {
        assertThat(n.status()).as("the mock answered none while dropping").isZero();
      }

      server.fault(MockApnsFault.NONE);
      assertThat(await(provider.send(message(randomToken()))).outcome())
          .isEqualTo(Outcome.ACCEPTED);
      assertThat(server.connectionCount()).isGreaterThan(1);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutEveryNotification() throws Exception {
    try (MockApnsServer server = MockApnsServer.builder().trust(KEY).start();
        ApnsProvider provider = tokenProvider(server).connections(1)
            .requestTimeout(Duration.ofMillis(500))
            .maxConcurrentStreams(2).build()) {
      await(provider.send(message(randomToken())));
      server.fault(MockApnsFault.NO_ANSWER);

      // Two go out and hang; the other four wait for a stream that never frees in time.
      List<CompletableFuture<SendResult>> futures = sendMany(provider, 6);
      List<String> messages = new ArrayList<>();
      for (CompletableFuture<SendResult> f : futures) {
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(TimeoutException.class)
            .satisfies(e -> messages.add(e.getCause().getMessage()));
      }
      // At most two at a time went out; a waiting one either expired in the queue or, freed
      // before its deadline, went out and timed out in turn.
      assertThat(messages).allMatch(
          m -> m.contains("no answer from APNs") || m.contains("became free"));
      assertThat(messages).filteredOn(m -> m.contains("no answer from APNs")).hasSizeGreaterThanOrEqualTo(2);
      assertThat(server.received().size() - 1)
          .isEqualTo(messages.stream().filter(m -> m.contains("no answer")).count());
    }
  }

  @Test
  void closingFailsNotificationsInFlightAndWaiting() throws Exception {
    MockApnsServer server = MockApnsServer.builder().trust(KEY).start();
    try (server) {
      ApnsProvider provider = tokenProvider(server).connections(1)
          .maxConcurrentStreams(1).build();
      await(provider.send(message(randomToken())));
      server.fault(MockApnsFault.NO_ANSWER);
      List<CompletableFuture<SendResult>> futures = sendMany(provider, 3);

      provider.close();

      for (CompletableFuture<SendResult> f : futures) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
            .hasCauseInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
      }
    }
  }
}
