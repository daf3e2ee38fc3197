package dev.herald.http2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client against servers that misbehave: every future ends, with the answer or a failure
 * that says whether the server may have the request. Deadlines are short so the tests are quick;
 * the 20-second waits only keep a broken client from hanging the build.
 */
class Http2ClientTest {
  private static final byte[] BODY = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

  private static Http2Client.Builder client(TestH2Server server) {
    return Http2Client.builder("test", URI.create("https://localhost:" + server.port()))
        .trust(List.of(server.cert()))
        .requestTimeout(Duration.ofSeconds(10));
  }

  private static Http2Request request(String path) {
    return Http2Request.post(path, BODY, "content-type", "application/json");
  }

  private static Throwable failure(CompletableFuture<Http2Response> f) {
    try {
      f.get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (Exception e) {
      throw new AssertionError("the future did not complete", e);
    }
    throw new AssertionError("the future succeeded");
  }

  /**
   * Opens the connection with a short deadline: on a busy machine the TLS handshake alone can
   * take longer, so a few tries are allowed.
   */
  private static void warmUp(Http2Client client) throws Exception {
    for (int i = 0; i < 30; i++) {
      try {
        if (client.send(request("/ok")).get(20, TimeUnit.SECONDS).status() == 200) {
          return;
        }
      } catch (ExecutionException slow) {
        // try again on the connection that is now open or opening
      }
    }
    throw new AssertionError("could not open a connection");
  }

  @Test
  void multiplexesWithinTheServersStreamLimitOnOneConnection() throws Exception {
    try (TestH2Server server = new TestH2Server(5);
        Http2Client client = client(server).maxConnections(1).build()) {
      List<CompletableFuture<Http2Response>> futures = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        futures.add(client.send(request("/ok")));
      }
      for (CompletableFuture<Http2Response> f : futures) {
        Http2Response r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyUtf8()).isEqualTo("ok");
        assertThat(r.header("x-connection")).contains("1");
      }
      assertThat(server.connections.get()).isEqualTo(1);
      assertThat(server.maxActive.get()).isLessThanOrEqualTo(5);
      assertThat(client.requestsInFlight()).isZero();
      assertThat(client.requestsQueued()).isZero();
      assertThat(client.connectionsOpen()).isEqualTo(1);
    }
  }

  @Test
  void unindexedHeadersKeepTheRepeatedOnesInTheHpackTable() throws Exception {
    // Each path names another device. Indexed, 100 of them would push the long repeated token
    // out of the server's 4 KiB HPACK table again and again, and the token would go out in full.
    String token = "bearer " + "t".repeat(300);
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = client(server).maxConnections(1)
            .connectionHeader("authorization", id -> token)
            .unindexedHeaders(":path").build()) {
      warmUp(client);
      server.headerFrameSizes.clear();
      java.util.Random random = new java.util.Random(1);
      for (int i = 0; i < 100; i++) {
        byte[] device = new byte[32];
        random.nextBytes(device);
        assertThat(client.send(request("/3/device/" + java.util.HexFormat.of().formatHex(device))).get(20, TimeUnit.SECONDS)
            .status()).isEqualTo(200);
      }
      assertThat(server.headerFrameSizes).hasSize(100);
      // The path (74 bytes) as a literal, every other header by its index.
      assertThat(server.headerFrameSizes).allSatisfy(size -> assertThat(size).isLessThan(100));
    }
  }

  @Test
  void unindexedHeaderNamesAreLowerCase() {
    assertThatThrownBy(() -> Http2Client.builder("test", URI.create("https://localhost"))
        .unindexedHeaders("Apns-Id"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Apns-Id");
  }

  @Test
  void opensMoreConnectionsUpToTheMaximumWhenRequestsWait() throws Exception {
    try (TestH2Server server = new TestH2Server(2);
        Http2Client client = client(server).maxConnections(3).build()) {
      List<CompletableFuture<Http2Response>> futures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        futures.add(client.send(request("/ok")));
      }
      for (CompletableFuture<Http2Response> f : futures) {
        assertThat(f.get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      }
      assertThat(server.connections.get()).isEqualTo(3);
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutSentAndWaitingRequests() throws Exception {
    try (TestH2Server server = new TestH2Server(1);
        Http2Client client = client(server).requestTimeout(Duration.ofMillis(300)).build()) {
      warmUp(client);
      int connections = server.connections.get();
      CompletableFuture<Http2Response> sent = client.send(request("/never"));
      CompletableFuture<Http2Response> waiting = client.send(request("/never"));

      Throwable first = failure(sent);
      Throwable second = failure(waiting);
      assertThat(first).isInstanceOf(Http2TimeoutException.class);
      assertThat(((Http2TimeoutException) first).sent()).isTrue();
      assertThat(first).hasMessageContaining("no answer from test at localhost");
      assertThat(second).isInstanceOf(Http2TimeoutException.class);
      assertThat(((Http2TimeoutException) second).sent()).isFalse();
      assertThat(second).hasMessageContaining("the request was not sent");
      // The abandoned stream was reset, so the connection has room again.
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(server.connections.get()).isEqualTo(connections);
    }
  }

  @Test
  void aServerThatAcceptsTheConnectionAndNeverSpeaksEndsEveryFuture() throws Exception {
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    try (ServerSocket silent = new ServerSocket(0)) {
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept()); // never read, never write
          }
        } catch (java.io.IOException closed) {
          // done
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      try (Http2Client client = Http2Client.builder("silent",
              URI.create("https://localhost:" + silent.getLocalPort()))
          .requestTimeout(Duration.ofMillis(300)).build()) {
        List<CompletableFuture<Http2Response>> futures = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          futures.add(client.send(request("/ok")));
        }
        for (CompletableFuture<Http2Response> f : futures) {
          Throwable t = failure(f);
          assertThat(t).isInstanceOfAny(Http2TimeoutException.class,
              Http2TransportException.class);
          if (t instanceof Http2TransportException e) {
            assertThat(e.kind()).isEqualTo(Http2TransportException.Kind.CONNECT);
          }
        }
      } finally {
        for (Socket s : accepted) {
          s.close();
        }
      }
    }
  }

  @Test
  void aGoAwayMidFlightSendsTheUnprocessedStreamsAgainOnANewConnection() throws Exception {
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = client(server).build()) {
      List<CompletableFuture<Http2Response>> futures = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        futures.add(client.send(request("/goaway")));
      }
      List<String> servedBy = new ArrayList<>();
      for (CompletableFuture<Http2Response> f : futures) {
        Http2Response r = f.get(20, TimeUnit.SECONDS);
        assertThat(r.status()).isEqualTo(200);
        servedBy.add(r.header("x-connection").orElseThrow());
      }
      // The first stream was at or below the last stream id and answered on the first
      // connection; the other two were above it, never processed, and went to a new one.
      assertThat(servedBy).containsExactlyInAnyOrder("1", "2", "2");
      assertThat(server.connections.get()).isEqualTo(2);
    }
  }

  @Test
  void aRefusedStreamIsSentAgainAndAResetStreamFails() throws Exception {
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = client(server).maxConnections(1).build()) {
      CompletableFuture<Http2Response> reset = client.send(request("/reset"));
      Throwable t = failure(reset);
      assertThat(t).isInstanceOf(Http2TransportException.class)
          .hasMessageContaining("reset the stream (INTERNAL_ERROR)");
      assertThat(((Http2TransportException) t).maybeProcessed()).isTrue();

      CompletableFuture<Http2Response> refused = client.send(request("/refuse"));
      Throwable r = failure(refused);
      // Refused on every attempt (one connection, always refusing): it was never processed.
      assertThat(r).isInstanceOf(Http2TransportException.class);
      assertThat(((Http2TransportException) r).kind())
          .isEqualTo(Http2TransportException.Kind.REFUSED);
      assertThat(((Http2TransportException) r).maybeProcessed()).isFalse();
      assertThat(((Http2TransportException) r).attempts()).isEqualTo(4);
    }
  }

  @Test
  void aDroppedConnectionFailsTheRequestsInFlightAndTheNextGoesOnANewOne() throws Exception {
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = client(server).build()) {
      CompletableFuture<Http2Response> held = client.send(request("/never"));
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      CompletableFuture<Http2Response> dropped = client.send(request("/drop"));

      for (Throwable t : List.of(failure(held), failure(dropped))) {
        assertThat(t).isInstanceOf(Http2TransportException.class);
        assertThat(((Http2TransportException) t).maybeProcessed()).isTrue();
        assertThat(t).hasMessageContaining("closed with the request in flight");
      }
      Http2Response after = client.send(request("/ok")).get(20, TimeUnit.SECONDS);
      assertThat(after.header("x-connection")).contains("2");
    }
  }

  @Test
  void nothingListeningFailsWithAConnectFailure() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (Http2Client client = Http2Client.builder("nobody", URI.create("https://localhost:" + port))
        .build()) {
      Throwable t = failure(client.send(request("/ok")));
      assertThat(t).isInstanceOf(Http2TransportException.class)
          .hasMessageContaining("could not connect to nobody at localhost:" + port);
    }
  }

  @Test
  void aServerWithoutAlpnIsSpokenToInHttp2() throws Exception {
    // Prior knowledge over TLS, as Pushy's mock server does by default.
    try (TestH2Server server = new TestH2Server(100, null);
        Http2Client client = client(server).build()) {
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
    }
  }

  @Test
  void anUntrustedCertificateIsRefused() throws Exception {
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = Http2Client.builder("test",
            URI.create("https://localhost:" + server.port())).build()) {
      Throwable t = failure(client.send(request("/ok")));
      assertThat(t).isInstanceOf(Http2TransportException.class)
          .hasMessageContaining("could not connect");
      assertThat(server.requests.get()).isZero();
    }
  }

  @Test
  void aCertificateForAnotherHostIsRefused() throws Exception {
    // Trusted, but issued to localhost: connecting by another name must fail the host-name
    // check, with the JDK's TLS and with OpenSSL alike.
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = Http2Client.builder("test",
                URI.create("https://push.example.test:" + server.port()))
            .trust(List.of(server.cert()))
            .resolver(host -> new java.net.InetAddress[] {
                java.net.InetAddress.getByName("localhost")})
            .build()) {
      Throwable t = failure(client.send(request("/ok")));
      assertThat(t).isInstanceOf(Http2TransportException.class)
          .hasMessageContaining("could not connect");
      assertThat(server.requests.get()).isZero();
    }
  }

  @Test
  void closingFailsWaitingAndInFlightRequestsAndLaterSends() throws Exception {
    try (TestH2Server server = new TestH2Server(1)) {
      Http2Client client = client(server).build();
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      CompletableFuture<Http2Response> inFlight = client.send(request("/never"));
      CompletableFuture<Http2Response> waiting = client.send(request("/never"));
      client.close();
      assertThat(failure(inFlight)).isInstanceOf(IllegalStateException.class);
      assertThat(failure(waiting)).isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> client.send(request("/ok")).get(20, TimeUnit.SECONDS))
          .hasCauseInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void cancellingFreesTheStreamAndTheQueueSlot() throws Exception {
    try (TestH2Server server = new TestH2Server(1);
        Http2Client client = client(server).build()) {
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      CompletableFuture<Http2Response> onTheWire = client.send(request("/never"));
      CompletableFuture<Http2Response> waiting = client.send(request("/never"));
      assertThat(client.requestsQueued()).isEqualTo(1);

      waiting.cancel(false);
      assertThat(client.requestsQueued()).isZero();
      onTheWire.cancel(false);

      // The stream was reset, so the single stream is free for the next request.
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      assertThat(server.connections.get()).isEqualTo(1);
    }
  }

  @Test
  void anIdleConnectionIsPingedAndClosedWhenThePingGoesUnanswered() throws Exception {
    try (TestH2Server server = new TestH2Server(100);
        Http2Client client = client(server).pingInterval(Duration.ofMillis(200)).build()) {
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      server.answerPings = false;

      // Polls the client's state: the ping interval is real time, not a clock Herald reads.
      for (int i = 0; i < 1000 && client.connectionsOpen() > 0; i++) {
        Thread.sleep(20);
      }
      assertThat(client.connectionsOpen()).isZero();
      assertThat(server.pings.get()).isPositive();
      // The next request opens a new connection.
      Http2Response after = client.send(request("/ok")).get(20, TimeUnit.SECONDS);
      assertThat(after.header("x-connection")).contains("2");
    }
  }

  @Test
  void aFullQueueRefusesAtOnce() throws Exception {
    try (TestH2Server server = new TestH2Server(1);
        Http2Client client = client(server).maxQueued(2).build()) {
      assertThat(client.send(request("/ok")).get(20, TimeUnit.SECONDS).status()).isEqualTo(200);
      client.send(request("/never"));
      client.send(request("/never"));
      client.send(request("/never"));
      Throwable t = failure(client.send(request("/never")));
      assertThat(t).isInstanceOf(Http2TransportException.class);
      assertThat(((Http2TransportException) t).kind())
          .isEqualTo(Http2TransportException.Kind.QUEUE_FULL);
      assertThat(client.requestsQueued()).isEqualTo(2);
      assertThat(client.requestsInFlight()).isEqualTo(1);
    }
  }
}
