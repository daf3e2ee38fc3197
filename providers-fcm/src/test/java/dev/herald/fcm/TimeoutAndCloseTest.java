package dev.herald.fcm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.herald.spi.SendResult;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

/** Every future completes: a service that never answers times out, and close() fails the rest. */
class TimeoutAndCloseTest {
  /** Grants tokens at once; holds every send until the latch opens or the test ends. */
  private static final class Stalling extends Dispatcher {
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch sendArrived = new CountDownLatch(1);

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
      if (request.getUrl().encodedPath().equals("/token")) {
        return TlsServer.json(200, "{\"access_token\":\"t\",\"expires_in\":3600}");
      }
      sendArrived.countDown();
      release.await(30, TimeUnit.SECONDS);
      return TlsServer.json(200, "{\"name\":\"n\"}");
    }
  }

  @Test
  void aServiceThatNeverAnswersFailsTheSendAfterTheRequestTimeout() throws Exception {
    Stalling stalling = new Stalling();
    try (TlsServer tls = new TlsServer(stalling);
        FcmProvider fcm = tls.provider().requestTimeout(Duration.ofMillis(300)).build()) {
      CompletableFuture<SendResult> send =
          fcm.send(Fixtures.message("tok", Fixtures.notification(), Instant.now()));

      assertThatThrownBy(() -> send.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          // A TimeoutException, which the dispatcher reads as "FCM may have the message".
          .hasCauseInstanceOf(java.util.concurrent.TimeoutException.class);
      stalling.release.countDown();
    }
  }

  @Test
  void closeFailsTheSendsInFlight() throws Exception {
    Stalling stalling = new Stalling();
    try (TlsServer tls = new TlsServer(stalling)) {
      FcmProvider fcm = tls.provider().build();
      CompletableFuture<SendResult> send =
          fcm.send(Fixtures.message("tok", Fixtures.notification(), Instant.now()));
      assertThat(stalling.sendArrived.await(20, TimeUnit.SECONDS)).isTrue();

      fcm.close();

      assertThatThrownBy(() -> send.get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(IOException.class);
      stalling.release.countDown();
    }
  }
}
