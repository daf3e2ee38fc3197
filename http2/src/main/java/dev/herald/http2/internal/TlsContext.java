package dev.herald.http2.internal;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The JDK's TLS for a push service connection: the platform's trusted roots plus any extra
 * certificates (a local mock's), an optional client certificate (APNs certificate
 * authentication), and ALPN offering only {@code h2}. Verification is never turned off; the
 * host name is checked by {@link Pool} on each engine.
 */
final class TlsContext {
  private TlsContext() {}

  static SslContext create(List<X509Certificate> extraTrusted, KeyManager[] keyManagers) {
    try {
      X509TrustManager trust = trustManager(null);
      if (!extraTrusted.isEmpty()) {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (X509Certificate root : trust.getAcceptedIssuers()) {
          anchors.setCertificateEntry("platform-" + i++, root);
        }
        for (X509Certificate extra : extraTrusted) {
          anchors.setCertificateEntry("extra-" + i++, extra);
        }
        trust = trustManager(anchors);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trust}, null);
      ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);
      return new JdkSslContext(context, true, null, IdentityCipherSuiteFilter.INSTANCE, alpn,
          ClientAuth.NONE, null, false);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not set up TLS: " + e, e);
    }
  }

  private static X509TrustManager trustManager(KeyStore anchors) throws GeneralSecurityException {
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(anchors);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x509) {
        return x509;
      }
    }
    throw new GeneralSecurityException("no X509TrustManager");
  }
}
