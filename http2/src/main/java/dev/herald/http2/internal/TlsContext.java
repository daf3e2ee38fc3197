package dev.herald.http2.internal;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for a push service connection: the platform's trusted roots plus any extra certificates (a
 * local mock's), an optional client certificate (APNs certificate authentication), and ALPN
 * offering only {@code h2}. Verification is never turned off; the host name is checked by
 * {@link Pool} on each engine.
 *
 * <p>The JDK's TLS by default. When the host put {@code io.netty:netty-tcnative-boringssl-static}
 * on the class path and it loads with ALPN, BoringSSL does the record encryption instead (the
 * same trust manager still decides which certificates are trusted); Netty's
 * {@code -Dio.netty.handler.ssl.noOpenSsl=true} keeps the JDK's.
 */
final class TlsContext {
  /** Whether connections encrypt with OpenSSL (BoringSSL) rather than the JDK. */
  static final boolean OPENSSL = OpenSsl.isAvailable() && OpenSsl.isAlpnSupported();

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
      ApplicationProtocolConfig alpn = new ApplicationProtocolConfig(
          ApplicationProtocolConfig.Protocol.ALPN,
          ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
          ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
          ApplicationProtocolNames.HTTP_2);
      if (OPENSSL) {
        return openSsl(trust, keyManagers, alpn);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trust}, null);
      return new JdkSslContext(context, true, null, IdentityCipherSuiteFilter.INSTANCE, alpn,
          ClientAuth.NONE, null, false);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("could not set up TLS: " + e, e);
    }
  }

  private static SslContext openSsl(X509TrustManager trust, KeyManager[] keyManagers,
      ApplicationProtocolConfig alpn) throws SSLException {
    SslContextBuilder builder = SslContextBuilder.forClient()
        .sslProvider(SslProvider.OPENSSL)
        .trustManager(trust)
        .applicationProtocolConfig(alpn);
    if (keyManagers != null && keyManagers.length > 0) {
      builder.keyManager(keyManagers[0]);
    }
    return builder.build();
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
