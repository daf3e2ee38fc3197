package dev.herald.benchmarks.webpush;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Protocol;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/**
 * A local server that answers every request {@code 201 Created} without decrypting or verifying
 * anything: the ceiling of what a client can push through this machine, with the server's work
 * kept as small as MockWebServer allows.
 */
public final class AnsweringServer implements AutoCloseable {
  private final MockWebServer server = new MockWebServer();
  private final HeldCertificate certificate;

  public AnsweringServer(boolean https) throws IOException {
    if (https) {
      certificate = new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
          .ecdsa256().build();
      server.useHttps(new HandshakeCertificates.Builder().heldCertificate(certificate).build()
          .sslSocketFactory());
      server.setProtocols(List.of(Protocol.HTTP_2, Protocol.HTTP_1_1));
    } else {
      certificate = null;
      server.setProtocols(List.of(Protocol.HTTP_1_1));
    }
    MockResponse created = new MockResponse.Builder().code(201)
        .addHeader("Location", "/message/1").build();
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        server.takeRequest(0, TimeUnit.NANOSECONDS); // keep MockWebServer's request log empty
        return created;
      }
    });
    server.start(InetAddress.getByName("localhost"), 0);
  }

  public String endpoint() {
    return server.url("/push/bench").toString();
  }

  public X509Certificate certificate() {
    return certificate.certificate();
  }

  @Override
  public void close() {
    server.close();
  }
}
