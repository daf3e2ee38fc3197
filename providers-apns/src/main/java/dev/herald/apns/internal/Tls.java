package dev.herald.apns.internal;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The TLS set-up of APNs connections: the platform's trusted roots plus any extra certificates
 * (a local mock's), and the client certificate for certificate authentication. Verification is
 * never turned off.
 *
 * @param socketFactory creates TLS sockets with that set-up
 * @param trustManager the trust manager OkHttp needs for certificate-chain cleaning
 */
record Tls(SSLSocketFactory socketFactory, X509TrustManager trustManager) {

  /**
   * The TLS set-up, or null when the platform defaults apply.
   *
   * @param extraTrusted certificates trusted in addition to the platform's roots
   * @param keyManagers the client certificate's key managers, or null
   * @return the set-up, or null for OkHttp's default
   */
  static Tls create(List<X509Certificate> extraTrusted, KeyManager[] keyManagers) {
    if (extraTrusted.isEmpty() && keyManagers == null) {
      return null;
    }
    try {
      X509TrustManager platform = trustManager(null);
      X509TrustManager trust = platform;
      if (!extraTrusted.isEmpty()) {
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (X509Certificate root : platform.getAcceptedIssuers()) {
          anchors.setCertificateEntry("platform-" + i++, root);
        }
        for (X509Certificate extra : extraTrusted) {
          anchors.setCertificateEntry("extra-" + i++, extra);
        }
        trust = trustManager(anchors);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers, new TrustManager[] {trust}, null);
      return new Tls(context.getSocketFactory(), trust);
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("could not set up TLS for APNs: " + e, e);
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
