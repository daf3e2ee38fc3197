package dev.herald.fcm.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

/** Runs one OkHttp call asynchronously and completes a future with what the server answered. */
public final class HttpExchange {
  /** The most response-body bytes read; FCM and OAuth2 answers are far smaller. */
  static final long MAX_BODY_BYTES = 64 * 1024;

  private HttpExchange() {}

  /**
   * What the server answered.
   *
   * @param status the HTTP status
   * @param body the response body (at most {@value #MAX_BODY_BYTES} bytes), decoded as UTF-8
   * @param retryAfter the Retry-After header, or null
   * @param location the Location header (of a redirect), or null
   */
  public record Answer(int status, String body, String retryAfter, String location) {
    /** Never prints the body, which may hold an access token. */
    @Override
    public String toString() {
      return "Answer{status=" + status + ", retryAfter=" + retryAfter + "}";
    }
  }

  /**
   * Reads a response: its status, at most {@value #MAX_BODY_BYTES} bytes of body as UTF-8 (the
   * encoding of JSON; the Content-Type is not parsed on this hot path), and Retry-After.
   *
   * @param response the response; the caller closes it
   * @return the answer
   * @throws IOException when the body cannot be read
   */
  public static Answer read(Response response) throws IOException {
    BufferedSource source = response.body().source();
    source.request(MAX_BODY_BYTES);
    Buffer buffer = source.getBuffer();
    String body = buffer.readString(Math.min(buffer.size(), MAX_BODY_BYTES), StandardCharsets.UTF_8);
    return new Answer(
        response.code(), body, response.header("Retry-After"), response.header("Location"));
  }

  /**
   * Enqueues the call; the future fails with the transport's {@link IOException} when no answer
   * arrived (refused, reset, timed out, cancelled). Cancelling the future cancels the call.
   *
   * @param client the client
   * @param request the request
   * @return the answer
   */
  public static CompletableFuture<Answer> execute(OkHttpClient client, Request request) {
    CompletableFuture<Answer> future = new CompletableFuture<>();
    Call call = client.newCall(request);
    future.whenComplete((answer, failure) -> {
      if (future.isCancelled()) {
        call.cancel();
      }
    });
    call.enqueue(new Callback() {
      @Override
      public void onFailure(Call c, IOException e) {
        future.completeExceptionally(e);
      }

      @Override
      public void onResponse(Call c, Response response) {
        try (response) {
          future.complete(read(response));
        } catch (IOException e) {
          future.completeExceptionally(e);
        } catch (RuntimeException e) {
          future.completeExceptionally(e);
        }
      }
    });
    return future;
  }
}
