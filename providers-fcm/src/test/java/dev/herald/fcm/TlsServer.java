package dev.herald.fcm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;

/** A MockWebServer speaking HTTP/2 over TLS with a throw-away certificate, for scripted answers. */
final class TlsServer implements AutoCloseable {
  final MockWebServer server = new MockWebServer();
  final HeldCertificate certificate =
      new HeldCertificate.Builder().addSubjectAlternativeName("localhost")
          .addSubjectAlternativeName("127.0.0.1").duration(1, TimeUnit.DAYS).build();

  TlsServer(Dispatcher dispatcher) {
    server.useHttps(
        new HandshakeCertificates.Builder().heldCertificate(certificate).build().sslSocketFactory());
    server.setDispatcher(dispatcher);
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String baseUrl() {
    String url = server.url("/").toString();
    return url.substring(0, url.length() - 1);
  }

  String tokenUri() {
    return baseUrl() + "/token";
  }

  FcmProvider.Builder provider() {
    return FcmProvider.builder()
        .serviceAccount(ServiceAccount.fromJson(Fixtures.serviceAccountJson(tokenUri())))
        .baseUrl(baseUrl())
        .trustCertificate(certificate.certificate());
  }

  static MockResponse json(int status, String body) {
    return new MockResponse.Builder().code(status).addHeader("Content-Type", "application/json")
        .body(body).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
