package dev.herald.benchmarks.fcm;

import com.google.api.client.http.HttpTransport;
import com.google.api.client.http.LowLevelHttpRequest;
import com.google.firebase.internal.ApacheHttp2Transport;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClientBuilder;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.http2.config.H2Config;

/**
 * firebase-admin's own HTTP/2 transport ({@link ApacheHttp2Transport}, its default since 9.4.0),
 * configured exactly as {@code ApacheHttp2Transport.defaultHttpAsyncClientBuilder()} does except
 * that TLS also trusts the mock's certificate, with every {@code https://fcm.googleapis.com} URL
 * rewritten to the mock's base URL. firebase-admin 9.11.0 has no public root-URL override for
 * messaging, so the rewrite happens here, below {@code FirebaseOptions.setHttpTransport}.
 */
public final class RedirectingTransport extends HttpTransport {
  private static final String FCM = "https://fcm.googleapis.com";
  private static final MethodHandle BUILD_REQUEST;

  static {
    try {
      BUILD_REQUEST = MethodHandles.privateLookupIn(ApacheHttp2Transport.class, MethodHandles.lookup())
          .findVirtual(ApacheHttp2Transport.class, "buildRequest",
              MethodType.methodType(LowLevelHttpRequest.class, String.class, String.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final ApacheHttp2Transport delegate;
  private final String target;

  public RedirectingTransport(SSLContext trust, String target) {
    this.target = target;
    PoolingAsyncClientConnectionManager connections =
        PoolingAsyncClientConnectionManagerBuilder.create()
            .setMaxConnTotal(200)
            .setMaxConnPerRoute(100)
            .setDefaultConnectionConfig(ConnectionConfig.custom().build())
            .setDefaultTlsConfig(
                TlsConfig.custom().setVersionPolicy(HttpVersionPolicy.NEGOTIATE).build())
            .setTlsStrategy(ClientTlsStrategyBuilder.create().setSslContext(trust).build())
            .build();
    CloseableHttpAsyncClient client =
        HttpAsyncClientBuilder.create()
            .setH2Config(H2Config.custom().setMaxConcurrentStreams(100).build())
            .setHttp1Config(Http1Config.DEFAULT)
            .setConnectionManager(connections)
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .build();
    this.delegate = new ApacheHttp2Transport(client);
  }

  @Override
  protected LowLevelHttpRequest buildRequest(String method, String url) throws IOException {
    String rewritten = url.startsWith(FCM) ? target + url.substring(FCM.length()) : url;
    try {
      return (LowLevelHttpRequest) BUILD_REQUEST.invoke(delegate, method, rewritten);
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IOException(e);
    }
  }

  @Override
  public boolean supportsMethod(String method) throws IOException {
    return delegate.supportsMethod(method);
  }

  @Override
  public void shutdown() throws IOException {
    delegate.shutdown();
  }
}
